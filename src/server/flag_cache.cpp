#include "server/flag_cache.h"

#include "server/api_util.h"
#include "server/interlocks.h"

namespace ldn::server {

Result<nlohmann::json> FlagCache::Flags(store::Store& st, const store::Patient& patient, int64_t revision,
                                        store::Instant now, PatientAnalysis* analysis) {
  const LocalDate today = PatientToday(patient, now);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(patient.id);
    if (it != entries_.end() && it->second.revision == revision && it->second.today == today &&
        it->second.time_zone == patient.time_zone) {
      ++hits_;
      return it->second.flags;
    }
    ++misses_;
  }
  // Computed outside the lock: two requests may compute the same patient at once (both correct).
  // A change committed after `revision` was read may already be in these flags; they are kept
  // under the older revision, so the next request, which reads the newer one, computes again.
  LDN_ASSIGN_OR_RETURN(nlohmann::json flags, PatientFlagsJson(st, patient, now, analysis));
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kMaxPatients && entries_.find(patient.id) == entries_.end()) entries_.clear();
  entries_[patient.id] = Entry{revision, today, patient.time_zone, flags};
  return flags;
}

void FlagCache::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

uint64_t FlagCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

uint64_t FlagCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

}  // namespace ldn::server
