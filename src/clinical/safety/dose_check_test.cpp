#include "clinical/safety/dose_check.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ldn::clinical
