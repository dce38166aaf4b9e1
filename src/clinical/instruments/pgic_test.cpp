#include "clinical/instruments/pgic.h"

#include <gtest/gtest.h>

namespace ldn::clinical {
namespace {

using nlohmann::json;

TEST(PgicTest, ResponderIsMuchImprovedOrBetter) {
  for (int v = 1; v <= 7; ++v) EXPECT_EQ(ScorePgic(v).responder, v <= 2) << v;
}

TEST(PgicTest, ReadRejectsBadInput) {
  EXPECT_EQ(ReadPgic(json{{"pgic", 8}}).status().field(), "pgic");
  EXPECT_EQ(ReadPgic(json{{"pgic", "2"}}).status().field(), "pgic");
  EXPECT_EQ(ReadPgic(json::object()).status().field(), "pgic");
  EXPECT_EQ(ReadPgic(json{{"pgic", 2}, {"note", "x"}}).status().field(), "note");
  auto ok = ReadPgic(json{{"pgic", 3}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
}

}  // namespace
}  // namespace ldn::clinical
