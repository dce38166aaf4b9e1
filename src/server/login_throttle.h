// Login throttling (OWASP ASVS 4.0.3 §2.2.1; NIST SP 800-63B §5.2.2): progressive delays instead
// of a hard lock, so that an attacker cannot lock a user out by failing on purpose (issue 17, M1,
// H3), and one lock only after 100 consecutive failures, which an administrator lifts.
//
// Every login attempt is counted, before the password is checked, against three keys:
//   acct-addr:USER|ADDRESS  this account from this client address: 5 attempts free, then the
//                           next waits 1 s, 2 s, 4 s, ... at most 15 min (forgotten after 24 h
//                           without a failure). The attacker's own address slows down; the user
//                           at theirs does not.
//   acct:USER               this account from anywhere (a spread-out attack): 20 free, then 1 s,
//                           2 s, ... at most 60 s; after 100 consecutive failures (NIST
//                           §5.2.2's limit) the account is locked, logged and audited, until an
//                           administrator unlocks it (PATCH /users/{id} {"unlock": true}).
//   addr:ADDRESS            this client address against any account (password spraying): 20
//                           free within an hour, then 1 s, 2 s, ... at most 15 min.
// USER is the username as typed, lower-cased (unknown usernames are throttled alike, so the
// answers do not tell which exist); ADDRESS is the client address (client_address.h). A success
// forgets the account's two keys and takes its attempt back from the address's count.
//
// Counting before checking makes the check and the record one atomic step (store.h,
// CountLoginAttempt): a burst of parallel attempts is counted one by one and cannot slip past a
// threshold (issue 17, L1).
#ifndef LDN_SERVER_LOGIN_THROTTLE_H_
#define LDN_SERVER_LOGIN_THROTTLE_H_

#include <chrono>
#include <optional>
#include <string>

#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

struct ThrottlePolicy {
  int account_address_free = 5;
  std::chrono::seconds account_address_max_delay{15 * 60};
  std::chrono::seconds account_address_forget{24 * 3600};
  int account_free = 20;
  std::chrono::seconds account_max_delay{60};
  int account_lock_after = 100;  // NIST SP 800-63B §5.2.2: at most 100 consecutive failures
  std::chrono::seconds account_forget{24 * 3600};
  int address_free = 20;
  std::chrono::seconds address_max_delay{15 * 60};
  std::chrono::seconds address_forget{3600};
};

// The delay before the next attempt after `failures` counted attempts: 0 up to `free`, then
// 2^(failures - free) seconds, at most `max`.
std::chrono::seconds ProgressiveDelay(int64_t failures, int free, std::chrono::seconds max);

struct ThrottleKeys {
  std::string account_address, account, address;
};
ThrottleKeys KeysFor(std::string_view username, std::string_view address);
// The account key alone (an administrator's unlock, the user list's lock flag).
std::string AccountKey(std::string_view username);

// The outcome of counting an attempt.
struct AttemptAdmission {
  bool allowed = false;
  bool locked = false;                   // the account is locked (not allowed)
  std::chrono::seconds retry_after{0};   // when not allowed and not locked
  std::string refused_by;                // "account", "account_address" or "address"
};

// Counts one attempt on the three keys in one transaction; when any key refuses, nothing is
// counted and the answer says which and for how long. Store failures are returned.
Result<AttemptAdmission> CountAttempt(store::Store& store, const ThrottleKeys& keys, store::Instant now,
                                      const ThrottlePolicy& policy);
// After a success: forgets the account keys, takes the attempt back from the address.
Status AttemptSucceeded(store::Store& store, const ThrottleKeys& keys);
// After an attempt that was neither a success nor a failure (the password was right and the
// second factor is still to come): takes the attempt back from all three keys and lets the next
// one through at once.
Status AttemptReleased(store::Store& store, const ThrottleKeys& keys, store::Instant now);
// After a failure: locks the account when it has reached policy.account_lock_after consecutive
// failures. True when this call locked it (the caller logs and audits the lockout).
Result<bool> AttemptFailed(store::Store& store, const ThrottleKeys& keys, store::Instant now,
                           const ThrottlePolicy& policy);

}  // namespace ldn::server

#endif  // LDN_SERVER_LOGIN_THROTTLE_H_
