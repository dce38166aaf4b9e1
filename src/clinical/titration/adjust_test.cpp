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
