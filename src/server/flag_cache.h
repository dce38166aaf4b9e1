// The flags of many patients at once, for the clinician's panel (issue 13, item 5): each patient's
// flags (interlocks.h, PatientFlagsJson) are kept in memory with the revision of the patient's
// record (store.h, ListPatientRevisions: triggers move it on every change, whoever writes) and the
// patient's local date, and computed again only when either moved. A panel of 1,000 patients then
// costs one query plus the changed patients (docs/benchmarks.md). Thread-safe. Internal to the
// server layer.
#ifndef LDN_SERVER_FLAG_CACHE_H_
#define LDN_SERVER_FLAG_CACHE_H_

#include <cstdint>
#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

struct PatientAnalysis;  // interlocks.h

class FlagCache {
 public:
  // At most this many patients are kept; past it the cache starts again empty.
  static constexpr size_t kMaxPatients = 50000;

  // The flags of `patient` at `now`, exactly as PatientFlagsJson(store, patient, now) computes
  // them, from the cache when the patient's `revision` and local date (and time zone) are those
  // they were computed at. `analysis`, when given, receives the analysis when the flags are
  // computed now and is left untouched on a cache hit. Fails as PatientFlagsJson does (nothing is
  // kept then).
  Result<nlohmann::json> Flags(store::Store& store, const store::Patient& patient, int64_t revision, store::Instant now,
                               PatientAnalysis* analysis = nullptr);
  // Forgets everything (benchmarks of a cold start).
  void Clear();
  // How many Flags calls were answered from the cache, and how many computed (tests, benchmarks).
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  struct Entry {
    int64_t revision = 0;
    LocalDate today{};
    std::string time_zone;
    nlohmann::json flags;
  };
  mutable std::mutex mu_;
  std::map<store::Id, Entry> entries_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace ldn::server

#endif  // LDN_SERVER_FLAG_CACHE_H_
