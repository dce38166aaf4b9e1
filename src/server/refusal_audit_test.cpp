#include "server/refusal_audit.h"

#include <gtest/gtest.h>

namespace ldn::server {
namespace {

store::Instant At(int64_t s) {
  return store::Instant(std::chrono::seconds(1'700'000'000 + s));
}

TEST(RefusalAggregatorTest, OneAuditedRefusalPerSourceAndWindowTheRestCounted) {
  RefusalAggregator agg(std::chrono::seconds(60), 100);
  std::vector<RefusalAggregator::Closed> closed;
  EXPECT_TRUE(agg.Note("192.0.2.1", At(0), closed));
  for (int i = 1; i < 1000; ++i) EXPECT_FALSE(agg.Note("192.0.2.1", At(i % 60), closed));
  EXPECT_TRUE(agg.Note("192.0.2.2", At(10), closed));  // another source has its own window
  EXPECT_TRUE(closed.empty());
  // The next window: audited again, and the closed one reports its count; 192.0.2.2's window
  // (opened at 10 s) is still open.
  EXPECT_TRUE(agg.Note("192.0.2.1", At(60), closed));
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].source, "192.0.2.1");
  EXPECT_EQ(closed[0].refusals, 1000);
  auto rest = agg.Drain();
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].refusals + rest[1].refusals, 2);
}

TEST(RefusalAggregatorTest, MemoryIsBoundedBySharingOneEntryPastTheLimit) {
  RefusalAggregator agg(std::chrono::seconds(60), 3);
  std::vector<RefusalAggregator::Closed> closed;
  int audited = 0;
  for (int i = 0; i < 50; ++i) audited += agg.Note("198.51.100." + std::to_string(i), At(0), closed) ? 1 : 0;
  EXPECT_EQ(audited, 4);  // three sources and the shared "*"
  EXPECT_EQ(agg.Drain().size(), 4u);
}

}  // namespace
}  // namespace ldn::server
