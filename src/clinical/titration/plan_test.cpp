#include "clinical/titration/plan.h"

#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clinical/titration/adjust.h"
#include "clinical/titration/protocols.h"
#include "core/knowledge_files.h"

namespace ldn::clinical {
namespace {

using nlohmann::json;

json LoadGolden(const std::string& name) {
  std::ifstream in(std::string(LDN_SOURCE_DIR) + "/tests/golden/titration/" + name);
  EXPECT_TRUE(in.good()) << name;
  return json::parse(in);
}

// Steps of `actual` (PlanToJson) equal `expected` field by field; volume_ml present in both or neither.
void ExpectSteps(const json& expected, const json& actual, const std::string& name) {
  ASSERT_EQ(actual.size(), expected.size()) << name << ": " << actual.dump();
  for (size_t i = 0; i < expected.size(); ++i) {
    const json& e = expected[i];
    const json& a = actual[i];
    EXPECT_EQ(a["start"], e["start"]) << name << " step " << i;
    EXPECT_EQ(a["end"], e["end"]) << name << " step " << i;
    EXPECT_DOUBLE_EQ(a["dose_mg"].get<double>(), e["dose_mg"].get<double>()) << name << " step " << i;
    EXPECT_EQ(a["dose_ug"].get<int64_t>(), std::llround(e["dose_mg"].get<double>() * 1000)) << name << " step " << i;
    EXPECT_EQ(a["time"], e["time"]) << name << " step " << i;
    ASSERT_EQ(a.contains("volume_ml"), e.contains("volume_ml")) << name << " step " << i;
    if (e.contains("volume_ml")) {
      EXPECT_DOUBLE_EQ(a["volume_ml"].get<double>(), e["volume_ml"].get<double>()) << name << " step " << i;
    }
  }
}

bool AnyContains(const json& list, const std::string& needle) {
  for (const auto& s : list) {
    if (s.get<std::string>().find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(PlanGoldenTest, EveryCase) {
  const json doc = LoadGolden("plans.json");
  std::set<std::string> protocols_seen;
  ASSERT_GE(doc["cases"].size(), 20u);
  for (const json& c : doc["cases"]) {
    const std::string name = c["name"];
    SCOPED_TRACE(name);
    ASSERT_FALSE(c.value("source", "").empty()) << name << " cites no source";
    auto request = ReadAdjustmentRequest(json{{"plan", c["request"]}, {"events", json::array()}}.dump());
    Result<Plan> plan =
        request.ok()
            ? BuildPlan(request->plan, PlanFieldNames{"plan.protocol", "plan.start", "plan.target_mg", "plan.max_mg",
                                                      "plan.time", "plan.liquid_mg_per_ml", "plan.step_days"})
            : Result<Plan>(request.status());
    if (c.contains("error_field")) {
      ASSERT_FALSE(plan.ok()) << name << " should fail";
      EXPECT_EQ(plan.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(plan.status().field(), c["error_field"].get<std::string>()) << plan.status().ToString();
      if (c.contains("error_contains")) {
        EXPECT_NE(plan.status().message().find(c["error_contains"].get<std::string>()), std::string::npos)
            << plan.status().ToString();
      }
      continue;
    }
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    protocols_seen.insert(plan->protocol.id);
    const json j = PlanToJson(*plan);
    const json& e = c["expect"];
    ExpectSteps(e["steps"], j["steps"], name);
    for (const auto& n : e.value("notes_contain", json::array())) {
      EXPECT_TRUE(AnyContains(j["notes"], n)) << n << " not in " << j["notes"];
    }
    for (const auto& w : e.value("warnings_contain", json::array())) {
      EXPECT_TRUE(AnyContains(j["warnings"], w)) << w << " not in " << j["warnings"];
    }
    if (e.contains("warnings_count")) {
      EXPECT_EQ(j["warnings"].size(), e["warnings_count"].get<size_t>()) << j["warnings"];
    }
    // Every plan carries the timing, response-judgement and source notes.
    EXPECT_TRUE(AnyContains(j["notes"], "8-12 weeks on a stable dose"));
    EXPECT_TRUE(AnyContains(j["notes"], "no validated stopping rule"));
    EXPECT_TRUE(AnyContains(j["notes"], "Source: "));
    EXPECT_FALSE(j["source"].get<std::string>().empty());
  }
  const auto& k = LoadTitrationKnowledge();
  ASSERT_TRUE(k.ok());
  for (const Protocol& p : k->protocols) EXPECT_TRUE(protocols_seen.count(p.id)) << "no golden case for " << p.id;
}

// The patient's explanation of a plan (for_patient) uses the web app's catalog keys: every text the
// golden plans and adjustments produce is in web/locales/en.json with every placeholder filled,
// and every text of web/locales/src/plan.json is produced by some golden case.
TEST(PlanForPatientTest, EveryTextIsInTheMessageCatalogAndEveryCatalogTextIsUsed) {
  std::ifstream en_file(std::string(LDN_SOURCE_DIR) + "/web/locales/en.json");
  std::ifstream src_file(std::string(LDN_SOURCE_DIR) + "/web/locales/src/plan.json");
  ASSERT_TRUE(en_file.good() && src_file.good());
  const json en = json::parse(en_file);
  const json src = json::parse(src_file);
  std::vector<Message> all;
  const json plans = LoadGolden("plans.json"), adjustments = LoadGolden("adjustments.json");
  for (const json& c : plans["cases"]) {
    if (c.contains("error_field")) continue;
    auto request = ReadAdjustmentRequest(json{{"plan", c["request"]}, {"events", json::array()}}.dump());
    ASSERT_TRUE(request.ok()) << c["name"];
    auto adjusted = AdjustPlan(*request);
    ASSERT_TRUE(adjusted.ok()) << c["name"] << adjusted.status().ToString();
    ASSERT_FALSE(adjusted->plan.for_patient.empty()) << c["name"];
    for (const Message& m : adjusted->plan.for_patient) all.push_back(m);
  }
  for (const json& c : adjustments["cases"]) {
    if (c.contains("error_field")) continue;
    auto request = ReadAdjustmentRequest(c["input"].dump());
    ASSERT_TRUE(request.ok()) << c["name"];
    auto adjusted = AdjustPlan(*request);
    ASSERT_TRUE(adjusted.ok()) << c["name"];
    for (const Message& m : adjusted->plan.for_patient) all.push_back(m);
  }
  // The hold (AdjustGapOpioidsTest): opioids during a gap and no new screening.
  auto hold = ReadAdjustmentRequest(
      R"({"plan":{"protocol":"ldnrt-standard","start":"2026-12-01"},"titration":"easy","events":[)"
      R"({"type":"gap","from":"2026-12-20","days":10,"opioids_taken":true}]})");
  ASSERT_TRUE(hold.ok());
  auto held = AdjustPlan(*hold);
  ASSERT_TRUE(held.ok());
  for (const Message& m : held->plan.for_patient) all.push_back(m);
  std::set<std::string> used;
  for (const Message& m : all) {
    used.insert(m.key);
    EXPECT_TRUE(en.contains(m.key)) << m.key;
    EXPECT_TRUE(src.contains(m.key)) << m.key << " is not in web/locales/src/plan.json";
    EXPECT_EQ(Fill(m).find('{'), std::string::npos) << Fill(m);
    const json j = MessageToJson(m);
    EXPECT_EQ(j["text"], Fill(m));
  }
  for (const auto& [key, translations] : src.items()) EXPECT_TRUE(used.contains(key)) << "no golden case says: " << key;
}

TEST(PlanForPatientTest, SaysWhenToTakeItHowItClimbsAndWhenToJudgeIt) {
  auto request =
      ReadAdjustmentRequest(R"({"plan": {"protocol": "ldnrt-standard", "start": "2026-01-05"}, "events": []})");
  ASSERT_TRUE(request.ok()) << request.status().ToString();
  auto adjusted = AdjustPlan(*request);
  ASSERT_TRUE(adjusted.ok());
  const Plan& plan = adjusted->plan;
  ASSERT_GE(plan.for_patient.size(), 3u);
  EXPECT_NE(Fill(plan.for_patient[0]).find("at bedtime"), std::string::npos) << Fill(plan.for_patient[0]);
  const Message& climb = plan.for_patient[1];
  EXPECT_EQ(climb.vars["start"].get<double>(), plan.steps.front().dose.milligrams_hcl());
  EXPECT_EQ(climb.vars["dose"].get<double>(), plan.steps.back().dose.milligrams_hcl());
  EXPECT_EQ(climb.vars["date"], FormatDate(plan.steps.back().start));
  // Judged 56 to 84 days (8 to 12 weeks) after the final step starts, as the prescriber's note says.
  const Message& judge = plan.for_patient[2];
  EXPECT_EQ(judge.vars["from"], FormatDate(AddDays(plan.steps.back().start, 56)));
  EXPECT_EQ(judge.vars["to"], FormatDate(AddDays(plan.steps.back().start, 84)));
  EXPECT_TRUE(AnyContains(PlanToJson(plan)["notes"], FormatDate(AddDays(plan.steps.back().start, 56))));
  EXPECT_EQ(PlanToJson(plan)["for_patient"].size(), plan.for_patient.size());
}

TEST(ProtocolsTest, EmbeddedFileHasTheFourProtocolsWithSources) {
  const auto& k = LoadTitrationKnowledge();
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  std::vector<std::string> ids;
  for (const Protocol& p : k->protocols) {
    ids.push_back(p.id);
    EXPECT_FALSE(p.source.empty());
    EXPECT_FALSE(p.uncertainty.empty());
    EXPECT_LE(p.step_days_min, p.step_days_default);
    EXPECT_LE(p.step_days_default, p.step_days_max);
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"ldnrt-standard", "stepwise-1.5", "sensitive", "final-6mg"}));
  auto final = FindProtocol(*k, "final-6mg", "--protocol");
  ASSERT_TRUE(final.ok());
  EXPECT_TRUE(final->reconstructed);
  EXPECT_EQ(final->target.micrograms_hcl(), 6000);
  EXPECT_NE(final->source.find("NCT04270877"), std::string::npos);
  EXPECT_EQ(k->rules.side_effect_settle_days, 3);
  EXPECT_EQ(k->rules.gap_step_down_days, 21);
  EXPECT_EQ(k->rules.usual_max.micrograms_hcl(), 4500);
  EXPECT_EQ(k->rules.low_dose_ceiling.micrograms_hcl(), 9000);
}

TEST(ProtocolsTest, UnknownProtocolNamesFieldAndListsValidOnes) {
  const auto& k = LoadTitrationKnowledge();
  ASSERT_TRUE(k.ok());
  auto p = FindProtocol(*k, "nope", "--protocol");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().field(), "--protocol");
  EXPECT_NE(p.status().message().find("sensitive"), std::string::npos);
}

TEST(ProtocolsTest, MalformedKnowledgeNamesTheField) {
  const auto& text = KnowledgeFileText("protocols.json");
  ASSERT_TRUE(text.ok());
  json doc = json::parse(*text);
  doc["entries"][1]["increment_mg"] = "1.5";
  auto bad = ParseTitrationKnowledge(doc.dump());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "entries[1].increment_mg");
  doc = json::parse(*text);
  doc["entries"][0]["extra"] = 1;
  bad = ParseTitrationKnowledge(doc.dump());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "entries[0].extra");
}

TEST(ClimbTest, LastStepIsExactlyTheTargetAndStepsAreContiguous) {
  const LocalDate start = date::year{2026} / 3 / 25;  // spans the end of March
  auto steps = Climb(start, Dose::FromMicrogramsHcl(700), Dose::FromMicrogramsHcl(1300), 9,
                     Dose::FromMicrogramsHcl(4000), DoseTime::kBedtime);
  ASSERT_EQ(steps.size(), 4u);  // 0.7, 2.0, 3.3, 4.0
  EXPECT_EQ(steps[3].dose.micrograms_hcl(), 4000);
  EXPECT_FALSE(steps[3].end.has_value());
  for (size_t i = 0; i + 1 < steps.size(); ++i) {
    ASSERT_TRUE(steps[i].end.has_value());
    EXPECT_EQ(DaysBetween(steps[i].start, *steps[i].end), 8);
    EXPECT_EQ(AddDays(*steps[i].end, 1), steps[i + 1].start);
  }
}

TEST(PlanTest, CliFieldNamesByDefault) {
  PlanRequest r;
  r.protocol = "ldnrt-standard";
  r.start = date::year{2026} / 12 / 1;
  r.max = Dose::FromMicrogramsHcl(9001);
  auto p = BuildPlan(r);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().field(), "--max");
  EXPECT_NE(p.status().message().find("Driver"), std::string::npos);
  r.max = Dose::FromMicrogramsHcl(9000);
  r.target = Dose::FromMicrogramsHcl(9000);
  p = BuildPlan(r);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->steps.back().dose.micrograms_hcl(), 9000);
}

TEST(PlanTest, TextTableShowsStepsVolumesAndNotes) {
  PlanRequest r;
  r.protocol = "stepwise-1.5";
  r.start = date::year{2026} / 12 / 1;
  r.liquid_per_ml = Dose::FromMicrogramsHcl(1000);
  auto p = BuildPlan(r);
  ASSERT_TRUE(p.ok());
  const std::string text = FormatPlanText(*p);
  EXPECT_NE(text.find("2026-12-15 - onward"), std::string::npos) << text;
  EXPECT_NE(text.find("4.50 mL"), std::string::npos) << text;
  EXPECT_NE(text.find("WEAK SOURCE"), std::string::npos) << text;
}

TEST(PlanTest, VolumeRoundsHalfUpToHundredthsOfAMillilitre) {
  PlanRequest r;
  r.protocol = "ldnrt-standard";
  r.start = date::year{2026} / 12 / 1;
  r.target = Dose::FromMicrogramsHcl(1000);
  r.liquid_per_ml = Dose::FromMicrogramsHcl(8000);  // 1 mg / 8 mg/mL = 0.125 mL -> 0.13
  auto p = BuildPlan(r);
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->steps.size(), 1u);
  EXPECT_EQ(*p->steps[0].volume_centi_ml, 13);
  EXPECT_EQ(FormatCentiMl(5), "0.05");
  EXPECT_EQ(FormatCentiMl(450), "4.50");
}

}  // namespace
}  // namespace ldn::clinical
