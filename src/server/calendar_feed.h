// The patient's reminders as an iCalendar feed (RFC 5545), for a phone's calendar to subscribe to
// (issue 15 item 2a; docs/web.md "Reminders in the phone's calendar").
//
// The feed holds, for the current course: one daily event per dose step ("LDN 1.5 mg at bedtime",
// repeating from the step's first to its last day, or on with no end for the last step) and a daily
// diary reminder, each with a display alarm (VALARM) at the event's time; and an all-day event for
// each questionnaire due, with an alarm at 09:00 that day; during a blinded trial, an all-day event
// on the first day of each period naming the pack to take from that night, with an alarm at 09:00. Times are *floating*
// local times (RFC 5545 §3.3.5, form 1: no time zone), so a bedtime reminder rings at 22:00 wherever the phone is,
// which is what a patient who travels wants, and no VTIMEZONE is needed. Text holds no name or
// diagnosis beyond "LDN": what a lock screen may show. The texts are in the language the link was
// made in (English, Danish or Norwegian; catalogs.h), with its decimal comma and dates.
#ifndef LDN_SERVER_CALENDAR_FEED_H_
#define LDN_SERVER_CALENDAR_FEED_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.h"
#include "server/catalogs.h"

namespace ldn::server {

// When the reminders ring (local wall-clock time). Not clinical: a dose at bedtime is the plan's
// (data/protocols.json, the step's "time"); its clock time is the one `ldn plan --ics` uses
// (clinical::ClockTimeOf: 22:00 bedtime, 08:00 morning), and the text is escaped and folded by the
// same functions (clinical/titration/ics.h).
inline constexpr TimeOfDay kDiaryReminder{20 * 60};
inline constexpr int kQuestionnaireAlarmHour = 9;

struct FeedDoseStep {
  LocalDate start;
  std::optional<LocalDate> end;  // the step's last day; none: it goes on (the last step)
  int64_t dose_ug = 0;           // micrograms of naltrexone HCl
  std::string time;              // "bedtime" or "morning"
};

struct FeedQuestionnaire {
  std::string id;     // "fiqr", "pgic"
  std::string title;  // what the patient reads, in English: a key of the catalogs
  LocalDate due;
};

// The first day of one period of a running blinded trial (issue 16 item 4: a reminder at each
// switch of pack): the pack's code only, never what it holds.
struct FeedTrialPeriod {
  int period = 1;
  int periods = 1;
  std::string pack_code;  // "K0001-B"
  LocalDate first;
};

struct CalendarFeedInput {
  std::string uid_prefix;          // makes each UID unique to this patient and server: "p12.ldn.example.org"
  std::chrono::sys_seconds now{};  // DTSTAMP
  std::optional<int64_t> course_id;
  std::vector<FeedDoseStep> steps;      // empty: no course, or a paused one
  std::optional<LocalDate> diary_from;  // first day of the diary reminder; none: no reminder
  std::optional<LocalDate> diary_to;    // its last day; none: it goes on
  std::vector<FeedQuestionnaire> questionnaires;
  std::optional<int64_t> trial_id;  // the running trial, when there is one
  std::vector<FeedTrialPeriod> trial_periods;
  // The texts' language (Catalogs::kLanguages) and the catalogs to find it in; none: English.
  const Catalogs* catalogs = nullptr;
  std::string language = "en";
};

// The feed's text: CRLF line ends, lines folded at 75 octets, TEXT values escaped (§3.1, §3.3.11).
// Pure; no failure. An input with nothing to remind gives a valid calendar with no events.
std::string CalendarFeed(const CalendarFeedInput& input);

}  // namespace ldn::server

#endif  // LDN_SERVER_CALENDAR_FEED_H_
