#include "core/result.h"

#include <gtest/gtest.h>

namespace ldn {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("x", "must be even");
  return x / 2;
}

Result<int> Quarter(int x) {
  LDN_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(ResultTest, ValueAndStatus) {
  auto r = Half(4);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 2);
  EXPECT_TRUE(r.status().ok());
  auto bad = Half(3);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(bad.status().ToString(), "x: must be even");
}

TEST(ResultTest, AssignOrReturnPropagates) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().field(), "x");
}

TEST(ResultTest, FieldPrefixJoinsPaths) {
  Status s = Status::InvalidArgument("last_taken", "bad");
  EXPECT_EQ(s.WithFieldPrefix("medications[2]").field(), "medications[2].last_taken");
  EXPECT_EQ(Status::InvalidArgument("[1]", "bad").WithFieldPrefix("items").field(), "items[1]");
  EXPECT_EQ(Status::InvalidArgument("", "bad").WithFieldPrefix("items").field(), "items");
}

TEST(ResultTest, CodeNamesAreStable) {
  EXPECT_EQ(CodeName(Code::kInvalidArgument), "invalid_argument");
  EXPECT_EQ(CodeName(Code::kPermissionDenied), "permission_denied");
}

}  // namespace
}  // namespace ldn
