#include "clinical/safety/course_gate.h"

#include <gtest/gtest.h>

namespace ldn::clinical {
namespace {

LocalDate D(const char* s) {
  return *ParseDate(s, "d");
}

const InterlockRules& Rules() {
  const auto& r = LoadInterlockRules();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return *r;
}

// A screening produced by the real screening engine (docs/screening.md), read back as the gate
// reads a stored one.
GateScreening RealScreening(const nlohmann::json& input, int64_t id) {
  auto parsed = ParseScreeningInput(input);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  auto kb = DrugKnowledgeBase::Embedded();
  EXPECT_TRUE(kb.ok());
  auto report = Screen(*parsed, **kb, parsed->jurisdiction);
  EXPECT_TRUE(report.ok());
  auto gs = ReadGateScreening(ToJson(*report), id, parsed->today);
  EXPECT_TRUE(gs.ok()) << gs.status().ToString();
  return *gs;
}

TEST(CourseGateTest, RealTramadolScreeningGatesTheStart) {
  const GateScreening s =
      RealScreening({{"today", "2026-11-22"},
                     {"medications", {{{"name", "Tramadol 50 mg"}, {"last_taken", "2026-11-20"}, {"current", false}}}},
                     {"conditions", nlohmann::json::array()}},
                    3);
  EXPECT_EQ(s.verdict, Verdict::kWait);
  ASSERT_TRUE(s.earliest_start);
  EXPECT_EQ(*s.earliest_start, D("2026-11-30"));  // 10-day short-acting washout
  CourseGateInput in;
  in.today = D("2026-11-22");
  in.screening = s;
  for (LocalDate d = D("2026-11-08"); d < D("2026-11-22"); d = AddDays(d, 1)) in.pain_days.push_back(d);
  in.start = D("2026-11-25");
  auto r = EvaluateCourseGate(in, Rules());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->allowed());
  EXPECT_EQ(r->FirstBlocking()->code, "start.before_earliest");
  EXPECT_EQ(r->proposed_start, D("2026-11-30"));
  const Status refusal = GateRefusal(*r);
  EXPECT_EQ(refusal.code(), Code::kConflict);
  EXPECT_EQ(refusal.field(), "start");
  EXPECT_NE(refusal.message().find("2026-11-30"), std::string::npos) << refusal.message();
  in.start = D("2026-11-30");
  EXPECT_TRUE(EvaluateCourseGate(in, Rules())->allowed());
}

TEST(CourseGateTest, RealThyroidReviewNeedsEachAcknowledgement) {
  const GateScreening s =
      RealScreening({{"today", "2026-11-22"},
                     {"medications", {{{"name", "levothyroxine"}, {"last_taken", nullptr}, {"current", true}}}},
                     {"conditions", nlohmann::json::array()},
                     {"planned_surgery", "2027-01-10"}},
                    4);
  EXPECT_EQ(s.verdict, Verdict::kReview);
  CourseGateInput in;
  in.today = D("2026-11-22");
  in.screening = s;
  auto r = EvaluateCourseGate(in, Rules());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->review.size(), 2u);
  EXPECT_FALSE(r->allowed());
  for (const ReviewItem& item : r->review) in.acknowledged_findings.push_back(item.key);
  r = EvaluateCourseGate(in, Rules());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->allowed());
  EXPECT_EQ(r->start, r->proposed_start);
}

TEST(CourseGateTest, ReadGateScreeningIgnoresKeysItDoesNotUse) {
  nlohmann::json report = {{"verdict", "review"},
                           {"earliest_start", nullptr},
                           {"jurisdiction", "uk"},
                           {"findings", {{{"rule", "x"}, {"severity", "review"}, {"extra", 1}}}}};
  auto s = ReadGateScreening(report, 1, D("2026-11-22"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->findings.size(), 1u);
  EXPECT_EQ(ReviewFindingKey(s->findings[0]), "x");
  EXPECT_EQ(ReadGateScreening({{"verdict", "maybe"}}, 1, D("2026-11-22")).status().field(), "verdict");
  EXPECT_EQ(
      ReadGateScreening({{"verdict", "wait"}, {"findings", {{{"rule", "x"}}}}}, 1, D("2026-11-22")).status().field(),
      "findings[0].severity");
}

TEST(CourseGateTest, OverrideReasonIsTrimmedAndKept) {
  CourseGateInput in;
  in.today = D("2026-11-22");
  in.start = D("2026-11-23");
  in.overrides = {{"screening.missing", "   Screened by phone today; record to follow.  "},
                  {"start.before_baseline", "Paper diary of two weeks brought to the visit."}};
  auto r = EvaluateCourseGate(in, Rules());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->allowed());
  ASSERT_EQ(r->overrides.size(), 2u);
  EXPECT_EQ(r->overrides[0].reason, "Screened by phone today; record to follow.");
  const auto j = CourseGateToJson(*r, Rules());
  EXPECT_EQ(j["checks"][0]["overridden"], true);
  EXPECT_EQ(j["checks"][0]["blocking"], false);
}

TEST(CourseGateTest, DuplicateOverrideIsInvalid) {
  CourseGateInput in;
  in.today = D("2026-11-22");
  in.overrides = {{"screening.missing", "Screened by phone today."}, {"screening.missing", "Screened by phone."}};
  auto r = EvaluateCourseGate(in, Rules());
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "overrides[1].code");
}

TEST(CourseGateTest, ActionNamesRoundTrip) {
  for (GateAction a : {GateAction::kCreate, GateAction::kActivate, GateAction::kResume}) {
    EXPECT_EQ(*ParseGateAction(GateActionName(a), "action"), a);
  }
  EXPECT_EQ(ParseGateAction("start", "action").status().field(), "action");
}

}  // namespace
}  // namespace ldn::clinical
