#include "server/refusal_audit.h"

namespace ldn::server {

RefusalAggregator::RefusalAggregator(std::chrono::seconds window, size_t max_sources)
    : window_(window), max_sources_(max_sources) {}

void RefusalAggregator::Sweep(store::Instant now, std::vector<Closed>& closed) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now - it->second.start >= window_) {
      closed.push_back({it->first, it->second.start, it->second.refusals});
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
  last_sweep_ = now;
}

bool RefusalAggregator::Note(const std::string& source, store::Instant now, std::vector<Closed>& closed) {
  std::lock_guard<std::mutex> lock(mu_);
  // A sweep at most once a window keeps the cost of a refusal constant on average.
  if (now - last_sweep_ >= window_) Sweep(now, closed);
  auto it = windows_.find(source);
  if (it != windows_.end() && now - it->second.start >= window_) {
    closed.push_back({it->first, it->second.start, it->second.refusals});
    windows_.erase(it);
    it = windows_.end();
  }
  if (it == windows_.end()) {
    const std::string key = windows_.size() >= max_sources_ ? "*" : source;
    auto [pos, inserted] = windows_.try_emplace(key, Window{now, 0});
    ++pos->second.refusals;
    return inserted;
  }
  ++it->second.refusals;
  return false;
}

std::vector<RefusalAggregator::Closed> RefusalAggregator::Drain() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Closed> out;
  for (const auto& [source, w] : windows_) out.push_back({source, w.start, w.refusals});
  windows_.clear();
  return out;
}

}  // namespace ldn::server
