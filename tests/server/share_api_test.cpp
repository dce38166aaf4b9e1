// A patient's read-only links to their visit report, through the API (issue 15 item 4;
// api_share.cpp): made by the patient only, shown once, read with no other credential as the same
// PDF the clinic reads, listed and stopped by the patient or their clinician, dead after their
// days (the fixture's clock) or when stopped, unknown tokens alike; every read audited against the
// patient without the token.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

using J = nlohmann::json;

// Fourteen baseline days of `patient`, written as an earlier device would have (the fixture's
// today is the screening date; the course starts 14 days later): enough for a report.
Status SeedBaseline(ServerFixture& f, store::Id patient) {
  std::vector<store::DiaryEntry> entries;
  const LocalDate first = *ParseDate("2026-11-22", "d");
  for (int d = 0; d < 14; ++d) {
    store::DiaryEntry e;
    e.patient_id = patient;
    e.local_date = AddDays(first, d);
    e.items_json = R"({"pain":6,"fatigue":5,"sleep":6})";
    e.client_id = "baseline-" + std::to_string(d);
    e.recorded_by = f.store().GetUserByUsername("pat")->id;
    e.recorded_at = f.clock().Now();
    entries.push_back(e);
  }
  return f.store().UpsertDiaryBatch(entries).status();
}

class ShareApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    const ServerFixture::CourseSeed seed = f_->SeedCareTeamWithCourse("Share Patient");
    ASSERT_NE(seed.course_id, 0);
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    pat_ = seed.pat;
  }
  std::string P(const std::string& rest) const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  std::string doc_, pharm_, pat_;
};

TEST_F(ShareApiTest, ThePatientSharesTheReportForAFewDaysAndStopsIt) {
  // No baseline yet: no report, so no link (said to the patient, not to a doctor later).
  TestResponse early = f_->Send("POST", P("/share-links"), J{{"days", 3}}.dump(), pat_);
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_NE(early.Json()["error"]["message"].get<std::string>().find("no report to share yet"), std::string::npos);
  // The patient is told why in their words: the analysis' own reason, nested (RefusalTextTest).
  EXPECT_EQ(early.Json()["error"]["message_key"], "There is no report to share yet. {why}");
  EXPECT_EQ(early.Json()["error"]["vars"]["why"]["vars"]["n"], 0) << early.body;
  EXPECT_EQ(early.Json()["error"]["vars"]["why"]["vars"]["min"], 7) << early.body;
  EXPECT_TRUE(f_->Send("GET", P("/share-links"), "", pat_).Json()["links"].empty());
  // Fourteen baseline days.
  ASSERT_TRUE(SeedBaseline(*f_, patient_).ok());
  const TestResponse direct = f_->Send("GET", P("/report.pdf"), "", doc_);
  ASSERT_EQ(direct.status, 200) << direct.body.substr(0, 300);

  // Only the patient makes a link; days are 1-30.
  EXPECT_EQ(f_->Send("POST", P("/share-links"), J{{"days", 3}}.dump(), doc_).status, 403);
  TestResponse bad = f_->Send("POST", P("/share-links"), J{{"days", 31}}.dump(), pat_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["field"], "days");
  TestResponse made = f_->Send("POST", P("/share-links"), J{{"days", 3}}.dump(), pat_);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path = made.Json()["path"];
  ASSERT_EQ(path.rfind("/api/v1/shared/", 0), 0u) << path;
  EXPECT_TRUE(made.Json()["url"].get<std::string>().ends_with(path));
  EXPECT_EQ(made.Json()["live"], true);
  const std::string token = path.substr(15, path.size() - 15 - 4);
  EXPECT_EQ(token.size(), 43u);

  // Read with nothing but the link: the clinic's report.
  TestResponse pdf = f_->Send("GET", path);
  ASSERT_EQ(pdf.status, 200) << pdf.body.substr(0, 300);
  EXPECT_EQ(pdf.Header("content-type"), "application/pdf");
  EXPECT_EQ(pdf.Header("cache-control"), "no-store");
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(pdf.body.size(), direct.body.size());
  EXPECT_EQ(f_->Send("GET", "/api/v1/shared/" + std::string(43, 'x') + ".pdf").status, 404);

  // The one-page summary for an appointment (issue 15, item 4): through the link and to the patient
  // directly, one page, named so; an unknown scope is a 400 naming the field.
  auto pages = [](const std::string& pdf) {
    int n = 0;
    for (size_t at = 0; (at = pdf.find("/Type /Page", at)) != std::string::npos; at += 11) {
      if (at + 11 >= pdf.size() || pdf[at + 11] != 's') ++n;
    }
    return n;
  };
  const TestResponse summary = f_->Send("GET", path + "?scope=summary");
  ASSERT_EQ(summary.status, 200) << summary.body.substr(0, 300);
  EXPECT_EQ(pages(summary.body), 1);
  EXPECT_GT(pages(pdf.body), 1);
  EXPECT_NE(summary.Header("content-disposition").find("ldn-summary.pdf"), std::string::npos);
  const TestResponse own = f_->Send("GET", P("/report.pdf?scope=summary"), "", pat_);
  ASSERT_EQ(own.status, 200) << own.body.substr(0, 300);
  EXPECT_EQ(pages(own.body), 1);
  TestResponse bad_scope = f_->Send("GET", P("/report.pdf?scope=page1"), "", pat_);
  EXPECT_EQ(bad_scope.status, 400);
  EXPECT_EQ(bad_scope.Json()["error"]["field"], "scope");
  EXPECT_EQ(f_->Send("GET", path + "?scope=all").status, 400);

  // Listed for the patient and the clinician, never with the link.
  J list = f_->Send("GET", P("/share-links"), "", doc_).Json();
  ASSERT_EQ(list["links"].size(), 1u);
  EXPECT_EQ(list["links"][0]["live"], true);
  EXPECT_EQ(list["links"][0]["created_by_role"], "patient");
  EXPECT_EQ(list.dump().find(token), std::string::npos);
  EXPECT_EQ(f_->Send("GET", P("/share-links"), "", pharm_).status, 403);

  // Three days later it is dead, answered like an unknown link.
  f_->clock().Advance(std::chrono::hours(72));
  pat_ = f_->Login("pat").token;  // the sessions of three days ago have expired
  doc_ = f_->Login("doc").token;
  ASSERT_FALSE(pat_.empty() || doc_.empty());
  TestResponse late = f_->Send("GET", path);
  EXPECT_EQ(late.status, 404);
  EXPECT_EQ(f_->Send("GET", P("/share-links"), "", pat_).Json()["links"][0]["live"], false);

  // A second link, stopped by the patient: dead at once; stopping twice is 409.
  made = f_->Send("POST", P("/share-links"), "{}", pat_);  // the default: 7 days
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path2 = made.Json()["path"];
  const int64_t id2 = made.Json()["id"];
  EXPECT_EQ(f_->Send("GET", path2).status, 200);
  EXPECT_EQ(f_->Send("DELETE", P("/share-links/" + std::to_string(id2)), "", pat_).status, 200);
  EXPECT_EQ(f_->Send("GET", path2).status, 404);
  EXPECT_EQ(f_->Send("DELETE", P("/share-links/" + std::to_string(id2)), "", doc_).status, 409);
  EXPECT_EQ(f_->Send("DELETE", P("/share-links/999999"), "", pat_).status, 404);
  list = f_->Send("GET", P("/share-links"), "", pat_).Json();
  ASSERT_EQ(list["links"].size(), 2u);
  EXPECT_FALSE(list["links"][0]["revoked_at"].is_null());

  // Audited: each read through a link against the patient, without the token.
  store::AuditQuery q;
  q.limit = 1000;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  int reads = 0;
  int summaries = 0;
  for (const auto& e : *events) {
    EXPECT_EQ(e.object.find(token), std::string::npos) << e.action;
    EXPECT_EQ(e.detail.find(token), std::string::npos) << e.action;
    if (e.action == "share.read" && e.outcome == "ok") {
      ++reads;
      EXPECT_EQ(e.patient_id, std::optional<store::Id>(patient_));
      EXPECT_EQ(e.object, "visit report (share link)");
      if (e.detail.find("one-page summary") != std::string::npos) ++summaries;
    }
  }
  EXPECT_EQ(summaries, 1);
  // The three served (two reports, one summary); refusals (unknown, expired, stopped) are anonymous refusals, counted
  // per source (refusal_audit.h) so that guessing links cannot flood the trail.
  EXPECT_EQ(reads, 3);
}

// The report in the app's language (issue 15, item 6): the patient's own download and a share link
// made in Danish or Norwegian give the report in that language; another language is refused
// naming the field; the reads are audited with their language.
TEST(ShareApiLanguageTest, TheReportAndTheShareLinkInThePatientsLanguage) {
  // The catalogs are read from the served web root.
  server::ApiOptions options;
  options.web_root = std::filesystem::path(LDN_SOURCE_DIR) / "web";
  auto f_ = std::make_unique<ServerFixture>(options);
  const ServerFixture::CourseSeed seed = f_->SeedCareTeamWithCourse("Share Patient");
  const store::Id patient_ = seed.patient_id;
  const std::string pat_ = seed.pat;
  auto P = [&](const std::string& rest) { return "/api/v1/patients/" + std::to_string(patient_) + rest; };
  ASSERT_TRUE(SeedBaseline(*f_, patient_).ok());
  // The PDF's text: cairo writes each line as its own text object; the title metadata carries
  // the report's title in UTF-16BE, which is enough to tell the language without a PDF reader.
  auto utf16_hex = [](const std::string& ascii) {
    std::string out;
    for (char c : ascii) out += fmt::format("00{:02X}", static_cast<unsigned char>(c));
    return out;
  };
  const TestResponse en = f_->Send("GET", P("/report.pdf?scope=summary"), "", pat_);
  const TestResponse da = f_->Send("GET", P("/report.pdf?scope=summary&lang=da"), "", pat_);
  ASSERT_EQ(en.status, 200) << en.body.substr(0, 300);
  ASSERT_EQ(da.status, 200) << da.body.substr(0, 300);
  EXPECT_NE(en.body.find(utf16_hex("LDN response report")), std::string::npos);
  EXPECT_NE(da.body.find(utf16_hex("LDN-effektrapport")), std::string::npos);
  EXPECT_EQ(da.body.find(utf16_hex("LDN response report")), std::string::npos);
  const TestResponse sv = f_->Send("GET", P("/report.pdf?lang=sv"), "", pat_);
  EXPECT_EQ(sv.status, 400);
  EXPECT_EQ(sv.Json()["error"]["field"], "lang");

  TestResponse refused = f_->Send("POST", P("/share-links"), J{{"days", 3}, {"language", "sv"}}.dump(), pat_);
  EXPECT_EQ(refused.status, 400);
  EXPECT_EQ(refused.Json()["error"]["field"], "language");
  TestResponse made = f_->Send("POST", P("/share-links"), J{{"days", 3}, {"language", "nb"}}.dump(), pat_);
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string path = made.Json()["path"];
  EXPECT_TRUE(path.ends_with(".pdf?lang=nb")) << path;
  EXPECT_TRUE(made.Json()["url"].get<std::string>().ends_with(path));
  const TestResponse shared = f_->Send("GET", path + "&scope=summary");
  ASSERT_EQ(shared.status, 200) << shared.body.substr(0, 300);
  EXPECT_NE(shared.body.find(utf16_hex("LDN-effektrapport")), std::string::npos);
  EXPECT_NE(shared.body.find(utf16_hex("pasient")), std::string::npos);  // "– pasient R-…" (Danish: "patient")
  EXPECT_EQ(f_->Send("GET", path.substr(0, path.find('?')) + "?lang=xx").status, 400);

  store::AuditQuery q;
  q.limit = 1000;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  int in_nb = 0, in_da = 0;
  for (const auto& e : *events) {
    if (e.outcome != "ok") continue;
    if (e.action == "share.read" && e.detail.find("one-page summary, in nb") != std::string::npos) ++in_nb;
    if (e.action != "share.read" && e.detail == "one-page summary, in da") ++in_da;
  }
  EXPECT_EQ(in_nb, 1);
  EXPECT_EQ(in_da, 1);
}

}  // namespace
}  // namespace ldn::testing
