// Local calendar dates, clock times and IANA time zones.
//
// A diary day, a dose step or a washout end is a *local calendar date* in the patient's time
// zone, never a UTC instant: "today" for a patient in Australia/Sydney is not today in UTC.
// Dates use Howard Hinnant's date library (C++20's calendar types are missing from g++ 12).
#ifndef LDN_CORE_CALENDAR_H_
#define LDN_CORE_CALENDAR_H_

#include <chrono>
#include <string>
#include <string_view>

#include <date/date.h>

#include "core/result.h"

namespace ldn {

// A proleptic Gregorian calendar date with no time zone attached. Always valid when produced
// by the functions below.
using LocalDate = date::year_month_day;

// Parses an ISO 8601 calendar date "YYYY-MM-DD" (exactly that form; years 1900-2200).
// Fails with kInvalidArgument naming `field` for any other text or an impossible date
// such as 2025-02-30.
Result<LocalDate> ParseDate(std::string_view text, std::string_view field);

// "YYYY-MM-DD".
std::string FormatDate(LocalDate d);

// d + days (days may be negative).
LocalDate AddDays(LocalDate d, int days);

// Number of days from `from` to `to` (negative when `to` is earlier).
int DaysBetween(LocalDate from, LocalDate to);

// A wall-clock time of day, minutes since midnight (0..1439).
struct TimeOfDay {
  int minutes = 0;
  int hour() const { return minutes / 60; }
  int minute() const { return minutes % 60; }
  auto operator<=>(const TimeOfDay&) const = default;
};

// Parses "HH:MM" (24-hour, two digits each). Fails with kInvalidArgument naming `field`.
Result<TimeOfDay> ParseTimeOfDay(std::string_view text, std::string_view field);
// "HH:MM".
std::string FormatTimeOfDay(TimeOfDay t);

// A named IANA time zone ("Europe/Oslo"), looked up in the operating system's tz database
// (Debian's tzdata, read by the date library on first use). Value type; thread-safe to use.
class TimeZone {
 public:
  // Fails with kInvalidArgument naming `field` when `name` is not a zone in the database.
  static Result<TimeZone> Named(std::string_view name, std::string_view field);
  // The zone called "UTC".
  static TimeZone Utc();

  const std::string& name() const { return name_; }
  // The local calendar date in this zone at the instant `t`.
  LocalDate LocalDateAt(std::chrono::sys_seconds t) const;
  // The wall-clock time of day here at instant `t` (minutes since local midnight, 0-1439).
  TimeOfDay LocalTimeAt(std::chrono::sys_seconds t) const;

 private:
  explicit TimeZone(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

// Parses an RFC 3339 UTC instant "YYYY-MM-DDTHH:MM:SSZ". Fails with kInvalidArgument naming
// `field`.
Result<std::chrono::sys_seconds> ParseUtcInstant(std::string_view text, std::string_view field);
// "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatUtcInstant(std::chrono::sys_seconds t);

}  // namespace ldn

#endif  // LDN_CORE_CALENDAR_H_
