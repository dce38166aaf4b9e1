#include "analysis/nof1_record.h"

#include <gtest/gtest.h>

#include "analysis/nof1_analysis.h"

namespace ldn::analysis {
namespace {

LocalDate D(const char* text) {
  return *ParseDate(text, "d");
}

// 1 pair of 10-day periods with 4 run-in days, from 2027-01-04: period 1 on LDN (BA), 2 on placebo.
struct Fixture {
  TrialProtocol protocol;
  std::vector<PeriodDates> calendar;
  Fixture() {
    protocol.pairs = 1;
    protocol.period_days = 10;
    protocol.run_in_days = 3;
    Allocation a;
    a.pairs = {PairOrder::kBA};
    calendar = TrialCalendar(protocol, a, D("2027-01-04"));
  }
};

TEST(Nof1RecordTest, TheAnalysedDaysOfEachPeriodFromTheDiary) {
  Fixture f;
  TrialRecord record;
  // Period 1 (LDN): 2027-01-04..13, analysed from 01-07. Period 2 (placebo): 01-14..23, from 01-17.
  for (LocalDate d = D("2027-01-04"); d <= D("2027-01-23"); d = AddDays(d, 1)) {
    const bool ldn = d <= D("2027-01-13");
    const int wobble = static_cast<unsigned>(d.day()) % 2 == 0 ? 1 : 0;
    record[d].items = nlohmann::json{{"pain", (ldn ? 2 : 5) + wobble}, {"fatigue", 5}};
  }
  record.erase(D("2027-01-08"));                                   // no diary: a missing rating
  record[D("2027-01-09")].items = nlohmann::json{{"fatigue", 4}};  // no pain that day
  auto data = TrialDataFromRecord(f.calendar, record, "pain", {{1, BlindingGuess::kLdn}}, D("2027-01-23"));
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  ASSERT_EQ(data->periods.size(), 2u);
  const TrialPeriod& p1 = data->periods[0];
  EXPECT_EQ(p1.arm, TrialArm::kLdn);
  EXPECT_EQ(p1.first_day, 4);  // trial day of 2027-01-07
  EXPECT_EQ(p1.last_day, 10);
  EXPECT_EQ(p1.rows, 7);
  EXPECT_EQ(p1.values.size(), 5u);  // 7 days less the two without a pain rating
  EXPECT_EQ(p1.guess, BlindingGuess::kLdn);
  const TrialPeriod& p2 = data->periods[1];
  EXPECT_EQ(p2.arm, TrialArm::kPlacebo);
  EXPECT_EQ(p2.first_day, 14);
  EXPECT_EQ(p2.last_day, 20);
  EXPECT_EQ(p2.values, (std::vector<double>{5, 6, 5, 6, 5, 6, 5}));  // 2027-01-17..23
  EXPECT_FALSE(p2.guess.has_value());
  // The analysis reads it: LDN about 2.5 against placebo about 5.4 is LDN better by about 3 points.
  TrialAnalysisOptions o = AnalysisOptionsFor(f.protocol);
  o.model = Nof1Model::kMean;
  o.with_mean_model = false;
  auto analysis = AnalyzeTrial(*data, o);
  ASSERT_TRUE(analysis.ok()) << analysis.status().ToString();
  EXPECT_LT(analysis->bayes.diff.mean, -2.5);
  EXPECT_GT(analysis->bayes.p_b_better, 0.99);
}

TEST(Nof1RecordTest, AnEarlyStopKeepsThePeriodsThatReachedTheirAnalysedDays) {
  Fixture f;
  TrialRecord record;
  for (LocalDate d = D("2027-01-04"); d <= D("2027-01-23"); d = AddDays(d, 1))
    record[d].items = nlohmann::json{{"pain", 4}};
  // Stopped on 2027-01-15: period 2 began (01-14) but its analysed days (from 01-17) had not.
  auto data = TrialDataFromRecord(f.calendar, record, "pain", {}, D("2027-01-15"));
  ASSERT_TRUE(data.ok());
  EXPECT_EQ(data->periods.size(), 1u);
  // Stopped in period 1's run-in: nothing to analyse, said plainly.
  auto none = TrialDataFromRecord(f.calendar, record, "pain", {}, D("2027-01-05"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().field(), "outcome");
  // Stopped within period 2's analysed days: its days up to the stop.
  auto part = TrialDataFromRecord(f.calendar, record, "pain", {}, D("2027-01-18"));
  ASSERT_TRUE(part.ok());
  ASSERT_EQ(part->periods.size(), 2u);
  EXPECT_EQ(part->periods[1].rows, 2);
}

TEST(Nof1RecordTest, ConductCountsDosesSideEffectsAndRescueByPeriod) {
  Fixture f;
  TrialRecord record;
  for (LocalDate d = D("2027-01-04"); d <= D("2027-01-23"); d = AddDays(d, 1)) record[d].dose_taken = true;
  record[D("2027-01-05")].dose_taken = false;
  record.erase(D("2027-01-06"));
  record[D("2027-01-07")].items = nlohmann::json{
      {"pain", 4},
      {"side_effects", {{{"name", "vivid_dreams"}, {"severity", 2}}, {{"name", "nausea"}, {"severity", 3}}}}};
  record[D("2027-01-08")].items =
      nlohmann::json{{"pain", 4}, {"side_effects", {{{"name", "vivid_dreams"}, {"severity", 1}}}}};
  record[D("2027-01-15")].items = nlohmann::json{{"pain", 6}, {"rescue_medication", {"paracetamol 1 g"}}};
  record[D("2027-01-16")].items = nlohmann::json{{"pain", 6}, {"side_effects", nlohmann::json::array()}};
  const auto c = ConductByPeriod(f.calendar, record, D("2027-01-16"));
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].days, 10);
  EXPECT_EQ(c[0].doses_taken, 8);
  EXPECT_EQ(c[0].doses_missed, 1);
  EXPECT_EQ(c[0].doses_unrecorded, 1);
  EXPECT_EQ(c[0].diary_days, 2);
  EXPECT_EQ(c[0].side_effect_days, 2);
  EXPECT_EQ(c[0].severe_side_effect_days, 1);
  EXPECT_EQ(c[0].side_effects.at("vivid_dreams"), 2);
  EXPECT_EQ(c[0].side_effects.at("nausea"), 1);
  EXPECT_EQ(c[0].rescue_days, 0);
  EXPECT_EQ(c[1].last, D("2027-01-16"));  // cut at `until`
  EXPECT_EQ(c[1].days, 3);
  EXPECT_EQ(c[1].side_effect_days, 0);  // an empty list is no side effect
  EXPECT_EQ(c[1].rescue_days, 1);
  const nlohmann::json blind = ConductToJson(c, true);
  EXPECT_TRUE(blind[0]["arm"].is_null());
  EXPECT_DOUBLE_EQ(blind[0]["adherence"].get<double>(), 0.8);
  EXPECT_EQ(ConductToJson(c, false)[0]["arm"], "ldn");
}

}  // namespace
}  // namespace ldn::analysis
