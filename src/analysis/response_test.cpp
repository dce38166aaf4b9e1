#include "analysis/response.h"

#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ldn::analysis {
namespace {

constexpr int kBaselineDays = 14;  // the builder's diary starts 14 days before the first dose

// A diary starting 2026-01-01 whose first dose (4.5 mg, taken daily to the last diary day) is
// on 2026-01-15. pain[i] is the rating on 2026-01-01 + i (nullopt: no entry that day).
nlohmann::json BuildDiaryJson(const std::vector<std::optional<int>>& pain) {
  const LocalDate origin = *ParseDate("2026-01-01", "t");
  nlohmann::json j = {{"scale_version", 2},
                      {"patient", {{"id", "p"}, {"time_zone", "Australia/Sydney"}}},
                      {"course", {{"steps", {{{"start", "2026-01-15"}, {"dose_mg", 4.5}}}}}}};
  j["diary"] = nlohmann::json::array();
  j["doses"] = nlohmann::json::array();
  for (size_t i = 0; i < pain.size(); ++i) {
    const std::string date = FormatDate(AddDays(origin, static_cast<int>(i)));
    if (pain[i]) j["diary"].push_back({{"date", date}, {"pain", *pain[i]}});
    if (static_cast<int>(i) >= kBaselineDays) j["doses"].push_back({{"date", date}, {"taken", true}, {"dose_mg", 4.5}});
  }
  return j;
}

Diary Parse(const nlohmann::json& j) {
  auto d = ParseDiaryJson(j.dump());
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return *d;
}

// `baseline` repeated over the 14 baseline days, then `after` repeated over `days_after` days.
std::vector<std::optional<int>> Series(const std::vector<int>& baseline, const std::vector<int>& after,
                                       int days_after) {
  std::vector<std::optional<int>> out;
  for (int i = 0; i < kBaselineDays; ++i) out.push_back(baseline[i % baseline.size()]);
  for (int i = 0; i < days_after; ++i) out.push_back(after[i % after.size()]);
  return out;
}

TEST(ResponderTest, ImmpactBoundaries) {
  EXPECT_EQ(ClassifyPainReduction(-25), ResponderClass::kNone);
  EXPECT_EQ(ClassifyPainReduction(0), ResponderClass::kNone);
  EXPECT_EQ(ClassifyPainReduction(9.99), ResponderClass::kNone);
  EXPECT_EQ(ClassifyPainReduction(10), ResponderClass::kMinimal);
  EXPECT_EQ(ClassifyPainReduction(29.99), ResponderClass::kMinimal);
  EXPECT_EQ(ClassifyPainReduction(30), ResponderClass::kModerate);
  EXPECT_EQ(ClassifyPainReduction(100 * (1 - 0.7)), ResponderClass::kModerate);  // 29.999999999999996
  EXPECT_EQ(ClassifyPainReduction(49.99), ResponderClass::kModerate);
  EXPECT_EQ(ClassifyPainReduction(50), ResponderClass::kSubstantial);
  EXPECT_EQ(ClassifyPainReduction(100), ResponderClass::kSubstantial);
  EXPECT_EQ(ResponderClassName(ResponderClass::kModerate), "moderate");
}

TEST(ResponderTest, FarrarTwoPoints) {
  EXPECT_TRUE(FarrarTwoPointResponder(5.0, 3.0));
  EXPECT_FALSE(FarrarTwoPointResponder(5.0, 3.01));
  EXPECT_TRUE(FarrarTwoPointResponder(8.0, 5.5));
  EXPECT_FALSE(FarrarTwoPointResponder(3.0, 5.0));
}

// Baseline alternating 4,6 (mean 5) and 84 days after the first dose alternating lo,hi: the
// week-12 window is the primary window and its mean is (lo + hi) / 2.
struct BoundaryCase {
  int lo, hi;
  double pct;
  const char* klass;
  bool farrar;
};

TEST(ResponderTest, EndToEndAtEveryBoundary) {
  const BoundaryCase cases[] = {
      {5, 5, 0, "none", false},      {4, 5, -10, "minimal", false},  {5, 4, -10, "minimal", false},
      {4, 6, 0, "none", false},      {3, 4, -30, "moderate", false}, {2, 3, -50, "substantial", true},
      {4, 4, -20, "minimal", false}, {6, 6, 20, "none", false},      {3, 5, -20, "minimal", false},
      {3, 3, -40, "moderate", true},
  };
  for (const BoundaryCase& c : cases) {
    SCOPED_TRACE(std::to_string(c.lo) + "," + std::to_string(c.hi));
    Diary d = Parse(BuildDiaryJson(Series({4, 6}, {c.lo, c.hi}, 84)));
    auto r = AnalyzeDiary(d);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r->primary_window.has_value());
    EXPECT_EQ(r->windows[*r->primary_window].label, "week_12");
    ASSERT_TRUE(r->pain_change_pct.has_value());
    EXPECT_NEAR(*r->pain_change_pct, c.pct, 1e-12);
    EXPECT_EQ(ResponderClassName(*r->responder_class), c.klass);
    EXPECT_EQ(*r->farrar_two_point, c.farrar);
  }
}

TEST(ResponderTest, FarrarCanDisagreeWithImmpact) {
  // Baseline 8, window 6: a 2-point drop (Farrar responder) but only 25% (IMMPACT minimal).
  Diary d = Parse(BuildDiaryJson(Series({8}, {6}, 84)));
  auto r = AnalyzeDiary(d);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r->responder_class, ResponderClass::kMinimal);
  EXPECT_TRUE(*r->farrar_two_point);
}

TEST(TimeToResponseTest, FirstDayOfASustainedRun) {
  // Baseline 6 (threshold 4.2); pain 6 on days 0-9 after the first dose, then 4. The trailing
  // 7-day mean first reaches 4.0 on day 16 (days 10-16); at day 15 it is 30/7 = 4.29.
  std::vector<int> after(10, 6);
  after.resize(40, 4);
  Diary d = Parse(BuildDiaryJson(Series({6}, after, 40)));
  auto r = AnalyzeDiary(d);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->time_to_response_days, 16);
  // Day 16 + 14 sustained days needs data through day 29: ending on day 28 is not enough.
  Diary short_diary = Parse(BuildDiaryJson(Series({6}, after, 29)));
  EXPECT_EQ(TimeToResponseDays(short_diary, *ParseDate("2026-01-15", "t"), 6.0, {}), std::nullopt);
  Diary just_enough = Parse(BuildDiaryJson(Series({6}, after, 30)));
  EXPECT_EQ(TimeToResponseDays(just_enough, *ParseDate("2026-01-15", "t"), 6.0, {}), 16);
}

TEST(TimeToResponseTest, RelapseBreaksTheRunAndNeverIsNull) {
  std::vector<int> after(10, 6);
  after.resize(24, 4);
  after.resize(40, 6);  // relapse on day 24: the run 16..23 is only 8 days long
  Diary d = Parse(BuildDiaryJson(Series({6}, after, 40)));
  auto r = AnalyzeDiary(d);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->time_to_response_days.has_value());
  EXPECT_TRUE(ReportToJson(*r)["time_to_response_days"].is_null());
}

TEST(TimeToResponseTest, ExactlyThirtyPercentCountsAndNeedsFourDays) {
  // Baseline 10 -> threshold 7; pain 7 from day 0. The rolling mean needs 4 days with data, so
  // the first qualifying day is day 3.
  Diary d = Parse(BuildDiaryJson(Series({10}, {7}, 30)));
  EXPECT_EQ(TimeToResponseDays(d, *ParseDate("2026-01-15", "t"), 10.0, {}), 3);
  // 8 is 20% below: never.
  Diary d8 = Parse(BuildDiaryJson(Series({10}, {8}, 30)));
  EXPECT_EQ(TimeToResponseDays(d8, *ParseDate("2026-01-15", "t"), 10.0, {}), std::nullopt);
}

TEST(AnalyzeTest, RefusesABaselineOfFewerThanSevenDays) {
  auto pain = Series({5}, {4}, 30);
  for (int i = 0; i < 8; ++i) pain[i] = std::nullopt;  // 6 baseline days left
  auto r = AnalyzeDiary(Parse(BuildDiaryJson(pain)));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "diary");
  EXPECT_NE(r.status().message().find("only 6 of the 14 days"), std::string::npos) << r.status().message();
  pain[7] = 5;  // 7 days: accepted
  EXPECT_TRUE(AnalyzeDiary(Parse(BuildDiaryJson(pain))).ok());
}

TEST(AnalyzeTest, RejectsBadOptions) {
  Diary d = Parse(BuildDiaryJson(Series({5}, {4}, 30)));
  AnalysisOptions o;
  o.baseline_days = 6;
  EXPECT_EQ(AnalyzeDiary(d, o).status().field(), "options.baseline_days");
  o = {};
  o.min_baseline_days_with_data = 6;
  EXPECT_EQ(AnalyzeDiary(d, o).status().field(), "options.min_baseline_days_with_data");
  o = {};
  o.confidence_level = 1.0;
  EXPECT_EQ(AnalyzeDiary(d, o).status().field(), "options.confidence_level");
}

TEST(AnalyzeTest, WindowsCoverStableDoseBlocksAndWeeks8And12) {
  auto r = AnalyzeDiary(Parse(BuildDiaryJson(Series({5, 6}, {4, 5}, 84))));
  ASSERT_TRUE(r.ok());
  std::vector<std::string> labels;
  for (const auto& w : r->windows) labels.push_back(w.label + "@" + std::to_string(w.first_day));
  const std::vector<std::string> expected = {"week_8@42",   "week_12@70",  "stable_1@0",  "stable_2@14",
                                             "stable_3@28", "stable_4@42", "stable_5@56", "stable_6@70"};
  EXPECT_EQ(labels, expected);
  EXPECT_EQ(r->windows[0].dose->micrograms_hcl(), 4500);
  // Short of week 12: no week_12 window, and the primary window falls back to week 8.
  auto r2 = AnalyzeDiary(Parse(BuildDiaryJson(Series({5, 6}, {4, 5}, 83))));
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->windows[*r2->primary_window].label, "week_8");
}

std::string ReadFile(const std::string& relative) {
  std::ifstream in(std::string(LDN_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(AnalyzeTest, Week12PainIntervalMatchesROracle) {
  // Case ar1_pain_14_14: "before" on the 14 baseline days, "after" on days 70-83; nothing else.
  std::vector<int> before, after;
  std::istringstream in(ReadFile("tests/golden/analysis/ar1_series.csv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("ar1_pain_14_14,", 0) != 0) continue;
    const int v = std::stoi(line.substr(line.rfind(',') + 1));
    (line.find(",before,") != std::string::npos ? before : after).push_back(v);
  }
  ASSERT_EQ(before.size(), 14u);
  ASSERT_EQ(after.size(), 14u);
  std::vector<std::optional<int>> pain(kBaselineDays + 84);
  for (int i = 0; i < 14; ++i) pain[i] = before[i];
  for (int i = 0; i < 14; ++i) pain[kBaselineDays + 70 + i] = after[i];
  auto r = AnalyzeDiary(Parse(BuildDiaryJson(pain)));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto golden = nlohmann::json::parse(ReadFile("tests/golden/analysis/ar1_expected.json"));
  const nlohmann::json* expected = nullptr;
  for (const auto& c : golden["cases"]) {
    if (c["case"] == "ar1_pain_14_14") expected = &c;
  }
  ASSERT_NE(expected, nullptr);
  ASSERT_EQ(r->windows[*r->primary_window].label, "week_12");
  const ItemComparison& pain_c = r->windows[*r->primary_window].Get(Item::kPain);
  ASSERT_TRUE(pain_c.interval.has_value());
  auto rel = [](double a, double e) { return std::fabs(a - e) <= 1e-9 * std::max(1.0, std::fabs(e)); };
  EXPECT_TRUE(rel(*pain_c.change, (*expected)["difference"]));
  EXPECT_TRUE(rel(pain_c.interval->lower, (*expected)["lower"]));
  EXPECT_TRUE(rel(pain_c.interval->upper, (*expected)["upper"]));
  EXPECT_TRUE(rel(pain_c.interval->r, (*expected)["r_clamped"]));
  // Week 8 has no pain data: reported as insufficient, never imputed.
  EXPECT_EQ(r->windows[0].label, "week_8");
  EXPECT_FALSE(r->windows[0].Get(Item::kPain).window_mean.has_value());
  // Record runs from day 0 to day 97 (98 days) with 28 entries.
  EXPECT_EQ(r->completeness.days_missing, 98 - 28);
}

TEST(AnalyzeTest, AdherenceCountsWithoutImputation) {
  auto j = BuildDiaryJson(Series({5}, {4}, 30));
  // Day 14+5 logged as not taken; days 14+10..14+12 removed from the log (3-day unlogged gap
  // joined with nothing else); longest gap 3.
  j["doses"][5]["taken"] = false;
  j["doses"].erase(j["doses"].begin() + 10, j["doses"].begin() + 13);
  auto r = AnalyzeDiary(Parse(j));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->adherence.planned_doses, 30);
  EXPECT_EQ(r->adherence.taken, 26);
  EXPECT_EQ(r->adherence.logged_not_taken, 1);
  EXPECT_EQ(r->adherence.not_logged, 3);
  EXPECT_EQ(r->adherence.longest_gap_days, 3);
  EXPECT_NEAR(*r->adherence.share_taken, 26.0 / 30.0, 1e-15);
}

TEST(AnalyzeTest, SideEffectsOnsetDurationAndSettling) {
  auto j = BuildDiaryJson(Series({5}, {4}, 30));  // diary entries 0..43, first dose index 14
  for (int i = 15; i <= 20; ++i)
    j["diary"][i]["side_effects"] = {{{"name", "vivid_dreams"}, {"severity", i == 17 ? 3 : 1}}};
  j["diary"][40]["side_effects"] = {{{"name", "headache"}, {"severity", 2}}};
  auto r = AnalyzeDiary(Parse(j));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->side_effects.size(), 2u);
  const SideEffectSummary& dreams = r->side_effects[0];
  EXPECT_EQ(dreams.name, "vivid_dreams");
  EXPECT_EQ(dreams.onset_day, 1);
  EXPECT_EQ(dreams.duration_days, 6);
  EXPECT_EQ(dreams.days_reported, 6);
  EXPECT_EQ(dreams.max_severity, 3);
  EXPECT_TRUE(dreams.settled);
  EXPECT_EQ(r->side_effects[1].name, "headache");
  EXPECT_FALSE(r->side_effects[1].settled);  // reported 3 days before the last diary day
}

TEST(AnalyzeTest, JsonHasTheContractKeysAndHonestVerdict) {
  auto r = AnalyzeDiary(Parse(BuildDiaryJson(Series({6, 7}, {2, 3}, 84))));
  ASSERT_TRUE(r.ok());
  const nlohmann::json j = ReportToJson(*r);
  for (const char* key : {"baseline", "windows", "items", "pain_change_pct", "responder_class", "time_to_response_days",
                          "adherence", "side_effects", "verdict", "method", "missing_diary"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["method"]["interval"], "ar1_effective_n_welch_t");
  EXPECT_EQ(j["responder_class"], "substantial");
  EXPECT_EQ(j["baseline"]["items"]["pain"]["mean"], 6.5);
  EXPECT_TRUE(j["items"]["pain"].contains("week_12"));
  const std::string limits = j["verdict"]["limits"].dump();
  EXPECT_NE(limits.find("placebo"), std::string::npos);
  EXPECT_NE(limits.find("regression to the mean"), std::string::npos);
  EXPECT_NE(limits.find("18.0%"), std::string::npos);
  EXPECT_NE(limits.find("N-of-1"), std::string::npos);
  const std::string summary = j["verdict"]["summary"];
  EXPECT_NE(summary.find("In week 12 (days 70-83"), std::string::npos) << summary;
  EXPECT_NE(summary.find("a substantial change"), std::string::npos) << summary;
}

TEST(AnalyzeTest, VerdictNamesNoChangeInWords) {
  auto r = AnalyzeDiary(Parse(BuildDiaryJson(Series({6, 7}, {6, 7}, 84))));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->responder_class, ResponderClass::kNone);
  EXPECT_NE(r->verdict.summary.find("less than a minimal change"), std::string::npos) << r->verdict.summary;
}

TEST(AnalyzeTest, OptionalBootstrapIsReportedWithItsSeed) {
  Diary d = Parse(BuildDiaryJson(Series({6, 7, 7, 8}, {3, 4, 4, 5}, 84)));
  auto plain = AnalyzeDiary(d);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->windows[1].Get(Item::kPain).bootstrap.has_value());
  EXPECT_TRUE(ReportToJson(*plain)["method"]["bootstrap"].is_null());
  AnalysisOptions o;
  o.bootstrap_seed = 2026;
  auto a = AnalyzeDiary(d, o);
  auto b = AnalyzeDiary(d, o);
  ASSERT_TRUE(a.ok() && b.ok());
  const ItemComparison& pa = a->windows[1].Get(Item::kPain);
  ASSERT_TRUE(pa.bootstrap.has_value());
  EXPECT_EQ(pa.bootstrap->lower, b->windows[1].Get(Item::kPain).bootstrap->lower);
  EXPECT_LT(pa.bootstrap->upper, 0.0);
  const nlohmann::json j = ReportToJson(*a);
  EXPECT_EQ(j["method"]["bootstrap_seed"], 2026);
  EXPECT_TRUE(j["items"]["pain"]["week_12"].contains("bootstrap_interval"));
}

// Adds `item` to every diary entry of a BuildDiaryJson document (entry i = day i when no day is missing).
void AddItem(nlohmann::json& j, const std::string& item, const std::vector<std::optional<int>>& values) {
  for (size_t i = 0; i < values.size() && i < j["diary"].size(); ++i) {
    if (values[i]) j["diary"][i][item] = *values[i];
  }
}

TEST(DirectionTest, JudgeChangeUsesTheIntervalAndTheItemsDirection) {
  // Every item is higher-is-worse (data/diary_items.json): a fall is an improvement.
  EXPECT_EQ(JudgeChange(Item::kPain, -2.0, -0.5), ChangeIs::kImprovement);
  EXPECT_EQ(JudgeChange(Item::kSleep, 0.5, 4.0), ChangeIs::kWorsening);
  EXPECT_EQ(JudgeChange(Item::kMood, -1.0, 1.0), ChangeIs::kNone);
  EXPECT_EQ(JudgeChange(Item::kMood, 0.0, 1.0), ChangeIs::kNone);  // touching 0 includes no change
  EXPECT_EQ(JudgeChange(Item::kMood, -1.0, 0.0), ChangeIs::kNone);
  EXPECT_EQ(ChangeIsName(ChangeIs::kWorsening), "worsening");
}

TEST(DirectionTest, WakingMoreTiredIsAWorseningEverywhere) {
  // The issue's case: sleep (tired on waking) from about 2 to about 6.6 while pain falls.
  auto j = BuildDiaryJson(Series({6, 7}, {3, 4}, 84));
  AddItem(j, "sleep", Series({2, 2, 3, 1}, {7, 6, 7, 7, 6}, 84));
  AddItem(j, "mood", Series({5, 6}, {5, 6}, 84));
  auto r = AnalyzeDiary(Parse(j));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const EvaluationWindow& w = r->windows[*r->primary_window];
  const ItemComparison& sleep = w.Get(Item::kSleep);
  ASSERT_TRUE(sleep.change && sleep.interval);
  EXPECT_GT(*sleep.change, 3.0);
  EXPECT_EQ(sleep.change_is, ChangeIs::kWorsening);
  EXPECT_EQ(w.Get(Item::kPain).change_is, ChangeIs::kImprovement);
  EXPECT_EQ(w.Get(Item::kMood).change_is, ChangeIs::kNone);
  EXPECT_FALSE(w.Get(Item::kFatigue).change_is.has_value());  // never rated: no change to judge

  const nlohmann::json js = ReportToJson(*r);
  const nlohmann::json& s12 = js["items"]["sleep"]["week_12"];
  EXPECT_EQ(s12["higher_is"], "worse");
  EXPECT_EQ(s12["change_is"], "worsening");
  EXPECT_EQ(s12["label"], "Waking unrefreshed");
  const std::string plain = s12["plain"];
  EXPECT_NE(plain.find("higher than before LDN"), std::string::npos) << plain;
  EXPECT_TRUE(plain.ends_with(": worse")) << plain;
  EXPECT_TRUE(js["items"]["fatigue"]["week_12"]["change_is"].is_null());
  const std::string pain_plain = js["items"]["pain"]["week_12"]["plain"];
  EXPECT_NE(pain_plain.find("% lower than before LDN (somewhere between "), std::string::npos) << pain_plain;
  EXPECT_TRUE(pain_plain.ends_with(": better")) << pain_plain;
  EXPECT_TRUE(std::string(js["items"]["mood"]["week_12"]["plain"]).ends_with(": no clear change"));
  // The old flag is gone: the direction is said once, as the data says it.
  EXPECT_EQ(js.dump().find("higher_is_better"), std::string::npos);
  // No text calls the worsening an improvement.
  EXPECT_EQ(plain.find("better"), std::string::npos) << plain;
}

TEST(DirectionTest, PlainWordsStayWithinTheScale) {
  ItemComparison c;
  c.item = Item::kMood;
  c.baseline_mean = 1.6;
  c.window_mean = 0.4;
  c.change = -1.2;
  c.pct_change = -75;
  c.interval = DifferenceInterval{};
  c.interval->lower = -2.0;  // below what a mean of 1.6 can fall
  c.interval->upper = -0.4;
  c.change_is = JudgeChange(c.item, c.interval->lower, c.interval->upper);
  EXPECT_EQ(PlainItemSummary(c), "Low mood 75% lower than before LDN (somewhere between 25% and 100% lower): better");
  c.interval->lower = -0.5;
  c.interval->upper = 0.3;
  c.change = -0.1;
  c.change_is = JudgeChange(c.item, c.interval->lower, c.interval->upper);
  EXPECT_EQ(PlainItemSummary(c),
            "Low mood 6% lower than before LDN (somewhere between 31% lower and 19% higher): no clear change");
  c.change.reset();
  EXPECT_EQ(PlainItemSummary(c), "");
}

// The patient's words for a comparison and the verdict's limits are the web app's catalog keys
// (core/message.h): every key the analysis writes, nested ones too, is in web/locales/en.json, and
// every branch of the sentence is reached here.
void CollectKeys(const nlohmann::json& m, std::set<std::string>& keys) {
  keys.insert(m["key"].get<std::string>());
  for (const auto& [name, v] : m["vars"].items()) {
    if (v.is_object() && v.contains("key")) CollectKeys(v, keys);
  }
}

TEST(DirectionTest, EveryPatientTextIsInTheMessageCatalog) {
  std::ifstream file(std::string(LDN_SOURCE_DIR) + "/web/locales/en.json");
  ASSERT_TRUE(file.good());
  const nlohmann::json catalog = nlohmann::json::parse(file);
  std::set<std::string> keys;
  for (const double baseline : {4.0, 0.0}) {
    for (const auto& [change, lower, upper] :
         std::vector<std::tuple<double, double, double>>{{-1.2, -2.0, -0.4}, {1.1, 0.2, 2.0}, {-0.01, -0.5, 0.4}}) {
      ItemComparison c;
      c.item = Item::kPain;
      c.baseline_mean = baseline;
      c.window_mean = baseline + change;
      c.change = change;
      c.interval = DifferenceInterval{};
      c.interval->lower = lower;
      c.interval->upper = upper;
      c.change_is = JudgeChange(c.item, lower, upper);
      const std::optional<Message> m = PlainItemMessage(c);
      ASSERT_TRUE(m.has_value());
      EXPECT_EQ(Fill(*m), PlainItemSummary(c));
      CollectKeys(MessageToJson(*m), keys);
    }
  }
  // A verdict with every limit: two doses off the plan, few doses taken, missing days; and one with
  // a single deviation and a single missing day.
  for (const int deviations : {1, 2}) {
    auto j = BuildDiaryJson(Series({6}, {4, 5}, 84));
    for (int i = 0; i < deviations; ++i) j["doses"][20 + i]["dose_mg"] = 3;
    for (int i = 30; i < 80; ++i) j["doses"][i]["taken"] = false;
    j["diary"].erase(j["diary"].begin() + 40, j["diary"].begin() + 40 + deviations);
    auto r = AnalyzeDiary(Parse(j));
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    const nlohmann::json js = ReportToJson(*r);
    ASSERT_EQ(js["verdict"]["limit_messages"].size(), js["verdict"]["limits"].size());
    for (size_t i = 0; i < js["verdict"]["limits"].size(); ++i) {
      EXPECT_EQ(js["verdict"]["limit_messages"][i]["text"], js["verdict"]["limits"][i]);
      CollectKeys(js["verdict"]["limit_messages"][i], keys);
    }
    EXPECT_EQ(js["verdict"]["caveat_message"]["text"], js["verdict"]["caveat"]);
    CollectKeys(js["verdict"]["caveat_message"], keys);
  }
  for (const std::string& key : keys) EXPECT_TRUE(catalog.contains(key)) << key;
  for (const char* key :
       {"{text}: better", "{text}: worse", "{text}: no clear change", "{pct}%", "{points} points",
        "{item} about the same as before LDN", "{item} {amount} lower than before LDN",
        "{item} {amount} higher than before LDN", "{text} (somewhere between {low} and {high} lower)",
        "{text} (somewhere between {low} and {high} higher)",
        "{text} (somewhere between {low} lower and {high} higher)",
        "Only {pct}% of planned doses were logged as taken.", "1 diary day is missing; it was not filled in.",
        "{n} diary days are missing; they were not filled in."}) {
    EXPECT_TRUE(keys.contains(key)) << "not reached: " << key;
  }
  EXPECT_GE(keys.size(), 19u);
}

TEST(DirectionTest, OffPlanDoseIsADeviationNotARefusal) {
  auto j = BuildDiaryJson(Series({6}, {4, 5}, 84));
  j["doses"][20]["dose_mg"] = 45;  // day 20 after the first dose: 45 mg logged instead of 4.5 mg
  auto r = AnalyzeDiary(Parse(j));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->deviations.size(), 1u);
  EXPECT_EQ(FormatDate(r->deviations[0].date), "2026-02-04");
  EXPECT_EQ(r->deviations[0].day, 20);
  EXPECT_EQ(r->deviations[0].planned.micrograms_hcl(), 4500);
  EXPECT_EQ(r->deviations[0].taken.micrograms_hcl(), 45000);
  EXPECT_EQ(r->adherence.taken, 84);  // it was taken
  // The stable-dose window holding day 20 (days 14-27) had no steady dose; the others did.
  for (const EvaluationWindow& w : r->windows) {
    const bool holds = w.first_day <= 20 && 20 <= w.first_day + 13;
    EXPECT_EQ(w.deviation_days, holds ? 1 : 0) << w.label;
    EXPECT_EQ(w.dose.has_value(), !holds) << w.label;
  }
  const nlohmann::json js = ReportToJson(*r);
  ASSERT_EQ(js["dose_deviations"].size(), 1u);
  EXPECT_EQ(js["dose_deviations"][0]["planned_mg"], 4.5);
  EXPECT_EQ(js["dose_deviations"][0]["taken_mg"], 45.0);
  EXPECT_NE(js["verdict"]["limits"].dump().find("45 mg taken"), std::string::npos);
}

TEST(DirectionTest, EvaluationOpensAfterTheFirstFixedWindow) {
  auto r = AnalyzeDiary(Parse(BuildDiaryJson(Series({6}, {4, 5}, 30))));
  ASSERT_TRUE(r.ok());
  // First dose 2026-01-15; week 8 is days 42-55; the evaluation opens on day 56.
  EXPECT_EQ(FormatDate(r->evaluation_opens), "2026-03-12");
  const nlohmann::json js = ReportToJson(*r);
  EXPECT_EQ(js["evaluation"]["opens_on"], "2026-03-12");
  EXPECT_EQ(js["evaluation"]["window"], "week_8");
  EXPECT_FALSE(js["verdict"]["caveat"].get<std::string>().empty());
  AnalysisOptions only12;
  only12.fixed_weeks = {12};
  EXPECT_EQ(FormatDate(EvaluationOpensOn(r->first_dose, only12)), "2026-04-09");
}

}  // namespace
}  // namespace ldn::analysis
