#include "analysis/nof1_data.h"

#include <string>

#include <gtest/gtest.h>

namespace ldn::analysis {
namespace {

constexpr const char* kGood =
    "day,period,treatment,outcome,guess\n"
    "15,1,A,6,\n"
    "16,1,A,,\n"
    "17,1,A,7,A\n"
    "43,2,B,4,\n"
    "45,2,B,3.5,B\n";

TEST(Nof1DataTest, ParsesTheCsvForm) {
  auto d = ParseTrialCsv(kGood);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->days.size(), 5u);
  ASSERT_EQ(d->periods.size(), 2u);
  EXPECT_EQ(d->Pairs(), 1);
  EXPECT_TRUE(d->has_guesses);
  const TrialPeriod& a = d->periods[0];
  EXPECT_EQ(a.arm, TrialArm::kPlacebo);
  EXPECT_EQ(a.first_day, 15);
  EXPECT_EQ(a.last_day, 17);
  EXPECT_EQ(a.rows, 3);
  EXPECT_EQ(a.values, (std::vector<double>{6, 7}));
  EXPECT_EQ(a.guess, BlindingGuess::kPlacebo);
  EXPECT_EQ(d->periods[1].values, (std::vector<double>{4, 3.5}));
  EXPECT_EQ(d->periods[1].guess, BlindingGuess::kLdn);
  EXPECT_FALSE(d->days[1].outcome.has_value());
}

TEST(Nof1DataTest, AcceptsAnyColumnOrderCrlfABomAndTrailingBlankLines) {
  auto d = ParseTrialCsv("\xEF\xBB\xBFoutcome,treatment,day,period\r\n5,B,1,1\r\n6,A,2,2\r\n\r\n\n");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->periods.size(), 2u);
  EXPECT_FALSE(d->has_guesses);
  EXPECT_EQ(d->periods[0].arm, TrialArm::kLdn);
}

TEST(Nof1DataTest, RowsMayComeInAnyOrder) {
  auto d = ParseTrialCsv("day,period,treatment,outcome\n3,2,B,4\n1,1,A,6\n2,1,A,5\n");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->days.front().day, 1);
  EXPECT_EQ(d->periods[0].values, (std::vector<double>{6, 5}));
}

struct BadCase {
  const char* name;
  std::string csv;
  const char* field;
  const char* message_part;
};

class Nof1DataBadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(Nof1DataBadInputTest, NamesTheLineAndColumn) {
  const BadCase& c = GetParam();
  auto d = ParseTrialCsv(c.csv);
  ASSERT_FALSE(d.ok()) << c.name;
  EXPECT_EQ(d.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(d.status().field(), c.field) << d.status().ToString();
  EXPECT_NE(d.status().message().find(c.message_part), std::string::npos) << d.status().ToString();
}

const std::string kHeader = "day,period,treatment,outcome\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, Nof1DataBadInputTest,
    ::testing::Values(
        BadCase{"empty", "", "input", "empty"}, BadCase{"header_only", kHeader, "input", "no days"},
        BadCase{"unknown_column", "day,period,treatment,outcome,mood\n1,1,A,5,3\n", "header",
                "unknown column \"mood\""},
        BadCase{"missing_column", "day,period,outcome\n1,1,5\n", "header", "missing column \"treatment\""},
        BadCase{"repeated_column", "day,day,period,treatment,outcome\n", "header", "appears twice"},
        BadCase{"day_text", kHeader + "x,1,A,5\n", "line 2, column day", "whole number"},
        BadCase{"day_zero", kHeader + "0,1,A,5\n", "line 2, column day", "whole number 1-"},
        BadCase{"day_fraction", kHeader + "1.5,1,A,5\n", "line 2, column day", "\"1.5\""},
        BadCase{"period_zero", kHeader + "1,0,A,5\n", "line 2, column period", "whole number"},
        BadCase{"treatment_c", kHeader + "1,1,C,5\n", "line 2, column treatment", "A (placebo) or B (LDN)"},
        BadCase{"treatment_lower", kHeader + "1,1,a,5\n", "line 2, column treatment", "\"a\""},
        BadCase{"outcome_text", kHeader + "1,1,A,five\n", "line 2, column outcome", "expected a number"},
        BadCase{"outcome_nan", kHeader + "1,1,A,nan\n", "line 2, column outcome", "expected a number"},
        BadCase{"outcome_inf", kHeader + "1,1,A,inf\n", "line 2, column outcome", "expected a number"},
        BadCase{"too_few_cells", kHeader + "1,1,A\n", "line 2", "3 cells"},
        BadCase{"blank_line_inside", kHeader + "1,1,A,5\n\n2,1,A,6\n", "line 3", "empty line"},
        BadCase{"duplicate_day", kHeader + "1,1,A,5\n2,1,A,5\n1,1,A,6\n", "line 4", "day 1 appears twice"},
        BadCase{"period_gap", kHeader + "1,1,A,5\n2,3,B,5\n", "line 3", "should be 2"},
        BadCase{"period_mixes_treatments", kHeader + "1,1,A,5\n2,1,B,5\n", "line 3", "constant within a period"},
        BadCase{"pair_same_treatment", kHeader + "1,1,A,5\n2,2,A,5\n", "line 3", "both on treatment A"},
        BadCase{"period_interleaved", kHeader + "1,1,A,5\n2,2,B,5\n3,1,A,5\n", "line 4", "ended on day 1"},
        BadCase{"guess_invalid", "day,period,treatment,outcome,guess\n1,1,A,5,maybe\n", "line 2, column guess",
                "DK (don't know)"},
        BadCase{"guess_twice", "day,period,treatment,outcome,guess\n1,1,A,5,A\n2,1,A,5,B\n", "line 3",
                "one guess per period"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(Nof1DataTest, TheModelsSeriesFillsTheGapsWithTheNextPeriodsArm) {
  auto d = ParseTrialCsv("day,period,treatment,outcome\n3,1,A,5\n5,1,A,\n6,1,A,6\n9,2,B,4\n10,2,B,3\n");
  ASSERT_TRUE(d.ok());
  const Nof1Series s = ToNof1Series(*d);
  EXPECT_EQ(s.first_day, 3);
  ASSERT_EQ(s.outcome.size(), 8u);  // days 3..10
  // Day 4 (absent inside period 1) is on A; days 7 and 8 (absent before period 2) are on B.
  const std::vector<bool> expected_arm = {false, false, false, false, true, true, true, true};
  EXPECT_EQ(s.ldn, expected_arm);
  EXPECT_EQ(s.outcome[0], 5.0);
  EXPECT_FALSE(s.outcome[1].has_value());
  EXPECT_FALSE(s.outcome[2].has_value());
  EXPECT_EQ(s.outcome[3], 6.0);
  EXPECT_EQ(s.outcome[7], 3.0);
}

TEST(Nof1DataTest, MakeTrialDataNamesTheCallersRecord) {
  std::vector<TrialDayRecord> r(2);
  r[0].day = 1;
  r[1].day = 1;
  auto d = MakeTrialData(r, {"days[0]", "days[1]"});
  EXPECT_EQ(d.status().field(), "days[1]");
  EXPECT_NE(d.status().message().find("days[0]"), std::string::npos);
}

}  // namespace
}  // namespace ldn::analysis
