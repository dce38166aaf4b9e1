// A small pool of threads for slow work that must not run on the HTTP I/O threads: Argon2id
// password hashing (tens of milliseconds and 64 MiB each, by design), so that logins cannot hold
// up every other request (issue 17, M2; docs/benchmarks.md measures /health under login load).
#ifndef LDN_SERVER_WORKER_POOL_H_
#define LDN_SERVER_WORKER_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ldn::server {

// Thread-safe. The queue is bounded, so a flood of logins is refused (503) rather than queued
// without end: memory stays at threads x 64 MiB for Argon2id.
class WorkerPool {
 public:
  // REQUIRES: threads >= 1, max_queued >= 1.
  WorkerPool(int threads, size_t max_queued);
  // Runs what is queued, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`; false (and `task` is not run) when max_queued tasks are waiting already.
  bool TrySubmit(std::function<void()> task);
  int threads() const { return static_cast<int>(threads_.size()); }

  // The default number of threads: half the hardware threads, at least 1, so that hashing never
  // takes every core from the I/O threads.
  static int DefaultThreads();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  size_t max_queued_;
  std::vector<std::thread> threads_;
};

}  // namespace ldn::server

#endif  // LDN_SERVER_WORKER_POOL_H_
