// Durable audit of patient-data access, with group commit.
//
// Every read and write of patient data, allowed or refused, becomes one store::AuditEvent
// (append-only, hash-chained by the store). Append() returns only once the event is committed;
// callers arriving while a commit is in progress are written together in the next commit
// (Store::AppendAuditBatch: one durable transaction for the group), so audit costs one fsync per
// group instead of one per request.
#ifndef LDN_SERVER_AUDIT_LOG_H_
#define LDN_SERVER_AUDIT_LOG_H_

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

// Thread-safe.
class AuditLog {
 public:
  // `store` must outlive the log.
  explicit AuditLog(store::Store& store) : store_(store) {}

  // Appends `event` (seq and hashes are set by the store) and waits until its group is
  // committed. Returns the store's failure for the whole group (kUnavailable, or
  // kInvalidArgument for a malformed event -- a bug of the caller).
  Status Append(store::AuditEvent event);

 private:
  struct Batch {
    std::vector<store::AuditEvent> events;
    bool done = false;
    Status status = Status::Ok();
  };
  store::Store& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<Batch> open_ = std::make_shared<Batch>();  // guarded by mu_
  bool flushing_ = false;                                    // guarded by mu_
};

}  // namespace ldn::server

#endif  // LDN_SERVER_AUDIT_LOG_H_
