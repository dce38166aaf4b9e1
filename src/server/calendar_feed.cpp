#include "server/calendar_feed.h"

#include <fmt/format.h>

#include "clinical/titration/ics.h"
#include "clinical/titration/plan.h"
#include "core/dose.h"

namespace ldn::server {
namespace {

std::string EscapeText(std::string_view text) {
  return clinical::EscapeIcsText(text);
}

void AddLine(std::string& out, std::string_view line) {
  out += clinical::FoldIcsLine(line);
}

std::string Date(LocalDate d) {
  return fmt::format("{:04}{:02}{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

std::string LocalDateTime(LocalDate d, TimeOfDay t) {
  return fmt::format("{}T{:02}{:02}00", Date(d), t.hour(), t.minute());
}

std::string UtcStamp(std::chrono::sys_seconds t) {
  const auto day = std::chrono::floor<std::chrono::days>(t);
  const LocalDate d{day};
  const std::chrono::hh_mm_ss<std::chrono::seconds> hms(t - day);
  return fmt::format("{}T{:02}{:02}{:02}Z", Date(d), hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

void AddAlarm(std::string& out, std::string_view trigger, std::string_view description) {
  AddLine(out, "BEGIN:VALARM");
  AddLine(out, "ACTION:DISPLAY");
  AddLine(out, fmt::format("TRIGGER:{}", trigger));
  AddLine(out, "DESCRIPTION:" + EscapeText(description));
  AddLine(out, "END:VALARM");
}

// A daily event at `time` from `from` to `to` (inclusive; none: on and on), with an alarm when it
// starts. UNTIL is a floating local time as DTSTART is (§3.3.10).
void AddDaily(std::string& out, const std::string& uid, const std::string& stamp, LocalDate from,
              std::optional<LocalDate> to, TimeOfDay time, std::string_view summary, std::string_view description) {
  AddLine(out, "BEGIN:VEVENT");
  AddLine(out, "UID:" + uid);
  AddLine(out, "DTSTAMP:" + stamp);
  AddLine(out, "DTSTART:" + LocalDateTime(from, time));
  AddLine(out, "DURATION:PT10M");
  AddLine(out,
          to ? fmt::format("RRULE:FREQ=DAILY;UNTIL={}", LocalDateTime(*to, time)) : std::string("RRULE:FREQ=DAILY"));
  AddLine(out, "SUMMARY:" + EscapeText(summary));
  AddLine(out, "DESCRIPTION:" + EscapeText(description));
  AddLine(out, "TRANSP:TRANSPARENT");  // a reminder, not a busy time
  AddAlarm(out, "PT0M", summary);
  AddLine(out, "END:VEVENT");
}

// An all-day event (free time) with its alarm at kQuestionnaireAlarmHour that day.
void AddAllDay(std::string& out, const std::string& uid, const std::string& stamp, LocalDate day,
               const std::string& summary, const std::string& description, const std::string& alarm) {
  AddLine(out, "BEGIN:VEVENT");
  AddLine(out, "UID:" + uid);
  AddLine(out, "DTSTAMP:" + stamp);
  AddLine(out, "DTSTART;VALUE=DATE:" + Date(day));
  AddLine(out, "SUMMARY:" + EscapeText(summary));
  AddLine(out, "DESCRIPTION:" + EscapeText(description));
  AddLine(out, "TRANSP:TRANSPARENT");
  AddAlarm(out, fmt::format("PT{}H", kQuestionnaireAlarmHour), alarm);
  AddLine(out, "END:VEVENT");
}

}  // namespace

std::string CalendarFeed(const CalendarFeedInput& in) {
  // Every text in the patient's language (catalogs.h; the keys are listed in web/js/calendar.js).
  const auto say = [&in](Message m) { return in.catalogs ? in.catalogs->Text(in.language, m) : Fill(m); };
  std::string out;
  const std::string stamp = UtcStamp(in.now);
  const std::string name = say({"LDN reminders"});
  AddLine(out, "BEGIN:VCALENDAR");
  AddLine(out, "VERSION:2.0");
  AddLine(out, "PRODID:-//ldn//LDN reminders//EN");
  AddLine(out, "CALSCALE:GREGORIAN");
  AddLine(out, "METHOD:PUBLISH");
  AddLine(out, "NAME:" + EscapeText(name));  // RFC 7986 §5.1
  AddLine(out, "X-WR-CALNAME:" + EscapeText(name));
  // RFC 7986 §5.7: how often a client should fetch again (a changed plan shows within hours).
  AddLine(out, "REFRESH-INTERVAL;VALUE=DURATION:PT6H");
  AddLine(out, "X-PUBLISHED-TTL:PT6H");

  const std::string course = in.course_id ? fmt::format("c{}", *in.course_id) : std::string("c0");
  for (size_t i = 0; i < in.steps.size(); ++i) {
    const FeedDoseStep& s = in.steps[i];
    const bool morning = s.time == "morning";
    const nlohmann::json dose = {{"dose", Dose::FromMicrogramsHcl(s.dose_ug).milligrams_hcl()}};
    const std::string summary = say({morning ? "LDN {dose} mg in the morning" : "LDN {dose} mg at bedtime", dose});
    std::string description = say({morning ? "Take {dose} mg of LDN (naltrexone) in the morning, as your plan says."
                                           : "Take {dose} mg of LDN (naltrexone) at bedtime, as your plan says.",
                                   dose});
    if (s.end) description += " " + say({"This dose runs until {date}.", {{"date", FormatDate(*s.end)}}});
    AddDaily(out, fmt::format("dose-{}-{}-{}@{}", course, i + 1, s.dose_ug, in.uid_prefix), stamp, s.start, s.end,
             clinical::ClockTimeOf(morning ? clinical::DoseTime::kMorning : clinical::DoseTime::kBedtime), summary,
             description);
  }
  if (in.diary_from) {
    AddDaily(out, fmt::format("diary-{}@{}", course, in.uid_prefix), stamp, *in.diary_from, in.diary_to, kDiaryReminder,
             say({"LDN diary: how was today?"}),
             say({"Open ldn and fill in today's diary: pain, fatigue, sleep and your dose. It takes about 30 "
                  "seconds."}));
  }
  for (const FeedQuestionnaire& q : in.questionnaires) {
    const nlohmann::json title = {{"title", say({q.title})}};
    AddAllDay(out, fmt::format("{}-{}@{}", q.id, Date(q.due), in.uid_prefix), stamp, q.due,
              say({"{title} is due", title}), say({"Open ldn and answer the {title} under Questionnaires.", title}),
              say({"{title} is due today", title}));
  }
  for (const FeedTrialPeriod& t : in.trial_periods) {
    const nlohmann::json vars = {{"pack", t.pack_code}, {"period", t.period}, {"periods", t.periods}};
    AddAllDay(out, fmt::format("trial-{}-p{}@{}", in.trial_id.value_or(0), t.period, in.uid_prefix), stamp, t.first,
              say({"LDN trial: start pack {pack}", vars}),
              say({"Period {period} of {periods} of your blinded trial begins today: take your capsules from pack "
                   "{pack} from tonight.",
                   vars}),
              say({"Start pack {pack} today", vars}));
  }
  AddLine(out, "END:VCALENDAR");
  return out;
}

}  // namespace ldn::server
