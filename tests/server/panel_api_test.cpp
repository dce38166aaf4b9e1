// The clinician's panel through the real HTTP API (issue 13, item 5; docs/api.md,
// "GET /api/v1/patients"): search, sort both ways, the flag filter, paging bounds, the columns
// (last diary day, adherence, weeks on the current dose, response class) and that a clinician's
// totals count only their care team's patients. The store is a real SQLite file behind a real
// server (tests/server/server_fixture.h).
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

using J = nlohmann::json;
using store::Role;

// The fixture's today is 2026-11-22 in Europe/Oslo (TestNow: 12:00 UTC).
class PanelApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Panel Patient");
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    pat_ = seed.pat;
    ASSERT_FALSE(doc_.empty() || pat_.empty() || pharm_.empty());
    team_ = f_->store().ListCareTeams()->front().id;
    alice_ = AddPatient("Alice Smith");
    bob_ = AddPatient("bob jones");
    carol_ = AddPatient("Carol White");
    dave_ = AddPatient("Dave Brown");
    // Another team, whose clinician must see only their own patient.
    const auto now = f_->clock().Now();
    const store::User doc2 = f_->AddUser("doc2", Role::kClinician);
    const store::User pat2 = f_->AddUser("pat2", Role::kPatient, "Zed Other");
    auto other = f_->store().CreateCareTeam({0, "Other team", now});
    ASSERT_TRUE(other.ok());
    ASSERT_TRUE(f_->store().AddCareTeamMember(other->id, doc2.id, now).ok());
    ASSERT_TRUE(f_->store().AddCareTeamPatient(other->id, *pat2.patient_id, now).ok());
    doc2_ = f_->Login("doc2").token;
    ASSERT_FALSE(doc2_.empty());
  }

  store::Id AddPatient(const std::string& name) {
    auto r = f_->Send("POST", "/api/v1/patients",
                      J{{"display_name", name}, {"time_zone", "Europe/Oslo"}, {"care_team_id", team_}}.dump(), doc_);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.Json().value("id", store::Id{0});
  }

  void Diary(store::Id patient, const std::string& from, const std::string& to) {
    for (LocalDate d = *ParseDate(from, "d"); d <= *ParseDate(to, "d"); d = AddDays(d, 1)) {
      store::DiaryEntry e;
      e.patient_id = patient;
      e.local_date = d;
      e.items_json = R"({"pain":6})";
      e.client_id = "panel-" + FormatDate(d);
      e.recorded_by = 1;
      e.recorded_at = f_->clock().Now();
      ASSERT_TRUE(f_->store().UpsertDiary(e).ok());
    }
  }

  // An active course whose plan (the stored form's plan.steps, course_plans.h) is `steps`, with
  // doses logged as taken on the days from..to except every `skip_every`-th day.
  store::Id Course(store::Id patient, const J& steps, const std::string& start) {
    store::Course c;
    c.patient_id = patient;
    c.protocol = "ldnrt-standard";
    c.plan_json = J{{"request", {{"protocol", "ldnrt-standard"}, {"start", start}}},
                    {"titration", nullptr},
                    {"events", J::array()},
                    {"plan", {{"steps", steps}}}}
                      .dump();
    c.status = store::CourseStatus::kActive;
    c.start_date = *ParseDate(start, "start");
    c.recorded_by = 1;
    c.recorded_at = f_->clock().Now();
    auto created = f_->store().CreateCourse(c);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? created->id : 0;
  }
  void Doses(store::Id patient, store::Id course, const std::string& from, const std::string& to, int skip_every,
             const std::function<int64_t(LocalDate)>& ug) {
    int i = 0;
    for (LocalDate d = *ParseDate(from, "d"); d <= *ParseDate(to, "d"); d = AddDays(d, 1), ++i) {
      if (skip_every > 0 && i % skip_every == skip_every - 1) continue;
      store::DoseLogEntry e;
      e.patient_id = patient;
      e.course_id = course;
      e.local_date = d;
      e.dose_micrograms_hcl = ug(d);
      e.taken = true;
      e.recorded_by = 1;
      e.recorded_at = f_->clock().Now();
      ASSERT_TRUE(f_->store().AddDoseLogEntry(e).ok());
    }
  }

  // Alice: diary to 11-21, a course at 0.5 then 1 then 1.5 mg (since 11-08: 2 weeks on it), doses
  // on 21 of the 28 days before today. Carol: diary to 11-15 (so "diary missing"), 1 mg since 10-25
  // (4 weeks), doses on 14 of 28 days. bob: diary to 11-10 and a severe adverse event (a red flag).
  void SeedRecords() {
    Diary(alice_, "2026-11-01", "2026-11-21");
    Diary(bob_, "2026-11-05", "2026-11-10");
    Diary(carol_, "2026-11-10", "2026-11-15");
    const store::Id a = Course(alice_,
                               J::array({{{"start", "2026-10-25"}, {"end", "2026-10-31"}, {"dose_ug", 500}},
                                         {{"start", "2026-11-01"}, {"end", "2026-11-07"}, {"dose_ug", 1000}},
                                         {{"start", "2026-11-08"}, {"dose_ug", 1500}}}),
                               "2026-10-25");
    Doses(alice_, a, "2026-10-25", "2026-11-21", 4, [](LocalDate d) -> int64_t {  // as planned; 7 of 28 skipped
      return d < *ParseDate("2026-11-01", "d") ? 500 : d < *ParseDate("2026-11-08", "d") ? 1000 : 1500;
    });
    const store::Id c = Course(carol_, J::array({{{"start", "2026-10-25"}, {"dose_ug", 1000}}}), "2026-10-25");
    Doses(carol_, c, "2026-10-25", "2026-11-21", 2, [](LocalDate) -> int64_t { return 1000; });  // every other day
    store::AdverseEvent ae;
    ae.patient_id = bob_;
    ae.onset_date = *ParseDate("2026-11-20", "d");
    ae.description = "fainted at work";
    ae.severity = store::Severity::kSevere;
    ae.recorded_by = 1;
    ae.recorded_at = f_->clock().Now();
    ASSERT_TRUE(f_->store().CreateAdverseEvent(ae).ok());
  }

  J Panel(const std::string& query, const std::string& token = "", int want = 200) {
    auto r = f_->Send("GET", "/api/v1/patients?" + query, "", token.empty() ? doc_ : token);
    EXPECT_EQ(r.status, want) << query << ": " << r.body;
    return r.Json();
  }
  static std::vector<std::string> Names(const J& reply) {
    std::vector<std::string> out;
    for (const auto& p : reply["patients"]) out.push_back(p["display_name"]);
    return out;
  }
  static const J& Row(const J& reply, const std::string& name) {
    for (const auto& p : reply["patients"]) {
      if (p["display_name"] == name) return p;
    }
    static const J kNull;
    ADD_FAILURE() << name << " is not on the page";
    return kNull;
  }

  std::unique_ptr<ServerFixture> f_;
  std::string doc_, doc2_, pharm_, pat_;
  store::Id team_ = 0, alice_ = 0, bob_ = 0, carol_ = 0, dave_ = 0;
};

using V = std::vector<std::string>;

TEST_F(PanelApiTest, WithoutAQueryTheListKeepsItsShape) {
  const auto r = f_->Send("GET", "/api/v1/patients", "", doc_);
  ASSERT_EQ(r.status, 200);
  const J j = r.Json();
  EXPECT_FALSE(j.contains("total"));
  ASSERT_EQ(j["patients"].size(), 5u);
  for (const auto& p : j["patients"]) EXPECT_TRUE(p["flags"].is_array());
}

TEST_F(PanelApiTest, SearchesByNameOrResearchIdIgnoringCase) {
  EXPECT_EQ(Names(Panel("q=O")), (V{"bob jones", "Carol White", "Dave Brown"}));
  EXPECT_EQ(Names(Panel("q=%20SMITH%20")), (V{"Alice Smith"}));
  const std::string rid = f_->store().GetPatient(carol_)->research_id;
  std::string upper = rid;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  const J by_id = Panel("q=" + upper);
  EXPECT_EQ(Names(by_id), (V{"Carol White"}));
  EXPECT_EQ(by_id["total"], 1);
  const J none = Panel("q=nobody");
  EXPECT_EQ(none["total"], 0);
  EXPECT_EQ(none["pages"], 0);
  EXPECT_TRUE(none["patients"].empty());
}

TEST_F(PanelApiTest, SortsEveryColumnBothWaysWithEmptyValuesLast) {
  SeedRecords();
  EXPECT_EQ(Names(Panel("sort=name")), (V{"Alice Smith", "bob jones", "Carol White", "Dave Brown", "Panel Patient"}));
  EXPECT_EQ(Names(Panel("sort=-name")), (V{"Panel Patient", "Dave Brown", "Carol White", "bob jones", "Alice Smith"}));
  EXPECT_EQ(Names(Panel("sort=last_diary")),
            (V{"bob jones", "Carol White", "Alice Smith", "Dave Brown", "Panel Patient"}));
  EXPECT_EQ(Names(Panel("sort=-last_diary")),
            (V{"Alice Smith", "Carol White", "bob jones", "Dave Brown", "Panel Patient"}));
  EXPECT_EQ(Names(Panel("sort=adherence")).front(), "Carol White");
  EXPECT_EQ(Names(Panel("sort=-adherence")),
            (V{"Alice Smith", "Carol White", "bob jones", "Dave Brown", "Panel Patient"}));
  EXPECT_EQ(Names(Panel("sort=weeks_on_dose")).front(), "Alice Smith");
  EXPECT_EQ(Names(Panel("sort=-weeks_on_dose")).front(), "Carol White");

  const J all = Panel("sort=name");
  EXPECT_EQ(all["sort"], "name");
  EXPECT_EQ(all["adherence_window_days"], 28);
  const J& alice = Row(all, "Alice Smith");
  EXPECT_EQ(alice["last_diary_date"], "2026-11-21");
  EXPECT_DOUBLE_EQ(alice["adherence"].get<double>(), 21.0 / 28.0);
  EXPECT_EQ(alice["adherence_days"], (J{{"taken", 21}, {"planned", 28}}));
  EXPECT_EQ(alice["weeks_on_current_dose"], 2);
  EXPECT_DOUBLE_EQ(alice["current_dose_mg"].get<double>(), 1.5);
  EXPECT_EQ(alice["course"]["status"], "active");
  EXPECT_TRUE(alice.contains("response_class"));
  const J& carol = Row(all, "Carol White");
  EXPECT_DOUBLE_EQ(carol["adherence"].get<double>(), 0.5);
  EXPECT_EQ(carol["weeks_on_current_dose"], 4);
  const J& dave = Row(all, "Dave Brown");
  EXPECT_TRUE(dave["last_diary_date"].is_null());
  EXPECT_TRUE(dave["adherence"].is_null());
  EXPECT_TRUE(dave["weeks_on_current_dose"].is_null());
  EXPECT_TRUE(dave["response_class"].is_null());
  EXPECT_EQ(dave["response_note"], "no active course");
  EXPECT_TRUE(dave["flags"].is_array());
}

TEST_F(PanelApiTest, FiltersAndSortsByUnacknowledgedFlags) {
  SeedRecords();
  // Alice and Carol started courses without a screening (amber "unscreened"); Carol's diary stopped
  // a week ago (amber "diary missing"); bob reported a severe adverse event (red).
  EXPECT_EQ(Names(Panel("flag=any")), (V{"Alice Smith", "bob jones", "Carol White"}));
  EXPECT_EQ(Names(Panel("flag=red")), (V{"bob jones"}));
  EXPECT_EQ(Names(Panel("flag=amber")), (V{"Alice Smith", "Carol White"}));
  EXPECT_EQ(Names(Panel("flag=diary")), (V{"Carol White"}));
  EXPECT_EQ(Names(Panel("flag=course&sort=-name")), (V{"Carol White", "Alice Smith"}));
  EXPECT_EQ(Names(Panel("flag=safety&q=carol")), V{});
  const J sorted = Panel("sort=-flags");
  EXPECT_EQ(Names(sorted), (V{"bob jones", "Carol White", "Alice Smith", "Dave Brown", "Panel Patient"}));
  EXPECT_EQ(Names(Panel("sort=flags")), (V{"Dave Brown", "Panel Patient", "Alice Smith", "Carol White", "bob jones"}));
  EXPECT_EQ(Row(sorted, "bob jones")["open_flags"], (J{{"red", 1}, {"amber", 0}}));

  // Acknowledged, the flag no longer counts.
  const J flags = Row(sorted, "bob jones")["flags"];
  ASSERT_EQ(flags.size(), 1u);
  const std::string code = flags[0]["code"];
  auto ack = f_->Send("POST", "/api/v1/patients/" + std::to_string(bob_) + "/flags/" + code + "/acknowledge",
                      J{{"note", "seen; phoned the patient"}}.dump(), doc_);
  ASSERT_EQ(ack.status, 201) << ack.body;
  EXPECT_EQ(Names(Panel("flag=red")), V{});
  EXPECT_EQ(Names(Panel("flag=any")), (V{"Alice Smith", "Carol White"}));
}

// The flags are kept per patient while the record's revision (store triggers) and the patient's
// local date are unchanged: a second panel computes nothing; a change written straight to the
// store (as the CLI or another server would) recomputes that patient alone, at once; a new day
// recomputes everyone.
TEST_F(PanelApiTest, FlagsAreKeptWhileTheRecordIsUnchangedAndFollowEveryChange) {
  SeedRecords();
  server::FlagCache& cache = f_->api().flag_cache();
  EXPECT_EQ(Names(Panel("flag=red")), (V{"bob jones"}));
  const uint64_t computed = cache.misses();
  EXPECT_GE(computed, 5u);
  const uint64_t hits = cache.hits();
  EXPECT_EQ(Names(Panel("sort=-flags&per_page=2")), (V{"bob jones", "Carol White"}));
  EXPECT_EQ(cache.misses(), computed);
  EXPECT_GE(cache.hits(), hits + 5);

  store::AdverseEvent ae;
  ae.patient_id = alice_;
  ae.onset_date = *ParseDate("2026-11-21", "d");
  ae.description = "chest pain";
  ae.severity = store::Severity::kSevere;
  ae.recorded_by = 1;
  ae.recorded_at = f_->clock().Now();
  ASSERT_TRUE(f_->store().CreateAdverseEvent(ae).ok());
  EXPECT_EQ(Names(Panel("flag=red")), (V{"Alice Smith", "bob jones"}));
  EXPECT_EQ(cache.misses(), computed + 1);
  // The list without a query and the inbox read the same kept flags.
  const J all = f_->Send("GET", "/api/v1/patients", "", doc_).Json();
  bool alice_red = false;
  for (const auto& p : all["patients"]) {
    if (p["display_name"] != "Alice Smith") continue;
    for (const auto& fl : p["flags"]) alice_red = alice_red || fl["level"] == "red";
  }
  EXPECT_TRUE(alice_red);
  const J inbox = f_->Send("GET", "/api/v1/inbox", "", doc_).Json();
  bool task = false;
  for (const auto& t : inbox["tasks"]) task = task || (t["patient_id"] == alice_ && t["level"] == "red");
  EXPECT_TRUE(task) << inbox.dump();
  EXPECT_EQ(cache.misses(), computed + 1);

  // Two days later (Carol's diary gap grows; every patient's date moved): computed again.
  f_->clock().Advance(std::chrono::hours(48));
  doc_ = f_->Login("doc").token;  // the old session expired meanwhile
  EXPECT_EQ(Names(Panel("flag=red")), (V{"Alice Smith", "bob jones"}));
  EXPECT_GE(cache.misses(), computed + 1 + 5);
}

TEST_F(PanelApiTest, PagesWithTotalsAndAnEmptyPageBeyondTheEnd) {
  const J first = Panel("per_page=2");
  EXPECT_EQ(Names(first), (V{"Alice Smith", "bob jones"}));
  EXPECT_EQ(first["total"], 5);
  EXPECT_EQ(first["page"], 1);
  EXPECT_EQ(first["per_page"], 2);
  EXPECT_EQ(first["pages"], 3);
  EXPECT_EQ(Names(Panel("per_page=2&page=2")), (V{"Carol White", "Dave Brown"}));
  const J last = Panel("per_page=2&page=3");
  EXPECT_EQ(Names(last), (V{"Panel Patient"}));
  const J beyond = Panel("per_page=2&page=4");
  EXPECT_TRUE(beyond["patients"].empty());
  EXPECT_EQ(beyond["total"], 5);
  EXPECT_EQ(beyond["page"], 4);
  EXPECT_EQ(Panel("page=1")["per_page"], 25);
  EXPECT_EQ(Panel("per_page=100")["patients"].size(), 5u);
}

TEST_F(PanelApiTest, RefusesBadParametersNamingThem) {
  for (const auto& [query, field] : std::vector<std::pair<std::string, std::string>>{
           {"per_page=0", "per_page"},
           {"per_page=101", "per_page"},
           {"per_page=-5", "per_page"},
           {"page=0", "page"},
           {"page=abc", "page"},
           {"page=1.5", "page"},
           {"page=99999999", "page"},
           {"sort=age", "sort"},
           {"sort=--name", "sort"},
           {"flag=purple", "flag"},
           {"q=" + std::string(201, 'x'), "q"},
           {"limit=5", "limit"},
       }) {
    const J j = Panel(query, "", 400);
    EXPECT_EQ(j["error"]["field"], field) << query;
  }
  // Flags are a clinician's: a pharmacist or a patient cannot filter or sort by them.
  EXPECT_EQ(Panel("flag=any", pharm_, 400)["error"]["field"], "flag");
  EXPECT_EQ(Panel("sort=flags", pat_, 400)["error"]["field"], "sort");
}

TEST_F(PanelApiTest, TotalsCountOnlyTheCallersCareTeam) {
  const J mine = Panel("per_page=1");
  EXPECT_EQ(mine["total"], 5);
  const J theirs = Panel("per_page=1", doc2_);
  EXPECT_EQ(theirs["total"], 1);
  EXPECT_EQ(Names(theirs), (V{"Zed Other"}));
  EXPECT_EQ(Panel("q=alice", doc2_)["total"], 0);
  EXPECT_EQ(Panel("q=zed")["total"], 0);
  EXPECT_EQ(Panel("flag=any", doc2_)["total"], 0);
  // A patient pages through their own record only, without flags.
  const J own = Panel("page=1", pat_);
  EXPECT_EQ(own["total"], 1);
  EXPECT_EQ(Names(own), (V{"Panel Patient"}));
  EXPECT_FALSE(own["patients"][0].contains("flags"));
}

}  // namespace
}  // namespace ldn::testing
