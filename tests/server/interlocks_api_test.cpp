// The safety interlocks through the real HTTP API (issue 12; docs/safety.md, docs/api.md): every
// refusal and override of the course gate, the baseline, safe dose entry, the safety net for
// severe reports and the flags with their acknowledgement -- and that a refusal stores nothing.
// Run twice: ldn_server_tests (SQLite) and ctest server_postgres (PostgreSQL,
// under pg_virtualenv; LDN_TEST_SERVER_DB=postgresql, tests/server/server_fixture.h).

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "analysis/response.h"
#include "clinical/safety/interlock_rules.h"
#include "server_fixture.h"
#include "support/command_output.h"

namespace ldn::testing {
namespace {

using J = nlohmann::json;
using store::Role;

std::string StoreUrl() {
  return "";
}

using test_support::PdfText;

class InterlocksApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>(server::ApiOptions{}, server::HttpServerOptions{}, nullptr, StoreUrl());
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Interlock Patient");
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pat_ = seed.pat;
    pharm_ = seed.pharm;
    ASSERT_FALSE(doc_.empty() || pat_.empty() || pharm_.empty());
  }

  std::string P(const std::string& rest = "") const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }

  TestResponse Screen() { return f_->Send("POST", P("/screenings"), "{}", doc_); }
  // Days pass: the clock moves on and everyone logs in again (sessions expire; docs/auth.md).
  void AdvanceDays(int days) {
    f_->clock().Advance(std::chrono::hours(24 * days));
    doc_ = f_->Login("doc").token;
    pat_ = f_->Login("pat").token;
    pharm_ = f_->Login("pharm").token;
    ASSERT_FALSE(doc_.empty() || pat_.empty() || pharm_.empty());
  }
  void Medication(const J& m) { ASSERT_EQ(f_->Send("POST", P("/medications"), m.dump(), doc_).status, 201); }
  // Diary days with a pain rating from `from` to `to` (inclusive).
  void Diary(const std::string& from, const std::string& to, int pain = 6) {
    J entries = J::array();
    for (LocalDate d = *ParseDate(from, "d"); d <= *ParseDate(to, "d"); d = AddDays(d, 1)) {
      entries.push_back({{"date", FormatDate(d)},
                         {"client_id", "d-" + FormatDate(d)},
                         {"scale_version", 2},
                         {"items", {{"pain", pain}}}});
    }
    const TestResponse r = f_->Send("POST", P("/diary:batch"), J{{"entries", entries}}.dump(), pat_);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  TestResponse CreateCourse(const J& body) { return f_->Send("POST", P("/courses"), body.dump(), doc_); }
  static J Course(const std::string& start) { return {{"protocol", "ldnrt-standard"}, {"start", start}}; }
  static J Override(const std::string& code) {
    return {{"code", code}, {"reason", "Discussed with the patient; see the consultation note of today."}};
  }
  void ExpectRefused(const TestResponse& r, int status, const std::string& field, const std::string& what) {
    EXPECT_EQ(r.status, status) << what << ": " << r.body;
    EXPECT_EQ(r.Json()["error"]["field"], field) << what << ": " << r.body;
  }
  int CourseCount() { return static_cast<int>(f_->store().ListCourses(patient_)->size()); }
  J Flags(const std::string& token = "") {
    const TestResponse r = f_->Send("GET", P("/flags"), "", token.empty() ? doc_ : token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json()["flags"];
  }
  static const J* FindFlag(const J& flags, const std::string& prefix) {
    for (const auto& f : flags) {
      if (f["code"].get<std::string>().rfind(prefix, 0) == 0) return &f;
    }
    return nullptr;
  }
  std::vector<store::AuditEvent> Audit(const std::string& action) {
    store::AuditQuery q;
    q.limit = 10000;
    std::vector<store::AuditEvent> out;
    const auto events = f_->store().ListAudit(q);
    EXPECT_TRUE(events.ok());
    if (!events.ok()) return out;
    for (const auto& e : *events) {
      if (e.action == action) out.push_back(e);
    }
    return out;
  }
  // A course created with overrides of whatever blocks it, then activated the same way: a course
  // on a known plan for the dose tests (ldnrt-standard from `start`).
  int64_t ActiveCourse(const std::string& start) {
    TestResponse r = CreateCourse(J{{"protocol", "ldnrt-standard"},
                                    {"start", start},
                                    {"overrides", {Override("screening.missing"), Override("start.before_baseline")}}});
    EXPECT_EQ(r.status, 201) << r.body;
    const int64_t id = r.Json()["id"];
    r = f_->Send(
        "PUT", P("/courses/" + std::to_string(id) + "/status"),
        J{{"status", "active"}, {"overrides", {Override("screening.missing"), Override("start.before_baseline")}}}
            .dump(),
        doc_);
    EXPECT_EQ(r.status, 200) << r.body;
    return id;
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  std::string doc_, pat_, pharm_;
};

TEST_F(InterlocksApiTest, ACourseNeedsAScreeningFromTheLast30Days) {
  Diary("2026-11-08", "2026-11-21");
  ExpectRefused(CreateCourse(Course("2026-11-22")), 409, "screening", "no screening");
  EXPECT_EQ(CourseCount(), 0);
  // A screening 31 days old (stored directly, dated in the past).
  store::Screening old;
  old.patient_id = patient_;
  old.input_json = "{}";
  old.result_json = R"({"verdict":"eligible","earliest_start":"2026-10-22","findings":[]})";
  old.verdict = "eligible";
  old.recorded_by = f_->store().ListUsers()->front().id;
  old.recorded_at = TestNow() - std::chrono::hours(24 * 31);
  ASSERT_TRUE(f_->store().CreateScreening(old).ok());
  TestResponse r = CreateCourse(Course("2026-11-22"));
  ExpectRefused(r, 409, "screening", "stale screening");
  EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("screening.stale"), std::string::npos) << r.body;
  // Overridden with a reason: stored, and the audit event names the override.
  J body = Course("2026-11-22");
  body["overrides"] = {{{"code", "screening.stale"}, {"reason", "ok"}}};
  ExpectRefused(CreateCourse(body), 400, "overrides[0].reason", "a reason that is not a sentence");
  body["overrides"] = J::array({Override("screening.stale")});
  r = CreateCourse(body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["interlocks"]["overrides"][0]["code"], "screening.stale");
  EXPECT_EQ(r.Json()["gate"]["allowed"], true);
  const auto audit = Audit("course.create");
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.back().outcome, "ok");
  EXPECT_EQ(audit.back().detail, "overrides screening.stale");
  EXPECT_EQ(audit.front().outcome, "conflict");
  EXPECT_EQ(audit.front().detail, "conflict screening");
  // A fresh screening: no override needed.
  ASSERT_EQ(Screen().status, 201);
  EXPECT_EQ(CreateCourse(Course("2026-11-22")).status, 201);
}

TEST_F(InterlocksApiTest, WaitForbidsAFirstDoseBeforeTheEarliestStart) {
  Medication({{"name", "tramadol"}, {"active", false}, {"last_taken", "2026-11-20"}});
  const TestResponse s = Screen();
  ASSERT_EQ(s.status, 201);
  ASSERT_EQ(s.Json()["verdict"], "wait");
  const std::string earliest = s.Json()["result"]["earliest_start"];
  EXPECT_EQ(earliest, "2026-11-30");
  Diary("2026-11-08", "2026-11-21");
  const TestResponse gate = f_->Send("GET", P("/course-gate"), "", doc_);
  ASSERT_EQ(gate.status, 200) << gate.body;
  EXPECT_EQ(gate.Json()["proposed_start"], earliest);
  EXPECT_EQ(gate.Json()["washout_end"], earliest);
  TestResponse r = CreateCourse(Course("2026-11-25"));
  ExpectRefused(r, 409, "start", "inside the washout");
  EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("2026-11-30"), std::string::npos);
  EXPECT_EQ(CourseCount(), 0);
  EXPECT_EQ(CreateCourse(Course("2026-11-30")).status, 201);
  // Overridden: the course may start early, and once started it carries a red flag.
  J body = Course("2026-11-25");
  body["overrides"] = J::array({Override("start.before_earliest")});
  r = CreateCourse(body);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = std::to_string(r.Json()["id"].get<int64_t>());
  EXPECT_EQ(FindFlag(Flags(), "course." + id + ".before_earliest_start"), nullptr);  // not started yet
  // Activation re-runs the gate: the override is needed again.
  r = f_->Send("PUT", P("/courses/" + id + "/status"), R"({"status":"active"})", doc_);
  ExpectRefused(r, 409, "start", "activation inside the washout");
  r = f_->Send("PUT", P("/courses/" + id + "/status"),
               J{{"status", "active"}, {"overrides", {Override("start.before_earliest")}}}.dump(), doc_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "active");
  const J flags = Flags();
  const J* flag = FindFlag(flags, "course." + id + ".before_earliest_start");
  ASSERT_NE(flag, nullptr);
  EXPECT_EQ((*flag)["level"], "red");
  EXPECT_NE((*flag)["message"].get<std::string>().find("Discussed with the patient"), std::string::npos);
  int activations = 0;
  for (const auto& e : Audit("course.status"))
    activations += e.detail == "activate overrides start.before_earliest" ? 1 : 0;
  EXPECT_EQ(activations, 1);
}

TEST_F(InterlocksApiTest, NotEligibleForbidsACourse) {
  Medication({{"name", "oxycodone"}, {"active", true}});
  ASSERT_EQ(Screen().Json()["verdict"], "not_eligible");
  ExpectRefused(CreateCourse(Course("2026-12-06")), 409, "screening", "not eligible");
  J body = Course("2026-12-06");
  body["overrides"] = J::array({Override("screening.not_eligible")});
  const TestResponse r = CreateCourse(body);
  ASSERT_EQ(r.status, 201) << r.body;
  const J flags = Flags();
  const J* flag =
      FindFlag(flags, "course." + std::to_string(r.Json()["id"].get<int64_t>()) + ".override.screening.not_eligible");
  ASSERT_NE(flag, nullptr);
  EXPECT_EQ((*flag)["level"], "red");
}

TEST_F(InterlocksApiTest, ReviewNeedsEachFindingAcknowledged) {
  Medication({{"name", "levothyroxine"}, {"active", true}});
  ASSERT_EQ(f_->Send("POST", P("/conditions"), R"({"name":"kidney disease"})", doc_).status, 201);
  ASSERT_EQ(Screen().Json()["verdict"], "review");
  const TestResponse gate = f_->Send("GET", P("/course-gate"), "", doc_);
  const J review = gate.Json()["review_findings"];
  ASSERT_EQ(review.size(), 2u) << gate.body;
  ExpectRefused(CreateCourse(Course("2026-12-06")), 409, "screening", "review not acknowledged");
  J body = Course("2026-12-06");
  body["acknowledged_findings"] = J::array({review[0]["key"]});
  ExpectRefused(CreateCourse(body), 409, "screening", "one of two acknowledged");
  body["acknowledged_findings"] = {review[0]["key"], "surgery.planned@planned_surgery"};
  ExpectRefused(CreateCourse(body), 409, "acknowledged_findings[1]", "a finding the screening does not have");
  body["acknowledged_findings"] = {review[0]["key"], review[1]["key"]};
  EXPECT_EQ(CreateCourse(body).status, 201);
}

TEST_F(InterlocksApiTest, BaselineFirstThenTheFirstDose) {
  ASSERT_EQ(Screen().status, 201);
  TestResponse gate = f_->Send("GET", P("/course-gate"), "", doc_);
  ASSERT_EQ(gate.status, 200);
  EXPECT_EQ(gate.Json()["proposed_start"], "2026-12-06");  // 14 diary days from today
  EXPECT_EQ(gate.Json()["baseline"]["days_to_come"], 14);
  ExpectRefused(CreateCourse(Course("2026-11-23")), 409, "start", "no baseline");
  TestResponse r = CreateCourse(Course("2026-12-06"));
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = std::to_string(r.Json()["id"].get<int64_t>());
  const J baseline = r.Json()["interlocks"]["baseline"];
  EXPECT_EQ(baseline["from"], "2026-11-22");
  EXPECT_EQ(baseline["first_dose"], "2026-12-06");
  EXPECT_EQ(baseline["fiqr_due"], true);
  // The patient sees the same baseline on their course.
  r = f_->Send("GET", P("/courses"), "", pat_);
  EXPECT_EQ(r.Json()["courses"][0]["interlocks"]["baseline"]["days_required"], 14);
  EXPECT_NE(FindFlag(Flags(), "course." + id + ".baseline_fiqr"), nullptr);
  const J fiqr = {
      {"instrument", "fiqr"},
      {"date", "2026-11-22"},
      {"answers",
       {{"function", {3, 3, 3, 3, 3, 3, 3, 3, 3}}, {"impact", {5, 5}}, {"symptoms", {6, 6, 6, 6, 6, 6, 6, 6, 6, 6}}}}};
  ASSERT_EQ(f_->Send("POST", P("/instruments"), fiqr.dump(), pat_).status, 201);
  EXPECT_EQ(FindFlag(Flags(), "course." + id + ".baseline_fiqr"), nullptr);
  EXPECT_EQ(f_->Send("GET", P("/courses/" + id), "", pat_).Json()["interlocks"]["baseline"]["fiqr_due"], false);
  // Fourteen days later, with the diary kept, activation on the first dose day passes.
  AdvanceDays(14);
  Diary("2026-11-22", "2026-12-05");
  r = f_->Send("PUT", P("/courses/" + id + "/status"), R"({"status":"active"})", doc_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["gate"]["baseline"]["days_recorded"], 14);
  // And a correctly scheduled start raises no safety flag.
  for (const auto& f : Flags()) EXPECT_NE(f["level"], "red") << f.dump();
}

TEST_F(InterlocksApiTest, ActivationRechecksTheGate) {
  ASSERT_EQ(Screen().status, 201);
  TestResponse r = CreateCourse(Course("2026-12-06"));
  ASSERT_EQ(r.status, 201);
  const std::string id = std::to_string(r.Json()["id"].get<int64_t>());
  AdvanceDays(14);  // 2026-12-06
  Diary("2026-11-22", "2026-12-05");
  // An opioid since: the new screening says wait until 2026-12-14.
  Medication({{"name", "codeine"}, {"active", false}, {"last_taken", "2026-12-04"}});
  ASSERT_EQ(Screen().Json()["verdict"], "wait");
  const TestResponse preview = f_->Send("GET", P("/course-gate?course_id=" + id), "", doc_);
  ASSERT_EQ(preview.status, 200) << preview.body;
  EXPECT_EQ(preview.Json()["action"], "activate");
  EXPECT_EQ(preview.Json()["allowed"], false);
  ExpectRefused(f_->Send("PUT", P("/courses/" + id + "/status"), R"({"status":"active"})", doc_), 409, "start",
                "a newer screening");
  EXPECT_EQ(f_->store().GetCourse(patient_, std::stoll(id))->status, store::CourseStatus::kPlanned);
  // The first dose moved to the washout end: the plan is rebuilt from it, the old one kept.
  r = f_->Send("PUT", P("/courses/" + id + "/status"), R"({"status":"active","start_date":"2026-12-14"})", doc_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["start_date"], "2026-12-14");
  EXPECT_EQ(r.Json()["plan"]["plan"]["steps"][0]["start"], "2026-12-14");
  const J adjustments = f_->Send("GET", P("/courses/" + id + "/adjustments"), "", doc_).Json()["adjustments"];
  ASSERT_EQ(adjustments.size(), 1u);
  EXPECT_EQ(adjustments[0]["reason"], "First dose moved from 2026-12-06 to 2026-12-14 at activation.");
}

TEST_F(InterlocksApiTest, APlannedCourseCanBeDiscardedWithAReason) {
  ASSERT_EQ(Screen().status, 201);
  TestResponse r = CreateCourse(Course("2026-12-06"));
  ASSERT_EQ(r.status, 201);
  const int64_t course = r.Json()["id"];
  const std::string id = std::to_string(course);
  {
    // An issued prescription of the course (written through the store: the order form of issue 13
    // needs a pharmacy and the prescriber's details, which are not what this test is about).
    store::Prescription rx;
    rx.patient_id = patient_;
    rx.course_id = course;
    rx.pharmacy = "Main St";
    rx.formulation_json = R"({"form":"liquid","strength_mg":1,"quantity":100,"directions":"as planned"})";
    rx.recorded_by = f_->store().GetUserByUsername("doc")->id;
    rx.recorded_at = f_->clock().Now();
    auto created = f_->store().CreatePrescription(rx);
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }
  ExpectRefused(f_->Send("PUT", P("/courses/" + id + "/status"), R"({"status":"stopped"})", doc_), 409, "status",
                "a planned course is discarded, not stopped");
  ExpectRefused(f_->Send("POST", P("/courses/" + id + "/discard"), R"({"reason":"no"})", doc_), 400, "reason",
                "a short reason");
  EXPECT_EQ(
      f_->Send("POST", P("/courses/" + id + "/discard"), R"({"reason":"Surgery planned in January."})", pat_).status,
      403);
  r = f_->Send("POST", P("/courses/" + id + "/discard"), R"({"reason":"Surgery planned in January; start after it."})",
               doc_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["status"], "stopped");
  EXPECT_EQ(r.Json()["cancelled_prescriptions"], 1);
  EXPECT_EQ(r.Json()["interlocks"]["discarded"]["reason"], "Surgery planned in January; start after it.");
  EXPECT_EQ(f_->Send("GET", P("/prescriptions"), "", doc_).Json()["prescriptions"][0]["status"], "cancelled");
  ExpectRefused(f_->Send("POST", P("/courses/" + id + "/discard"), R"({"reason":"Surgery planned in January."})", doc_),
                409, "course_id", "discarded twice");
  ExpectRefused(f_->Send("PUT", P("/courses/" + id + "/status"), R"({"status":"active"})", doc_), 409, "status",
                "a discarded course cannot be activated");
  int discards = 0;
  for (const auto& e : Audit("course.discard")) discards += e.detail == "discard cancelled_prescriptions 1" ? 1 : 0;
  EXPECT_EQ(discards, 1);
}

TEST_F(InterlocksApiTest, SafeDoseEntry) {
  const int64_t course = ActiveCourse("2026-11-01");  // 3 mg 11-15..11-21, 4 mg 11-22..28, 4.5 mg after
  // 45 mg (a "4,5" read as 45): refused in plain words, nothing stored.
  TestResponse r = f_->Send("POST", P("/doses"), R"({"date":"2026-11-22","taken":true,"dose_mg":45})", pat_);
  ExpectRefused(r, 400, "dose_mg", "ten times the step");
  EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("was not saved"), std::string::npos) << r.body;
  EXPECT_EQ(r.Json()["error"]["message"].get<std::string>().find("doses["), std::string::npos);
  // The same words as a catalog key with values, which the web app shows in the patient's
  // language (web/js/api.js): the amounts as numbers, the reason and the plan nested.
  EXPECT_EQ(r.Json()["error"]["message_key"].get<std::string>().rfind("{dose} mg was not saved: {why};", 0), 0u)
      << r.body;
  EXPECT_EQ(r.Json()["error"]["vars"]["dose"], 45);
  EXPECT_EQ(r.Json()["error"]["vars"]["why"]["vars"]["times"], 11.3);  // 45 / 4 mg, to one decimal
  EXPECT_EQ(r.Json()["error"]["vars"]["what"]["vars"]["date"], "2026-11-22");
  ExpectRefused(f_->Send("POST", P("/doses"), R"({"date":"2026-11-22","taken":true,"dose_mg":9})", pat_), 400,
                "dose_mg", "above the course maximum");
  // Off the plan: the patient confirms it with a reason.
  r = f_->Send("POST", P("/doses"), R"({"date":"2026-11-22","taken":true,"dose_mg":3,"client_id":"d1"})", pat_);
  ExpectRefused(r, 409, "dose_mg", "differs from the plan");
  EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("Your plan says 4 mg"), std::string::npos) << r.body;
  EXPECT_EQ(r.Json()["error"]["vars"], (J{{"planned", 4}, {"date", "2026-11-22"}, {"dose", 3}}));
  ExpectRefused(
      f_->Send("POST", P("/doses"), R"({"date":"2026-11-22","taken":true,"dose_mg":3,"off_plan_reason":"  "})", pat_),
      400, "off_plan_reason", "an empty reason");
  EXPECT_TRUE(f_->store().ListDoseLog(patient_, *ParseDate("2026-01-01", "d"), *ParseDate("2026-12-31", "d"))->empty());
  r = f_->Send(
      "POST", P("/doses"),
      R"({"date":"2026-11-22","taken":true,"dose_mg":3,"client_id":"d1","off_plan_reason":"felt sick, kept to 3 mg"})",
      pat_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["course_id"], course);  // attributed to the course that covers the day
  EXPECT_EQ(r.Json()["off_plan"]["planned_mg"], 4);
  EXPECT_EQ(r.Json()["check"]["outcome"], "off_plan");
  const int64_t dose_id = r.Json()["id"];
  EXPECT_EQ(f_->Send("POST", P("/doses"), R"({"date":"2026-11-21","taken":true,"dose_mg":3})", pat_).status, 201);
  const J doses = f_->Send("GET", P("/doses"), "", doc_).Json()["doses"];
  ASSERT_EQ(doses.size(), 2u);
  EXPECT_EQ(doses[1]["off_plan"]["reason"], "felt sick, kept to 3 mg");
  EXPECT_FALSE(doses[0].contains("off_plan"));
  // The clinician sees a red flag for it, with the reason; acknowledged, it stays acknowledged.
  const std::string code = "dose." + std::to_string(dose_id) + ".off_plan";
  J flags = Flags();
  const J* flag = FindFlag(flags, code);
  ASSERT_NE(flag, nullptr);
  EXPECT_EQ((*flag)["level"], "red");
  EXPECT_NE((*flag)["message"].get<std::string>().find("felt sick"), std::string::npos);
  r = f_->Send("POST", P("/flags/" + code + "/acknowledge"), R"({"note":"Called: nausea; keep 3 mg for a week."})",
               doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  flags = Flags();
  ASSERT_NE(FindFlag(flags, code), nullptr);
  EXPECT_TRUE(FindFlag(flags, code)->at("acknowledged").get<bool>());
  int off_plan_writes = 0;
  for (const auto& e : Audit("dose.write")) off_plan_writes += e.detail == "off_plan" ? 1 : 0;
  EXPECT_EQ(off_plan_writes, 1);  // the confirmed off-plan dose, audited as such
}

TEST_F(InterlocksApiTest, SevereReportsGetGuidanceAndARedFlagUntilAcknowledged) {
  ActiveCourse("2026-11-01");
  Diary("2026-11-10", "2026-11-21");
  const J day = {{"client_id", "sev-1"},
                 {"scale_version", 2},
                 {"items",
                  {{"pain", 8},
                   {"side_effects", {{{"name", "symptom_flare"}, {"severity", 3}}}},
                   {"note", "heart racing. Should I stop?"}}}};
  TestResponse r = f_->Send("PUT", P("/diary/2026-11-22"), day.dump(), pat_);
  ASSERT_EQ(r.status, 201) << r.body;
  const J safety = r.Json()["safety"];
  EXPECT_EQ(safety["level"], "urgent");
  std::vector<std::string> guidance;
  for (const auto& g : safety["guidance"]) guidance.push_back(g["id"]);
  EXPECT_EQ(guidance, (std::vector<std::string>{"contact_clinician", "stop_ldn", "emergency"}));
  EXPECT_EQ(safety["matches"][0]["id"], "heart_racing");
  // An ordinary day: no guidance.
  r = f_->Send("PUT", P("/diary/2026-11-21"),
               J{{"client_id", "ord-1"}, {"scale_version", 2}, {"items", {{"pain", 5}}}}.dump(), pat_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.Json()["safety"].is_null());
  // The clinician's flags: both, red, with the note and the severity.
  J flags = Flags();
  const J* note = FindFlag(flags, "diary.2026-11-22.note.heart_racing");
  const J* severe = FindFlag(flags, "diary.2026-11-22.severe.symptom_flare");
  ASSERT_NE(note, nullptr);
  ASSERT_NE(severe, nullptr);
  EXPECT_EQ((*note)["level"], "red");
  EXPECT_NE((*note)["message"].get<std::string>().find("\"heart racing. Should I stop?\""), std::string::npos);
  EXPECT_NE((*note)["message"].get<std::string>().find("(severe)"), std::string::npos);
  // The panel carries the same flags.
  const J patients = f_->Send("GET", "/api/v1/patients", "", doc_).Json()["patients"];
  ASSERT_EQ(patients.size(), 1u);
  EXPECT_EQ(patients[0]["flags"], flags);
  EXPECT_FALSE(f_->Send("GET", "/api/v1/patients", "", pat_).Json()["patients"][0].contains("flags"));
  // Acknowledged (audited), once.
  const std::string ack = P("/flags/diary.2026-11-22.note.heart_racing/acknowledge");
  ExpectRefused(f_->Send("POST", ack, R"({"note":" "})", doc_), 400, "note", "an empty note");
  EXPECT_EQ(f_->Send("POST", ack, R"({"note":"Seen."})", pat_).status, 403);
  r = f_->Send("POST", ack, R"({"note":"Phoned: palpitations after coffee, ECG booked."})", doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["acknowledgement"]["note"], "Phoned: palpitations after coffee, ECG booked.");
  ExpectRefused(f_->Send("POST", ack, R"({"note":"again"})", doc_), 409, "code", "acknowledged twice");
  ExpectRefused(f_->Send("POST", P("/flags/ae.999/acknowledge"), R"({"note":"x"})", doc_), 404, "code", "no such flag");
  ExpectRefused(f_->Send("POST", P("/flags/a%20b/acknowledge"), R"({"note":"x"})", doc_), 400, "code", "a bad code");
  flags = Flags();
  EXPECT_TRUE(FindFlag(flags, "diary.2026-11-22.note.heart_racing")->at("acknowledged").get<bool>());
  EXPECT_FALSE(FindFlag(flags, "diary.2026-11-22.severe.symptom_flare")->at("acknowledged").get<bool>());
  EXPECT_EQ(Audit("flag.acknowledge").size(), 6u);  // every attempt, refusals included (403 too)
  // The same words on another day are a new occurrence: raised again.
  r = f_->Send(
      "PUT", P("/diary/2026-11-21"),
      J{{"client_id", "ord-2"}, {"scale_version", 2}, {"items", {{"pain", 5}, {"note", "my heart is racing again"}}}}
          .dump(),
      pat_);
  ASSERT_EQ(r.status, 200);
  const J later = Flags();
  const J* again = FindFlag(later, "diary.2026-11-21.note.heart_racing");
  ASSERT_NE(again, nullptr);
  EXPECT_FALSE((*again)["acknowledged"].get<bool>());
  // A severe adverse event: guidance for the reporter, a red flag for the clinician.
  r = f_->Send("POST", P("/adverse-events"),
               R"({"onset_date":"2026-11-22","description":"fainted in the kitchen","severity":"severe"})", pharm_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["safety"]["level"], "emergency");
  EXPECT_NE(FindFlag(Flags(pharm_), "ae." + std::to_string(r.Json()["id"].get<int64_t>())), nullptr);
}

TEST_F(InterlocksApiTest, NoDiaryMissingWithoutACourse) {
  EXPECT_TRUE(Flags().empty());
  ASSERT_EQ(Screen().status, 201);
  EXPECT_TRUE(Flags().empty());
}

TEST_F(InterlocksApiTest, TheReportShowsTheOverrides) {
  Diary("2026-08-18", "2026-11-21", 6);
  ASSERT_EQ(Screen().status, 201);
  J body = Course("2026-09-01");
  body["overrides"] = J::array({Override("start.before_earliest")});
  TestResponse r = CreateCourse(body);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = std::to_string(r.Json()["id"].get<int64_t>());
  r = f_->Send("PUT", P("/courses/" + id + "/status"),
               J{{"status", "active"}, {"overrides", {Override("start.before_earliest")}}}.dump(), doc_);
  ASSERT_EQ(r.status, 200) << r.body;
  const TestResponse pdf = f_->Send("GET", P("/report.pdf"), "", doc_);
  EXPECT_EQ(pdf.status, 200) << pdf.body.substr(0, 300);
  EXPECT_EQ(pdf.body.rfind("%PDF-", 0), 0u);
  // The override and its written reason are printed in the report (docs/safety.md).
  const std::string text = PdfText(pdf.body);
  EXPECT_NE(text.find("start.before_earliest was overridden by the clinician"), std::string::npos) << text;
  EXPECT_NE(text.find("Reason: Discussed with the patient; see the consultation note of today."), std::string::npos)
      << text;
}

// One source of truth: the baseline the gate asks for is the baseline the analysis reads.
TEST(InterlockRulesTieTest, TheGateAndTheAnalysisAgreeOnTheBaselineAndTheResponse) {
  const auto& rules = clinical::LoadInterlockRules();
  ASSERT_TRUE(rules.ok()) << rules.status().ToString();
  const analysis::AnalysisOptions analysis;
  EXPECT_EQ(rules->baseline_diary_days, analysis.baseline_days);
  EXPECT_EQ(rules->baseline_min_days_at_start, analysis.min_baseline_days_with_data);
  EXPECT_DOUBLE_EQ(rules->response_threshold_pct, analysis.response_threshold_pct);
}

}  // namespace
}  // namespace ldn::testing
