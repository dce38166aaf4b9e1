#include "core/message.h"

#include <gtest/gtest.h>

namespace ldn {
namespace {

TEST(MessageTest, FillsEachPlaceholderWithItsValue) {
  const Message m{"Your dose rises by {step} mg every {days} days, to {dose} mg from {date}.",
                  {{"step", 0.5}, {"days", 7}, {"dose", 4.5}, {"date", "2026-12-06"}}};
  EXPECT_EQ(Fill(m), "Your dose rises by 0.5 mg every 7 days, to 4.5 mg from 2026-12-06.");
}

TEST(MessageTest, NumbersAreWrittenShortestAndWholeNumbersWithoutADecimal) {
  EXPECT_EQ(Fill({"{a}|{b}|{c}", {{"a", 3.0}, {"b", 0.1}, {"c", -2}}}), "3|0.1|-2");
}

TEST(MessageTest, APlaceholderWithoutAValueStaysAndAnExtraValueIsIgnored) {
  EXPECT_EQ(Fill({"{a} and {b}", {{"a", "x"}, {"z", 1}}}), "x and {b}");
  EXPECT_EQ(Fill({"no placeholders", {}}), "no placeholders");
  EXPECT_EQ(Fill({"an unclosed {brace", {{"brace", 1}}}), "an unclosed {brace");
}

TEST(MessageTest, JsonHoldsKeyValuesAndTheEnglishText) {
  const nlohmann::json j = MessageToJson({"{n} days", {{"n", 3}}});
  EXPECT_EQ(j["key"], "{n} days");
  EXPECT_EQ(j["vars"]["n"], 3);
  EXPECT_EQ(j["text"], "3 days");
  EXPECT_TRUE(MessageToJson({"x", nullptr})["vars"].is_object());
}

TEST(MessageTest, FixedNumbersItemsAndNestedMessages) {
  EXPECT_EQ(Fill({"{p} points", {{"p", Fixed(1.0, 1)}}}), "1.0 points");
  EXPECT_EQ(Fixed(0.35, 1)["number"], 0.3);  // 0.35 is 0.34999... in binary: fmt writes "0.3"
  EXPECT_EQ(Fixed(36.4, 0)["number"], 36.0);
  const Message inner{"{item} {amount} lower",
                      {{"item", ItemRef("pain", "Pain")}, {"amount", Nested({"{pct}%", {{"pct", 36}}})}}};
  EXPECT_EQ(Fill({"{text}: better", {{"text", Nested(inner)}}}), "Pain 36% lower: better");
}

}  // namespace
}  // namespace ldn
