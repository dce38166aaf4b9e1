#include "clinical/titration/adjust.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ldn::clinical {
namespace {

using nlohmann::json;

json LoadGolden(const std::string& name) {
  std::ifstream in(std::string(LDN_SOURCE_DIR) + "/tests/golden/titration/" + name);
  EXPECT_TRUE(in.good()) << name;
  return json::parse(in);
}

Result<AdjustedPlan> RunAdjust(const std::string& text) {
  auto request = ReadAdjustmentRequest(text);
  if (!request.ok()) return request.status();
  return AdjustPlan(*request);
}

TEST(AdjustGoldenTest, EveryCase) {
  const json doc = LoadGolden("adjustments.json");
  ASSERT_GE(doc["cases"].size(), 20u);
  for (const json& c : doc["cases"]) {
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    ASSERT_FALSE(c.value("source", "").empty()) << name << " cites no source";
    auto adjusted = RunAdjust(c["input"].dump());
    if (c.contains("error_field")) {
      ASSERT_FALSE(adjusted.ok()) << name << " should fail";
      EXPECT_EQ(adjusted.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(adjusted.status().field(), c["error_field"].get<std::string>()) << adjusted.status().ToString();
      continue;
    }
    ASSERT_TRUE(adjusted.ok()) << adjusted.status().ToString();
    const json j = AdjustedPlanToJson(*adjusted);
    const json& e = c["expect"];
    const json& steps = j["steps"];
    ASSERT_EQ(steps.size(), e["steps"].size()) << steps.dump();
    for (size_t i = 0; i < steps.size(); ++i) {
      const json& es = e["steps"][i];
      EXPECT_EQ(steps[i]["start"], es["start"]) << "step " << i;
      EXPECT_EQ(steps[i]["end"], es["end"]) << "step " << i;
      EXPECT_DOUBLE_EQ(steps[i]["dose_mg"].get<double>(), es["dose_mg"].get<double>()) << "step " << i;
      EXPECT_EQ(steps[i]["time"], es["time"]) << "step " << i;
      ASSERT_EQ(steps[i].contains("volume_ml"), es.contains("volume_ml")) << "step " << i;
      if (es.contains("volume_ml")) {
        EXPECT_DOUBLE_EQ(steps[i]["volume_ml"].get<double>(), es["volume_ml"].get<double>()) << "step " << i;
      }
    }
    ASSERT_EQ(j["changes"].size(), e["changes"].size()) << j["changes"].dump();
    for (size_t i = 0; i < j["changes"].size(); ++i) {
      const json& ch = j["changes"][i];
      EXPECT_EQ(ch["date"], e["changes"][i]["date"]);
      EXPECT_EQ(ch["type"], e["changes"][i]["type"]);
      EXPECT_FALSE(ch["change"].get<std::string>().empty());
      EXPECT_FALSE(ch["reason"].get<std::string>().empty());
      EXPECT_FALSE(ch["source"].get<std::string>().empty());
    }
    for (const auto& n : e.value("notes_contain", json::array())) {
      bool found = false;
      for (const auto& note : j["notes"]) found = found || note.get<std::string>().find(n) != std::string::npos;
      EXPECT_TRUE(found) << n;
    }
  }
}

TEST(AdjustTest, SourcesNameTheRules) {
  auto a = RunAdjust(R"({"plan":{"protocol":"ldnrt-standard","start":"2026-12-01"},"titration":"hard",
    "events":[{"type":"side_effects","date":"2026-12-10","name":"headache","days_unsettled":3},
              {"type":"gap","from":"2027-01-20","days":40}]})");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->changes.size(), 2u);
  EXPECT_NE(a->changes[0].source.find("LDN Research Trust"), std::string::npos);
  EXPECT_NE(a->changes[0].source.find("3 days"), std::string::npos);
  EXPECT_EQ(a->changes[1].type, "step_down");
  EXPECT_NE(a->changes[1].source.find("3-4 weeks"), std::string::npos);
  const std::string text = FormatAdjustedPlanText(*a);
  EXPECT_NE(text.find("halve_dose"), std::string::npos) << text;
  EXPECT_NE(text.find("step_down"), std::string::npos) << text;
}

TEST(AdjustTest, InputErrors) {
  EXPECT_EQ(RunAdjust("").status().field(), "");
  EXPECT_EQ(RunAdjust("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(RunAdjust("not json").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(RunAdjust("[]").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(RunAdjust(R"({"events":[]})").status().field(), "plan");
  EXPECT_EQ(RunAdjust(R"({"plan":{"protocol":"ldnrt-standard","start":"2026-12-01"}})").status().field(), "events");
  EXPECT_EQ(RunAdjust(R"({"plan":{"protocol":"ldnrt-standard","start":"2026-12-01"},"events":[3]})").status().field(),
            "events[0]");
  EXPECT_EQ(RunAdjust(R"({"plan":{"protocol":"ldnrt-standard","start":"2026-12-01","step_days":"7"},"events":[]})")
                .status()
                .field(),
            "plan.step_days");
}

}  // namespace
}  // namespace ldn::clinical

namespace ldn::clinical {
namespace {

// Issue 11, Deliver 6: opioids during a gap.
constexpr char kGapPlan[] =
    R"({"plan":{"protocol":"ldnrt-standard","start":"2026-12-01"},"titration":"easy","events":[)";

TEST(AdjustGapOpioidsTest, OpioidsWithoutANewScreeningHoldThePlan) {
  auto a = RunAdjust(std::string(kGapPlan) + R"({"type":"gap","from":"2026-12-20","days":10,"opioids_taken":true}]})");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->changes.size(), 1u);
  EXPECT_EQ(a->changes[0].type, "hold");
  ASSERT_EQ(a->findings.size(), 1u);
  EXPECT_EQ(a->findings[0].rule, "gap.opioids_need_screen");
  EXPECT_EQ(a->findings[0].severity, "review");
  EXPECT_EQ(a->findings[0].subject, "events[0]");
  EXPECT_NE(a->findings[0].message.find("do not resume"), std::string::npos);
  // No dose on or after the first day of the gap.
  for (const PlanStep& s : a->plan.steps) {
    ASSERT_TRUE(s.end.has_value());
    EXPECT_LT(*s.end, *ParseDate("2026-12-20", "x"));
  }
  const nlohmann::json j = AdjustedPlanToJson(*a);
  EXPECT_EQ(j["findings"][0]["rule"], "gap.opioids_need_screen");
  EXPECT_NE(FormatAdjustedPlanText(*a).find("gap.opioids_need_screen"), std::string::npos);
  // The patient reads only that the doses are stopped: no climb, no date to judge it by.
  ASSERT_EQ(a->plan.for_patient.size(), 1u);
  EXPECT_NE(Fill(a->plan.for_patient[0]).find("do not take LDN"), std::string::npos);
}

TEST(AdjustGapOpioidsTest, ANewScreeningSetsTheResumeDate) {
  auto a = RunAdjust(std::string(kGapPlan) + R"({"type":"gap","from":"2026-12-20","days":10,"opioids_taken":true,)"
                                             R"("rescreen":{"verdict":"wait","earliest_start":"2027-01-08"}}]})");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->changes[0].type, "resume");
  ASSERT_EQ(a->findings.size(), 1u);
  EXPECT_EQ(a->findings[0].rule, "gap.rescreened");
  bool resumed_on_screen_date = false;
  for (const PlanStep& s : a->plan.steps) resumed_on_screen_date |= s.start == *ParseDate("2027-01-08", "x");
  EXPECT_TRUE(resumed_on_screen_date);
  for (const PlanStep& s : a->plan.steps) {
    EXPECT_FALSE(s.start >= *ParseDate("2026-12-20", "x") && s.start < *ParseDate("2027-01-08", "x"));
  }
}

TEST(AdjustGapOpioidsTest, AReviewOrNotEligibleScreeningHolds) {
  for (const char* verdict : {"review", "not_eligible"}) {
    auto a = RunAdjust(std::string(kGapPlan) + R"({"type":"gap","from":"2026-12-20","days":10,"opioids_taken":true,)" +
                       R"("rescreen":{"verdict":")" + verdict + R"(","earliest_start":null}}]})");
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_EQ(a->changes[0].type, "hold") << verdict;
    EXPECT_EQ(a->findings[0].rule, "gap.rescreen_not_eligible") << verdict;
  }
}

TEST(AdjustGapOpioidsTest, UnstatedOpioidsResumeWithAQuestion) {
  auto a = RunAdjust(std::string(kGapPlan) + R"({"type":"gap","from":"2026-12-20","days":10}]})");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->changes[0].type, "resume");
  ASSERT_EQ(a->findings.size(), 1u);
  EXPECT_EQ(a->findings[0].rule, "gap.ask_opioids");
  auto none =
      RunAdjust(std::string(kGapPlan) + R"({"type":"gap","from":"2026-12-20","days":10,"opioids_taken":false}]})");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->findings.empty());
}

TEST(AdjustGapOpioidsTest, BadInputNamesTheField) {
  auto field = [](const std::string& events) {
    auto r = ReadAdjustmentRequest(std::string(kGapPlan) + events + "]}");
    return r.ok() ? std::string("ok") : r.status().field();
  };
  EXPECT_EQ(
      field(
          R"({"type":"gap","from":"2026-12-20","days":10,"rescreen":{"verdict":"eligible","earliest_start":"2027-01-01"}})"),
      "events[0].rescreen");
  EXPECT_EQ(
      field(R"({"type":"gap","from":"2026-12-20","days":10,"opioids_taken":true,"rescreen":{"verdict":"eligible"}})"),
      "events[0].rescreen.earliest_start");
  EXPECT_EQ(
      field(
          R"({"type":"gap","from":"2026-12-20","days":10,"opioids_taken":true,"rescreen":{"verdict":"ok","earliest_start":null}})"),
      "events[0].rescreen.verdict");
  EXPECT_EQ(field(R"({"type":"gap","from":"2026-12-20","days":10,"opioids_taken":"yes"})"), "events[0].opioids_taken");
  auto first_day =
      RunAdjust(std::string(kGapPlan) + R"({"type":"gap","from":"2026-12-01","days":5,"opioids_taken":true}]})");
  ASSERT_FALSE(first_day.ok());
  EXPECT_EQ(first_day.status().field(), "events[0].from");
}

}  // namespace
}  // namespace ldn::clinical
