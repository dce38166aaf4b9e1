// Data-driven tests of the interlocks: every case of tests/golden/safety/{course_gate,red_flags,
// dose_check}.json is run through the domain and its "expected" subset (or "error") compared
// with the result. The expected values are written by hand from the rules each case cites.
#include <cmath>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clinical/safety/course_gate.h"
#include "clinical/safety/dose_check.h"
#include "clinical/safety/red_flags.h"
#include "clinical/titration/adjust.h"

namespace ldn::clinical {
namespace {

using nlohmann::json;

json LoadGolden(const std::string& name) {
  std::ifstream in(std::string(LDN_SOURCE_DIR) + "/tests/golden/safety/" + name);
  EXPECT_TRUE(in.good()) << name;
  return json::parse(in);
}

// `expected` is a subset of `actual`: objects by key, arrays element-wise with equal length,
// numbers within 1e-9, {"$contains": s} a string containing s, {"$includes": [...]} an array
// holding a match for each item.
bool Matches(const json& expected, const json& actual, const std::string& path, std::string* why) {
  if (expected.is_object() && expected.contains("$contains")) {
    if (actual.is_string() &&
        actual.get<std::string>().find(expected["$contains"].get<std::string>()) != std::string::npos) {
      return true;
    }
    *why = path + ": expected a string containing " + expected["$contains"].dump() + ", got " + actual.dump();
    return false;
  }
  if (expected.is_object() && expected.contains("$includes")) {
    if (!actual.is_array()) {
      *why = path + ": expected an array, got " + actual.dump();
      return false;
    }
    for (const auto& want : expected["$includes"]) {
      bool found = false;
      for (const auto& have : actual) {
        std::string ignored;
        found = found || Matches(want, have, path, &ignored);
      }
      if (!found) {
        *why = path + ": no element matches " + want.dump() + " in " + actual.dump();
        return false;
      }
    }
    return true;
  }
  if (expected.is_object()) {
    if (!actual.is_object()) {
      *why = path + ": expected an object, got " + actual.dump();
      return false;
    }
    for (const auto& [k, v] : expected.items()) {
      if (!actual.contains(k)) {
        *why = path + "." + k + ": missing";
        return false;
      }
      if (!Matches(v, actual[k], path + "." + k, why)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      *why = path + ": expected " + expected.dump() + ", got " + actual.dump();
      return false;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!Matches(expected[i], actual[i], path + "[" + std::to_string(i) + "]", why)) return false;
    }
    return true;
  }
  if (expected.is_number() && actual.is_number()) {
    if (std::fabs(expected.get<double>() - actual.get<double>()) <= 1e-9) return true;
  } else if (expected == actual) {
    return true;
  }
  *why = path + ": expected " + expected.dump() + ", got " + actual.dump();
  return false;
}

void ExpectStatus(const Status& s, const json& want, const std::string& name) {
  EXPECT_EQ(CodeName(s.code()), want["code"].get<std::string>()) << name << ": " << s.ToString();
  EXPECT_EQ(s.field(), want["field"].get<std::string>()) << name << ": " << s.ToString();
  EXPECT_FALSE(s.message().empty()) << name;
}

TEST(SafetyGoldenTest, CourseGate) {
  const auto& rules = LoadInterlockRules();
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  const json golden = LoadGolden("course_gate.json");
  ASSERT_GE(golden["cases"].size(), 20u);
  for (const auto& c : golden["cases"]) {
    const std::string name = c["name"];
    ASSERT_TRUE(c.contains("source")) << name << " cites no source";
    Result<CourseGateInput> input = ReadCourseGateInput(c["input"]);
    Result<CourseGateResult> result = input.ok() ? EvaluateCourseGate(*input, *rules) : input.status();
    if (c.contains("error")) {
      ASSERT_FALSE(result.ok()) << name << " should fail";
      ExpectStatus(result.status(), c["error"], name);
      continue;
    }
    ASSERT_TRUE(result.ok()) << name << ": " << result.status().ToString();
    std::string why;
    EXPECT_TRUE(Matches(c["expected"], CourseGateToJson(*result, *rules), name, &why)) << why;
    const Status refusal = GateRefusal(*result);
    if (c.contains("refusal")) {
      ExpectStatus(refusal, c["refusal"], name);
    } else {
      EXPECT_TRUE(refusal.ok()) << name << ": " << refusal.ToString();
    }
  }
}

TEST(SafetyGoldenTest, RedFlags) {
  const auto& vocabulary = LoadRedFlagVocabulary();
  ASSERT_TRUE(vocabulary.ok()) << vocabulary.status().ToString();
  const json golden = LoadGolden("red_flags.json");
  ASSERT_GE(golden["cases"].size(), 20u);
  for (const auto& c : golden["cases"]) {
    const std::string name = c["name"];
    json ids = json::array();
    for (const auto& m : MatchRedFlags(c["text"].get<std::string>(), *vocabulary)) ids.push_back(m.id);
    EXPECT_EQ(ids, c["ids"]) << name;
    ReportToAssess report;
    report.note = c["text"];
    EXPECT_EQ(RedFlagLevelName(AssessReport(report, *vocabulary).level), c["level"].get<std::string>()) << name;
  }
}

TEST(SafetyGoldenTest, DoseCheck) {
  const auto& rules = LoadInterlockRules();
  const auto& titration = LoadTitrationKnowledge();
  ASSERT_TRUE(rules.ok() && titration.ok());
  const json golden = LoadGolden("dose_check.json");
  ASSERT_GE(golden["cases"].size(), 10u);
  for (const auto& c : golden["cases"]) {
    const std::string name = c["name"];
    DoseCheckInput in;
    in.date = *ParseDate(c["date"].get<std::string>(), "date");
    auto dose = Dose::FromMilligramsHcl(c["dose_mg"].get<double>(), "dose_mg");
    ASSERT_TRUE(dose.ok()) << name;
    in.dose = *dose;
    if (c.contains("reason")) in.off_plan_reason = c["reason"].get<std::string>();
    if (!c["plan"].is_null()) {
      auto request = ReadAdjustmentRequest(json{{"plan", c["plan"]}, {"events", json::array()}}.dump());
      ASSERT_TRUE(request.ok()) << name << ": " << request.status().ToString();
      auto adjusted = AdjustPlan(*request);
      ASSERT_TRUE(adjusted.ok()) << name << ": " << adjusted.status().ToString();
      CoursePlanView view;
      view.steps = adjusted->plan.steps;
      view.max = adjusted->plan.request.max;
      in.plan = view;
    }
    const DoseCheckResult r = CheckLoggedDose(in, *rules, titration->rules.low_dose_ceiling);
    std::string why;
    EXPECT_TRUE(Matches(c["expected"], DoseCheckToJson(r), name, &why)) << why;
    const Status s = DoseCheckStatus(r);
    if (c.contains("status")) {
      ExpectStatus(s, c["status"], name);
    } else {
      EXPECT_TRUE(s.ok()) << name << ": " << s.ToString();
    }
  }
}

}  // namespace
}  // namespace ldn::clinical
