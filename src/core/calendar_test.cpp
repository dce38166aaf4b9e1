#include "core/calendar.h"

#include <gtest/gtest.h>

namespace ldn {
namespace {

TEST(CalendarTest, ParsesAndFormatsDates) {
  auto d = ParseDate("2024-02-29", "today");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(FormatDate(*d), "2024-02-29");
  EXPECT_EQ(FormatDate(AddDays(*d, 1)), "2024-03-01");
  EXPECT_EQ(FormatDate(AddDays(*d, -60)), "2023-12-31");
  EXPECT_EQ(DaysBetween(*d, *ParseDate("2025-02-28", "x")), 365);
}

TEST(CalendarTest, RejectsBadDatesNamingTheField) {
  for (const char* bad : {"2023-02-29", "2024-13-01", "2024-1-01", "24-01-01", "2024/01/01", "", "2024-01-01T00",
                          "1800-01-01", "abcd-ef-gh"}) {
    auto r = ParseDate(bad, "last_taken");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().field(), "last_taken");
  }
}

TEST(CalendarTest, TimeOfDay) {
  EXPECT_EQ(ParseTimeOfDay("22:30", "t")->minutes, 22 * 60 + 30);
  EXPECT_EQ(FormatTimeOfDay(TimeOfDay{7 * 60 + 5}), "07:05");
  EXPECT_FALSE(ParseTimeOfDay("24:00", "t").ok());
  EXPECT_FALSE(ParseTimeOfDay("7:00", "t").ok());
}

TEST(CalendarTest, LocalDateDependsOnTheZone) {
  // 2026-03-01T13:30:00Z is already 2 March in Sydney (UTC+11 in summer) and still 1 March in
  // Los Angeles.
  auto t = ParseUtcInstant("2026-03-01T13:30:00Z", "now");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatDate(TimeZone::Named("Australia/Sydney", "tz")->LocalDateAt(*t)), "2026-03-02");
  EXPECT_EQ(FormatDate(TimeZone::Named("America/Los_Angeles", "tz")->LocalDateAt(*t)), "2026-03-01");
  EXPECT_EQ(FormatUtcInstant(*t), "2026-03-01T13:30:00Z");
}

TEST(CalendarTest, LocalTimeDependsOnTheZoneAndSummerTime) {
  // 13:30Z is 00:30 in Sydney (UTC+11, summer) and 05:30 in Los Angeles (UTC-8); on 2026-07-01
  // Oslo is on summer time (UTC+2): 21:59:59Z is 23:59 there, the day's last minute.
  auto t = ParseUtcInstant("2026-03-01T13:30:00Z", "now");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(FormatTimeOfDay(TimeZone::Named("Australia/Sydney", "tz")->LocalTimeAt(*t)), "00:30");
  EXPECT_EQ(FormatTimeOfDay(TimeZone::Named("America/Los_Angeles", "tz")->LocalTimeAt(*t)), "05:30");
  auto summer = ParseUtcInstant("2026-07-01T21:59:59Z", "now");
  ASSERT_TRUE(summer.ok());
  EXPECT_EQ(TimeZone::Named("Europe/Oslo", "tz")->LocalTimeAt(*summer).minutes, 23 * 60 + 59);
  EXPECT_EQ(TimeZone::Utc().LocalTimeAt(*summer).minutes, 21 * 60 + 59);
}

TEST(CalendarTest, UnknownZoneIsAnError) {
  auto z = TimeZone::Named("Mars/Olympus_Mons", "patient.time_zone");
  ASSERT_FALSE(z.ok());
  EXPECT_EQ(z.status().field(), "patient.time_zone");
}

}  // namespace
}  // namespace ldn
