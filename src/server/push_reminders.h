// Which push reminders are due for one patient now (issue 15 item 2b; docs/api.md "Push
// reminders"). Pure: the caller gathers the patient's state (push_service.h) and claims each
// reminder once per occasion in the store before sending it, so a reminder computed again at the
// next check is not sent twice.
//
// The times are the calendar feed's (calendar_feed.h): the dose at the step's clock time
// (clinical::ClockTimeOf: bedtime 22:00, morning 08:00), the diary at 20:00 when the day has no
// entry yet, a due questionnaire from 09:00. Each is sent only within its window (dose: two hours;
// diary: until midnight; questionnaire and a trial's switch of pack: that day), so a server that was down does not wake
// a patient at 03:00 with last evening's reminder. A plan change is sent at once, once per plan. On the first day of
// each period of a blinded trial, from 09:00, the pack to take from that night.
//
// The words are discreet: a lock screen may be seen by others, so no text names the medicine or
// the condition (the app, once opened, does).
#ifndef LDN_SERVER_PUSH_REMINDERS_H_
#define LDN_SERVER_PUSH_REMINDERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"

namespace ldn::server {

inline constexpr int kDoseReminderWindowMinutes = 120;
inline constexpr TimeOfDay kDiaryPushTime{20 * 60};         // = calendar_feed.h kDiaryReminder
inline constexpr TimeOfDay kQuestionnairePushTime{9 * 60};  // = kQuestionnaireAlarmHour

struct ReminderState {
  LocalDate today;  // the patient's local date
  TimeOfDay now;    // the patient's local time
  // Today's dose of the course the patient follows, when it is active and today's step gives one.
  std::optional<int64_t> dose_ug;  // micrograms of naltrexone HCl
  TimeOfDay dose_time{22 * 60};    // the step's clock time
  bool diary_reminders = false;    // the patient has a course that reminds (active or paused)
  bool diary_done_today = false;
  struct Questionnaire {
    std::string id;     // "fiqr"
    std::string title;  // "FIQR questionnaire"
    LocalDate due_since;
  };
  std::vector<Questionnaire> due;           // questionnaires due today or overdue
  std::optional<std::string> plan_changed;  // the changed plan's snapshot id, while not acknowledged
  // The pack of a blinded trial's period that begins today (its code only: "K0001-B").
  std::optional<std::string> trial_pack_from_today;
};

struct Reminder {
  std::string kind;      // "dose", "diary", "questionnaire", "plan", "trial", "test"
  std::string occasion;  // once per (subscription, kind, occasion): a date, "fiqr:2026-12-01", a snapshot id
  std::string title;
  std::string body;
  std::string url;                 // where the app opens when the notification is tapped ("/#/today")
  int ttl_seconds = 3600;          // RFC 8030 §5.2: how long the push service keeps it
  std::string urgency = "normal";  // RFC 8030 §5.3
  // The body before its values were put in ("Today's dose: {mg} mg. …") and the values
  // ({"mg": "2.25"}): the service worker shows title and body in the app's language, looking
  // both up in the message catalog (web/locales; issue 15, item 6). Empty: the body has no values.
  std::string body_key;
  nlohmann::json vars = nlohmann::json::object();
  // The notification as the service worker reads it (web/sw.js): {"kind", "title", "body", "url",
  // "tag", "body_key", "vars"}; title and body are English.
  nlohmann::json Payload() const;
};

// The reminders due now, in a fixed order (plan, trial, dose, questionnaire, diary). Pure; no
// failure.
std::vector<Reminder> DueReminders(const ReminderState& state);

// The message sent when the patient asks for a test on a device (occasion: the caller's).
Reminder TestReminder(std::string occasion);

}  // namespace ldn::server

#endif  // LDN_SERVER_PUSH_REMINDERS_H_
