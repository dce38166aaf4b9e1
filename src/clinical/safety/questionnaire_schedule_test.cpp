#include "clinical/safety/questionnaire_schedule.h"

#include <gtest/gtest.h>

namespace ldn::clinical {
namespace {

LocalDate D(const char* text) {
  return *ParseDate(text, "date");
}

const InterlockRules& Rules() {
  return *LoadInterlockRules();
}

TEST(QuestionnaireSchedule, RulesComeFromTheDataFile) {
  EXPECT_EQ(Rules().questionnaire_interval_days, 28);
  EXPECT_EQ(Rules().questionnaire_overdue_days, 7);
  EXPECT_NE(Rules().sources.at("questionnaire_interval_days").find("Bennett"), std::string::npos);
}

TEST(QuestionnaireSchedule, WithoutACourseAFirstFiqrIsDueButNeverOverdue) {
  QuestionnaireRecord r;
  r.today = D("2026-12-05");
  const QuestionnaireSchedule s = ScheduleQuestionnaires(r, Rules());
  EXPECT_TRUE(s.fiqr.due);
  EXPECT_EQ(s.fiqr.due_since, D("2026-12-05"));
  EXPECT_FALSE(s.fiqr.overdue);
  EXPECT_FALSE(s.pgic.due);  // no treatment: no change to rate
  r.last_fiqr = D("2026-01-01");
  EXPECT_FALSE(ScheduleQuestionnaires(r, Rules()).fiqr.overdue);
}

TEST(QuestionnaireSchedule, FiqrEvery28DaysOverdueAfter7) {
  QuestionnaireRecord r;
  r.course_created = D("2026-10-01");
  r.first_dose = D("2026-10-15");
  r.last_fiqr = D("2026-11-01");
  r.last_pgic = D("2026-11-12");
  r.today = D("2026-11-28");  // 27 days after the FIQR
  EXPECT_FALSE(ScheduleQuestionnaires(r, Rules()).fiqr.due);
  r.today = D("2026-11-29");  // 28 days: due, not overdue
  QuestionnaireSchedule s = ScheduleQuestionnaires(r, Rules());
  EXPECT_TRUE(s.fiqr.due);
  EXPECT_EQ(s.fiqr.due_since, D("2026-11-29"));
  EXPECT_FALSE(s.fiqr.overdue);
  r.today = D("2026-12-05");  // due for 6 days
  EXPECT_FALSE(ScheduleQuestionnaires(r, Rules()).fiqr.overdue);
  r.today = D("2026-12-06");  // due for 7 days: overdue
  EXPECT_TRUE(ScheduleQuestionnaires(r, Rules()).fiqr.overdue);
}

TEST(QuestionnaireSchedule, PgicFrom28DaysAfterTheFirstDose) {
  QuestionnaireRecord r;
  r.course_created = D("2026-10-01");
  r.last_fiqr = D("2026-12-01");
  r.today = D("2026-12-05");
  EXPECT_FALSE(ScheduleQuestionnaires(r, Rules()).pgic.due);  // not started
  r.first_dose = D("2026-11-08");                             // 27 days ago
  EXPECT_FALSE(ScheduleQuestionnaires(r, Rules()).pgic.due);
  r.first_dose = D("2026-11-07");  // 28 days ago
  QuestionnaireSchedule s = ScheduleQuestionnaires(r, Rules());
  EXPECT_TRUE(s.pgic.due);
  EXPECT_EQ(s.pgic.due_since, D("2026-12-05"));
  // A PGIC from before this course does not count; one after the start moves the next date on.
  r.last_pgic = D("2026-11-01");
  EXPECT_TRUE(ScheduleQuestionnaires(r, Rules()).pgic.due);
  r.last_pgic = D("2026-11-20");
  EXPECT_FALSE(ScheduleQuestionnaires(r, Rules()).pgic.due);
  r.today = D("2026-12-25");  // due since 12-18 (28 days after the last PGIC): 7 days
  s = ScheduleQuestionnaires(r, Rules());
  EXPECT_TRUE(s.pgic.due);
  EXPECT_EQ(s.pgic.due_since, D("2026-12-18"));
  EXPECT_TRUE(s.pgic.overdue);
}

TEST(QuestionnaireSchedule, BaselineWithoutFiqrIsDueSinceTheCourseWasCreated) {
  QuestionnaireRecord r;
  r.course_created = D("2026-11-20");
  r.baseline_fiqr_due = true;
  r.last_fiqr = D("2026-11-30");  // recent, yet the course says its baseline lacks one: trust the course
  r.today = D("2026-12-05");
  QuestionnaireSchedule s = ScheduleQuestionnaires(r, Rules());
  EXPECT_TRUE(s.fiqr.due);
  EXPECT_EQ(s.fiqr.due_since, D("2026-11-20"));
  EXPECT_TRUE(s.fiqr.overdue);  // 15 days
}

TEST(QuestionnaireSchedule, ANeverAnsweredFiqrIsDueSinceTheCourseWasCreated) {
  QuestionnaireRecord r;
  r.course_created = D("2026-11-30");
  r.today = D("2026-12-05");
  QuestionnaireSchedule s = ScheduleQuestionnaires(r, Rules());
  EXPECT_EQ(s.fiqr.due_since, D("2026-11-30"));
  EXPECT_FALSE(s.fiqr.overdue);  // 5 days
  r.today = D("2026-12-07");
  EXPECT_TRUE(ScheduleQuestionnaires(r, Rules()).fiqr.overdue);
}

}  // namespace
}  // namespace ldn::clinical
