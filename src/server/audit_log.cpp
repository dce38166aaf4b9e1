#include "server/audit_log.h"

#include <utility>

namespace ldn::server {

Status AuditLog::Append(store::AuditEvent event) {
  std::unique_lock<std::mutex> lock(mu_);
  std::shared_ptr<Batch> mine = open_;
  mine->events.push_back(std::move(event));
  while (!mine->done) {
    if (flushing_) {
      cv_.wait(lock);
      continue;
    }
    // Leader: commit everything queued so far (which includes our event), then wake the group.
    flushing_ = true;
    std::shared_ptr<Batch> batch = std::exchange(open_, std::make_shared<Batch>());
    lock.unlock();
    auto written = store_.AppendAuditBatch(batch->events);
    lock.lock();
    batch->status = written.status();
    batch->done = true;
    flushing_ = false;
    cv_.notify_all();
  }
  return mine->status;
}

}  // namespace ldn::server
