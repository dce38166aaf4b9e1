#include "store/connection.h"

namespace ldn::store::internal {

Status Connection::BackupTo(const std::string& path) {
  (void)path;
  return Status::InvalidArgument("db", "backup works on SQLite stores; back up PostgreSQL with pg_dump");
}

ConnectionPool::ConnectionPool(Factory factory, std::unique_ptr<Connection> first, int size)
    : factory_(std::move(factory)), size_(size < 1 ? 1 : size) {
  if (first) {
    idle_.push_back(std::move(first));
    created_ = 1;
  }
}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !idle_.empty() || created_ < size_; });
  if (!idle_.empty()) {
    std::unique_ptr<Connection> conn = std::move(idle_.back());
    idle_.pop_back();
    if (!conn->broken()) return Lease(this, std::move(conn));
    // A broken connection is dropped and replaced below.
    --created_;
  }
  ++created_;
  lock.unlock();
  Result<std::unique_ptr<Connection>> made = factory_();
  if (!made.ok()) {
    lock.lock();
    --created_;
    cv_.notify_one();
    return made.status();
  }
  return Lease(this, std::move(made).value());
}

void ConnectionPool::Return(std::unique_ptr<Connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->broken()) {
    --created_;
  } else {
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

}  // namespace ldn::store::internal
