// The patient's calendar feed through the API (issue 15 item 2a; api_calendar.cpp): a secret link
// made by the patient or their clinician, read with no other credential as text/calendar with the
// plan's dose steps and alarms, audited against the patient without the token, replaced by a new
// link and revoked (the old URL then answers 404). The feed's text is checked by CalendarFeedTest;
// a real calendar parser reads it in the browser spec web_calendar_feed.
#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

class CalendarApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    const ServerFixture::CourseSeed seed = f_->SeedCareTeamWithCourse("Calendar Patient");
    ASSERT_NE(seed.course_id, 0);
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    pat_ = seed.pat;
  }
  std::string P(const std::string& rest) const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }
  size_t Count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t i = text.find(what); i != std::string::npos; i = text.find(what, i + 1)) ++n;
    return n;
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  std::string doc_, pharm_, pat_;
};

TEST_F(CalendarApiTest, ThePatientSubscribesTheFeedRemindsAndTheLinkIsReplacedAndRevoked) {
  EXPECT_EQ(f_->Send("GET", P("/calendar-token"), "", pat_).Json()["exists"], false);
  TestResponse made = f_->Send("POST", P("/calendar-token"), "", pat_);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path = made.Json()["path"];
  const std::string url = made.Json()["url"];
  ASSERT_EQ(path.rfind("/api/v1/calendar/", 0), 0u) << path;
  EXPECT_TRUE(path.ends_with(".ics"));
  EXPECT_TRUE(url.ends_with(path)) << url;
  EXPECT_EQ(url.rfind("http://", 0), 0u) << url;
  EXPECT_EQ(made.Json()["webcal_url"].get<std::string>().rfind("webcal://", 0), 0u);
  const std::string token = path.substr(17, path.size() - 17 - 4);
  EXPECT_EQ(token.size(), 43u);

  // The feed: no cookie, no header; the plan's steps with their alarms.
  TestResponse feed = f_->Send("GET", path);
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_EQ(feed.Header("content-type"), "text/calendar; charset=utf-8");
  EXPECT_EQ(feed.Header("cache-control"), "no-store");
  EXPECT_EQ(feed.body.rfind("BEGIN:VCALENDAR\r\n", 0), 0u);
  EXPECT_NE(feed.body.find("DTSTART:20261206T220000\r\n"), std::string::npos) << feed.body;
  EXPECT_NE(feed.body.find("SUMMARY:LDN "), std::string::npos);
  EXPECT_NE(feed.body.find("SUMMARY:LDN diary: how was today?"), std::string::npos);
  EXPECT_GE(Count(feed.body, "BEGIN:VEVENT"), 3u);
  EXPECT_EQ(Count(feed.body, "BEGIN:VEVENT"), Count(feed.body, "BEGIN:VALARM"));
  EXPECT_EQ(feed.body.find("Calendar Patient"), std::string::npos);  // no name in a lock-screen text

  // Audited against the patient, and the token is nowhere in the trail.
  store::AuditQuery q;
  q.limit = 1000;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  int reads = 0;
  for (const auto& e : *events) {
    EXPECT_EQ(e.object.find(token), std::string::npos) << e.action;
    EXPECT_EQ(e.detail.find(token), std::string::npos) << e.action;
    if (e.action == "calendar.read") {
      ++reads;
      EXPECT_EQ(e.patient_id, std::optional<store::Id>(patient_));
      EXPECT_EQ(e.object, "calendar feed");
      EXPECT_EQ(e.outcome, "ok");
    }
  }
  EXPECT_EQ(reads, 1);
  TestResponse state = f_->Send("GET", P("/calendar-token"), "", doc_);
  EXPECT_EQ(state.Json()["exists"], true);
  EXPECT_EQ(state.Json()["created_by_role"], "patient");

  // A new link (the clinician at the visit) replaces the old one.
  TestResponse again = f_->Send("POST", P("/calendar-token"), "", doc_);
  ASSERT_EQ(again.status, 201);
  const std::string path2 = again.Json()["path"];
  EXPECT_NE(path2, path);
  TestResponse old_link = f_->Send("GET", path);
  EXPECT_EQ(old_link.status, 404);
  EXPECT_EQ(old_link.Json()["error"]["message"], "no such calendar link (it may have been stopped)");
  EXPECT_EQ(f_->Send("GET", path2).status, 200);

  // Revoked: the feed answers 404; revoking again says there is nothing to stop.
  TestResponse revoked = f_->Send("DELETE", P("/calendar-token"), "", pat_);
  EXPECT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(f_->Send("GET", path2).status, 404);
  TestResponse twice = f_->Send("DELETE", P("/calendar-token"), "", pat_);
  EXPECT_EQ(twice.status, 404);
  EXPECT_EQ(twice.Json()["error"]["message"], "there is no calendar link to stop");
  EXPECT_EQ(f_->Send("GET", P("/calendar-token"), "", pat_).Json()["exists"], false);
}

TEST_F(CalendarApiTest, OnlyThePatientAndTheirClinicianMakeALinkAndAGuessedOneIsRefused) {
  EXPECT_EQ(f_->Send("POST", P("/calendar-token"), "", pharm_).status, 403);
  EXPECT_EQ(f_->Send("POST", P("/calendar-token")).status, 401);
  EXPECT_EQ(f_->Send("GET", "/api/v1/calendar/not-a-token.ics").status, 404);
  EXPECT_EQ(f_->Send("GET", "/api/v1/calendar/" + std::string(43, 'A') + ".ics").status, 404);
  // A body where none is taken.
  EXPECT_EQ(f_->Send("POST", P("/calendar-token"), "{\"x\":1}", pat_, {{"Content-Type", "application/json"}}).status,
            400);
}

// A link made in Danish (the app's language) gives a Danish feed, from the web app's catalogs in
// the served web root; the language is refused naming the field when ldn has no such language.
TEST(CalendarApiLanguageTest, ALinkMadeInDanishGivesADanishFeed) {
  server::ApiOptions options;
  options.web_root = std::filesystem::path(LDN_SOURCE_DIR) / "web";
  ServerFixture f(options);
  const ServerFixture::CourseSeed seed = f.SeedCareTeamWithCourse("Calendar Patient");
  const std::string p = "/api/v1/patients/" + std::to_string(seed.patient_id) + "/calendar-token";
  TestResponse made = f.Send("POST", p, R"({"language":"da"})", seed.pat, {{"Content-Type", "application/json"}});
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path = made.Json()["path"];
  EXPECT_TRUE(path.ends_with(".ics?lang=da")) << path;
  EXPECT_TRUE(made.Json()["webcal_url"].get<std::string>().ends_with(path));
  TestResponse feed = f.Send("GET", path);
  ASSERT_EQ(feed.status, 200) << feed.body;
  EXPECT_NE(feed.body.find("SUMMARY:LDN-dagbog: hvordan var i dag?"), std::string::npos) << feed.body;
  EXPECT_NE(feed.body.find("ved sengetid"), std::string::npos);
  EXPECT_EQ(feed.body.find("at bedtime"), std::string::npos);
  // The same link without the language is English; a language ldn does not have is refused.
  const std::string english = f.Send("GET", path.substr(0, path.find('?'))).body;
  EXPECT_NE(english.find("SUMMARY:LDN diary: how was today?"), std::string::npos);
  TestResponse bad_feed = f.Send("GET", path.substr(0, path.find('?')) + "?lang=sv");
  EXPECT_EQ(bad_feed.status, 400);
  EXPECT_EQ(bad_feed.Json()["error"]["field"], "lang");
  TestResponse bad = f.Send("POST", p, R"({"language":"sv"})", seed.pat, {{"Content-Type", "application/json"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["field"], "language");
  // The refused request left the Danish link working.
  EXPECT_EQ(f.Send("GET", path).status, 200);
}

}  // namespace
}  // namespace ldn::testing
