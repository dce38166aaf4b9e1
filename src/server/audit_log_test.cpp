#include "server/audit_log.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ldn::server {
namespace {

// Concurrent appends through the group commit: every event is stored once, in a gapless, valid
// hash chain. Real SQLite store (in memory).
TEST(AuditLogTest, ConcurrentAppendsAllLandInOneValidChain) {
  auto st = store::OpenStore("sqlite::memory:");
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  AuditLog log(**st);
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        store::AuditEvent e;
        e.at = std::chrono::sys_seconds(std::chrono::seconds(1'800'000'000));
        e.role = "system";
        e.action = "test.append";
        e.object = "thread" + std::to_string(t) + "/" + std::to_string(i);
        e.outcome = "ok";
        if (!log.Append(e).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  store::AuditQuery q;
  q.limit = 10000;
  auto events = (*st)->ListAudit(q);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), static_cast<size_t>(kThreads * kEach));
  std::set<std::string> objects;
  for (const auto& e : *events) objects.insert(e.object);
  EXPECT_EQ(objects.size(), static_cast<size_t>(kThreads * kEach));
  auto v = (*st)->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->events_checked, kThreads * kEach);
}

TEST(AuditLogTest, AMalformedEventIsReported) {
  auto st = store::OpenStore("sqlite::memory:");
  ASSERT_TRUE(st.ok());
  AuditLog log(**st);
  store::AuditEvent e;  // no role, action or outcome
  EXPECT_FALSE(log.Append(e).ok());
}

}  // namespace
}  // namespace ldn::server
