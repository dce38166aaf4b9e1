#include "core/json_reader.h"

#include <gtest/gtest.h>

namespace ldn {
namespace {

TEST(JsonReaderTest, ParseErrors) {
  EXPECT_FALSE(ParseJson("").ok());
  EXPECT_FALSE(ParseJson("  \n").ok());
  auto r = ParseJson("{\"a\": }");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not valid JSON"), std::string::npos);
}

TEST(JsonReaderTest, ReadsTypedFieldsWithPaths) {
  auto j = *ParseJson(R"({"today":"2026-01-05","n":3,"x":2.5,"ok":true,"inner":{"name":"a"}})");
  auto o = *JsonObject::Of(j, "");
  EXPECT_EQ(FormatDate(*o.Date("today")), "2026-01-05");
  EXPECT_EQ(*o.Integer("n", 0, 10), 3);
  EXPECT_DOUBLE_EQ(*o.Number("x", 0, 10), 2.5);
  EXPECT_TRUE(*o.Bool("ok"));
  auto inner = *o.Object("inner");
  EXPECT_EQ(*inner.String("name"), "a");
  EXPECT_TRUE(inner.RejectUnknownKeys().ok());
  EXPECT_TRUE(o.RejectUnknownKeys().ok());
}

TEST(JsonReaderTest, ErrorsNameTheField) {
  auto j = *ParseJson(R"({"meds":[{"name":5}],"n":3.5,"m":11,"extra":1})");
  auto o = *JsonObject::Of(j, "");
  EXPECT_EQ(o.Integer("n", 0, 10).status().field(), "n");
  EXPECT_EQ(o.Integer("m", 0, 10).status().field(), "m");
  EXPECT_EQ(o.String("missing").status().field(), "missing");
  const nlohmann::json* meds = *o.Array("meds");
  auto med = *JsonObject::Of((*meds)[0], IndexPath("meds", 0));
  EXPECT_EQ(med.String("name").status().field(), "meds[0].name");
  Status unknown = o.RejectUnknownKeys();
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.field(), "extra");
}

TEST(JsonReaderTest, OptionalsAcceptAbsentAndNull) {
  auto j = *ParseJson(R"({"a":null})");
  auto o = *JsonObject::Of(j, "");
  EXPECT_FALSE(o.OptionalDate("a")->has_value());
  EXPECT_FALSE(o.OptionalInteger("b", 0, 1)->has_value());
  EXPECT_TRUE(o.RejectUnknownKeys().ok());
}

TEST(JsonReaderTest, NotAnObject) {
  auto j = *ParseJson("[1,2]");
  auto o = JsonObject::Of(j, "");
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().field(), "input");
}

}  // namespace
}  // namespace ldn
