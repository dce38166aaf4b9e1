// iCalendar (RFC 5545) export of a titration plan: one daily recurring event per dose step.
//
// Format: CRLF line endings; content lines folded at 75 octets (CRLF + one space); VCALENDAR with
// VERSION:2.0 and PRODID; per step one VEVENT with
//   UID      "<plan start yyyymmdd>-<protocol>-step<N>@ldn" (deterministic: the same plan gives the
//            same UIDs, so re-importing updates rather than duplicates),
//   DTSTAMP  the injected clock's instant, UTC,
//   DTSTART  the step's first day at the dose time (22:00 bedtime, 08:00 morning) as *floating*
//            local time (no TZID, no Z): the reminder follows the patient's wall clock when they
//            travel or clocks change,
//   RRULE    FREQ=DAILY, with UNTIL = the step's last day at the dose time (floating, as RFC 5545
//            requires when DTSTART is floating); no UNTIL for the open last step,
//   SUMMARY  "LDN <dose> mg naltrexone HCl" (+ " = <volume> mL of <c> mg/mL" with a liquid),
//   DESCRIPTION the step and the plan's warnings,
//   VALARM   ACTION:DISPLAY, TRIGGER:PT0M (at the dose time), DESCRIPTION.
// Text values are escaped (backslash, semicolon, comma, newline).
#ifndef LDN_CLINICAL_TITRATION_ICS_H_
#define LDN_CLINICAL_TITRATION_ICS_H_

#include <chrono>
#include <string>
#include <string_view>

#include "clinical/titration/plan.h"

namespace ldn::clinical {

// The calendar for `plan`, stamped with `now`. Never fails.
std::string PlanToIcs(const Plan& plan, std::chrono::sys_seconds now);

// RFC 5545 3.3.11 TEXT escaping: '\' -> "\\", ';' -> "\;", ',' -> "\,", newline -> "\n".
std::string EscapeIcsText(std::string_view text);

// Folds one unfolded content line into CRLF-terminated lines of at most 75 octets, continuation
// lines starting with a space, never splitting a UTF-8 sequence.
std::string FoldIcsLine(std::string_view line);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_TITRATION_ICS_H_
