#include "server/login_throttle.h"

#include <algorithm>

namespace ldn::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s.substr(0, 64));
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
  return out;
}

}  // namespace

std::chrono::seconds ProgressiveDelay(int64_t failures, int free, std::chrono::seconds max) {
  if (failures < free) return std::chrono::seconds(0);
  const int64_t exponent = failures - free;
  if (exponent >= 30) return max;
  return std::min(max, std::chrono::seconds(int64_t{1} << exponent));
}

std::string AccountKey(std::string_view username) {
  return "acct:" + Lower(username);
}

ThrottleKeys KeysFor(std::string_view username, std::string_view address) {
  const std::string a(address.substr(0, 64));
  return {"acct-addr:" + Lower(username) + "|" + a, AccountKey(username), "addr:" + a};
}

Result<AttemptAdmission> CountAttempt(store::Store& store, const ThrottleKeys& keys, store::Instant now,
                                      const ThrottlePolicy& p) {
  AttemptAdmission out;
  const Status s = store.RunInTransaction([&](store::Store& tx) -> Status {
    struct Kind {
      const std::string& key;
      const char* name;
      int free;
      std::chrono::seconds max, forget;
    };
    const Kind kinds[] = {{keys.account_address, "account_address", p.account_address_free,
                           p.account_address_max_delay, p.account_address_forget},
                          {keys.account, "account", p.account_free, p.account_max_delay, p.account_forget},
                          {keys.address, "address", p.address_free, p.address_max_delay, p.address_forget}};
    for (const Kind& k : kinds) {
      LDN_ASSIGN_OR_RETURN(auto counted, tx.CountLoginAttempt(k.key, now, now - k.forget));
      if (!counted) {
        LDN_ASSIGN_OR_RETURN(auto row, tx.GetLoginThrottle(k.key));
        out.refused_by = k.name;
        out.locked = row && row->locked;
        out.retry_after = row && !row->locked ? std::max(std::chrono::seconds(1), row->next_attempt_at - now)
                                              : std::chrono::seconds(0);
        // Undo what this transaction counted: a refused attempt costs nothing and counts nothing.
        return Status::Conflict("throttled");
      }
      LDN_RETURN_IF_ERROR(tx.SetLoginThrottleState(k.key, now + ProgressiveDelay(counted->failures, k.free, k.max),
                                                   false));
    }
    out.allowed = true;
    return Status::Ok();
  });
  if (!s.ok() && !(s.code() == Code::kConflict && !out.refused_by.empty())) return s;
  return out;
}

Status AttemptSucceeded(store::Store& store, const ThrottleKeys& keys) {
  return store.RunInTransaction([&](store::Store& tx) -> Status {
    LDN_RETURN_IF_ERROR(tx.ClearLoginThrottle(keys.account_address));
    LDN_RETURN_IF_ERROR(tx.ClearLoginThrottle(keys.account));
    return tx.UncountLoginAttempt(keys.address);
  });
}

Status AttemptReleased(store::Store& store, const ThrottleKeys& keys, store::Instant now) {
  return store.RunInTransaction([&](store::Store& tx) -> Status {
    for (const std::string* k : {&keys.account_address, &keys.account, &keys.address}) {
      LDN_RETURN_IF_ERROR(tx.UncountLoginAttempt(*k));
      LDN_ASSIGN_OR_RETURN(auto row, tx.GetLoginThrottle(*k));
      if (row && !row->locked) LDN_RETURN_IF_ERROR(tx.SetLoginThrottleState(*k, now, false));
    }
    return Status::Ok();
  });
}

Result<bool> AttemptFailed(store::Store& store, const ThrottleKeys& keys, store::Instant now,
                           const ThrottlePolicy& p) {
  bool locked_now = false;
  LDN_RETURN_IF_ERROR(store.RunInTransaction([&](store::Store& tx) -> Status {
    LDN_ASSIGN_OR_RETURN(auto row, tx.GetLoginThrottle(keys.account));
    if (row && !row->locked && row->failures >= p.account_lock_after) {
      LDN_RETURN_IF_ERROR(tx.SetLoginThrottleState(keys.account, now, true));
      locked_now = true;
    }
    return Status::Ok();
  }));
  return locked_now;
}

}  // namespace ldn::server
