#include "clinical/safety/dose_check.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ldn::clinical {
namespace {

LocalDate D(const char* s) {
  return *ParseDate(s, "d");
}
Dose Ug(int64_t ug) {
  return Dose::FromMicrogramsHcl(ug);
}

CoursePlanView GapPlan() {
  // 1 mg 11-01..11-07, a gap 11-08..11-10, 2 mg from 11-11.
  CoursePlanView p;
  PlanStep a;
  a.start = D("2026-11-01");
  a.end = D("2026-11-07");
  a.dose = Ug(1000);
  PlanStep b;
  b.start = D("2026-11-11");
  b.dose = Ug(2000);
  p.steps = {a, b};
  return p;
}

TEST(DoseCheckTest, StepOnAndMaximum) {
  const CoursePlanView p = GapPlan();
  EXPECT_EQ(StepOn(p.steps, D("2026-10-31")), nullptr);
  EXPECT_EQ(StepOn(p.steps, D("2026-11-07"))->dose, Ug(1000));
  EXPECT_EQ(StepOn(p.steps, D("2026-11-09")), nullptr);
  EXPECT_EQ(StepOn(p.steps, D("2027-05-01"))->dose, Ug(2000));
  EXPECT_EQ(CourseMaximum(p), Ug(2000));
  CoursePlanView with_max = p;
  with_max.max = Ug(4500);
  EXPECT_EQ(CourseMaximum(with_max), Ug(4500));
}

TEST(DoseCheckTest, GapUsesThePreviousStepAsReference) {
  const auto& rules = LoadInterlockRules();
  ASSERT_TRUE(rules.ok());
  DoseCheckInput in;
  in.date = D("2026-11-09");
  in.dose = Ug(2000);
  in.plan = GapPlan();
  DoseCheckResult r = CheckLoggedDose(in, *rules, Ug(9000));
  EXPECT_EQ(r.outcome, DoseCheckOutcome::kNeedsConfirmation);
  EXPECT_FALSE(r.planned);
  EXPECT_EQ(*r.reference, Ug(1000));
  EXPECT_EQ(r.limit, Ug(2000));
  EXPECT_NE(r.message.find("a break in your plan"), std::string::npos) << r.message;
  in.dose = Ug(2001);
  EXPECT_EQ(CheckLoggedDose(in, *rules, Ug(9000)).outcome, DoseCheckOutcome::kRefused);
}

TEST(DoseCheckTest, StatusCarriesTheMessageAndField) {
  const auto& rules = LoadInterlockRules();
  ASSERT_TRUE(rules.ok());
  DoseCheckInput in;
  in.date = D("2026-11-03");
  in.dose = Ug(1500);
  in.plan = GapPlan();
  const DoseCheckResult needs = CheckLoggedDose(in, *rules, Ug(9000));
  const Status s = DoseCheckStatus(needs);
  EXPECT_EQ(s.code(), Code::kConflict);
  EXPECT_EQ(s.field(), "dose_mg");
  EXPECT_EQ(s.message(), needs.message);
  in.off_plan_reason = "took one and a half";
  EXPECT_TRUE(DoseCheckStatus(CheckLoggedDose(in, *rules, Ug(9000))).ok());
  in.dose = Ug(1000);
  const DoseCheckResult on = CheckLoggedDose(in, *rules, Ug(9000));
  EXPECT_EQ(on.outcome, DoseCheckOutcome::kOnPlan);  // a reason with an on-plan dose changes nothing
  EXPECT_TRUE(on.message.empty());
}

// Every text the check writes, in every branch, is a key of the web app's catalogs in every
// language (the app shows the refusal in the patient's language), and its English is the message.
TEST(DoseCheckTest, EveryTextIsInTheMessageCatalog) {
  const auto& rules = LoadInterlockRules();
  ASSERT_TRUE(rules.ok());
  ASSERT_EQ((*rules).off_plan_refuse_factor, 2);
  CoursePlanView wide = GapPlan();
  wide.max = Ug(4500);
  struct Case {
    const char* date;
    int64_t ug;
    std::optional<CoursePlanView> plan;
  };
  const std::vector<Case> cases = {
      {"2026-11-03", 10000, std::nullopt},  // no plan, above the low-dose ceiling
      {"2026-11-03", 3000, std::nullopt},   // no plan
      {"2026-11-03", 2500, GapPlan()},      // twice the step and above the course maximum
      {"2026-11-03", 3000, wide},           // twice the step only
      {"2026-11-12", 3000, GapPlan()},      // above the course maximum only
      {"2026-11-09", 3000, wide},           // in a gap: twice the nearest step
      {"2026-11-09", 2500, GapPlan()},      // in a gap: twice the nearest step and above the maximum
      {"2026-11-03", 1500, GapPlan()},      // differs from the plan
      {"2026-10-30", 500, GapPlan()},       // before the course
      {"2026-11-09", 1000, GapPlan()},      // a break in the plan
  };
  std::set<std::string> keys;
  std::function<void(const nlohmann::json&)> nested = [&](const nlohmann::json& vars) {
    for (const auto& [name, v] : vars.items()) {
      if (v.is_object() && v.contains("key")) {
        keys.insert(v["key"].get<std::string>());
        nested(v["vars"]);
      }
    }
  };
  for (const Case& c : cases) {
    DoseCheckInput in;
    in.date = D(c.date);
    in.dose = Ug(c.ug);
    in.plan = c.plan;
    const DoseCheckResult r = CheckLoggedDose(in, *rules, Ug(9000));
    SCOPED_TRACE(r.message);
    ASSERT_NE(r.outcome, DoseCheckOutcome::kOnPlan);
    EXPECT_EQ(Fill(r.text), r.message);
    const Status s = DoseCheckStatus(r);
    ASSERT_NE(s.text(), nullptr);
    EXPECT_EQ(*s.text(), r.text);
    keys.insert(r.text.key);
    nested(r.text.vars);
  }
  EXPECT_EQ(keys.size(), 13u);
  for (const char* lang : {"en", "da", "nb"}) {
    std::ifstream in(std::filesystem::path(LDN_SOURCE_DIR) / "web" / "locales" / (std::string(lang) + ".json"));
    const nlohmann::json catalog = nlohmann::json::parse(in);
    for (const std::string& key : keys) EXPECT_TRUE(catalog.contains(key)) << lang << ": " << key;
  }
}

}  // namespace
}  // namespace ldn::clinical
