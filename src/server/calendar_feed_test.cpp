#include "server/calendar_feed.h"

#include <regex>

#include <gtest/gtest.h>

namespace ldn::server {
namespace {

LocalDate D(int y, unsigned m, unsigned d) {
  return LocalDate{date::year{y}, date::month{m}, date::day{d}};
}

CalendarFeedInput TwoSteps() {
  CalendarFeedInput in;
  in.uid_prefix = "p7.ldn.example.org";
  in.now = std::chrono::sys_seconds{date::sys_days{D(2026, 12, 5)}} + std::chrono::hours{19} + std::chrono::minutes{5};
  in.course_id = 3;
  in.steps = {{D(2026, 12, 10), D(2026, 12, 23), 1500, "bedtime"}, {D(2026, 12, 24), std::nullopt, 3000, "bedtime"}};
  in.diary_from = D(2026, 12, 1);
  in.questionnaires = {{"fiqr", "FIQR questionnaire", D(2027, 1, 7)}};
  return in;
}

size_t Count(const std::string& text, std::string_view what) {
  size_t n = 0;
  for (size_t i = text.find(what); i != std::string::npos; i = text.find(what, i + 1)) ++n;
  return n;
}

TEST(CalendarFeedTest, StepsDiaryAndQuestionnairesEachWithAnAlarm) {
  const std::string ics = CalendarFeed(TwoSteps());
  EXPECT_EQ(ics.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 0), 0u);
  EXPECT_TRUE(ics.ends_with("END:VCALENDAR\r\n"));
  EXPECT_EQ(Count(ics, "BEGIN:VEVENT"), 4u);  // two steps, the diary, the FIQR
  EXPECT_EQ(Count(ics, "BEGIN:VALARM"), 4u);
  EXPECT_EQ(Count(ics, "END:VALARM"), 4u);
  // The first step repeats daily at 22:00 (floating local time) up to its last day.
  EXPECT_NE(ics.find("DTSTART:20261210T220000\r\nDURATION:PT10M\r\nRRULE:FREQ=DAILY;UNTIL=20261223T220000\r\n"
                     "SUMMARY:LDN 1.5 mg at bedtime\r\n"),
            std::string::npos)
      << ics;
  // The open last step has no end.
  EXPECT_NE(ics.find("DTSTART:20261224T220000\r\nDURATION:PT10M\r\nRRULE:FREQ=DAILY\r\nSUMMARY:LDN 3 mg at bedtime"),
            std::string::npos);
  EXPECT_NE(ics.find("DTSTART:20261201T200000\r\n"), std::string::npos);  // the diary at 20:00
  EXPECT_NE(ics.find("DTSTART;VALUE=DATE:20270107\r\n"), std::string::npos);
  EXPECT_NE(ics.find("TRIGGER:PT9H\r\n"), std::string::npos);
  EXPECT_EQ(Count(ics, "DTSTAMP:20261205T190500Z\r\n"), 4u);
  EXPECT_NE(ics.find("UID:dose-c3-1-1500@p7.ldn.example.org\r\n"), std::string::npos);
  // Every line ends in CRLF and none is longer than 75 octets.
  size_t start = 0;
  for (size_t end = ics.find("\r\n"); end != std::string::npos; end = ics.find("\r\n", start)) {
    EXPECT_LE(end - start, 75u) << ics.substr(start, end - start);
    EXPECT_EQ(ics.substr(start, end - start).find('\n'), std::string::npos);
    start = end + 2;
  }
  EXPECT_EQ(start, ics.size());
}

TEST(CalendarFeedTest, EachPeriodOfABlindedTrialRemindsOfItsPack) {
  CalendarFeedInput in = TwoSteps();
  in.trial_id = 4;
  in.trial_periods = {{2, 4, "K0001-B", D(2027, 1, 4)}, {3, 4, "K0002-A", D(2027, 2, 1)}};
  const std::string ics = CalendarFeed(in);
  EXPECT_EQ(Count(ics, "BEGIN:VEVENT"), 6u);
  EXPECT_EQ(Count(ics, "BEGIN:VALARM"), 6u);
  EXPECT_NE(ics.find("UID:trial-4-p2@p7.ldn.example.org\r\nDTSTAMP:20261205T190500Z\r\nDTSTART;VALUE=DATE:20270104\r\n"
                     "SUMMARY:LDN trial: start pack K0001-B\r\n"),
            std::string::npos)
      << ics;
  EXPECT_NE(ics.find("DTSTART;VALUE=DATE:20270201\r\nSUMMARY:LDN trial: start pack K0002-A\r\n"), std::string::npos);
  // The description (folded at 75 octets) names the period and the pack, never what it holds.
  std::string unfolded = std::regex_replace(ics, std::regex("\r\n "), "");
  EXPECT_NE(unfolded.find("Period 2 of 4 of your blinded trial begins today: take your capsules from pack K0001-B "
                          "from tonight."),
            std::string::npos)
      << unfolded;
  EXPECT_NE(unfolded.find("DESCRIPTION:Start pack K0002-A today"), std::string::npos);
  EXPECT_EQ(unfolded.find("placebo"), std::string::npos);
}

TEST(CalendarFeedTest, MorningDosesAndTextEscapingAndFolding) {
  CalendarFeedInput in = TwoSteps();
  in.steps = {{D(2026, 12, 10), D(2026, 12, 11), 500, "morning"}};
  in.diary_from.reset();
  in.questionnaires = {
      {"pgic", "PGIC; how you have changed, since the start \\ of LDN and a long, long title", D(2027, 1, 7)}};
  const std::string ics = CalendarFeed(in);
  EXPECT_NE(ics.find("DTSTART:20261210T080000\r\n"), std::string::npos);
  EXPECT_NE(ics.find("SUMMARY:LDN 0.5 mg in the morning\r\n"), std::string::npos);
  EXPECT_EQ(Count(ics, "BEGIN:VEVENT"), 2u);
  // Escaped (§3.3.11) and folded (§3.1): unfolding gives back the escaped text.
  std::string unfolded;
  for (size_t i = 0; i < ics.size(); ++i) {
    if (ics.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    unfolded += ics[i];
  }
  EXPECT_NE(unfolded.find("SUMMARY:PGIC\\; how you have changed\\, since the start \\\\ of LDN and a long\\, long "
                          "title is due\r\n"),
            std::string::npos)
      << ics;
}

TEST(CalendarFeedTest, NothingToRemindIsAnEmptyValidCalendar) {
  CalendarFeedInput in;
  in.uid_prefix = "p1.localhost";
  const std::string ics = CalendarFeed(in);
  EXPECT_EQ(Count(ics, "BEGIN:VEVENT"), 0u);
  EXPECT_NE(ics.find("PRODID:"), std::string::npos);
  EXPECT_TRUE(ics.ends_with("END:VCALENDAR\r\n"));
}

// The feed in the language the link was made in, from the web app's catalogs (web/locales): the
// Danish words, a decimal comma, Danish dates, and no English text of the feed left.
TEST(CalendarFeedTest, InDanishAndNorwegianFromTheWebAppsCatalogs) {
  const Catalogs catalogs = Catalogs::Load(std::filesystem::path(LDN_SOURCE_DIR) / "web" / "locales");
  ASSERT_EQ(catalogs.missing(), "");
  CalendarFeedInput in = TwoSteps();
  in.questionnaires.push_back({"pgic", "PGIC question (how you have changed)", D(2027, 1, 7)});
  in.catalogs = &catalogs;
  const std::string english = CalendarFeed(in);
  in.language = "da";
  const std::string da = CalendarFeed(in);
  in.language = "nb";
  const std::string nb = CalendarFeed(in);
  // (A comma is escaped in iCalendar text, RFC 5545 §3.3.11.)
  EXPECT_NE(da.find("SUMMARY:LDN 1\\,5 mg ved sengetid\r\n"), std::string::npos) << da;
  EXPECT_NE(da.find("Denne dosis gælder til og med 23.12.2026."), std::string::npos) << da;
  EXPECT_NE(da.find("SUMMARY:Tid til FIQR-spørgeskema\r\n"), std::string::npos) << da;
  EXPECT_NE(da.find("NAME:LDN-påmindelser\r\n"), std::string::npos);
  EXPECT_NE(nb.find("SUMMARY:LDN 1\\,5 mg ved leggetid\r\n"), std::string::npos) << nb;
  EXPECT_NE(nb.find("SUMMARY:LDN-dagbok: hvordan var dagen i dag?\r\n"), std::string::npos) << nb;
  EXPECT_NE(english.find("SUMMARY:LDN 1.5 mg at bedtime\r\n"), std::string::npos);
  EXPECT_NE(english.find("This dose runs until 2026-12-23."), std::string::npos);
  // Every SUMMARY and DESCRIPTION line differs from the English one: nothing left untranslated.
  const std::regex text_line("(SUMMARY|DESCRIPTION):[^\r]*");
  auto texts = [&](const std::string& ics) {
    std::vector<std::string> out;
    for (auto it = std::sregex_iterator(ics.begin(), ics.end(), text_line); it != std::sregex_iterator(); ++it) {
      out.push_back(it->str());
    }
    return out;
  };
  const std::vector<std::string> en_texts = texts(english);
  for (const std::string& translated : {da, nb}) {
    const std::vector<std::string> t = texts(translated);
    ASSERT_EQ(t.size(), en_texts.size());
    for (size_t i = 0; i < t.size(); ++i) EXPECT_NE(t[i], en_texts[i]) << t[i];
  }
}

}  // namespace
}  // namespace ldn::server
