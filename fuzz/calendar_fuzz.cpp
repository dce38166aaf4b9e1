// Dates, clock times, UTC instants, dose times and IANA time zones (core/calendar.h,
// clinical/titration/plan.h ParseDoseTime): every parser on any text. Properties: what parses
// formats back to exactly the text it came from; day arithmetic is consistent; a zone that is
// found gives a local date within a day of the UTC date at any instant of 1900-2200.
#include <fuzzer/FuzzedDataProvider.h>

#include "clinical/titration/plan.h"
#include "core/calendar.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const int days = in.ConsumeIntegralInRange<int>(-80000, 80000);
  // Instants the clock can give: 1900-01-01 to 2200-12-31.
  const int64_t seconds = in.ConsumeIntegralInRange<int64_t>(-2208988800LL, 7289654399LL);
  const std::string text = in.ConsumeRemainingBytesAsString();
  const std::chrono::sys_seconds instant{std::chrono::seconds{seconds}};

  if (auto d = ldn::ParseDate(text, "date"); d.ok()) {
    LDN_FUZZ_CHECK(ldn::FormatDate(*d) == text, text);
    const ldn::LocalDate later = ldn::AddDays(*d, days);
    LDN_FUZZ_CHECK(later.ok(), text);
    LDN_FUZZ_CHECK(ldn::DaysBetween(*d, later) == days, text);
    LDN_FUZZ_CHECK(ldn::AddDays(later, -days) == *d, text);
  } else {
    ldn::fuzz::CheckInputError(d.status(), "ParseDate");
  }
  if (auto t = ldn::ParseTimeOfDay(text, "time"); t.ok()) {
    LDN_FUZZ_CHECK(t->minutes >= 0 && t->minutes < 1440, text);
    LDN_FUZZ_CHECK(ldn::FormatTimeOfDay(*t) == text, text);
  } else {
    ldn::fuzz::CheckInputError(t.status(), "ParseTimeOfDay");
  }
  if (auto i = ldn::ParseUtcInstant(text, "at"); i.ok()) {
    LDN_FUZZ_CHECK(ldn::FormatUtcInstant(*i) == text, text);
  } else {
    ldn::fuzz::CheckInputError(i.status(), "ParseUtcInstant");
  }
  if (auto dt = ldn::clinical::ParseDoseTime(text, "time"); dt.ok()) {
    const ldn::TimeOfDay clock = ldn::clinical::ClockTimeOf(*dt);
    LDN_FUZZ_CHECK(clock.minutes >= 0 && clock.minutes < 1440, text);
  } else {
    ldn::fuzz::CheckInputError(dt.status(), "ParseDoseTime");
  }
  if (auto zone = ldn::TimeZone::Named(text, "time_zone"); zone.ok()) {
    const ldn::LocalDate local = zone->LocalDateAt(instant);
    const ldn::LocalDate utc = ldn::TimeZone::Utc().LocalDateAt(instant);
    LDN_FUZZ_CHECK(local.ok(), text);
    const int apart = ldn::DaysBetween(utc, local);
    LDN_FUZZ_CHECK(apart >= -1 && apart <= 1, text + " is " + std::to_string(apart) + " days from UTC");
    auto again = ldn::TimeZone::Named(zone->name(), "time_zone");
    LDN_FUZZ_CHECK(again.ok(), zone->name());
  } else {
    ldn::fuzz::CheckInputError(zone.status(), "TimeZone::Named");
  }
  return 0;
}
