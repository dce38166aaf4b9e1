#include "clinical/titration/ics.h"

#include <fmt/format.h>

namespace ldn::clinical {
namespace {

std::string IcsDate(LocalDate d) {
  return fmt::format("{:04}{:02}{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

// Floating local date-time (RFC 5545 3.3.5 form #1): no "Z", no TZID.
std::string IcsLocal(LocalDate d, TimeOfDay t) {
  return fmt::format("{}T{:02}{:02}00", IcsDate(d), t.hour(), t.minute());
}

std::string IcsUtc(std::chrono::sys_seconds t) {
  const auto day = std::chrono::floor<date::days>(t);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<std::chrono::seconds> hms{t - day};
  return fmt::format("{}T{:02}{:02}{:02}Z", IcsDate(ymd), hms.hours().count(), hms.minutes().count(),
                     hms.seconds().count());
}

}  // namespace

std::string EscapeIcsText(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      default: out += c;
    }
  }
  return out;
}

std::string FoldIcsLine(std::string_view line) {
  // RFC 5545 3.1: lines SHOULD NOT exceed 75 octets excluding the CRLF; a continuation line
  // starts with one space, which counts toward its 75.
  std::string out;
  size_t pos = 0;
  size_t limit = 75;
  while (line.size() - pos > limit) {
    size_t cut = pos + limit;
    while (cut > pos && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
    out.append(line.substr(pos, cut - pos));
    out += "\r\n ";
    pos = cut;
    limit = 74;
  }
  out.append(line.substr(pos));
  out += "\r\n";
  return out;
}

std::string PlanToIcs(const Plan& plan, std::chrono::sys_seconds now) {
  std::string out;
  auto add = [&out](std::string_view line) { out += FoldIcsLine(line); };
  add("BEGIN:VCALENDAR");
  add("VERSION:2.0");
  add("PRODID:-//ldn//LDN titration plan 0.1//EN");
  add("CALSCALE:GREGORIAN");
  add("METHOD:PUBLISH");
  add("X-WR-CALNAME:" + EscapeIcsText("LDN titration: " + plan.protocol.name));
  const std::string stamp = IcsUtc(now);
  std::string warnings;
  for (const std::string& w : plan.warnings) warnings += "\nWarning: " + w;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const PlanStep& s = plan.steps[i];
    const TimeOfDay at = ClockTimeOf(s.time);
    std::string what = fmt::format("LDN {} mg naltrexone HCl", s.dose.FormatMg());
    if (s.volume_centi_ml && plan.request.liquid_per_ml) {
      what += fmt::format(" = {} mL of {} mg/mL", FormatCentiMl(*s.volume_centi_ml),
                          plan.request.liquid_per_ml->FormatMg());
    }
    add("BEGIN:VEVENT");
    add(fmt::format("UID:{}-{}-step{}@ldn", IcsDate(plan.request.start), plan.protocol.id, i + 1));
    add("DTSTAMP:" + stamp);
    add("DTSTART:" + IcsLocal(s.start, at));
    add("DURATION:PT15M");
    add(s.end ? "RRULE:FREQ=DAILY;UNTIL=" + IcsLocal(*s.end, at) : std::string("RRULE:FREQ=DAILY"));
    add("SUMMARY:" + EscapeIcsText(what));
    add("DESCRIPTION:" +
        EscapeIcsText(fmt::format("Step {} of {}, {} to {}, once daily at {}, protocol {}.\nSource: {}{}", i + 1,
                                  plan.steps.size(), FormatDate(s.start), s.end ? FormatDate(*s.end) : "onward",
                                  DoseTimeName(s.time), plan.protocol.id, plan.protocol.source, warnings)));
    add("BEGIN:VALARM");
    add("ACTION:DISPLAY");
    add("TRIGGER:PT0M");
    add("DESCRIPTION:" + EscapeIcsText("Take " + what));
    add("END:VALARM");
    add("END:VEVENT");
  }
  add("END:VCALENDAR");
  return out;
}

}  // namespace ldn::clinical
