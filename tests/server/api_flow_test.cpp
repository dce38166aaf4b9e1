// End-to-end behaviour of the API on a real server: the diary's idempotency, revisions and
// optimistic concurrency, the batch's all-or-none, screening from the record, plans and their
// adjustment, the prescription workflow, instruments, the analysis and its PDF, the audit trail
// and the logs.
#include <cstdio>

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>

#include "analysis/diary_csv.h"
#include "server_fixture.h"

namespace ldn::testing {
namespace {

using store::Role;
using J = nlohmann::json;

class ApiFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_file_ = std::tmpfile();
    f_ = std::make_unique<ServerFixture>(server::ApiOptions{}, server::HttpServerOptions{}, log_file_);
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Flow Patient");
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    pat_ = seed.pat;
    ASSERT_FALSE(doc_.empty() || pharm_.empty() || pat_.empty());
  }
  void TearDown() override {
    f_.reset();
    std::fclose(log_file_);
  }
  std::string P(const std::string& rest = "") const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }
  std::string Log() {
    std::fflush(log_file_);
    std::rewind(log_file_);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, log_file_)) > 0) out.append(buf, n);
    return out;
  }

  std::FILE* log_file_ = nullptr;
  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  std::string doc_, pharm_, pat_;
};

TEST_F(ApiFlowTest, DiaryWritesAreIdempotentKeepRevisionsAndDetectLostUpdates) {
  const std::string day = P("/diary/2026-11-20");
  const J first = {{"client_id", "w1"}, {"scale_version", 2}, {"items", {{"pain", 6}, {"note", "slept badly"}}}};
  TestResponse r = f_->Send("PUT", day, first.dump(), pat_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["revision"], 1);
  EXPECT_EQ(r.Json()["outcome"], "created");
  EXPECT_EQ(r.Header("etag"), "\"1\"");
  // The same write again (a retry): nothing new.
  r = f_->Send("PUT", day, first.dump(), pat_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["outcome"], "replayed");
  EXPECT_EQ(r.Json()["revision"], 1);
  // The same client id with other content is a conflict.
  EXPECT_EQ(
      f_->Send("PUT", day, J{{"client_id", "w1"}, {"scale_version", 2}, {"items", {{"pain", 2}}}}.dump(), pat_).status,
      409);
  // An edit by the clinician makes revision 2 and keeps revision 1.
  r = f_->Send("PUT", day, J{{"client_id", "w2"}, {"scale_version", 2}, {"items", {{"pain", 5}}}}.dump(), doc_,
               {{"If-Match", "\"1\""}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["revision"], 2);
  // A device that still believes revision 1 is refused.
  r = f_->Send("PUT", day, J{{"client_id", "w3"}, {"scale_version", 2}, {"items", {{"pain", 9}}}}.dump(), pat_,
               {{"If-Match", "\"1\""}});
  EXPECT_EQ(r.status, 409) << r.body;
  r = f_->Send("GET", day + "/revisions", "", pat_);
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.Json()["revisions"].size(), 2u);
  EXPECT_EQ(r.Json()["revisions"][0]["items"]["note"], "slept badly");
  r = f_->Send("GET", day, "", pat_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Json()["items"], J({{"pain", 5}}));
  EXPECT_EQ(f_->Send("GET", P("/diary/2026-11-19"), "", pat_).status, 404);
}

TEST_F(ApiFlowTest, BatchIsAllOrNone) {
  ASSERT_EQ(f_->Send("PUT", P("/diary/2026-11-10"),
                     J{{"client_id", "old"}, {"scale_version", 2}, {"items", {{"pain", 3}}}}.dump(), pat_)
                .status,
            201);
  // The second entry reuses client id "old" for another date: the store refuses, and the first
  // entry of the batch must not stay written.
  const J batch = {{"entries",
                    {{{"date", "2026-11-11"}, {"client_id", "b1"}, {"scale_version", 2}, {"items", {{"pain", 4}}}},
                     {{"date", "2026-11-12"}, {"client_id", "old"}, {"scale_version", 2}, {"items", {{"pain", 5}}}}}}};
  const TestResponse bad = f_->Send("POST", P("/diary:batch"), batch.dump(), pat_);
  EXPECT_EQ(bad.status, 409) << bad.body;
  EXPECT_EQ(f_->Send("GET", P("/diary/2026-11-11"), "", pat_).status, 404);
  const J good = {{"entries",
                   {{{"date", "2026-11-11"}, {"client_id", "b1"}, {"scale_version", 2}, {"items", {{"pain", 4}}}},
                    {{"date", "2026-11-12"}, {"client_id", "b2"}, {"scale_version", 2}, {"items", {{"pain", 5}}}}}}};
  const TestResponse ok = f_->Send("POST", P("/diary:batch"), good.dump(), pat_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Json()["results"].size(), 2u);
  const TestResponse list = f_->Send("GET", P("/diary?from=2026-11-01&to=2026-11-30"), "", doc_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.Json()["entries"].size(), 3u);
}

TEST_F(ApiFlowTest, ScreeningUsesTheRecordAndFindsTheOpioidWashout) {
  ASSERT_EQ(f_->Send("POST", P("/medications"),
                     J{{"name", "tramadol"}, {"active", false}, {"last_taken", "2026-11-20"}}.dump(), pat_)
                .status,
            201);
  const TestResponse r = f_->Send("POST", P("/screenings"), "{}", doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  const J j = r.Json();
  EXPECT_EQ(j["input"]["today"], "2026-11-22");  // the patient's local date (Europe/Oslo)
  EXPECT_EQ(j["input"]["medications"][0]["name"], "tramadol");
  EXPECT_EQ(j["verdict"], "wait");
  EXPECT_TRUE(j["result"]["earliest_start"].is_string());
  EXPECT_EQ(f_->Send("GET", P("/screenings"), "", pharm_).Json()["screenings"].size(), 1u);
}

TEST_F(ApiFlowTest, CoursePlanAdjustmentAndPrescriptionWorkflow) {
  // A course entered after the fact (first dose 3 weeks ago): the course gate asks for a screening
  // and, for a start before the screening and the baseline, written overrides (docs/safety.md).
  ASSERT_EQ(f_->Send("POST", P("/screenings"), "{}", doc_).status, 201);
  const J reason = "Course started at the previous clinic; record entered after the fact.";
  TestResponse r = f_->Send("POST", P("/courses"),
                            J{{"protocol", "ldnrt-standard"},
                              {"start", "2026-11-01"},
                              {"overrides",
                               {{{"code", "start.before_earliest"}, {"reason", reason}},
                                {{"code", "start.before_baseline"}, {"reason", reason}}}}}
                                .dump(),
                            doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  const int64_t course = r.Json()["id"];
  const J steps = r.Json()["plan"]["plan"]["steps"];
  ASSERT_GT(steps.size(), 1u);
  EXPECT_EQ(steps[0]["start"], "2026-11-01");
  const J event = {{"type", "side_effects"}, {"date", "2026-11-10"}, {"name", "headache"}, {"days_unsettled", 5}};
  r = f_->Send("POST", P("/courses/" + std::to_string(course) + "/adjustments"),
               J{{"reason", "headache for 5 days"}, {"events", {event}}}.dump(), doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["plan"]["plan"]["changes"][0]["type"], "halve_dose");
  r = f_->Send("GET", P("/courses/" + std::to_string(course)), "", pat_);
  EXPECT_EQ(r.Json()["plan"]["events"].size(), 1u);
  EXPECT_EQ(f_->Send("GET", P("/courses/" + std::to_string(course) + "/adjustments"), "", pharm_)
                .Json()["adjustments"]
                .size(),
            1u);

  // An order (issue 13): routed to the pharmacist's pharmacy, signed by its prescriber.
  store::Store& st = f_->store();
  const auto now = f_->clock().Now();
  auto pharmacy = st.CreatePharmacy({0, "Main St", "Main Street 1", "+47 1", now});
  ASSERT_TRUE(pharmacy.ok());
  ASSERT_TRUE(st.SetUserPharmacy(f_->Login("pharm").user_id, pharmacy->id, now).ok());
  ASSERT_TRUE(st.PutPrescriberProfile({f_->Login("doc").user_id, "Dr Doc", "physician", "HPR 1", "Clinic", "", now}).ok());
  ASSERT_EQ(f_->Send("PATCH", P(), J{{"date_of_birth", "1970-01-01"}}.dump(), doc_).status, 200);
  const J rx = {{"course_id", course},
                {"pharmacy_id", pharmacy->id},
                {"formulation", {{"form", "liquid"}, {"strength_mg", 1}}}};
  r = f_->Send("POST", P("/prescriptions"), rx.dump(), doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = std::to_string(r.Json()["id"].get<int64_t>());
  const std::string status = P("/prescriptions/" + id + "/status");
  EXPECT_EQ(f_->Send("PUT", status, R"({"status":"verified"})", pharm_).status, 404);  // a draft: not routed yet
  ASSERT_EQ(f_->Send("POST", P("/prescriptions/" + id + "/sign"), J{{"password", kTestPassword}}.dump(), doc_).status,
            200);
  EXPECT_EQ(f_->Send("PUT", status, R"({"status":"verified"})", doc_).status, 403);     // clinicians only cancel
  EXPECT_EQ(f_->Send("PUT", status, R"({"status":"dispensed"})", pharm_).status, 409);  // not verified yet
  r = f_->Send("PUT", status, R"({"status":"verified"})", pharm_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "verified");
  EXPECT_FALSE(r.Json()["pharmacist_user_id"].is_null());
  // Dispensing names the released batch that fills the order (issue 14; batches_api_test.cpp).
  EXPECT_EQ(f_->Send("PUT", status, R"({"status":"dispensed"})", pharm_).Json()["error"]["field"], "batch_id");
  r = f_->Send("PUT", status, R"({"status":"cancelled","reason":"the patient moved"})", doc_);
  EXPECT_EQ(r.Json()["status"], "cancelled");
  EXPECT_EQ(f_->Send("PUT", status, R"({"status":"cancelled","reason":"too late"})", doc_).status, 409);
}

TEST_F(ApiFlowTest, InstrumentsAreScoredByTheClinicalScorers) {
  const J fiqr = {
      {"instrument", "fiqr"},
      {"date", "2026-11-20"},
      {"answers",
       {{"function", {3, 3, 3, 3, 3, 3, 3, 3, 3}}, {"impact", {5, 5}}, {"symptoms", {6, 6, 6, 6, 6, 6, 6, 6, 6, 6}}}},
      {"client_id", "fiqr-1"}};
  const TestResponse r = f_->Send("POST", P("/instruments"), fiqr.dump(), pat_);
  ASSERT_EQ(r.status, 201) << r.body;
  // Bennett 2009: function 27/3 = 9, impact 10, symptoms 60/2 = 30; total 49.
  EXPECT_DOUBLE_EQ(r.Json()["scores"]["total"].get<double>(), 49.0);
  EXPECT_EQ(f_->Send("GET", P("/instruments?instrument=fiqr"), "", doc_).Json()["instruments"].size(), 1u);
  EXPECT_EQ(f_->Send("GET", P("/instruments?instrument=pgic"), "", doc_).Json()["instruments"].size(), 0u);
}

TEST_F(ApiFlowTest, AnalysisAndPdfReportOfAStoredRecord) {
  EXPECT_EQ(f_->Send("GET", P("/analysis"), "", doc_).status, 409);  // no course yet
  J entries = J::array();
  for (LocalDate d = *ParseDate("2026-08-18", "d"); d <= *ParseDate("2026-11-20", "d"); d = AddDays(d, 1)) {
    const int pain = d < *ParseDate("2026-09-01", "d") ? 7 : 4;
    entries.push_back({{"date", FormatDate(d)},
                       {"client_id", "a-" + FormatDate(d)},
                       {"scale_version", 2},
                       {"items", {{"pain", pain}}}});
  }
  ASSERT_EQ(f_->Send("POST", P("/diary:batch"), J{{"entries", entries}}.dump(), pat_).status, 200);
  // The baseline (08-18..08-31) is on record; the first dose predates today's screening: overridden.
  ASSERT_EQ(f_->Send("POST", P("/screenings"), "{}", doc_).status, 201);
  const TestResponse course = f_->Send(
      "POST", P("/courses"),
      J{{"protocol", "ldnrt-standard"},
        {"start", "2026-09-01"},
        {"overrides",
         {{{"code", "start.before_earliest"}, {"reason", "Course started at the previous clinic in September."}}}}}
          .dump(),
      doc_);
  ASSERT_EQ(course.status, 201) << course.body;
  const TestResponse a = f_->Send("GET", P("/analysis"), "", pat_);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.Json()["patient_id"], patient_);
  EXPECT_TRUE(a.Json().contains("verdict")) << a.body;
  const TestResponse pdf = f_->Send("GET", P("/report.pdf?paper=letter"), "", doc_);
  ASSERT_EQ(pdf.status, 200) << pdf.body.substr(0, 300);
  EXPECT_EQ(pdf.Header("content-type"), "application/pdf");
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  EXPECT_EQ(f_->Send("GET", P("/report.pdf?paper=a3"), "", doc_).status, 400);

  // The patient's own export (issue 15, item 4): the same document as JSON and CSV, each read back
  // by the analysis layer's parsers to the same diary of 95 days, the plan's steps and the course.
  const TestResponse json = f_->Send("GET", P("/export"), "", pat_);
  ASSERT_EQ(json.status, 200) << json.body.substr(0, 300);
  EXPECT_EQ(json.Header("content-type"), "application/json; charset=utf-8");
  EXPECT_NE(json.Header("content-disposition").find("attachment; filename=\"ldn-diary-course-"), std::string::npos);
  const TestResponse csv = f_->Send("GET", P("/export?format=csv"), "", doc_);
  ASSERT_EQ(csv.status, 200) << csv.body.substr(0, 300);
  EXPECT_EQ(csv.Header("content-type"), "text/csv; charset=utf-8");
  auto from_json = analysis::ParseDiaryJson(json.body);
  auto from_csv = analysis::ParseDiaryCsv(csv.body);
  ASSERT_TRUE(from_json.ok()) << from_json.status().ToString();
  ASSERT_TRUE(from_csv.ok()) << from_csv.status().ToString();
  EXPECT_EQ(from_json->days.size(), 95u);
  EXPECT_EQ(from_csv->days.size(), from_json->days.size());
  EXPECT_FALSE(from_json->steps.empty());
  EXPECT_EQ(analysis::DiaryToJson(*from_csv), json.body);
  EXPECT_EQ(from_json->days.front().Get(analysis::Item::kPain), 7);
  const TestResponse bad = f_->Send("GET", P("/export?format=xml"), "", pat_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.Json()["error"]["field"], "format");
  EXPECT_EQ(f_->Send("GET", P("/export"), "", pharm_).status, 403);
}

TEST_F(ApiFlowTest, ReadsAndWritesAreAuditedAndLogsHoldNoContent) {
  ASSERT_EQ(
      f_->Send("PUT", P("/diary/2026-11-20"),
               J{{"client_id", "n1"}, {"scale_version", 2}, {"items", {{"pain", 3}, {"note", "my very private note"}}}}
                   .dump(),
               pat_)
          .status,
      201);
  ASSERT_EQ(f_->Send("GET", P("/diary/2026-11-20"), "", doc_).status, 200);
  store::AuditQuery q;
  q.patient_id = patient_;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  bool write_seen = false, read_seen = false;
  for (const auto& e : *events) {
    write_seen = write_seen || (e.action == "diary.write" && e.role == "patient" && e.outcome == "ok");
    read_seen = read_seen || (e.action == "diary.read" && e.role == "clinician" && e.outcome == "ok" &&
                              e.object == "patients/" + std::to_string(patient_) + "/diary/2026-11-20");
    EXPECT_EQ(e.detail.find("private"), std::string::npos);
  }
  EXPECT_TRUE(write_seen);
  EXPECT_TRUE(read_seen);

  f_.reset();  // a request's log line follows its response: stop the server to read them all
  const std::string log = Log();
  EXPECT_EQ(log.find("my very private note"), std::string::npos);
  EXPECT_EQ(log.find(pat_), std::string::npos);  // no token
  EXPECT_EQ(log.find("correct horse"), std::string::npos);
  EXPECT_EQ(log.find("2026-11-20"), std::string::npos);  // concrete paths are not logged
  size_t lines = 0, diary_lines = 0;
  for (size_t pos = 0, nl; (nl = log.find('\n', pos)) != std::string::npos; pos = nl + 1) {
    const J line = J::parse(log.substr(pos, nl - pos), nullptr, false);
    ASSERT_TRUE(line.is_object()) << log.substr(pos, nl - pos);
    ++lines;
    if (line.value("route", "") == "/api/v1/patients/{patient_id}/diary/{date}") {
      ++diary_lines;
      EXPECT_TRUE(line.contains("status") && line.contains("duration_ms") && line.contains("user_id"));
    }
  }
  EXPECT_GE(lines, 5u);
  EXPECT_EQ(diary_lines, 2u);
}

// A change and the audit event of its success are one transaction: when the event cannot be
// written (a trigger planted in the database refuses it), the change is not stored either and the
// client gets 503; a change whose event can be written is stored with it.
TEST_F(ApiFlowTest, AChangeIsStoredOnlyWithItsAuditEvent) {
  {
    SQLite::Database db((f_->dir() / "test.db").string(), SQLite::OPEN_READWRITE);
    db.exec(
        "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events "
        "WHEN NEW.object LIKE '%/diary/2026-11-03' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
  }
  const J entry = {{"client_id", "a1"}, {"scale_version", 2}, {"items", {{"pain", 4}}}};
  TestResponse r = f_->Send("PUT", P("/diary/2026-11-03"), entry.dump(), pat_);
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(r.Json()["error"]["code"], "unavailable") << r.body;
  EXPECT_EQ(f_->store().GetDiary(patient_, LocalDate{date::year(2026), date::month(11), date::day(3)}).status().code(),
            Code::kNotFound);
  auto revisions = f_->store().ListDiaryRevisions(patient_, LocalDate{date::year(2026), date::month(11), date::day(3)});
  ASSERT_TRUE(revisions.ok());
  EXPECT_TRUE(revisions->empty());

  // Another day: stored, with exactly one "ok" event naming it.
  r = f_->Send("PUT", P("/diary/2026-11-04"),
               J{{"client_id", "a2"}, {"scale_version", 2}, {"items", {{"pain", 4}}}}.dump(), pat_);
  ASSERT_EQ(r.status, 201) << r.body;
  store::AuditQuery q;
  q.patient_id = patient_;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  int ok_writes = 0, writes_of_refused_day = 0;
  for (const auto& e : *events) {
    if (e.action == "diary.write" && e.outcome == "ok" && e.object.ends_with("/diary/2026-11-04")) ++ok_writes;
    if (e.object.ends_with("/diary/2026-11-03")) ++writes_of_refused_day;
  }
  EXPECT_EQ(ok_writes, 1);
  EXPECT_EQ(writes_of_refused_day, 0);
  auto verified = f_->store().VerifyAudit();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

// A refused change leaves nothing behind but its refusal in the audit trail.
TEST_F(ApiFlowTest, ARefusedChangeIsUndoneAndAuditedAsRefused) {
  // The batch's second entry is out of range: neither entry is stored.
  const J batch = {{"entries",
                    {{{"date", "2026-11-05"}, {"client_id", "b1"}, {"scale_version", 2}, {"items", {{"pain", 3}}}},
                     {{"date", "2026-11-06"}, {"client_id", "b2"}, {"scale_version", 2}, {"items", {{"pain", 11}}}}}}};
  TestResponse r = f_->Send("POST", P("/diary:batch"), batch.dump(), pat_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(f_->store().GetDiary(patient_, LocalDate{date::year(2026), date::month(11), date::day(5)}).status().code(),
            Code::kNotFound);
  store::AuditQuery q;
  q.patient_id = patient_;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  ASSERT_FALSE(events->empty());
  EXPECT_EQ(events->back().action, "diary.write");
  EXPECT_EQ(events->back().outcome, "invalid");
}

}  // namespace
}  // namespace ldn::testing
