#include "core/calendar.h"

#include <cctype>
#include <exception>

#include <date/tz.h>
#include <fmt/format.h>

namespace ldn {
namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

Result<LocalDate> ParseDate(std::string_view text, std::string_view field) {
  const auto bad = [&](std::string why) {
    return Status::InvalidArgument(std::string(field), fmt::format("'{}' is not a date YYYY-MM-DD ({})", text, why));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2)) || !AllDigits(text.substr(8, 2))) {
    return bad("expected the form 2026-01-31");
  }
  const int y = ToInt(text.substr(0, 4));
  const int m = ToInt(text.substr(5, 2));
  const int d = ToInt(text.substr(8, 2));
  if (y < 1900 || y > 2200) return bad("year outside 1900-2200");
  LocalDate ymd{date::year{y}, date::month{static_cast<unsigned>(m)}, date::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return bad("no such day in the calendar");
  return ymd;
}

std::string FormatDate(LocalDate d) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                     static_cast<unsigned>(d.day()));
}

LocalDate AddDays(LocalDate d, int days) {
  return LocalDate{date::sys_days{d} + date::days{days}};
}

int DaysBetween(LocalDate from, LocalDate to) {
  return static_cast<int>((date::sys_days{to} - date::sys_days{from}).count());
}

Result<TimeOfDay> ParseTimeOfDay(std::string_view text, std::string_view field) {
  if (text.size() != 5 || text[2] != ':' || !AllDigits(text.substr(0, 2)) || !AllDigits(text.substr(3, 2))) {
    return Status::InvalidArgument(std::string(field), fmt::format("'{}' is not a time HH:MM (24-hour)", text));
  }
  const int h = ToInt(text.substr(0, 2));
  const int m = ToInt(text.substr(3, 2));
  if (h > 23 || m > 59) {
    return Status::InvalidArgument(std::string(field), fmt::format("'{}' is not a time of day 00:00-23:59", text));
  }
  return TimeOfDay{h * 60 + m};
}

std::string FormatTimeOfDay(TimeOfDay t) {
  return fmt::format("{:02}:{:02}", t.hour(), t.minute());
}

Result<TimeZone> TimeZone::Named(std::string_view name, std::string_view field) {
  // The date library throws std::runtime_error for an unknown zone: caught here, at the
  // boundary with the library.
  try {
    const date::time_zone* zone = date::locate_zone(name);
    return TimeZone(std::string(zone->name()));
  } catch (const std::exception&) {
    return Status::InvalidArgument(std::string(field),
                                   fmt::format("'{}' is not an IANA time zone (e.g. Europe/Oslo)", name));
  }
}

TimeZone TimeZone::Utc() {
  return TimeZone("UTC");
}

LocalDate TimeZone::LocalDateAt(std::chrono::sys_seconds t) const {
  const date::time_zone* zone = date::locate_zone(name_);
  const auto local = zone->to_local(t);
  return LocalDate{date::floor<date::days>(local)};
}

TimeOfDay TimeZone::LocalTimeAt(std::chrono::sys_seconds t) const {
  const date::time_zone* zone = date::locate_zone(name_);
  const auto local = zone->to_local(t);
  const auto since_midnight = local - date::floor<date::days>(local);
  return TimeOfDay{static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(since_midnight).count())};
}

Result<std::chrono::sys_seconds> ParseUtcInstant(std::string_view text, std::string_view field) {
  const auto bad = [&] {
    return Status::InvalidArgument(std::string(field),
                                   fmt::format("'{}' is not a UTC instant YYYY-MM-DDTHH:MM:SSZ", text));
  };
  if (text.size() != 20 || text[10] != 'T' || text[13] != ':' || text[16] != ':' || text[19] != 'Z') return bad();
  auto d = ParseDate(text.substr(0, 10), field);
  if (!d.ok()) return bad();
  auto hm = ParseTimeOfDay(text.substr(11, 5), field);
  if (!hm.ok() || !AllDigits(text.substr(17, 2))) return bad();
  const int s = ToInt(text.substr(17, 2));
  if (s > 59) return bad();
  return std::chrono::sys_seconds{date::sys_days{*d}.time_since_epoch()} + std::chrono::minutes{hm->minutes} +
         std::chrono::seconds{s};
}

std::string FormatUtcInstant(std::chrono::sys_seconds t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", t);
}

}  // namespace ldn
