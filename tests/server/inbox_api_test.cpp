// The clinician's inbox through the real HTTP API (issue 13; docs/clinic.md "Tasks"): each kind of
// task appears when its cause does, leaves when its cause goes, and can be marked done or
// dismissed with a reason -- once; only the patient's care team sees or settles it. The unsigned
// prescription's task is in clinic_api_test.cpp (it needs the pharmacy set-up there).
// Run twice: ldn_server_tests (SQLite) and ctest server_postgres (PostgreSQL).
#include <string>

#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

using J = nlohmann::json;
using store::Role;

class InboxApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>(server::ApiOptions{}, server::HttpServerOptions{}, nullptr, "");
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Inbox Patient");
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pat_ = seed.pat;
    pharm_ = seed.pharm;
    ASSERT_FALSE(doc_.empty() || pat_.empty() || pharm_.empty());
    // A clinician of another care team.
    const store::User other = f_->AddUser("doc2", Role::kClinician);
    auto team = f_->store().CreateCareTeam({0, "Other team", f_->clock().Now()});
    ASSERT_TRUE(team.ok());
    ASSERT_TRUE(f_->store().AddCareTeamMember(team->id, other.id, f_->clock().Now()).ok());
    doc2_ = f_->Login("doc2").token;
    ASSERT_FALSE(doc2_.empty());
  }

  std::string P(const std::string& rest = "") const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }

  J Inbox(const std::string& token = "") {
    const TestResponse r = f_->Send("GET", "/api/v1/inbox", "", token.empty() ? doc_ : token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  }
  std::vector<J> Tasks(const std::string& kind) {
    std::vector<J> out;
    const J inbox = Inbox();  // kept: a range-for over a temporary's member would dangle
    for (const auto& t : inbox["tasks"]) {
      if (t["kind"] == kind) out.push_back(t);
    }
    return out;
  }
  TestResponse Resolve(const std::string& key, const std::string& resolution, const std::string& note = "",
                       const std::string& token = "") {
    J body = {{"key", key}, {"resolution", resolution}};
    if (!note.empty()) body["note"] = note;
    return f_->Send("POST", P("/tasks/resolve"), body.dump(), token.empty() ? doc_ : token);
  }
  void Say(const std::string& token, const std::string& text) {
    ASSERT_EQ(f_->Send("POST", P("/messages"), J{{"body", text}}.dump(), token).status, 201);
  }
  static J Override(const std::string& code) { return ServerFixture::OverrideFinding(code); }
  int64_t ActiveCourse(const std::string& start) { return f_->ActiveCourse(patient_, doc_, start); }
  void Diary(const std::string& from, const std::string& to) {
    J entries = J::array();
    for (LocalDate d = *ParseDate(from, "d"); d <= *ParseDate(to, "d"); d = AddDays(d, 1)) {
      entries.push_back({{"date", FormatDate(d)},
                         {"client_id", "d-" + FormatDate(d)},
                         {"scale_version", 2},
                         {"items", {{"pain", 6}}}});
    }
    ASSERT_EQ(f_->Send("POST", P("/diary:batch"), J{{"entries", entries}}.dump(), pat_).status, 200);
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  std::string doc_, pat_, pharm_, doc2_;
};

TEST_F(InboxApiTest, OnlyCliniciansHaveAnInbox) {
  EXPECT_EQ(f_->Send("GET", "/api/v1/inbox", "", pat_).status, 403);
  EXPECT_EQ(f_->Send("GET", "/api/v1/inbox", "", pharm_).status, 403);
  EXPECT_EQ(f_->Send("GET", "/api/v1/inbox", "").status, 401);
  const J empty = Inbox();
  EXPECT_TRUE(empty["tasks"].empty());
  EXPECT_EQ(empty["counts"]["message"], 0);
  EXPECT_EQ(empty["counts"]["diary_missing"], 0);
}

TEST_F(InboxApiTest, AMessageWaitsUntilTheCareTeamAnswersOrSettlesIt) {
  Say(pat_, "Is it normal to dream so vividly on 1.5 mg?");
  Say(pat_, "And can I take it in the morning instead?");
  std::vector<J> tasks = Tasks("message");
  ASSERT_EQ(tasks.size(), 1u);  // one task per thread, however many messages
  EXPECT_EQ(tasks[0]["patient_id"], patient_);
  EXPECT_EQ(tasks[0]["patient_name"], "Inbox Patient");
  EXPECT_EQ(tasks[0]["title"], "2 messages waiting for a reply");
  EXPECT_EQ(tasks[0]["link"], "#/patient/" + std::to_string(patient_) + "/messages");
  // The inbox names the thread, never the text.
  EXPECT_EQ(Inbox().dump().find("vividly"), std::string::npos);
  // Another care team's clinician sees nothing and cannot settle it.
  EXPECT_TRUE(Inbox(doc2_)["tasks"].empty());
  EXPECT_EQ(Resolve(tasks[0]["key"], "done", "", doc2_).status, 404);

  // A reply answers it.
  Say(doc_, "Yes, vivid dreams are common early on; morning dosing is fine.");
  EXPECT_TRUE(Tasks("message").empty());

  // A new question is a new task; marking it done records the clinician's read receipt.
  Say(pat_, "Thank you!");
  tasks = Tasks("message");
  ASSERT_EQ(tasks.size(), 1u);
  const std::string key = tasks[0]["key"];
  const TestResponse done = Resolve(key, "done");
  ASSERT_EQ(done.status, 201) << done.body;
  EXPECT_EQ(done.Json()["resolution"], "done");
  EXPECT_TRUE(Tasks("message").empty());
  EXPECT_EQ(f_->Send("GET", P("/messages"), "", doc_).Json()["unread"], 0);
  const J inbox = Inbox();
  ASSERT_EQ(inbox["settled"].size(), 1u);
  EXPECT_EQ(inbox["settled"][0]["key"], key);
  EXPECT_EQ(inbox["settled"][0]["patient_name"], "Inbox Patient");
  // Settled once: the first word stands.
  const TestResponse again = Resolve(key, "dismissed", "Changed my mind");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(again.Json()["error"]["field"], "key");
  EXPECT_EQ(f_->store().ListTaskResolutions(patient_)->size(), 1u);
}

TEST_F(InboxApiTest, FlagsAndMissingDiariesAreAcknowledgedWhenSettled) {
  ActiveCourse("2026-11-10");
  Diary("2026-11-10", "2026-11-17");  // nothing on the 18th-21st: 4 days missing before the 22nd
  const J day = {
      {"client_id", "sev-1"}, {"scale_version", 2}, {"items", {{"pain", 8}, {"note", "heart racing at night"}}}};
  ASSERT_EQ(f_->Send("PUT", P("/diary/2026-11-22"), day.dump(), pat_).status, 201);

  const J inbox = Inbox();
  ASSERT_FALSE(inbox["tasks"].empty());
  EXPECT_EQ(inbox["tasks"][0]["level"], "red");  // red first
  EXPECT_EQ(inbox["tasks"][0]["kind"], "flag");
  const std::string red = inbox["tasks"][0]["key"];
  EXPECT_EQ(red.rfind("diary.2026-11-22.note.", 0), 0u) << red;
  EXPECT_GE(inbox["counts"]["flag"].get<int>(), 3);  // the red note and the two amber overrides
  const std::vector<J> missing = Tasks("diary_missing");
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0]["key"], "diary.missing.2026-11-18");

  // A flag is acknowledged with the note: none, none settled.
  TestResponse r = Resolve(red, "done");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "note");
  r = Resolve(red, "dismissed", "   ");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "note");
  r = Resolve(red, "done", "Phoned: palpitations settled; ECG booked.");
  ASSERT_EQ(r.status, 201) << r.body;
  bool acknowledged = false;
  const J flags = f_->Send("GET", P("/flags"), "", doc_).Json();
  for (const auto& f : flags["flags"]) {
    if (f["code"] == red) {
      acknowledged = f["acknowledged"].get<bool>();
      EXPECT_EQ(f["acknowledgement"]["note"], "Phoned: palpitations settled; ECG booked.");
    }
  }
  EXPECT_TRUE(acknowledged);
  // The flag's own acknowledge route now says it is acknowledged already.
  EXPECT_EQ(f_->Send("POST", P("/flags/" + red + "/acknowledge"), J{{"note", "x"}}.dump(), doc_).status, 409);

  r = Resolve("diary.missing.2026-11-18", "dismissed", "Away at a funeral; she will fill in what she can.");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_TRUE(Tasks("diary_missing").empty());
  EXPECT_EQ(f_->store().ListTaskResolutions(patient_)->size(), 2u);
  EXPECT_EQ(f_->store().ListFlagAcknowledgements(patient_)->size(), 2u);

  // The timeline has the flags raised, their acknowledgements and the settled tasks.
  const J timeline = f_->Send("GET", P("/timeline?kinds=flag,task"), "", doc_).Json();
  int raised = 0, acks = 0, settled = 0;
  for (const auto& e : timeline["events"]) {
    const std::string title = e["title"];
    raised += title.rfind("Red flag: ", 0) == 0 && e["ref"]["code"] == red && e["date"] == "2026-11-22";
    acks += title == "Flag acknowledged" && e["detail"].get<std::string>().find("ECG booked") != std::string::npos;
    settled += title == "Inbox task dismissed: diary missing" &&
               e["detail"].get<std::string>().find("funeral") != std::string::npos;
    EXPECT_TRUE(e["kind"] == "flag" || e["kind"] == "task") << e.dump();
  }
  EXPECT_EQ(raised, 1);
  EXPECT_EQ(acks, 1);
  EXPECT_EQ(settled, 1);
}

TEST_F(InboxApiTest, AQuestionnaireIsOverdueAWeekAfterItIsDue) {
  // A course planned today: its FIQR is due from today (never answered).
  const TestResponse created = f_->Send(
      "POST", P("/courses"),
      J{{"protocol", "ldnrt-standard"}, {"start", "2026-12-20"}, {"overrides", {Override("screening.missing")}}}.dump(),
      doc_);
  ASSERT_EQ(created.status, 201) << created.body;
  J schedule = f_->Send("GET", P("/questionnaires/schedule"), "", pat_).Json();
  EXPECT_EQ(schedule["fiqr"]["due"], true);
  EXPECT_EQ(schedule["fiqr"]["due_since"], "2026-11-22");
  EXPECT_EQ(schedule["fiqr"]["overdue"], false);
  EXPECT_EQ(schedule["pgic"]["due"], false);
  EXPECT_EQ(schedule["interval_days"], 28);
  EXPECT_EQ(schedule["overdue_days"], 7);
  EXPECT_TRUE(Tasks("questionnaire_overdue").empty());

  f_->clock().Advance(std::chrono::hours(24 * 7));
  doc_ = f_->Login("doc").token;
  pat_ = f_->Login("pat").token;
  schedule = f_->Send("GET", P("/questionnaires/schedule"), "", pat_).Json();
  EXPECT_EQ(schedule["fiqr"]["overdue"], true);
  std::vector<J> overdue = Tasks("questionnaire_overdue");
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_EQ(overdue[0]["key"], "questionnaire.fiqr.2026-11-22");
  EXPECT_EQ(overdue[0]["title"], "FIQR overdue");

  // Answering it clears the task by its cause.
  const J fiqr = {
      {"instrument", "fiqr"},
      {"date", "2026-11-29"},
      {"answers",
       {{"function", {3, 3, 3, 3, 3, 3, 3, 3, 3}}, {"impact", {5, 5}}, {"symptoms", {6, 6, 6, 6, 6, 6, 6, 6, 6, 6}}}}};
  ASSERT_EQ(f_->Send("POST", P("/instruments"), fiqr.dump(), pat_).status, 201);
  EXPECT_TRUE(Tasks("questionnaire_overdue").empty());
  EXPECT_EQ(f_->Send("GET", P("/questionnaires/schedule"), "", pat_).Json()["fiqr"]["due"], false);
  // The settled list is empty: nobody settled it, the patient answered.
  EXPECT_TRUE(f_->store().ListTaskResolutions(patient_)->empty());
}

TEST_F(InboxApiTest, ResolvingIsAuditedWithoutPatientText) {
  Say(pat_, "A private question about my pain");
  const std::string key = Tasks("message")[0]["key"];
  ASSERT_EQ(Resolve(key, "dismissed", "Answered at the visit this morning.").status, 201);
  store::AuditQuery q;
  q.limit = 10000;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  int resolved = 0, read = 0;
  for (const auto& e : *events) {
    if (e.action == "task.resolve") {
      ++resolved;
      EXPECT_EQ(e.patient_id, patient_);
      EXPECT_EQ(e.detail.find("private"), std::string::npos);
    }
    read += e.action == "inbox.read";
  }
  EXPECT_EQ(resolved, 1);
  EXPECT_GE(read, 1);
}

}  // namespace
}  // namespace ldn::testing
