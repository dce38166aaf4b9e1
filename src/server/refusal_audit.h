// Anonymous refusals, counted rather than audited one by one (issue 17, M3).
//
// Every request to an audited route is audited, allowed or refused -- except a refusal of a
// caller who is not authenticated at all (no, a malformed, an unknown or an expired session; a
// malformed or throttled login). Such refusals cost an attacker nothing and would let anyone write
// megabytes a second into the append-only audit trail. So per client address the first such
// refusal of each window (a minute) is audited, with a detail saying that the rest of the window
// is counted; the count of a window is logged (`anonymous_refusals`) when the window is over.
// Every request of an authenticated caller, every evaluated login (right or wrong password) and
// every read and write of patient data stays audited one by one.
#ifndef LDN_SERVER_REFUSAL_AUDIT_H_
#define LDN_SERVER_REFUSAL_AUDIT_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/store.h"

namespace ldn::server {

// Thread-safe.
class RefusalAggregator {
 public:
  // `max_sources` bounds the memory: past it, further addresses share one entry ("*").
  RefusalAggregator(std::chrono::seconds window, size_t max_sources);

  // A window of one source that has ended, with how many refusals it had.
  struct Closed {
    std::string source;
    store::Instant window_start;
    int64_t refusals = 0;
  };
  // Notes one anonymous refusal from `source` at `now`. True when it is the first of the source's
  // window (audit it); false when it is only counted. Windows that have ended (of any source) are
  // appended to `closed`, each once.
  bool Note(const std::string& source, store::Instant now, std::vector<Closed>& closed);
  // Every window still open (at shutdown).
  std::vector<Closed> Drain();

 private:
  struct Window {
    store::Instant start;
    int64_t refusals = 0;
  };
  void Sweep(store::Instant now, std::vector<Closed>& closed);  // REQUIRES: mu_ held

  std::chrono::seconds window_;
  size_t max_sources_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;  // guarded by mu_
  store::Instant last_sweep_{};                      // guarded by mu_
};

}  // namespace ldn::server

#endif  // LDN_SERVER_REFUSAL_AUDIT_H_
