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

namespace ldn {
namespace {

TEST(JsonReaderTest, RepeatedKeyIsRefusedNamingItsPath) {
  auto top = ParseJson(R"({"a":1,"a":2})");
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.status().field(), "a");
  EXPECT_NE(top.status().message().find("\"a\" appears more than once"), std::string::npos);
  auto nested = ParseJson(R"({"entries":[{"x":1},{"items":{"pain":3,"note":"","pain":9}}]})");
  ASSERT_FALSE(nested.ok());
  EXPECT_EQ(nested.status().field(), "entries[1].items.pain");
  auto deep = ParseJson(R"([[{"k":{"k":1,"j":[{"z":1,"z":1}]}}]])");
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().field(), "[0][0].k.j[0].z");
  // The same key in different objects is fine; so are keys differing only in case.
  auto fine = ParseJson(R"({"a":{"a":1},"b":[{"a":1},{"a":2}],"A":3})");
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_EQ((*fine)["b"][1]["a"], 2);
  EXPECT_EQ(fine->dump(), R"({"A":3,"a":{"a":1},"b":[{"a":1},{"a":2}]})");
}

TEST(JsonReaderTest, ParsesEveryValueKindLikeTheDomParser) {
  const std::string text = R"({"n":null,"t":true,"f":false,"i":-3,"u":18446744073709551615,"d":2.5,"s":"x\u00e6",)"
                           R"("a":[],"o":{},"nest":[[1,[2,{"q":[3]}]]]})";
  auto ours = ParseJson(text);
  ASSERT_TRUE(ours.ok());
  EXPECT_EQ(*ours, nlohmann::json::parse(text));
  EXPECT_EQ(*ParseJson("7"), 7);
  EXPECT_EQ(*ParseJson("\"s\""), "s");
}

TEST(JsonReaderTest, NestingDeeperThanTheLimitIsRefusedWithoutRecursion) {
  std::string ok_text = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(ParseJson(ok_text).ok());
  std::string too_deep = std::string(kMaxJsonDepth + 1, '[') + std::string(kMaxJsonDepth + 1, ']');
  auto r = ParseJson(too_deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("deeper than 64"), std::string::npos);
  // A million levels: refused at level 65, no stack exhaustion.
  EXPECT_FALSE(ParseJson(std::string(1000000, '[')).ok());
}

TEST(JsonReaderTest, HugeNumbersAndTruncatedInputAreErrorsNotExceptions) {
  auto big = ParseJson("[1e999]");
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("too large"), std::string::npos);
  EXPECT_FALSE(ParseJson("{\"a\":\"\xff\"}").ok());
  EXPECT_FALSE(ParseJson("{\"a\"").ok());
  EXPECT_FALSE(ParseJson("[1,]").ok());
}

TEST(JsonReaderTest, TextAccessorsCheckLinesTextsAndListSizes) {
  auto j = *ParseJson(R"({"name":"Pat\nDemo","ok":"Pat","note":"a\nb","long":")" + std::string(30, 'x') +
                      R"(","list":[1,2,3]})");
  auto o = *JsonObject::Of(j, "patient");
  EXPECT_EQ(o.Line("name", 200).status().field(), "patient.name");
  EXPECT_EQ(*o.Line("ok", 200), "Pat");
  EXPECT_EQ(**o.OptionalText("note", 10), "a\nb");
  EXPECT_FALSE(o.OptionalLine("note", 10).ok());
  EXPECT_FALSE(o.OptionalText("long", 20).ok());
  EXPECT_FALSE(o.OptionalLine("absent", 20)->has_value());
  EXPECT_TRUE(o.Array("list", 3).ok());
  const Status too_many = o.Array("list", 2).status();
  EXPECT_EQ(too_many.field(), "patient.list");
  EXPECT_EQ(too_many.message(), "holds 3 items; at most 2 are allowed");
  EXPECT_FALSE(o.OptionalArray("list", 2).ok());
}

}  // namespace
}  // namespace ldn
