#include "server/plan_notice.h"

#include <gtest/gtest.h>

namespace ldn::server {
namespace {

LocalDate D(const char* s) {
  return *ParseDate(s, "d");
}

pharmacy::OrderStep Step(const char* start, std::optional<const char*> end, int64_t ug, const char* time = "bedtime") {
  pharmacy::OrderStep s;
  s.start = D(start);
  if (end) s.end = D(*end);
  s.dose = Dose::FromMicrogramsHcl(ug);
  s.time = time;
  return s;
}

// 1.5 mg for a week, 3 mg for a week, then 4.5 mg onwards.
PlanSnapshot Plan() {
  return {7,
          "active",
          {Step("2026-12-01", "2026-12-07", 1500), Step("2026-12-08", "2026-12-14", 3000),
           Step("2026-12-15", std::nullopt, 4500)}};
}

TEST(PlanNoticeTest, NothingChangedIsNoNews) {
  EXPECT_TRUE(DiffPlans(Plan(), Plan(), D("2026-12-06")).empty());
  EXPECT_EQ(Plan().Id(), Plan().Id());
  EXPECT_EQ(Plan().Id().size(), 64u);
  // Past days are history: a change before today says nothing.
  PlanSnapshot past = Plan();
  past.steps[0].dose = Dose::FromMicrogramsHcl(1000);
  EXPECT_TRUE(DiffPlans(Plan(), past, D("2026-12-08")).empty());
  EXPECT_NE(Plan().Id(), past.Id());  // ... though it is another plan to acknowledge
}

TEST(PlanNoticeTest, AHeldStepIsSaidAsRunsOfDays) {
  // The clinician holds 3 mg a week longer: 3 mg 8-21 Dec, 4.5 mg from 22 Dec.
  PlanSnapshot now = Plan();
  now.steps[1].end = D("2026-12-21");
  now.steps[2].start = D("2026-12-22");
  const auto changes = DiffPlans(Plan(), now, D("2026-12-06"));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, "dose");
  EXPECT_EQ(changes[0].from, D("2026-12-15"));
  EXPECT_EQ(changes[0].to, D("2026-12-21"));
  EXPECT_EQ(changes[0].was_ug, 4500);
  EXPECT_EQ(changes[0].now_ug, 3000);
  EXPECT_EQ(changes[0].text, "Your dose from 2026-12-15 to 2026-12-21: 3 mg (it was 4.5 mg).");
  EXPECT_EQ(changes[0].ToJson()["from"], "2026-12-15");
}

TEST(PlanNoticeTest, ALowerTargetIsOpenEnded) {
  PlanSnapshot now = Plan();
  now.steps[2].dose = Dose::FromMicrogramsHcl(3000);
  const auto changes = DiffPlans(Plan(), now, D("2026-12-06"));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].from, D("2026-12-15"));
  EXPECT_FALSE(changes[0].to.has_value());
  EXPECT_EQ(changes[0].text, "Your dose from 2026-12-15: 3 mg (it was 4.5 mg).");
}

TEST(PlanNoticeTest, StopsTimesStatusAndNewCourses) {
  PlanSnapshot now = Plan();
  now.steps[2].end = D("2026-12-20");  // the course ends on 20 Dec
  auto changes = DiffPlans(Plan(), now, D("2026-12-06"));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, "stop");
  EXPECT_EQ(changes[0].from, D("2026-12-21"));
  EXPECT_FALSE(changes[0].to.has_value());

  now = Plan();
  for (auto& s : now.steps) s.time = "morning";
  changes = DiffPlans(Plan(), now, D("2026-12-10"));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, "time");
  EXPECT_EQ(changes[0].from, D("2026-12-10"));
  EXPECT_EQ(changes[0].now, "morning");
  EXPECT_EQ(changes[0].text, "Take it in the morning from 2026-12-10 (it was at bedtime).");

  now = Plan();
  now.status = "paused";
  changes = DiffPlans(Plan(), now, D("2026-12-10"));
  ASSERT_EQ(changes.size(), 1u);  // the pause, not a year of "no dose"
  EXPECT_EQ(changes[0].kind, "status");
  EXPECT_EQ(changes[0].was, "active");
  EXPECT_EQ(changes[0].now, "paused");

  PlanSnapshot planned = Plan();
  planned.status = "planned";
  EXPECT_TRUE(DiffPlans(planned, Plan(), D("2026-12-10")).empty());  // started as planned: no news

  PlanSnapshot next = {8, "planned", {Step("2027-01-10", std::nullopt, 1000)}};
  changes = DiffPlans(Plan(), next, D("2026-12-10"));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, "new_course");
  EXPECT_EQ(changes[0].from, D("2027-01-10"));
  // Never acknowledged anything: the first plan is news.
  changes = DiffPlans(PlanSnapshot{}, Plan(), D("2026-11-20"));
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].kind, "new_course");
  // No course before, none now: nothing.
  EXPECT_TRUE(DiffPlans(PlanSnapshot{}, PlanSnapshot{}, D("2026-11-20")).empty());
}

TEST(PlanNoticeTest, SnapshotsRoundTripThroughJson) {
  auto back = PlanSnapshot::FromJson(Plan().ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->Id(), Plan().Id());
  EXPECT_EQ(PlanSnapshot::FromJson(nlohmann::json::array()).status().code(), Code::kInternal);
  nlohmann::json j = Plan().ToJson();
  j["steps"][0].erase("dose_ug");
  EXPECT_EQ(PlanSnapshot::FromJson(j).status().code(), Code::kInternal);
}

}  // namespace
}  // namespace ldn::server
