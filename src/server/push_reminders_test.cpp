#include "server/push_reminders.h"

#include <fstream>
#include <set>

#include <gtest/gtest.h>

namespace ldn::server {
namespace {

LocalDate D(const char* text) {
  return *ParseDate(text, "d");
}
TimeOfDay T(int h, int m = 0) {
  return TimeOfDay{h * 60 + m};
}

std::vector<std::string> Kinds(const std::vector<Reminder>& rs) {
  std::vector<std::string> out;
  for (const Reminder& r : rs) out.push_back(r.kind + "@" + r.occasion);
  return out;
}

ReminderState OnCourse(TimeOfDay now) {
  ReminderState s;
  s.today = D("2026-12-06");
  s.now = now;
  s.dose_ug = 1500;
  s.diary_reminders = true;
  return s;
}

using V = std::vector<std::string>;

// Each reminder within its window only: the dose from its clock time for two hours, the diary from
// 20:00 to midnight while the day has no entry, a due questionnaire from 09:00.
TEST(PushRemindersTest, EachReminderIsDueWithinItsWindow) {
  EXPECT_EQ(Kinds(DueReminders(OnCourse(T(19, 59)))), V{});
  EXPECT_EQ(Kinds(DueReminders(OnCourse(T(20, 0)))), V{"diary@2026-12-06"});
  EXPECT_EQ(Kinds(DueReminders(OnCourse(T(22, 0)))), (V{"dose@2026-12-06", "diary@2026-12-06"}));
  EXPECT_EQ(Kinds(DueReminders(OnCourse(T(23, 59)))), (V{"dose@2026-12-06", "diary@2026-12-06"}));
  // 00:30 the next day: yesterday's dose (00:00 is before 22:00 here) and diary are not sent late.
  ReminderState after_midnight = OnCourse(T(0, 30));
  after_midnight.today = D("2026-12-07");
  EXPECT_EQ(Kinds(DueReminders(after_midnight)), V{});

  ReminderState morning = OnCourse(T(8, 0));
  morning.dose_time = T(8);
  EXPECT_EQ(Kinds(DueReminders(morning)), V{"dose@2026-12-06"});
  EXPECT_EQ(DueReminders(morning).front().title, "Time for your dose");
  morning.now = T(10, 0);
  EXPECT_EQ(Kinds(DueReminders(morning)), V{});
}

TEST(PushRemindersTest, WhatIsDoneOrAbsentIsNotReminded) {
  ReminderState s = OnCourse(T(22, 30));
  s.diary_done_today = true;
  EXPECT_EQ(Kinds(DueReminders(s)), V{"dose@2026-12-06"});
  s.dose_ug.reset();  // a paused course, or a stop step
  EXPECT_EQ(Kinds(DueReminders(s)), V{});
  s.dose_ug = 0;
  EXPECT_EQ(Kinds(DueReminders(s)), V{});
  ReminderState none;  // no course at all
  none.today = D("2026-12-06");
  none.now = T(21);
  EXPECT_EQ(Kinds(DueReminders(none)), V{});
}

TEST(PushRemindersTest, QuestionnairesFromNineOncePerDuePeriod) {
  ReminderState s = OnCourse(T(8, 59));
  s.due = {{"fiqr", "FIQR questionnaire", D("2026-12-01")}, {"pgic", "PGIC question", D("2026-12-07")}};
  EXPECT_EQ(Kinds(DueReminders(s)), V{});
  s.now = T(9, 0);
  // Overdue since 1 December: one reminder for that due period; the PGIC is not due until tomorrow.
  EXPECT_EQ(Kinds(DueReminders(s)), V{"questionnaire@fiqr:2026-12-01"});
  EXPECT_EQ(DueReminders(s).front().body, "Your FIQR questionnaire is due. It takes a few minutes.");
  EXPECT_EQ(DueReminders(s).front().url, "/#/questionnaires");
}

TEST(PushRemindersTest, APlanChangeIsSentAtOnceOncePerPlan) {
  ReminderState s = OnCourse(T(3, 0));
  s.plan_changed = std::string(64, 'a');
  const auto due = DueReminders(s);
  ASSERT_EQ(Kinds(due), V{"plan@" + std::string(64, 'a')});
  EXPECT_EQ(due.front().urgency, "high");
  EXPECT_EQ(due.front().ttl_seconds, 86400);
}

// On the first day of a blinded trial's period, from 09:00 that day: the pack to take from tonight,
// by its code, with nothing on the lock screen about what the trial compares.
TEST(PushRemindersTest, ATrialsSwitchOfPackFromNineThatDay) {
  ReminderState s = OnCourse(T(8, 30));
  s.trial_pack_from_today = "K0001-B";
  EXPECT_TRUE(DueReminders(s).empty());
  s.now = T(9, 0);
  const auto due = DueReminders(s);
  ASSERT_EQ(Kinds(due), V{"trial@" + FormatDate(s.today)});
  EXPECT_EQ(due.front().title, "New pack from tonight");
  EXPECT_EQ(due.front().body, "From tonight, take your capsules from pack K0001-B.");
  EXPECT_EQ(due.front().ttl_seconds, 15 * 3600);  // until midnight
  for (const char* word : {"LDN", "placebo", "naltrexone", "trial"}) {
    EXPECT_EQ(due.front().body.find(word), std::string::npos) << word;
    EXPECT_EQ(due.front().title.find(word), std::string::npos) << word;
  }
}

// The words on a lock screen name neither the medicine nor the condition; the dose is in mg.
TEST(PushRemindersTest, TheWordsAreDiscreetAndTheDoseIsInMilligrams) {
  ReminderState s = OnCourse(T(22, 0));
  s.dose_ug = 2250;
  s.plan_changed = "x";
  s.due = {{"fiqr", "FIQR questionnaire", D("2026-12-06")}};
  const auto due = DueReminders(s);
  ASSERT_EQ(due.size(), 4u);
  EXPECT_EQ(due[1].title, "Time for your bedtime dose");
  EXPECT_EQ(due[1].body, "Today's dose: 2.25 mg. Tap to note it in your diary.");
  for (const Reminder& r : due) {
    for (const std::string& text : {r.title, r.body}) {
      for (const char* word : {"LDN", "naltrexone", "Naltrexone", "fibromyalgia", "Fibromyalgia"}) {
        EXPECT_EQ(text.find(word), std::string::npos) << r.kind << ": " << text;
      }
    }
    const nlohmann::json p = r.Payload();
    EXPECT_EQ(p["tag"], "ldn-" + r.kind);
    EXPECT_EQ(p["title"], r.title);
  }
  s.dose_ug = 1000;
  EXPECT_EQ(DueReminders(s)[1].body, "Today's dose: 1 mg. Tap to note it in your diary.");
}

}  // namespace
}  // namespace ldn::server

namespace ldn::server {
namespace {

// The service worker shows each reminder in the app's language by looking its title, its
// body_key and a questionnaire's name up in the message catalog (web/sw.js; issue 15, item 6):
// every text the server can send is a key of web/locales/en.json, and the body is the body_key
// with its values put in.
TEST(PushRemindersTest, EveryTextIsInTheMessageCatalog) {
  std::ifstream file(std::string(LDN_SOURCE_DIR) + "/web/locales/en.json");
  ASSERT_TRUE(file.good());
  const nlohmann::json catalog = nlohmann::json::parse(file);
  std::vector<Reminder> all;
  for (const TimeOfDay dose_time : {T(22), T(8)}) {
    ReminderState s = OnCourse(dose_time);
    s.dose_time = dose_time;
    s.dose_ug = 4500;
    s.now = T(22);
    s.plan_changed = "snapshot-1";
    s.trial_pack_from_today = "K0001-B";
    s.due = {{"fiqr", "FIQR questionnaire", D("2026-12-06")}, {"pgic", "PGIC question", D("2026-12-06")}};
    if (dose_time.minutes == 8 * 60) s.now = T(9);
    for (Reminder& r : DueReminders(s)) all.push_back(std::move(r));
  }
  all.push_back(TestReminder("x"));
  std::set<std::string> kinds;
  for (const Reminder& r : all) {
    SCOPED_TRACE(r.kind);
    kinds.insert(r.kind);
    const nlohmann::json p = r.Payload();
    EXPECT_TRUE(catalog.contains(p["title"].get<std::string>())) << p["title"];
    const std::string key = p["body_key"];
    EXPECT_TRUE(catalog.contains(key)) << key;
    std::string filled = key;
    for (const auto& [name, value] : p["vars"].items()) {
      const std::string mark = "{" + name + "}";
      filled.replace(filled.find(mark), mark.size(), value.get<std::string>());
      if (name == "title") {
        EXPECT_TRUE(catalog.contains(value.get<std::string>())) << value;
      }
    }
    EXPECT_EQ(filled, p["body"]);
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"dose", "diary", "plan", "questionnaire", "test", "trial"}));
}

}  // namespace
}  // namespace ldn::server
