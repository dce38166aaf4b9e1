#include "clinical/safety/flags.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace ldn::clinical {
namespace {

LocalDate D(const char* s) {
  return *ParseDate(s, "d");
}

class FlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LoadInterlockRules().ok());
    ASSERT_TRUE(LoadRedFlagVocabulary().ok());
    record_.today = D("2026-11-22");
  }
  std::vector<Flag> Flags() { return ComputeFlags(record_, *LoadInterlockRules(), *LoadRedFlagVocabulary()); }
  std::vector<std::string> Codes() {
    std::vector<std::string> codes;
    for (const Flag& f : Flags()) codes.push_back(f.code);
    return codes;
  }
  const Flag* Find(const std::vector<Flag>& flags, const std::string& code) {
    for (const Flag& f : flags) {
      if (f.code == code) return &f;
    }
    return nullptr;
  }
  // An active course from `start`: 1 mg for a week, then 2 mg.
  FlagCourse Course(int64_t id, const char* status, const char* start) {
    FlagCourse c;
    c.id = id;
    c.status = status;
    c.start = D(start);
    PlanStep a;
    a.start = D(start);
    a.end = AddDays(D(start), 6);
    a.dose = Dose::FromMicrogramsHcl(1000);
    PlanStep b;
    b.start = AddDays(D(start), 7);
    b.dose = Dose::FromMicrogramsHcl(2000);
    c.plan.steps = {a, b};
    return c;
  }
  void DiaryEveryDay(LocalDate from, LocalDate to) {
    for (LocalDate d = from; d <= to; d = AddDays(d, 1)) record_.diary.push_back({d, {}, ""});
  }
  FlagRecord record_;
};

TEST_F(FlagsTest, NoCourseNoDiaryMissing) {
  EXPECT_TRUE(Flags().empty());  // no diary at all, but no course either
}

TEST_F(FlagsTest, DiaryMissingWithAnActiveCourseAndAStableCode) {
  record_.courses.push_back(Course(1, "active", "2026-11-01"));
  record_.screenings.push_back({1, D("2026-10-15"), Verdict::kEligible, D("2026-10-15"), ""});
  DiaryEveryDay(D("2026-10-18"), D("2026-11-17"));
  auto flags = Flags();
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_EQ(flags[0].code, "diary.missing.2026-11-18");
  EXPECT_EQ(flags[0].level, FlagLevel::kAmber);
  EXPECT_EQ(flags[0].message, "Diary missing for 4 days (since 2026-11-18).");
  record_.today = D("2026-11-23");  // the same run, one day longer: the same occurrence
  EXPECT_EQ(Codes(), std::vector<std::string>{"diary.missing.2026-11-18"});
  record_.diary.push_back({D("2026-11-20"), {}, ""});  // a day filled in: a new, shorter run
  EXPECT_TRUE(Codes().empty());
}

TEST_F(FlagsTest, CorrectlyScheduledStartRaisesNoSafetyFlag) {
  FlagCourse c = Course(1, "active", "2026-11-01");
  c.gated = true;
  c.gated_earliest_start = D("2026-10-28");
  record_.courses.push_back(c);
  record_.screenings.push_back({1, D("2026-10-18"), Verdict::kWait, D("2026-10-28"), "tramadol washout"});
  DiaryEveryDay(D("2026-10-18"), D("2026-11-21"));
  EXPECT_TRUE(Flags().empty());
}

TEST_F(FlagsTest, StartBeforeEarliestIsRedOverrideOrNot) {
  FlagCourse c = Course(2, "active", "2026-11-10");
  c.gated = true;
  c.gated_earliest_start = D("2026-11-13");
  c.overrides.push_back(
      {{"start.before_earliest", "Single tramadol dose; naloxone challenge negative."}, D("2026-11-09")});
  c.overrides.push_back({{"start.before_baseline", "Paper diary brought to the visit."}, D("2026-11-09")});
  record_.courses.push_back(c);
  DiaryEveryDay(D("2026-10-27"), D("2026-11-21"));
  const auto flags = Flags();
  const Flag* early = Find(flags, "course.2.before_earliest_start");
  ASSERT_NE(early, nullptr);
  EXPECT_EQ(early->level, FlagLevel::kRed);
  EXPECT_NE(early->message.find("Overridden: \"Single tramadol dose"), std::string::npos) << early->message;
  const Flag* baseline = Find(flags, "course.2.override.start.before_baseline");
  ASSERT_NE(baseline, nullptr);
  EXPECT_EQ(baseline->level, FlagLevel::kAmber);
  EXPECT_EQ(Find(flags, "course.2.override.start.before_earliest"), nullptr);  // said once, in red
  EXPECT_EQ(flags.front().level, FlagLevel::kRed);
}

// A check overridden at creation and again at activation is one flag (one code, one task in the
// clinician's inbox) whose message keeps both dates and reasons.
TEST_F(FlagsTest, ACheckOverriddenTwiceIsOneFlag) {
  FlagCourse c = Course(5, "active", "2026-11-10");
  c.gated = true;
  c.overrides.push_back({{"screening.missing", "Screened at the visit, on paper."}, D("2026-11-08")});
  c.overrides.push_back({{"screening.missing", "Still the paper screening of the visit."}, D("2026-11-10")});
  record_.courses.push_back(c);
  DiaryEveryDay(D("2026-10-27"), D("2026-11-21"));
  const auto flags = Flags();
  int n = 0;
  for (const Flag& f : flags) n += f.code == "course.5.override.screening.missing";
  EXPECT_EQ(n, 1);
  const Flag* f = Find(flags, "course.5.override.screening.missing");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->since, D("2026-11-08"));
  EXPECT_NE(f->message.find("on 2026-11-08. Reason: \"Screened at the visit"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("Again on 2026-11-10. Reason: \"Still the paper"), std::string::npos) << f->message;
}

TEST_F(FlagsTest, LegacyCourseUsesTheScreeningBeforeItsStart) {
  record_.courses.push_back(Course(3, "active", "2026-11-10"));
  record_.screenings.push_back({4, D("2026-11-05"), Verdict::kWait, D("2026-11-12"), ""});
  DiaryEveryDay(D("2026-10-27"), D("2026-11-21"));
  EXPECT_EQ(Codes(), std::vector<std::string>{"course.3.before_earliest_start"});
  record_.screenings.clear();
  EXPECT_EQ(Codes(), std::vector<std::string>{"course.3.unscreened"});
}

TEST_F(FlagsTest, SevereReportsAreRedWithNoteAndSeverityUntilAcknowledged) {
  record_.courses.push_back(Course(1, "active", "2026-11-01"));
  record_.screenings.push_back({1, D("2026-10-15"), Verdict::kEligible, D("2026-10-15"), ""});
  DiaryEveryDay(D("2026-10-18"), D("2026-11-21"));
  record_.diary.back().side_effects = {{"symptom_flare", 3}, {"headache", 1}};
  record_.diary.back().note = "heart racing. Should I stop?";
  record_.adverse_events.push_back({7, D("2026-11-20"), "moderate", false, "dizzy"});
  record_.adverse_events.push_back({8, D("2026-11-19"), "mild", false, "chest pain when climbing stairs"});
  auto flags = Flags();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"diary.2026-11-21.note.heart_racing",
                                               "diary.2026-11-21.severe.symptom_flare", "ae.8"}));
  const Flag* note = Find(flags, "diary.2026-11-21.note.heart_racing");
  EXPECT_NE(note->message.find("\"heart racing. Should I stop?\""), std::string::npos) << note->message;
  EXPECT_NE(note->message.find("Temporary worsening of symptoms (severe), Headache (mild)"), std::string::npos)
      << note->message;
  EXPECT_NE(Find(flags, "ae.8")->message.find("Mentions chest pain"), std::string::npos);
  record_.acknowledged.insert("ae.8");
  flags = Flags();
  EXPECT_TRUE(Find(flags, "ae.8")->acknowledged);
  EXPECT_FALSE(Find(flags, "diary.2026-11-21.note.heart_racing")->acknowledged);
}

TEST_F(FlagsTest, ASevereRunIsOneOccurrenceAndANewRunAnother) {
  record_.courses.push_back(Course(1, "active", "2026-11-01"));
  record_.screenings.push_back({1, D("2026-10-15"), Verdict::kEligible, D("2026-10-15"), ""});
  DiaryEveryDay(D("2026-10-18"), D("2026-11-21"));
  for (auto& d : record_.diary) {
    if ((d.date >= D("2026-11-10") && d.date <= D("2026-11-12")) || d.date == D("2026-11-20")) {
      d.side_effects = {{"headache", 3}};
    }
  }
  const auto flags = Flags();
  EXPECT_EQ(Codes(),
            (std::vector<std::string>{"diary.2026-11-20.severe.headache", "diary.2026-11-10.severe.headache"}));
  EXPECT_EQ(
      Find(flags, "diary.2026-11-10.severe.headache")->message,
      "Severe side effect: Headache, rated severe on 3 days in a row, from 2026-11-10 to 2026-11-12. Side effects "
      "on the last day: Headache (severe).");
}

TEST_F(FlagsTest, OffPlanDoseIsRedWithTheReason) {
  record_.courses.push_back(Course(1, "active", "2026-11-01"));
  record_.screenings.push_back({1, D("2026-10-15"), Verdict::kEligible, D("2026-10-15"), ""});
  DiaryEveryDay(D("2026-10-18"), D("2026-11-21"));
  record_.doses.push_back({10, 1, D("2026-11-20"), true, Dose::FromMicrogramsHcl(2000), std::nullopt});
  record_.doses.push_back({11, std::nullopt, D("2026-11-21"), true, Dose::FromMicrogramsHcl(1500), "felt sick"});
  record_.doses.push_back({12, 1, D("2026-11-19"), false, Dose::FromMicrogramsHcl(0), std::nullopt});
  const auto flags = Flags();
  EXPECT_EQ(Codes(), std::vector<std::string>{"dose.11.off_plan"});
  EXPECT_EQ(flags[0].message,
            "Dose of 2026-11-21: 1.5 mg logged, the plan says 2 mg. The patient confirmed it: \"felt sick\".");
}

TEST_F(FlagsTest, BaselineUnderWayAsksForTheFiqrAndTheDiary) {
  FlagCourse c = Course(5, "planned", "2026-11-30");
  record_.courses.push_back(c);
  record_.screenings.push_back({1, D("2026-11-15"), Verdict::kEligible, D("2026-11-15"), ""});
  DiaryEveryDay(D("2026-11-16"), D("2026-11-18"));
  EXPECT_EQ(Codes(), (std::vector<std::string>{"diary.missing.2026-11-19", "course.5.baseline_fiqr"}));
  record_.fiqr_dates.push_back(D("2026-11-17"));
  EXPECT_EQ(Codes(), std::vector<std::string>{"diary.missing.2026-11-19"});
  record_.courses[0].start = D("2026-12-20");  // baseline not begun: no diary expected yet
  EXPECT_TRUE(Codes().empty());
}

TEST_F(FlagsTest, Week12WithoutResponse) {
  record_.courses.push_back(Course(1, "active", "2026-08-01"));
  record_.screenings.push_back({1, D("2026-07-15"), Verdict::kEligible, D("2026-07-15"), ""});
  DiaryEveryDay(D("2026-07-18"), D("2026-11-21"));
  FlagAnalysis a;
  a.available = true;
  a.pain_change_pct = -12.4;
  a.unsettled_side_effects = {{"insomnia", D("2026-11-10")}};
  record_.analysis = a;
  const auto flags = Flags();
  EXPECT_EQ(Codes(), (std::vector<std::string>{"side_effect.insomnia.2026-11-10", "course.1.week_12"}));
  EXPECT_EQ(Find(flags, "course.1.week_12")->message, "No 30% fall in pain by week 12 of course #1 (pain -12%).");
  record_.analysis->pain_change_pct = -31;
  EXPECT_EQ(Codes(), std::vector<std::string>{"side_effect.insomnia.2026-11-10"});
}

TEST_F(FlagsTest, NewScreeningDuringTheCourse) {
  record_.courses.push_back(Course(1, "active", "2026-11-01"));
  record_.screenings.push_back({1, D("2026-10-15"), Verdict::kEligible, D("2026-10-15"), ""});
  record_.screenings.push_back({2, D("2026-11-20"), Verdict::kNotEligible, std::nullopt, "Oxycodone taken now."});
  DiaryEveryDay(D("2026-10-18"), D("2026-11-21"));
  const auto flags = Flags();
  ASSERT_EQ(Codes(), std::vector<std::string>{"screening.2.not_eligible"});
  EXPECT_EQ(flags[0].level, FlagLevel::kRed);
}

TEST_F(FlagsTest, DiscardedCourseRaisesNothing) {
  FlagCourse c = Course(1, "stopped", "2026-11-01");
  c.discarded = true;
  c.overrides.push_back({{"screening.not_eligible", "We will see."}, D("2026-10-30")});
  record_.courses.push_back(c);
  record_.doses.push_back({10, 1, D("2026-11-20"), true, Dose::FromMicrogramsHcl(4000), std::nullopt});
  EXPECT_TRUE(Codes().empty());
  const auto j = FlagToJson({"x", FlagLevel::kRed, "safety", "m", D("2026-11-20"), true, "s"});
  EXPECT_EQ(j["level"], "red");
  EXPECT_EQ(j["since"], "2026-11-20");
}

}  // namespace
}  // namespace ldn::clinical
