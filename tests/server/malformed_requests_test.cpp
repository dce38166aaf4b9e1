// The malformed-request corpus (tests/server/malformed_requests.json): every case gets the 4xx and
// the JSON error it names, never a 5xx, and the stored patient data is the same afterwards
// (audit events and login-failure counters aside).
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "server/course_plans.h"
#include "server_fixture.h"

namespace ldn::testing {
namespace {

using store::Role;

nlohmann::json LoadCorpus() {
  std::ifstream in(std::string(LDN_SOURCE_DIR) + "/tests/server/malformed_requests.json");
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

class MalformedRequestsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    std::filesystem::create_directories(f_->dir() / "web" / "css");
    std::ofstream(f_->dir() / "web" / "index.html") << "<!doctype html>";
    std::ofstream(f_->dir() / "web" / "css" / "app.css") << "body{}";
    std::ofstream(f_->dir() / "outside.txt") << "secret outside";
    store::Store& st = f_->store();
    const auto now = f_->clock().Now();
    f_->AddUser("admin", Role::kAdmin);
    const store::User doc = f_->AddUser("doc", Role::kClinician);
    const store::User pat = f_->AddUser("pat", Role::kPatient, "Corpus Patient");
    const store::User pat2 = f_->AddUser("pat2", Role::kPatient, "Other Patient");
    auto team = st.CreateCareTeam({0, "Team", now});
    ASSERT_TRUE(team.ok());
    ASSERT_TRUE(st.AddCareTeamMember(team->id, doc.id, now).ok());
    ASSERT_TRUE(st.AddCareTeamPatient(team->id, *pat.patient_id, now).ok());
    own_ = *pat.patient_id;
    other_ = *pat2.patient_id;
    course_ = AddCourse(own_, doc.id);
    other_course_ = AddCourse(other_, doc.id);
    std::vector<store::DiaryEntry> entries;
    for (LocalDate d = *ParseDate("2026-11-01", "d"); d <= *ParseDate("2026-11-20", "d"); d = AddDays(d, 1)) {
      entries.push_back({own_,
                         d,
                         nlohmann::json{{"pain", 6}, {"note", "private note"}}.dump(),
                         "seed-" + FormatDate(d),
                         0,
                         doc.id,
                         now,
                         {}});
    }
    ASSERT_TRUE(st.UpsertDiaryBatch(entries).ok());
    ASSERT_TRUE(st.CreateMedication({0, own_, "tramadol", true, "{}", doc.id, now}).ok());
    for (const char* name : {"pat", "doc", "admin"}) {
      tokens_[name] = f_->Login(name).token;
      ASSERT_FALSE(tokens_[name].empty()) << name;
    }
  }

  store::Id AddCourse(store::Id patient, store::Id author) {
    auto plan = server::BuildCoursePlan({{"protocol", "ldnrt-standard"}, {"start", "2026-10-01"}},
                                        nlohmann::json::array(), std::nullopt, "");
    EXPECT_TRUE(plan.ok());
    store::Course c;
    c.patient_id = patient;
    c.protocol = plan->protocol;
    c.plan_json = plan->plan_json;
    c.start_date = plan->start;
    c.recorded_by = author;
    c.recorded_at = f_->clock().Now();
    auto r = f_->store().CreateCourse(c);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->id : 0;
  }

  // Everything stored about patients and accounts, as one JSON document.
  nlohmann::json Snapshot() {
    store::Store& st = f_->store();
    nlohmann::json s;
    const LocalDate from = *ParseDate("1900-01-01", "d"), to = *ParseDate("2200-12-31", "d");
    for (store::Id p : {own_, other_}) {
      nlohmann::json j;
      j["patient"] = st.GetPatient(p)->display_name + "|" + st.GetPatient(p)->time_zone;
      const auto diary = st.ListDiary(p, from, to);
      for (const auto& e : *diary) j["diary"].push_back({FormatDate(e.local_date), e.items_json, e.revision});
      j["diary_revisions"] = st.ListDiaryRevisions(p, *ParseDate("2026-11-20", "d"))->size();
      j["doses"] = st.ListDoseLog(p, from, to)->size();
      const auto meds = st.ListMedications(p);
      for (const auto& m : *meds) j["medications"].push_back({m.name, m.active, m.details_json});
      j["conditions"] = st.ListConditions(p)->size();
      j["screenings"] = st.ListScreenings(p)->size();
      const auto courses = st.ListCourses(p);
      for (const auto& c : *courses) j["courses"].push_back({c.plan_json, store::CourseStatusName(c.status)});
      j["adjustments"] = st.ListPlanAdjustments(p, p == own_ ? course_ : other_course_)->size();
      j["prescriptions"] = st.ListPrescriptions(p)->size();
      j["instruments"] = st.ListInstrumentResponses(p)->size();
      j["adverse_events"] = st.ListAdverseEvents(p)->size();
      j["course_decisions"] = st.ListCourseDecisions(p)->size();
      j["dose_deviations"] = st.ListDoseDeviations(p)->size();
      j["flag_acknowledgements"] = st.ListFlagAcknowledgements(p)->size();
      s[std::to_string(p)] = j;
    }
    s["users"] = st.ListUsers()->size();
    s["patients"] = st.ListPatients()->size();
    s["care_teams"] = st.ListCareTeams()->size();
    return s;
  }

  std::string BuildCase(const nlohmann::json& c) {
    if (c.contains("raw")) return c["raw"].get<std::string>();
    std::string path = c["path"];
    auto replace = [](std::string& s, const std::string& from, const std::string& to) {
      for (size_t pos; (pos = s.find(from)) != std::string::npos;) s.replace(pos, from.size(), to);
    };
    replace(path, "{own}", std::to_string(own_));
    replace(path, "{course}", std::to_string(course_));
    std::string body;
    if (c.contains("json")) body = c["json"].dump();
    if (c.contains("body")) body = c["body"].get<std::string>();
    if (c.contains("body_repeat")) {
      const auto& r = c["body_repeat"];
      body = r["prefix"].get<std::string>();
      const std::string unit = r["unit"];
      for (int i = 0; i < r["count"].get<int>(); ++i) body += unit;
      body += r["suffix"].get<std::string>();
    }
    replace(body, "\"{other_course}\"", std::to_string(other_course_));
    std::vector<std::pair<std::string, std::string>> headers;
    const std::string as = c.value("as", "pat");
    if (as != "anonymous") headers.emplace_back("Authorization", "Bearer " + tokens_.at(as));
    if (c.contains("headers")) {
      for (const auto& [k, v] : c["headers"].items()) headers.emplace_back(k, v.get<std::string>());
    }
    if (c.contains("content_type")) {
      if (!c["content_type"].is_null()) headers.emplace_back("Content-Type", c["content_type"].get<std::string>());
    } else if (!body.empty()) {
      headers.emplace_back("Content-Type", "application/json");
    }
    if (c.contains("header_repeat")) {
      const auto& r = c["header_repeat"];
      headers.emplace_back(r["name"].get<std::string>(),
                           std::string(r["count"].get<size_t>(), r["unit"].get<std::string>()[0]));
    }
    if (c.contains("header_count")) {
      for (int i = 0; i < c["header_count"].get<int>(); ++i) headers.emplace_back("X-H" + std::to_string(i), "value");
    }
    return BuildRequest(c["method"], path, body, headers);
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id own_ = 0, other_ = 0, course_ = 0, other_course_ = 0;
  std::map<std::string, std::string> tokens_;
};

TEST_F(MalformedRequestsTest, EveryCaseIsAClean4xxAndChangesNothing) {
  const nlohmann::json corpus = LoadCorpus();
  ASSERT_GE(corpus["cases"].size(), 100u);
  const nlohmann::json before = Snapshot();
  std::set<std::string> names;
  for (const auto& c : corpus["cases"]) {
    const std::string name = c["name"];
    ASSERT_TRUE(names.insert(name).second) << "duplicate case name " << name;
    const TestResponse r = SendRaw(f_->port(), BuildCase(c));
    EXPECT_GE(r.status, 400) << name << ": " << r.body;
    EXPECT_LT(r.status, 500) << name << ": " << r.body;
    EXPECT_EQ(r.status, c["status"].get<int>()) << name << ": " << r.body;
    const auto j = r.Json();
    ASSERT_TRUE(j.is_object() && j.contains("error")) << name << ": " << r.body;
    EXPECT_EQ(j["error"]["code"], c["code"]) << name << ": " << r.body;
    EXPECT_FALSE(j["error"]["message"].get<std::string>().empty()) << name;
    if (c.contains("field")) {
      EXPECT_EQ(j["error"]["field"], c["field"]) << name << ": " << r.body;
    }
    EXPECT_EQ(r.body.find("secret outside"), std::string::npos) << name;
    EXPECT_EQ(r.body.find("private note"), std::string::npos) << name;
  }
  EXPECT_EQ(Snapshot(), before);
  // And the server still serves.
  EXPECT_EQ(f_->Send("GET", "/api/v1/health").status, 200);
  auto verified = f_->store().VerifyAudit();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok);
}

}  // namespace
}  // namespace ldn::testing
