// The report model: golden JSON per test diary, the chart series against the R oracle
// (tests/oracles/report_chart_reference.R), and the invariants every report must keep (the
// limits are always stated; nothing is imputed).
#include "report/report_model.h"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analysis/diary.h"
#include "analysis/response.h"
#include "report/report_test_util.h"

namespace ldn::report {
namespace {

using nlohmann::json;

// Indented JSON with every array of scalars on one line: readable diffs of a golden file.
std::string Pretty(const json& j, int indent = 0) {
  const std::string pad(indent, ' '), inner(indent + 1, ' ');
  auto all_scalars = [](const json& a) {
    for (const json& e : a) {
      if (e.is_structured()) return false;
    }
    return true;
  };
  if (j.is_object() && !j.empty()) {
    std::string out = "{\n";
    size_t i = 0;
    for (const auto& [k, v] : j.items()) {
      out += inner + json(k).dump() + ": " + Pretty(v, indent + 1) + (++i < j.size() ? ",\n" : "\n");
    }
    return out + pad + "}";
  }
  if (j.is_array() && !j.empty() && !all_scalars(j)) {
    std::string out = "[\n";
    for (size_t i = 0; i < j.size(); ++i) out += inner + Pretty(j[i], indent + 1) + (i + 1 < j.size() ? ",\n" : "\n");
    return out + pad + "]";
  }
  std::string flat = j.dump();
  if (j.is_array()) {  // spaces after commas outside strings
    std::string spaced;
    bool in_string = false;
    for (size_t i = 0; i < flat.size(); ++i) {
      const char c = flat[i];
      if (c == '"' && (i == 0 || flat[i - 1] != '\\')) in_string = !in_string;
      spaced += c;
      if (c == ',' && !in_string) spaced += ' ';
    }
    flat = spaced;
  }
  return flat;
}

TEST(ReportModelGoldenTest, MatchesGoldenJson) {
  for (const std::string name : {"responder", "nonresponder", "early"}) {
    SCOPED_TRACE(name);
    const ReportModel model = testing_util::ModelFor(name);
    const json actual = ReportModelToJson(model);
    const std::string path = testing_util::GoldenPath(name + ".model.json");
    if (const char* update = std::getenv("LDN_UPDATE_GOLDEN"); update != nullptr && std::string(update) == "1") {
      std::ofstream(path) << Pretty(actual) << "\n";
      continue;
    }
    const json expected = json::parse(testing_util::ReadFile(path));
    // Compare per key so that a failure names what changed.
    for (const auto& [key, value] : expected.items()) {
      EXPECT_EQ(actual.at(key), value) << "key " << key;
    }
    EXPECT_EQ(actual.size(), expected.size());
  }
}

TEST(ReportModelOracleTest, ChartSeriesMatchR) {
  const json oracle = json::parse(testing_util::ReadFile(testing_util::GoldenPath("chart_expected.json")));
  for (const auto& [name, expected] : oracle.at("diaries").items()) {
    SCOPED_TRACE(name);
    const ChartModel c = testing_util::ModelFor(name).chart;
    EXPECT_EQ(c.first_day, expected.at("first_day").get<int>());
    EXPECT_EQ(c.last_day, expected.at("last_day").get<int>());
    EXPECT_NEAR(c.baseline_mean, expected.at("baseline_mean").get<double>(), 1e-12);
    EXPECT_NEAR(c.response_threshold, expected.at("response_threshold").get<double>(), 1e-12);
    if (expected.at("response_day").is_null()) {
      EXPECT_FALSE(c.response_day.has_value());
    } else {
      ASSERT_TRUE(c.response_day.has_value());
      EXPECT_EQ(*c.response_day, expected.at("response_day").get<int>());
    }
    // Rescue-medication rows: [diary days, days with rescue medication].
    const ReportModel model = testing_util::ModelFor(name);
    for (const auto& [label, counts] : expected.at("rescue_days").items()) {
      const std::string title = label == "baseline" ? "Baseline" : "Week 12";
      bool found = false;
      for (const auto& row : model.rescue.rows) {
        if (row[0] != title) continue;
        found = true;
        EXPECT_EQ(row[2], std::to_string(counts[0].get<int>())) << title;
        EXPECT_EQ(row[3], std::to_string(counts[1].get<int>())) << title;
      }
      EXPECT_EQ(found, counts[0].get<int>() > 0 || label == "baseline") << title;
    }
    std::vector<ChartPoint> flat;
    for (const auto& run : c.rolling_mean) flat.insert(flat.end(), run.begin(), run.end());
    const json& rolling = expected.at("rolling_mean");
    ASSERT_EQ(flat.size(), rolling.size());
    for (size_t i = 0; i < flat.size(); ++i) {
      EXPECT_EQ(flat[i].day, rolling[i][0].get<int>()) << i;
      EXPECT_NEAR(flat[i].value, rolling[i][1].get<double>(), 1e-12) << "day " << flat[i].day;
    }
  }
}

TEST(ReportModelTest, RollingMeanNeverCrossesTheFirstDose) {
  const ChartModel c = testing_util::ModelFor("responder").chart;
  for (const auto& run : c.rolling_mean) {
    ASSERT_FALSE(run.empty());
    EXPECT_EQ(run.front().day < 0, run.back().day < 0) << "a run spans day 0";
    for (size_t i = 1; i < run.size(); ++i) EXPECT_EQ(run[i].day, run[i - 1].day + 1);
  }
}

TEST(ReportModelTest, LimitsAreAlwaysStated) {
  for (const std::string name : {"responder", "nonresponder", "early"}) {
    SCOPED_TRACE(name);
    const ReportModel m = testing_util::ModelFor(name);
    ASSERT_GE(m.limits.size(), 3u);
    EXPECT_NE(m.limits[0].find("cannot separate an effect of LDN from the placebo effect"), std::string::npos);
    EXPECT_NE(m.limits[0].find("regression to the mean"), std::string::npos);
    EXPECT_NE(m.limits[1].find("18.0%"), std::string::npos);
    EXPECT_NE(m.limits[2].find("blinded N-of-1 trial"), std::string::npos);
    EXPECT_NE(m.limits_sources.find("Arthritis Rheum 2013;65:529"), std::string::npos);
  }
}

TEST(ReportModelTest, HeadlineFollowsTheResponderClass) {
  EXPECT_EQ(testing_util::ModelFor("responder").headline,
            "Pain 37% lower in week 12 than before LDN: a moderate change (IMMPACT)");
  EXPECT_EQ(testing_util::ModelFor("responder").verdict_tone, "improved");
  EXPECT_EQ(testing_util::ModelFor("nonresponder").verdict_tone, "not_improved");
  EXPECT_EQ(testing_util::ModelFor("early").verdict_tone, "too_early");
  EXPECT_EQ(testing_util::ModelFor("early").headline, "Too early to judge: not enough diary days on LDN yet");
}

TEST(ReportModelTest, MissedDoseMarksAgreeWithAdherence) {
  for (const std::string name : {"responder", "nonresponder", "early"}) {
    SCOPED_TRACE(name);
    const analysis::Diary diary = testing_util::DiaryFor(name);
    const analysis::AnalysisReport report = *analysis::AnalyzeDiary(diary);
    const ChartModel c = testing_util::ModelFor(name).chart;
    EXPECT_EQ(static_cast<int>(c.missed_dose_days.size()), report.adherence.planned_doses - report.adherence.taken);
  }
}

TEST(ReportModelTest, NotesAreKeptVerbatim) {
  const ReportModel m = testing_util::ModelFor("responder");
  bool found = false;
  for (const PatientNote& n : m.notes) {
    if (n.date == "2026-04-15") {
      found = true;
      EXPECT_EQ(n.text, "<script>alert('x')</script> & <b>new</b> pillow \"helps\"");
      EXPECT_EQ(n.day, 30);
    }
  }
  EXPECT_TRUE(found);
}

TEST(ReportModelTest, Formatting) {
  EXPECT_EQ(FormatSigned(-2.46, 1), "\u22122.5");
  EXPECT_EQ(FormatSigned(0.04, 1), "0.0");
  EXPECT_EQ(FormatSigned(-0.04, 1), "0.0");
  EXPECT_EQ(FormatSigned(1.25, 1), "+1.2");  // round-half-even of the binary value 1.25
  EXPECT_EQ(FormatPercentChange(-37.4), "\u221237%");
  EXPECT_EQ(FormatPercentChange(5), "+5%");
  EXPECT_EQ(FormatInteger(-12), "\u221212");
  EXPECT_EQ(FormatInteger(30), "30");
}

}  // namespace
}  // namespace ldn::report
