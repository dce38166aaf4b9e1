// The Store contract (store.h), run against every backend: SQLite in memory and on file in
// ldn_store_tests, PostgreSQL in ctest store_contract_postgres (see store_test_support.h).
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store.h"
#include "store/store_test_support.h"

namespace ldn::store {
namespace {

using ::ldn::store::testing::At;
using ::ldn::store::testing::Day;
using ::ldn::store::testing::StoreTestBase;
using ::ldn::store::testing::T0;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class StoreContractTest : public StoreTestBase {
 protected:
  Course MakeCourse(Id patient_id) {
    Course c;
    c.patient_id = patient_id;
    c.protocol = "slow-1.5mg";
    c.plan_json = R"({"steps":[{"day":1,"dose_ug":500}]})";
    c.recorded_by = clinician_.id;
    c.recorded_at = T0();
    return c;
  }

  // Every audit event (up to 10,000), in order.
  std::vector<AuditEvent> AllAudit() {
    AuditQuery q;
    q.limit = 10000;
    Result<std::vector<AuditEvent>> events = store_->ListAudit(q);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    return events.ok() ? *events : std::vector<AuditEvent>{};
  }

  // The audit chain verifies; `events`, when given, is how many events it must hold.
  void ExpectChainVerifies(std::optional<int64_t> events = std::nullopt) {
    Result<AuditVerification> v = store_->VerifyAudit();
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->ok) << v->problem;
    if (events) {
      EXPECT_EQ(v->events_checked, *events);
    }
  }

  AuditEvent Audit(std::string action, std::optional<Id> patient_id) {
    AuditEvent e;
    e.at = T0();
    e.actor_user_id = clinician_.id;
    e.role = "clinician";
    e.patient_id = patient_id;
    e.action = std::move(action);
    e.object = "diary/2026-11-01";
    e.outcome = "ok";
    return e;
  }
};

TEST_P(StoreContractTest, ReportsBackendPingAndSchemaVersion) {
  EXPECT_EQ(store_->backend(), IsPostgres() ? "postgresql" : "sqlite");
  EXPECT_TRUE(store_->Ping().ok());
  Result<int> v = store_->SchemaVersion();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, LatestSchemaVersion());
  EXPECT_GE(*v, 1);
}

// ---- Users ---------------------------------------------------------------------------------------

TEST_P(StoreContractTest, CreatesAndFindsUsers) {
  Seed();
  EXPECT_GT(patient_user_.id, 0);
  Result<User> by_id = store_->GetUser(clinician_.id);
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->username, "dr.who");
  EXPECT_EQ(by_id->role, Role::kClinician);
  EXPECT_FALSE(by_id->patient_id.has_value());
  EXPECT_EQ(by_id->created_at, T0());
  EXPECT_FALSE(by_id->disabled);

  Result<User> by_name = store_->GetUserByUsername("ADA");  // case-insensitive
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->id, patient_user_.id);
  EXPECT_EQ(by_name->patient_id, patient1_.id);
  EXPECT_EQ(by_name->password_hash, patient_user_.password_hash);

  EXPECT_EQ(store_->GetUser(9999).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetUserByUsername("nobody").status().code(), Code::kNotFound);
  Result<std::vector<User>> all = store_->ListUsers();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, patient_user_.id);
}

TEST_P(StoreContractTest, RefusesBadOrDuplicateUsers) {
  Seed();
  User u;
  u.username = "DR.WHO";
  u.role = Role::kAdmin;
  u.password_hash = "h";
  Result<User> dup = store_->CreateUser(u);
  EXPECT_EQ(dup.status().code(), Code::kConflict);

  u.username = "bad name";
  EXPECT_EQ(store_->CreateUser(u).status().field(), "username");
  u.username = "";
  EXPECT_EQ(store_->CreateUser(u).status().field(), "username");

  u.username = "pat2";
  u.role = Role::kPatient;
  EXPECT_EQ(store_->CreateUser(u).status().field(), "patient_id");  // a patient needs a record
  u.patient_id = 424242;
  EXPECT_EQ(store_->CreateUser(u).status().code(), Code::kNotFound);
  u.patient_id = patient1_.id;  // already linked to "ada"
  EXPECT_EQ(store_->CreateUser(u).status().code(), Code::kConflict);

  u.role = Role::kResearcher;  // only patients carry a patient_id
  EXPECT_EQ(store_->CreateUser(u).status().field(), "patient_id");
  u.patient_id.reset();
  u.password_hash = "";
  EXPECT_EQ(store_->CreateUser(u).status().field(), "password_hash");
}

TEST_P(StoreContractTest, UpdatesAndDeletesUsers) {
  Seed();
  User u = clinician_;
  u.password_hash = "new-hash";
  u.disabled = true;
  ASSERT_TRUE(store_->UpdateUser(u).ok());
  Result<User> got = store_->GetUser(u.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->password_hash, "new-hash");
  EXPECT_TRUE(got->disabled);

  u.username = "Ada";  // taken by another user
  EXPECT_EQ(store_->UpdateUser(u).code(), Code::kConflict);
  u.id = 9999;
  u.username = "ghost";
  EXPECT_EQ(store_->UpdateUser(u).code(), Code::kNotFound);

  // A user who authored clinical records is kept (disable instead); one who did not goes, with
  // their sessions.
  Medication m;
  m.patient_id = patient1_.id;
  m.name = "duloxetine";
  m.recorded_by = clinician_.id;
  m.recorded_at = T0();
  ASSERT_TRUE(store_->CreateMedication(m).ok());
  EXPECT_EQ(store_->DeleteUser(clinician_.id).code(), Code::kConflict);
  ASSERT_TRUE(store_->CreateSession({"tok", patient_user_.id, T0(), At(3600), std::nullopt}).ok());
  ASSERT_TRUE(store_->DeleteUser(patient_user_.id).ok());
  EXPECT_EQ(store_->GetUser(patient_user_.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->FindSession("tok", T0()).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->DeleteUser(patient_user_.id).code(), Code::kNotFound);
}

// ---- Patients ------------------------------------------------------------------------------------

TEST_P(StoreContractTest, CreatesPatientsWithPseudonymousResearchIds) {
  Seed();
  EXPECT_TRUE(std::regex_match(patient1_.research_id, std::regex("R-[0-9a-f]{16}"))) << patient1_.research_id;
  EXPECT_NE(patient1_.research_id, patient2_.research_id);
  Result<Patient> got = store_->GetPatient(patient1_.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->display_name, "Ada");
  EXPECT_EQ(got->time_zone, "Europe/Oslo");
  EXPECT_EQ(got->created_at, T0());
  Result<Patient> by_rid = store_->GetPatientByResearchId(patient2_.research_id);
  ASSERT_TRUE(by_rid.ok());
  EXPECT_EQ(by_rid->id, patient2_.id);

  Patient p;
  p.display_name = "Lin";
  p.time_zone = "Asia/Tokyo";
  p.research_id = patient1_.research_id;
  EXPECT_EQ(store_->CreatePatient(p).status().code(), Code::kConflict);
  p.research_id = "STUDY-007";
  Result<Patient> chosen = store_->CreatePatient(p);
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->research_id, "STUDY-007");
  p.research_id = "bad id!";
  EXPECT_EQ(store_->CreatePatient(p).status().field(), "research_id");
  p.research_id.clear();
  p.time_zone = "Mars/Olympus";
  EXPECT_EQ(store_->CreatePatient(p).status().field(), "time_zone");
  p.time_zone = "UTC";
  p.display_name = "";
  EXPECT_EQ(store_->CreatePatient(p).status().field(), "display_name");

  Result<std::vector<Patient>> all = store_->ListPatients();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);
  EXPECT_EQ(store_->GetPatient(9999).status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, UpdatesPatientsButKeepsResearchId) {
  Seed();
  Patient p = patient1_;
  p.display_name = "Ada L.";
  p.time_zone = "America/New_York";
  p.research_id = "ignored";
  ASSERT_TRUE(store_->UpdatePatient(p).ok());
  Result<Patient> got = store_->GetPatient(p.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->display_name, "Ada L.");
  EXPECT_EQ(got->time_zone, "America/New_York");
  EXPECT_EQ(got->research_id, patient1_.research_id);
  p.id = 9999;
  EXPECT_EQ(store_->UpdatePatient(p).code(), Code::kNotFound);
}

// ---- Care teams and authorization --------------------------------------------------------------

TEST_P(StoreContractTest, AuthorizationQueryFollowsRolesAndCareTeams) {
  Seed();
  User u;
  u.password_hash = "h";
  u.created_at = T0();
  u.username = "pharma";
  u.role = Role::kPharmacist;
  Result<User> pharmacist = store_->CreateUser(u);
  u.username = "res";
  u.role = Role::kResearcher;
  Result<User> researcher = store_->CreateUser(u);
  u.username = "root";
  u.role = Role::kAdmin;
  Result<User> admin = store_->CreateUser(u);
  u.username = "dr.no";
  u.role = Role::kClinician;
  Result<User> other_clinician = store_->CreateUser(u);
  ASSERT_TRUE(pharmacist.ok() && researcher.ok() && admin.ok() && other_clinician.ok());

  Result<CareTeam> team = store_->CreateCareTeam({0, "Pain clinic", T0()});
  ASSERT_TRUE(team.ok());
  EXPECT_GT(team->id, 0);
  ASSERT_TRUE(store_->AddCareTeamMember(team->id, clinician_.id, T0()).ok());
  ASSERT_TRUE(store_->AddCareTeamMember(team->id, pharmacist->id, T0()).ok());
  ASSERT_TRUE(store_->AddCareTeamPatient(team->id, patient2_.id, T0()).ok());

  // Refusals.
  EXPECT_EQ(store_->AddCareTeamMember(team->id, clinician_.id, T0()).code(), Code::kConflict);
  EXPECT_EQ(store_->AddCareTeamMember(team->id, admin->id, T0()).field(), "user_id");
  EXPECT_EQ(store_->AddCareTeamMember(team->id, patient_user_.id, T0()).field(), "user_id");
  EXPECT_EQ(store_->AddCareTeamMember(team->id, 9999, T0()).code(), Code::kNotFound);
  EXPECT_EQ(store_->AddCareTeamMember(9999, clinician_.id, T0()).code(), Code::kNotFound);
  EXPECT_EQ(store_->AddCareTeamPatient(team->id, patient2_.id, T0()).code(), Code::kConflict);
  EXPECT_EQ(store_->AddCareTeamPatient(team->id, 9999, T0()).code(), Code::kNotFound);

  auto visible = [&](Id user) {
    std::vector<Id> ids;
    Result<std::vector<Patient>> ps = store_->ListVisiblePatients(user);
    EXPECT_TRUE(ps.ok()) << ps.status().ToString();
    if (ps.ok()) {
      for (const Patient& p : *ps) ids.push_back(p.id);
    }
    return ids;
  };
  EXPECT_THAT(visible(patient_user_.id), ElementsAre(patient1_.id));
  EXPECT_THAT(visible(clinician_.id), ElementsAre(patient2_.id));
  EXPECT_THAT(visible(pharmacist->id), ElementsAre(patient2_.id));
  EXPECT_THAT(visible(other_clinician->id), ElementsAre());
  EXPECT_THAT(visible(researcher->id), ElementsAre());
  EXPECT_THAT(visible(admin->id), ElementsAre());
  EXPECT_EQ(store_->ListVisiblePatients(9999).status().code(), Code::kNotFound);

  // CanSeePatient agrees with ListVisiblePatients for every pair.
  for (Id user : {patient_user_.id, clinician_.id, pharmacist->id, other_clinician->id, researcher->id, admin->id}) {
    const std::vector<Id> v = visible(user);
    for (Id patient : {patient1_.id, patient2_.id, Id{9999}}) {
      Result<bool> can = store_->CanSeePatient(user, patient);
      ASSERT_TRUE(can.ok());
      EXPECT_EQ(*can, std::find(v.begin(), v.end(), patient) != v.end()) << user << " " << patient;
    }
  }
  Result<bool> ghost = store_->CanSeePatient(9999, patient1_.id);
  ASSERT_TRUE(ghost.ok());
  EXPECT_FALSE(*ghost);

  // A disabled clinician sees nobody.
  User disabled = clinician_;
  disabled.disabled = true;
  ASSERT_TRUE(store_->UpdateUser(disabled).ok());
  EXPECT_THAT(visible(clinician_.id), ElementsAre());
  EXPECT_FALSE(*store_->CanSeePatient(clinician_.id, patient2_.id));

  // Membership and patient lists; removal.
  Result<std::vector<CareTeamMember>> members = store_->ListCareTeamMembers(team->id);
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  Result<std::vector<Patient>> team_patients = store_->ListCareTeamPatients(team->id);
  ASSERT_TRUE(team_patients.ok());
  ASSERT_EQ(team_patients->size(), 1u);
  EXPECT_EQ((*team_patients)[0].id, patient2_.id);
  ASSERT_TRUE(store_->RemoveCareTeamPatient(team->id, patient2_.id).ok());
  EXPECT_THAT(visible(pharmacist->id), ElementsAre());
  EXPECT_EQ(store_->RemoveCareTeamPatient(team->id, patient2_.id).code(), Code::kNotFound);
  ASSERT_TRUE(store_->RemoveCareTeamMember(team->id, pharmacist->id).ok());
  EXPECT_EQ(store_->RemoveCareTeamMember(team->id, pharmacist->id).code(), Code::kNotFound);

  Result<std::vector<CareTeam>> teams = store_->ListCareTeams();
  ASSERT_TRUE(teams.ok());
  ASSERT_EQ(teams->size(), 1u);
  EXPECT_EQ((*teams)[0].name, "Pain clinic");
  EXPECT_EQ(store_->GetCareTeam(9999).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->CreateCareTeam({0, "", T0()}).status().field(), "name");
}

// ---- Sessions and login throttling ---------------------------------------------------------------

TEST_P(StoreContractTest, SessionsExpireExtendAndDelete) {
  Seed();
  ASSERT_TRUE(store_->CreateSession({"h1", patient_user_.id, T0(), At(100), std::string("c1")}).ok());
  ASSERT_TRUE(store_->CreateSession({"h2", patient_user_.id, T0(), At(50), std::nullopt}).ok());
  ASSERT_TRUE(store_->CreateSession({"h3", clinician_.id, T0(), At(500), std::nullopt}).ok());
  EXPECT_EQ(store_->CreateSession({"h1", clinician_.id, T0(), At(100), std::nullopt}).code(), Code::kConflict);
  EXPECT_EQ(store_->CreateSession({"h9", 9999, T0(), At(100), std::nullopt}).code(), Code::kNotFound);
  EXPECT_EQ(store_->CreateSession({"", clinician_.id, T0(), At(100), std::nullopt}).field(), "token_hash");

  Result<Session> s = store_->FindSession("h1", At(99));
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->user_id, patient_user_.id);
  EXPECT_EQ(s->csrf_token_hash, std::optional<std::string>("c1"));
  EXPECT_EQ(s->expires_at, At(100));
  EXPECT_EQ(store_->FindSession("h1", At(100)).status().code(), Code::kNotFound);  // expired
  // The same session with its user, in one query (the server's authentication).
  Result<SessionUser> su = store_->FindSessionUser("h1", At(99));
  ASSERT_TRUE(su.ok()) << su.status().ToString();
  EXPECT_EQ(su->session.token_hash, "h1");
  EXPECT_EQ(su->session.csrf_token_hash, std::optional<std::string>("c1"));
  EXPECT_EQ(su->session.expires_at, At(100));
  EXPECT_EQ(su->user.id, patient_user_.id);
  EXPECT_EQ(su->user.username, patient_user_.username);
  EXPECT_EQ(su->user.role, Role::kPatient);
  EXPECT_EQ(su->user.patient_id, patient_user_.patient_id);
  EXPECT_EQ(su->user.created_at, patient_user_.created_at);
  Result<SessionUser> clinician = store_->FindSessionUser("h3", At(99));
  ASSERT_TRUE(clinician.ok());
  EXPECT_EQ(clinician->user.role, Role::kClinician);
  EXPECT_FALSE(clinician->session.csrf_token_hash.has_value());
  EXPECT_EQ(store_->FindSessionUser("h1", At(100)).status().code(), Code::kNotFound);  // expired
  EXPECT_EQ(store_->FindSessionUser("nope", T0()).status().code(), Code::kNotFound);
  ASSERT_TRUE(store_->ExtendSession("h1", At(200)).ok());
  EXPECT_TRUE(store_->FindSession("h1", At(150)).ok());
  EXPECT_EQ(store_->ExtendSession("nope", At(200)).code(), Code::kNotFound);

  Result<int64_t> expired = store_->DeleteExpiredSessions(At(60));
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(*expired, 1);  // h2
  Result<int64_t> of_user = store_->DeleteSessionsOfUser(patient_user_.id);
  ASSERT_TRUE(of_user.ok());
  EXPECT_EQ(*of_user, 1);  // h1
  ASSERT_TRUE(store_->DeleteSession("h3").ok());
  ASSERT_TRUE(store_->DeleteSession("h3").ok());  // idempotent
  EXPECT_EQ(store_->FindSession("h3", T0()).status().code(), Code::kNotFound);
}

// Schema 10: one calendar token per patient, replaced by a new one, found by its hash only while
// it is the live one; the down path to 9 is refused while a token exists (nothing stops silently).
TEST_P(StoreContractTest, CalendarTokensAreOnePerPatientReplacedAndRevoked) {
  Seed();
  const std::string h1(64, 'a'), h2(64, 'b'), h3(64, 'c');
  EXPECT_EQ(store_->GetCalendarTokenOfPatient(patient1_.id).status().code(), Code::kNotFound);
  ASSERT_TRUE(store_->PutCalendarToken({patient1_.id, h1, patient_user_.id, T0()}).ok());
  Result<CalendarToken> found = store_->FindCalendarToken(h1);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->patient_id, patient1_.id);
  EXPECT_EQ(found->created_by, patient_user_.id);
  EXPECT_EQ(found->created_at, T0());
  // A new link replaces the old one: the old hash no longer opens anything.
  ASSERT_TRUE(store_->PutCalendarToken({patient1_.id, h2, clinician_.id, At(60)}).ok());
  EXPECT_EQ(store_->FindCalendarToken(h1).status().code(), Code::kNotFound);
  Result<CalendarToken> of_patient = store_->GetCalendarTokenOfPatient(patient1_.id);
  ASSERT_TRUE(of_patient.ok());
  EXPECT_EQ(of_patient->token_hash, h2);
  EXPECT_EQ(of_patient->created_by, clinician_.id);
  EXPECT_EQ(of_patient->created_at, At(60));
  // Refusals name what is wrong and change nothing.
  EXPECT_EQ(store_->PutCalendarToken({patient2_.id, h2, clinician_.id, T0()}).code(), Code::kConflict);
  EXPECT_EQ(store_->PutCalendarToken({patient1_.id, "ABC", clinician_.id, T0()}).field(), "token_hash");
  EXPECT_EQ(store_->PutCalendarToken({patient1_.id, std::string(64, 'A'), clinician_.id, T0()}).field(), "token_hash");
  EXPECT_EQ(store_->PutCalendarToken({987654, h3, clinician_.id, T0()}).code(), Code::kNotFound);
  EXPECT_EQ(store_->PutCalendarToken({patient2_.id, h3, 987654, T0()}).code(), Code::kNotFound);
  EXPECT_EQ(store_->GetCalendarTokenOfPatient(patient2_.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->FindCalendarToken(h2)->patient_id, patient1_.id);

  if (!IsMemory()) {
    const Status refused = store_->MigrateDown(9);
    EXPECT_FALSE(refused.ok());
    EXPECT_NE(refused.message().find("calendar subscriptions exist"), std::string::npos) << refused.message();
    EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  }
  ASSERT_TRUE(store_->DeleteCalendarToken(patient1_.id).ok());
  EXPECT_EQ(store_->FindCalendarToken(h2).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->DeleteCalendarToken(patient1_.id).code(), Code::kNotFound);
}

// Schema 11: a patient's diary settings are saved whole, version by version, with optimistic
// concurrency; the down path to 10 is refused while any are stored (no own item is forgotten).
TEST_P(StoreContractTest, DiarySettingsAreVersionedAndGuarded) {
  Seed();
  EXPECT_EQ(store_->GetDiarySettings(patient1_.id).status().code(), Code::kNotFound);
  const std::string a = R"({"tracked":["mood"],"custom":[]})";
  const std::string b =
      R"({"tracked":[],"custom":[{"key":"headache","label":"Headache","kind":"scale","unit":"","retired":false}]})";
  // A stale version (someone saved meanwhile) is refused before anything is written.
  EXPECT_EQ(store_->PutDiarySettings({patient1_.id, a, 0, clinician_.id, T0()}, 1).status().code(), Code::kConflict);
  EXPECT_EQ(store_->GetDiarySettings(patient1_.id).status().code(), Code::kNotFound);
  Result<DiarySettingsRecord> first = store_->PutDiarySettings({patient1_.id, a, 0, clinician_.id, T0()}, 0);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->version, 1);
  EXPECT_EQ(first->settings_json, a);
  Result<DiarySettingsRecord> second =
      store_->PutDiarySettings({patient1_.id, b, 0, patient_user_.id, At(60)}, std::nullopt);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->version, 2);
  Result<DiarySettingsRecord> got = store_->GetDiarySettings(patient1_.id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->settings_json, b);
  EXPECT_EQ(got->version, 2);
  EXPECT_EQ(got->updated_by, patient_user_.id);
  EXPECT_EQ(got->updated_at, At(60));
  Result<DiarySettingsRecord> stale = store_->PutDiarySettings({patient1_.id, a, 0, clinician_.id, At(90)}, 1);
  EXPECT_EQ(stale.status().code(), Code::kConflict);
  EXPECT_EQ(stale.status().field(), "expected_version");
  EXPECT_EQ(store_->GetDiarySettings(patient1_.id)->settings_json, b);
  // Refusals name what is wrong and change nothing.
  EXPECT_EQ(store_->PutDiarySettings({patient1_.id, "[1]", 0, clinician_.id, T0()}, std::nullopt).status().field(),
            "settings_json");
  EXPECT_EQ(store_->PutDiarySettings({patient1_.id, "{", 0, clinician_.id, T0()}, std::nullopt).status().field(),
            "settings_json");
  EXPECT_EQ(store_
                ->PutDiarySettings({patient1_.id, "{\"x\":\"" + std::string(kMaxDiarySettingsBytes, 'x') + "\"}", 0,
                                    clinician_.id, T0()},
                                   std::nullopt)
                .status()
                .field(),
            "settings_json");
  EXPECT_EQ(store_->PutDiarySettings({987654, a, 0, clinician_.id, T0()}, std::nullopt).status().code(),
            Code::kNotFound);
  EXPECT_EQ(store_->PutDiarySettings({patient2_.id, a, 0, 987654, T0()}, std::nullopt).status().code(),
            Code::kNotFound);
  EXPECT_EQ(store_->GetDiarySettings(patient2_.id).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetDiarySettings(patient1_.id)->version, 2);

  if (!IsMemory()) {
    const Status refused = store_->MigrateDown(10);  // through 14 -> 11 (allowed when empty), then refused
    EXPECT_FALSE(refused.ok());
    EXPECT_NE(refused.message().find("diary settings exist"), std::string::npos) << refused.message();
    EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
    EXPECT_EQ(store_->GetDiarySettings(patient1_.id)->version, 2);
  }
}

// Schema 12: one acknowledgment per patient, replaced by the next; refusals change nothing.
TEST_P(StoreContractTest, PlanAcknowledgmentsAreOnePerPatient) {
  Seed();
  EXPECT_EQ(store_->GetPlanAcknowledgment(patient1_.id).status().code(), Code::kNotFound);
  const std::string a(64, 'a'), b(64, 'b');
  ASSERT_TRUE(store_->PutPlanAcknowledgment({patient1_.id, a, R"({"course_id":1})", patient_user_.id, T0()}).ok());
  ASSERT_TRUE(store_->PutPlanAcknowledgment({patient1_.id, b, R"({"course_id":2})", patient_user_.id, At(60)}).ok());
  Result<PlanAcknowledgment> got = store_->GetPlanAcknowledgment(patient1_.id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->snapshot_id, b);
  EXPECT_EQ(got->snapshot_json, R"({"course_id":2})");
  EXPECT_EQ(got->acknowledged_by, patient_user_.id);
  EXPECT_EQ(got->acknowledged_at, At(60));
  EXPECT_EQ(store_->PutPlanAcknowledgment({patient1_.id, "ABC", "{}", patient_user_.id, T0()}).field(), "snapshot_id");
  EXPECT_EQ(store_->PutPlanAcknowledgment({patient1_.id, a, "[]", patient_user_.id, T0()}).field(), "snapshot_json");
  EXPECT_EQ(store_->PutPlanAcknowledgment({987654, a, "{}", patient_user_.id, T0()}).code(), Code::kNotFound);
  EXPECT_EQ(store_->PutPlanAcknowledgment({patient2_.id, a, "{}", 987654, T0()}).code(), Code::kNotFound);
  EXPECT_EQ(store_->GetPlanAcknowledgment(patient1_.id)->snapshot_id, b);
  EXPECT_EQ(store_->GetPlanAcknowledgment(patient2_.id).status().code(), Code::kNotFound);
}

// Schema 13: share links are created with an id, found by hash whether live or not, listed newest
// first and revoked once; the down path to 12 is refused while any exist.
TEST_P(StoreContractTest, ShareLinksAreCreatedFoundListedAndRevoked) {
  Seed();
  const std::string h1(64, 'a'), h2(64, 'b');
  Result<ShareLink> first = store_->CreateShareLink({0, patient1_.id, h1, patient_user_.id, T0(), At(3600), {}});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->id, 0);
  Result<ShareLink> second = store_->CreateShareLink({0, patient1_.id, h2, clinician_.id, At(60), At(7200), {}});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  Result<ShareLink> found = store_->FindShareLink(h1);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->patient_id, patient1_.id);
  EXPECT_EQ(found->expires_at, At(3600));
  EXPECT_TRUE(found->LiveAt(At(3599)));
  EXPECT_FALSE(found->LiveAt(At(3600)));
  Result<std::vector<ShareLink>> list = store_->ListShareLinks(patient1_.id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, second->id);  // newest first
  EXPECT_TRUE(store_->ListShareLinks(patient2_.id)->empty());
  // Revoked once; another patient's id is not found.
  EXPECT_EQ(store_->RevokeShareLink(patient2_.id, first->id, At(100)).code(), Code::kNotFound);
  ASSERT_TRUE(store_->RevokeShareLink(patient1_.id, first->id, At(100)).ok());
  EXPECT_EQ(store_->RevokeShareLink(patient1_.id, first->id, At(200)).code(), Code::kConflict);
  found = store_->FindShareLink(h1);
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->revoked_at, std::optional<Instant>(At(100)));
  EXPECT_FALSE(found->LiveAt(At(101)));
  // Refusals name what is wrong and change nothing.
  EXPECT_EQ(store_->CreateShareLink({0, patient1_.id, h1, patient_user_.id, T0(), At(10), {}}).status().code(),
            Code::kConflict);
  EXPECT_EQ(store_->CreateShareLink({0, patient1_.id, "XYZ", patient_user_.id, T0(), At(10), {}}).status().field(),
            "token_hash");
  EXPECT_EQ(store_->CreateShareLink({0, patient1_.id, std::string(64, 'c'), patient_user_.id, T0(), T0(), {}})
                .status()
                .field(),
            "expires_at");
  EXPECT_EQ(
      store_->CreateShareLink({0, 987654, std::string(64, 'c'), patient_user_.id, T0(), At(10), {}}).status().code(),
      Code::kNotFound);
  EXPECT_EQ(store_->FindShareLink(std::string(64, 'c')).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->ListShareLinks(patient1_.id)->size(), 2u);
  if (!IsMemory()) {
    const Status refused = store_->MigrateDown(12);
    EXPECT_FALSE(refused.ok());
    EXPECT_NE(refused.message().find("share links exist"), std::string::npos) << refused.message();
    EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  }
}

// Schema 14: push subscriptions are stored, found live, re-subscribing is idempotent, another
// subscription at the same endpoint replaces the old one, revocation happens once; each reminder
// is claimed once; the server's key is created once; the down path is refused while any exist.
TEST_P(StoreContractTest, PushSubscriptionsDeliveriesAndServerKeys) {
  Seed();
  const std::string p256(87, 'P'), auth(22, 'a'), other_auth(22, 'b');
  const std::string endpoint = "https://fcm.googleapis.com/fcm/send/abc";
  Result<PushSubscription> first =
      store_->AddPushSubscription({0, patient1_.id, endpoint, p256, auth, patient_user_.id, T0(), {}, ""});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->id, 0);
  // The same endpoint and keys again: the same row.
  Result<PushSubscription> again =
      store_->AddPushSubscription({0, patient1_.id, endpoint, p256, auth, patient_user_.id, At(10), {}, ""});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, first->id);
  // Another patient on the same browser: the old one is replaced.
  Result<PushSubscription> other =
      store_->AddPushSubscription({0, patient2_.id, endpoint, p256, other_auth, clinician_.id, At(20), {}, ""});
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id, first->id);
  Result<std::vector<PushSubscription>> mine = store_->ListPushSubscriptions(patient1_.id);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].revoke_reason, "replaced");
  EXPECT_EQ((*mine)[0].revoked_at, std::optional<Instant>(At(20)));
  Result<std::vector<PushSubscription>> live = store_->ListLivePushSubscriptions();
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0].id, other->id);
  EXPECT_EQ((*live)[0].patient_id, patient2_.id);

  // Revoked once; another patient's id is not found.
  EXPECT_EQ(store_->RevokePushSubscription(patient1_.id, other->id, At(30), "turned off").code(), Code::kNotFound);
  ASSERT_TRUE(store_->RevokePushSubscription(patient2_.id, other->id, At(30), "turned off").ok());
  EXPECT_EQ(store_->RevokePushSubscription(patient2_.id, other->id, At(40), "turned off").code(), Code::kConflict);
  EXPECT_TRUE(store_->ListLivePushSubscriptions()->empty());

  // Each (subscription, kind, occasion) is claimed once; its status is recorded.
  Result<bool> claimed = store_->ClaimPushDelivery(first->id, "dose", "2026-12-06", At(50));
  ASSERT_TRUE(claimed.ok()) << claimed.status().ToString();
  EXPECT_TRUE(*claimed);
  EXPECT_FALSE(*store_->ClaimPushDelivery(first->id, "dose", "2026-12-06", At(51)));
  EXPECT_TRUE(*store_->ClaimPushDelivery(first->id, "dose", "2026-12-07", At(52)));
  EXPECT_TRUE(*store_->ClaimPushDelivery(first->id, "diary", "2026-12-06", At(53)));
  EXPECT_TRUE(store_->SetPushDeliveryStatus(first->id, "dose", "2026-12-06", 201).ok());
  EXPECT_EQ(store_->SetPushDeliveryStatus(first->id, "dose", "2030-01-01", 201).code(), Code::kNotFound);
  EXPECT_EQ(store_->ClaimPushDelivery(987654, "dose", "x", At(54)).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->ClaimPushDelivery(first->id, "", "x", At(54)).status().field(), "kind");
  EXPECT_EQ(store_->ClaimPushDelivery(first->id, "dose", std::string(81, 'x'), At(54)).status().field(), "occasion");

  // Refusals name what is wrong and store nothing.
  EXPECT_EQ(
      store_->AddPushSubscription({0, patient1_.id, "x", p256, auth, patient_user_.id, T0(), {}, ""}).status().field(),
      "endpoint");
  EXPECT_EQ(
      store_->AddPushSubscription({0, patient1_.id, endpoint + "2", "short", auth, patient_user_.id, T0(), {}, ""})
          .status()
          .field(),
      "keys.p256dh");
  EXPECT_EQ(store_->AddPushSubscription({0, patient1_.id, endpoint + "2", p256, "", patient_user_.id, T0(), {}, ""})
                .status()
                .field(),
            "keys.auth");
  EXPECT_EQ(store_->AddPushSubscription({0, 987654, endpoint + "2", p256, auth, patient_user_.id, T0(), {}, ""})
                .status()
                .code(),
            Code::kNotFound);
  EXPECT_EQ(store_->ListPushSubscriptions(patient1_.id)->size(), 1u);

  // The server's key: the first one stored is kept.
  Result<ServerKey> k1 = store_->GetOrCreateServerKey({"vapid", "pub1", "sealed1", T0()});
  ASSERT_TRUE(k1.ok()) << k1.status().ToString();
  Result<ServerKey> k2 = store_->GetOrCreateServerKey({"vapid", "pub2", "sealed2", At(5)});
  ASSERT_TRUE(k2.ok());
  EXPECT_EQ(k2->public_key, "pub1");
  EXPECT_EQ(k2->sealed_secret, "sealed1");
  EXPECT_EQ(k2->created_at, T0());
  EXPECT_EQ(store_->GetOrCreateServerKey({"", "p", "s", T0()}).status().field(), "name");

  if (!IsMemory()) {
    const Status refused = store_->MigrateDown(13);
    EXPECT_FALSE(refused.ok());
    EXPECT_NE(refused.message().find("push subscriptions exist"), std::string::npos) << refused.message();
    EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
    EXPECT_EQ(store_->ListPushSubscriptions(patient1_.id)->size(), 1u);
  }
}

TEST_P(StoreContractTest, CountsLoginAttemptsAtomicallyAndHonoursDelaysAndLocks) {
  // No row: the first attempt is counted.
  Result<std::optional<LoginThrottle>> t = store_->CountLoginAttempt("acct:ada", T0(), At(-3600));
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_TRUE(t->has_value());
  EXPECT_EQ((*t)->failures, 1);
  EXPECT_EQ((*t)->first_failure_at, T0());
  // The server sets a delay: an attempt before it is not counted and changes nothing.
  ASSERT_TRUE(store_->SetLoginThrottleState("acct:ada", At(30), false).ok());
  t = store_->CountLoginAttempt("acct:ada", At(10), At(-3600));
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());
  t = store_->CountLoginAttempt("acct:ada", At(30), At(-3600));
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->failures, 2);
  EXPECT_EQ((*t)->first_failure_at, T0());
  EXPECT_EQ((*t)->last_failure_at, At(30));
  // A success takes its counted attempt back; never below zero.
  ASSERT_TRUE(store_->UncountLoginAttempt("acct:ada").ok());
  EXPECT_EQ((*store_->GetLoginThrottle("acct:ada"))->failures, 1);
  ASSERT_TRUE(store_->UncountLoginAttempt("acct:ada").ok());
  ASSERT_TRUE(store_->UncountLoginAttempt("acct:ada").ok());
  EXPECT_EQ((*store_->GetLoginThrottle("acct:ada"))->failures, 0);
  ASSERT_TRUE(store_->UncountLoginAttempt("acct:nobody").ok());
  // A last failure older than forget_before starts the count again, even inside a delay.
  ASSERT_TRUE(store_->SetLoginThrottleState("acct:ada", At(100000), false).ok());
  t = store_->CountLoginAttempt("acct:ada", At(5000), At(4000));
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->failures, 1);
  EXPECT_EQ((*t)->first_failure_at, At(5000));
  // A locked key counts nothing, whatever the time, until it is cleared.
  ASSERT_TRUE(store_->SetLoginThrottleState("acct:ada", At(0), true).ok());
  t = store_->CountLoginAttempt("acct:ada", At(9000000), At(8000000));
  ASSERT_TRUE(t.ok());
  EXPECT_FALSE(t->has_value());
  ASSERT_TRUE(store_->CountLoginAttempt("acct:bob", T0(), At(-1)).ok());
  Result<std::vector<LoginThrottle>> locked = store_->ListLockedLoginThrottles("acct:");
  ASSERT_TRUE(locked.ok());
  ASSERT_EQ(locked->size(), 1u);
  EXPECT_EQ((*locked)[0].key, "acct:ada");
  EXPECT_TRUE((*locked)[0].locked);
  EXPECT_TRUE(store_->ListLockedLoginThrottles("addr:")->empty());
  // Housekeeping forgets old unlocked keys only.
  Result<int64_t> pruned = store_->DeleteLoginThrottlesBefore(At(9999999));
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 1);  // bob
  EXPECT_TRUE(store_->GetLoginThrottle("acct:ada")->has_value());
  ASSERT_TRUE(store_->ClearLoginThrottle("acct:ada").ok());
  EXPECT_FALSE(store_->GetLoginThrottle("acct:ada")->has_value());
  ASSERT_TRUE(store_->ClearLoginThrottle("acct:ada").ok());  // idempotent
  EXPECT_EQ(store_->SetLoginThrottleState("acct:ada", At(1), false).code(), Code::kNotFound);
  EXPECT_EQ(store_->CountLoginAttempt("", T0(), T0()).status().field(), "key");
}

TEST_P(StoreContractTest, ConcurrentLoginAttemptsAreEachCountedOnce) {
  // Eight threads count attempts on one key at once: every attempt is counted exactly once, so
  // a burst cannot slip past a threshold between a check and a record (ASVS 2.2.1; issue 17 L1).
  constexpr int kThreads = 8, kEach = 10;
  std::vector<std::thread> threads;
  std::atomic<int> errors{0};
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < kEach; ++j) {
        auto r = store_->CountLoginAttempt("addr:192.0.2.1", T0(), At(-3600));
        if (!r.ok() || !r->has_value()) ++errors;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ((*store_->GetLoginThrottle("addr:192.0.2.1"))->failures, kThreads * kEach);
}

TEST_P(StoreContractTest, TotpEnrolmentReplayGuardAndRecoveryCodes) {
  Seed();
  const Id u = clinician_.id;
  Result<TotpState> s = store_->GetTotp(u);
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->secret || s->pending_secret || s->last_step);
  EXPECT_FALSE(store_->GetUser(u)->totp_enabled);
  EXPECT_EQ(store_->EnableTotp(u, T0(), 1).field(), "code");  // nothing pending
  ASSERT_TRUE(store_->SetPendingTotp(u, std::string("sealed-1")).ok());
  EXPECT_EQ(store_->GetTotp(u)->pending_secret, std::optional<std::string>("sealed-1"));
  EXPECT_FALSE(store_->GetUser(u)->totp_enabled);
  ASSERT_TRUE(store_->EnableTotp(u, T0(), 100).ok());
  s = store_->GetTotp(u);
  EXPECT_EQ(s->secret, std::optional<std::string>("sealed-1"));
  EXPECT_FALSE(s->pending_secret);
  EXPECT_EQ(s->last_step, std::optional<int64_t>(100));
  EXPECT_TRUE(store_->GetUser(u)->totp_enabled);
  EXPECT_TRUE(store_->GetUserByUsername(clinician_.username)->totp_enabled);
  // Each step is accepted once, and never an older one.
  EXPECT_FALSE(*store_->ClaimTotpStep(u, 100));
  EXPECT_FALSE(*store_->ClaimTotpStep(u, 99));
  EXPECT_TRUE(*store_->ClaimTotpStep(u, 101));
  EXPECT_FALSE(*store_->ClaimTotpStep(u, 101));
  EXPECT_EQ(store_->ClaimTotpStep(9999, 1).status().code(), Code::kNotFound);

  ASSERT_TRUE(
      store_->ReplaceRecoveryCodes(u, {{"aaaa", "h1", T0(), std::nullopt}, {"bbbb", "h2", T0(), std::nullopt}}).ok());
  EXPECT_TRUE(*store_->UseRecoveryCode(u, "aaaa", At(5)));
  EXPECT_FALSE(*store_->UseRecoveryCode(u, "aaaa", At(6)));  // once
  EXPECT_FALSE(*store_->UseRecoveryCode(u, "zzzz", At(6)));
  EXPECT_FALSE(*store_->UseRecoveryCode(patient_user_.id, "bbbb", At(6)));  // another user's
  Result<std::vector<RecoveryCode>> codes = store_->ListRecoveryCodes(u);
  ASSERT_TRUE(codes.ok());
  ASSERT_EQ(codes->size(), 2u);
  EXPECT_EQ((*codes)[0].used_at, std::optional<Instant>(At(5)));
  EXPECT_FALSE((*codes)[1].used_at);
  EXPECT_EQ((*codes)[1].code_hash, "h2");
  EXPECT_EQ(store_->ReplaceRecoveryCodes(u, {{"", "h", T0(), std::nullopt}}).field(), "codes[0].lookup");
  EXPECT_EQ(store_->ReplaceRecoveryCodes(u, {{"a", "h", T0(), std::nullopt}, {"a", "h", T0(), std::nullopt}}).code(),
            Code::kConflict);
  EXPECT_EQ(store_->ListRecoveryCodes(u)->size(), 2u);  // the failed replacement changed nothing

  ASSERT_TRUE(store_->DisableTotp(u).ok());
  s = store_->GetTotp(u);
  EXPECT_FALSE(s->secret || s->pending_secret || s->last_step);
  EXPECT_TRUE(store_->ListRecoveryCodes(u)->empty());
  EXPECT_FALSE(store_->GetUser(u)->totp_enabled);
  EXPECT_EQ(store_->SetPendingTotp(u, std::string()).field(), "secret");
  EXPECT_EQ(store_->SetPendingTotp(9999, std::string("x")).code(), Code::kNotFound);
  EXPECT_EQ(store_->DisableTotp(9999).code(), Code::kNotFound);
}

TEST_P(StoreContractTest, PasswordStateAndSessionBounds) {
  Seed();
  User u = *store_->GetUser(clinician_.id);
  EXPECT_FALSE(u.must_change_password);
  u.must_change_password = true;
  u.password_changed_at = At(42);
  ASSERT_TRUE(store_->UpdateUser(u).ok());
  User again = *store_->GetUser(u.id);
  EXPECT_TRUE(again.must_change_password);
  EXPECT_EQ(again.password_changed_at, std::optional<Instant>(At(42)));

  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(store_->CreateSession({"s" + std::to_string(i), u.id, At(i), At(1000), std::nullopt}).ok());
  }
  ASSERT_TRUE(store_->CreateSession({"other", patient_user_.id, T0(), At(1000), std::nullopt}).ok());
  Result<SessionUser> su = store_->FindSessionUser("s0", T0());
  ASSERT_TRUE(su.ok());
  EXPECT_TRUE(su->user.must_change_password);
  Result<int64_t> trimmed = store_->TrimSessionsOfUser(u.id, 3);
  ASSERT_TRUE(trimmed.ok());
  EXPECT_EQ(*trimmed, 2);  // the oldest: s0 and s1
  EXPECT_FALSE(store_->FindSession("s1", T0()).ok());
  EXPECT_TRUE(store_->FindSession("s2", T0()).ok());
  EXPECT_EQ(store_->TrimSessionsOfUser(u.id, -1).status().field(), "keep");
  Result<int64_t> others = store_->DeleteOtherSessionsOfUser(u.id, "s4");
  ASSERT_TRUE(others.ok());
  EXPECT_EQ(*others, 2);
  EXPECT_TRUE(store_->FindSession("s4", T0()).ok());
  EXPECT_TRUE(store_->FindSession("other", T0()).ok());
}

TEST_P(StoreContractTest, InstanceSettings) {
  EXPECT_FALSE(store_->GetSetting("demo")->has_value());
  ASSERT_TRUE(store_->PutSetting("demo", "seeded").ok());
  ASSERT_TRUE(store_->PutSetting("demo", "seeded again").ok());
  EXPECT_EQ(*store_->GetSetting("demo"), std::optional<std::string>("seeded again"));
  EXPECT_EQ(store_->PutSetting("", "x").field(), "key");
}

// ---- Clinical objects ----------------------------------------------------------------------------

TEST_P(StoreContractTest, MedicationsAndConditionsBelongToTheirPatient) {
  Seed();
  Medication m;
  m.patient_id = patient1_.id;
  m.name = "tramadol";
  m.details_json = R"({"dose_mg": 50, "route": "oral"})";
  m.recorded_by = clinician_.id;
  m.recorded_at = T0();
  Result<Medication> created = store_->CreateMedication(m);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Result<Medication> got = store_->GetMedication(patient1_.id, created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "tramadol");
  EXPECT_EQ(got->details_json, m.details_json);  // the text exactly as given
  EXPECT_TRUE(got->active);
  // Another patient's id with this medication id: not found.
  EXPECT_EQ(store_->GetMedication(patient2_.id, created->id).status().code(), Code::kNotFound);

  Medication changed = *created;
  changed.active = false;
  ASSERT_TRUE(store_->UpdateMedication(changed).ok());
  EXPECT_FALSE(store_->GetMedication(patient1_.id, created->id)->active);
  changed.patient_id = patient2_.id;
  EXPECT_EQ(store_->UpdateMedication(changed).code(), Code::kNotFound);

  m.details_json = "{not json";
  EXPECT_EQ(store_->CreateMedication(m).status().field(), "details_json");
  m.details_json = "{}";
  m.patient_id = 9999;
  EXPECT_EQ(store_->CreateMedication(m).status().code(), Code::kNotFound);
  m.patient_id = patient1_.id;
  m.recorded_by = 9999;
  EXPECT_EQ(store_->CreateMedication(m).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->ListMedications(patient1_.id)->size(), 1u);
  EXPECT_TRUE(store_->ListMedications(patient2_.id)->empty());

  Condition c;
  c.patient_id = patient1_.id;
  c.name = "fibromyalgia";
  c.details_json = R"({"icd10": "M79.7"})";
  c.recorded_by = clinician_.id;
  c.recorded_at = T0();
  Result<Condition> cond = store_->CreateCondition(c);
  ASSERT_TRUE(cond.ok());
  EXPECT_EQ(store_->GetCondition(patient1_.id, cond->id)->details_json, c.details_json);
  EXPECT_EQ(store_->GetCondition(patient2_.id, cond->id).status().code(), Code::kNotFound);
  Condition cc = *cond;
  cc.name = "fibromyalgia (ACR 2016)";
  ASSERT_TRUE(store_->UpdateCondition(cc).ok());
  EXPECT_EQ(store_->ListConditions(patient1_.id)->at(0).name, "fibromyalgia (ACR 2016)");
}

TEST_P(StoreContractTest, ScreeningsKeepInputResultAndVerdict) {
  Seed();
  Screening s;
  s.patient_id = patient1_.id;
  s.input_json = R"({"medications":["tramadol"]})";
  s.result_json = R"({"findings":[{"rule":"opioid"}]})";
  s.verdict = "contraindicated";
  s.recorded_by = clinician_.id;
  s.recorded_at = T0();
  Result<Screening> created = store_->CreateScreening(s);
  ASSERT_TRUE(created.ok());
  Result<Screening> got = store_->GetScreening(patient1_.id, created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->input_json, s.input_json);
  EXPECT_EQ(got->result_json, s.result_json);
  EXPECT_EQ(got->verdict, "contraindicated");
  EXPECT_EQ(store_->GetScreening(patient2_.id, created->id).status().code(), Code::kNotFound);
  s.verdict = "";
  EXPECT_EQ(store_->CreateScreening(s).status().field(), "verdict");
  s.verdict = "eligible";
  s.result_json = "";
  EXPECT_EQ(store_->CreateScreening(s).status().field(), "result_json");
  EXPECT_EQ(store_->ListScreenings(patient1_.id)->size(), 1u);
}

TEST_P(StoreContractTest, CoursesKeepEveryPlanAdjustmentWithItsReason) {
  Seed();
  Result<Course> course = store_->CreateCourse(MakeCourse(patient1_.id));
  ASSERT_TRUE(course.ok()) << course.status().ToString();
  EXPECT_EQ(course->status, CourseStatus::kPlanned);
  EXPECT_EQ(course->updated_at, T0());

  PlanAdjustment a;
  a.patient_id = patient1_.id;
  a.course_id = course->id;
  a.reason = "vivid dreams at 1.5 mg: hold the step";
  a.plan_json = R"({"steps":[{"day":1,"dose_ug":500},{"day":15,"dose_ug":1000}]})";
  a.recorded_by = clinician_.id;
  a.recorded_at = At(86400);
  Result<PlanAdjustment> adj = store_->AdjustCourse(a);
  ASSERT_TRUE(adj.ok()) << adj.status().ToString();
  a.reason = "tolerated: resume";
  a.plan_json = R"({"steps":[{"day":1,"dose_ug":1500}]})";
  a.recorded_at = At(2 * 86400);
  ASSERT_TRUE(store_->AdjustCourse(a).ok());

  Result<Course> now = store_->GetCourse(patient1_.id, course->id);
  ASSERT_TRUE(now.ok());
  EXPECT_EQ(now->plan_json, a.plan_json);
  EXPECT_EQ(now->updated_at, At(2 * 86400));
  Result<std::vector<PlanAdjustment>> history = store_->ListPlanAdjustments(patient1_.id, course->id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].reason, "vivid dreams at 1.5 mg: hold the step");
  EXPECT_EQ((*history)[1].reason, "tolerated: resume");

  a.patient_id = patient2_.id;  // the course is not patient 2's
  EXPECT_EQ(store_->AdjustCourse(a).status().code(), Code::kNotFound);
  a.patient_id = patient1_.id;
  a.reason = "";
  EXPECT_EQ(store_->AdjustCourse(a).status().field(), "reason");

  ASSERT_TRUE(store_->SetCourseStatus(patient1_.id, course->id, CourseStatus::kActive, Day(2026, 12, 1), At(5)).ok());
  now = store_->GetCourse(patient1_.id, course->id);
  EXPECT_EQ(now->status, CourseStatus::kActive);
  EXPECT_EQ(now->start_date, std::optional<LocalDate>(Day(2026, 12, 1)));
  ASSERT_TRUE(store_->SetCourseStatus(patient1_.id, course->id, CourseStatus::kPaused, std::nullopt, At(6)).ok());
  now = store_->GetCourse(patient1_.id, course->id);
  EXPECT_EQ(now->status, CourseStatus::kPaused);
  EXPECT_EQ(now->start_date, std::optional<LocalDate>(Day(2026, 12, 1)));  // kept
  EXPECT_EQ(store_->SetCourseStatus(patient2_.id, course->id, CourseStatus::kActive, std::nullopt, At(7)).code(),
            Code::kNotFound);
  EXPECT_EQ(store_->ListCourses(patient1_.id)->size(), 1u);
}

TEST_P(StoreContractTest, PrescriptionsFollowTheirCourseAndPharmacy) {
  Seed();
  Result<Course> course = store_->CreateCourse(MakeCourse(patient1_.id));
  Result<Course> other = store_->CreateCourse(MakeCourse(patient2_.id));
  ASSERT_TRUE(course.ok() && other.ok());
  Prescription rx;
  rx.patient_id = patient1_.id;
  rx.course_id = course->id;
  rx.pharmacy = "Apotek 1 Storgata";
  rx.formulation_json = R"({"strength_ug_per_ml":1000,"form":"oral_solution"})";
  rx.recorded_by = clinician_.id;
  rx.recorded_at = T0();
  Result<Prescription> created = store_->CreatePrescription(rx);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->status, PrescriptionStatus::kIssued);

  rx.course_id = other->id;  // patient 2's course for patient 1: refused
  EXPECT_EQ(store_->CreatePrescription(rx).status().code(), Code::kNotFound);

  User u;
  u.username = "pharma";
  u.role = Role::kPharmacist;
  u.password_hash = "h";
  Result<User> pharmacist = store_->CreateUser(u);
  ASSERT_TRUE(pharmacist.ok());
  ASSERT_TRUE(
      store_->SetPrescriptionStatus(patient1_.id, created->id, PrescriptionStatus::kVerified, pharmacist->id, At(10))
          .ok());
  ASSERT_TRUE(
      store_->SetPrescriptionStatus(patient1_.id, created->id, PrescriptionStatus::kDispensed, std::nullopt, At(20))
          .ok());
  Result<Prescription> got = store_->GetPrescription(patient1_.id, created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, PrescriptionStatus::kDispensed);
  EXPECT_EQ(got->pharmacist_user_id, std::optional<Id>(pharmacist->id));  // kept
  EXPECT_EQ(got->updated_at, At(20));
  EXPECT_EQ(got->formulation_json, rx.formulation_json);
  EXPECT_EQ(
      store_->SetPrescriptionStatus(patient1_.id, created->id, PrescriptionStatus::kCancelled, 9999, At(30)).code(),
      Code::kNotFound);
  EXPECT_EQ(store_->GetPrescription(patient2_.id, created->id).status().code(), Code::kNotFound);

  Result<std::vector<Prescription>> queue = store_->ListPrescriptionsForPharmacy("Apotek 1 Storgata");
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 1u);
  EXPECT_TRUE(store_->ListPrescriptionsForPharmacy("elsewhere")->empty());
  EXPECT_EQ(store_->ListPrescriptions(patient1_.id)->size(), 1u);
}

TEST_P(StoreContractTest, DoseLogIsIdempotentByClientId) {
  Seed();
  DoseLogEntry d;
  d.patient_id = patient1_.id;
  d.local_date = Day(2026, 11, 20);
  d.local_time = TimeOfDay{22 * 60 + 30};
  d.dose_micrograms_hcl = 1500;
  d.client_id = "dose-1";
  d.note = "with water";
  d.recorded_by = patient_user_.id;
  d.recorded_at = T0();
  Result<DoseLogEntry> first = store_->AddDoseLogEntry(d);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  d.note = "replayed";  // a replay returns the stored entry unchanged
  Result<DoseLogEntry> again = store_->AddDoseLogEntry(d);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->note, "with water");
  d.dose_micrograms_hcl = 3000;  // same client id, different dose
  EXPECT_EQ(store_->AddDoseLogEntry(d).status().code(), Code::kConflict);

  d.client_id.reset();
  d.local_time.reset();
  d.local_date = Day(2026, 11, 21);
  d.taken = false;
  d.dose_micrograms_hcl = 0;
  ASSERT_TRUE(store_->AddDoseLogEntry(d).ok());
  d.dose_micrograms_hcl = -1;
  EXPECT_EQ(store_->AddDoseLogEntry(d).status().field(), "dose_micrograms_hcl");

  Result<std::vector<DoseLogEntry>> log = store_->ListDoseLog(patient1_.id, Day(2026, 11, 1), Day(2026, 11, 30));
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].local_date, Day(2026, 11, 20));
  EXPECT_EQ((*log)[0].local_time->minutes, 22 * 60 + 30);
  EXPECT_EQ((*log)[0].dose_micrograms_hcl, 1500);
  EXPECT_FALSE((*log)[1].taken);
  EXPECT_FALSE((*log)[1].local_time.has_value());
  EXPECT_EQ(store_->ListDoseLog(patient1_.id, Day(2026, 11, 21), Day(2026, 11, 21))->size(), 1u);
  EXPECT_EQ(store_->ListDoseLog(patient1_.id, Day(2026, 11, 30), Day(2026, 11, 1)).status().field(), "to");
  EXPECT_TRUE(store_->ListDoseLog(patient2_.id, Day(2026, 11, 1), Day(2026, 11, 30))->empty());
}

TEST_P(StoreContractTest, InstrumentResponsesAndAdverseEvents) {
  Seed();
  InstrumentResponse r;
  r.patient_id = patient1_.id;
  r.instrument = "fiqr";
  r.local_date = Day(2026, 11, 1);
  r.answers_json = "[5,5,5]";
  r.scores_json = R"({"total":42.5})";
  r.client_id = "fiqr-1";
  r.recorded_by = patient_user_.id;
  r.recorded_at = T0();
  Result<InstrumentResponse> first = store_->CreateInstrumentResponse(r);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  Result<InstrumentResponse> replay = store_->CreateInstrumentResponse(r);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->id, first->id);
  r.answers_json = "[1,1,1]";
  EXPECT_EQ(store_->CreateInstrumentResponse(r).status().code(), Code::kConflict);
  r.client_id.reset();
  r.instrument = "pgic";
  r.answers_json = "[6]";
  ASSERT_TRUE(store_->CreateInstrumentResponse(r).ok());
  EXPECT_EQ(store_->ListInstrumentResponses(patient1_.id)->size(), 2u);
  Result<std::vector<InstrumentResponse>> fiqr = store_->ListInstrumentResponses(patient1_.id, "fiqr");
  ASSERT_EQ(fiqr->size(), 1u);
  EXPECT_EQ((*fiqr)[0].scores_json, R"({"total":42.5})");
  EXPECT_EQ(store_->GetInstrumentResponse(patient2_.id, first->id).status().code(), Code::kNotFound);

  AdverseEvent ae;
  ae.patient_id = patient1_.id;
  ae.onset_date = Day(2026, 11, 3);
  ae.description = "vivid dreams";
  ae.severity = Severity::kModerate;
  ae.recorded_by = clinician_.id;
  ae.recorded_at = T0();
  Result<AdverseEvent> created = store_->CreateAdverseEvent(ae);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  Result<AdverseEvent> got = store_->GetAdverseEvent(patient1_.id, created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->severity, Severity::kModerate);
  EXPECT_EQ(got->onset_date, Day(2026, 11, 3));
  EXPECT_FALSE(got->serious);
  EXPECT_EQ(store_->GetAdverseEvent(patient2_.id, created->id).status().code(), Code::kNotFound);
  ae.course_id = 9999;
  EXPECT_EQ(store_->CreateAdverseEvent(ae).status().code(), Code::kNotFound);
  ae.course_id.reset();
  ae.description = "";
  EXPECT_EQ(store_->CreateAdverseEvent(ae).status().field(), "description");
  EXPECT_EQ(store_->ListAdverseEvents(patient1_.id)->size(), 1u);
}

// ---- Diary ---------------------------------------------------------------------------------------

TEST_P(StoreContractTest, DiaryUpsertCreatesReplaysAndUpdatesWithHistory) {
  Seed();
  const LocalDate d = Day(2026, 11, 20);
  Result<DiaryUpsertResult> created = store_->UpsertDiary(Diary(d, "c-1", R"({"pain":6,"sleep":4})"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->outcome, DiaryUpsertOutcome::kCreated);
  EXPECT_EQ(created->entry.revision, 1);
  EXPECT_EQ(created->entry.created_at, T0());

  // The same write again (a retry after a lost response): nothing changes.
  DiaryEntry replay = Diary(d, "c-1", R"({"sleep": 4, "pain": 6})");  // same value, other spelling
  replay.recorded_at = At(60);
  Result<DiaryUpsertResult> replayed = store_->UpsertDiary(replay);
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_EQ(replayed->outcome, DiaryUpsertOutcome::kReplayed);
  EXPECT_EQ(replayed->entry.revision, 1);
  EXPECT_EQ(replayed->entry.items_json, R"({"pain":6,"sleep":4})");
  EXPECT_EQ(replayed->entry.recorded_at, T0());

  // An edit: revision 2, revision 1 kept.
  DiaryEntry edit = Diary(d, "c-2", R"({"pain":5,"sleep":4})");
  edit.recorded_at = At(120);
  Result<DiaryUpsertResult> updated = store_->UpsertDiary(edit);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->outcome, DiaryUpsertOutcome::kUpdated);
  EXPECT_EQ(updated->entry.revision, 2);
  EXPECT_EQ(updated->entry.created_at, T0());

  // A late replay of the first write does not undo the edit.
  Result<DiaryUpsertResult> late = store_->UpsertDiary(Diary(d, "c-1", R"({"pain":6,"sleep":4})"));
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->outcome, DiaryUpsertOutcome::kReplayed);
  EXPECT_EQ(late->entry.revision, 2);
  EXPECT_EQ(late->entry.items_json, R"({"pain":5,"sleep":4})");

  Result<DiaryEntry> current = store_->GetDiary(patient1_.id, d);
  ASSERT_TRUE(current.ok());
  EXPECT_EQ(current->items_json, R"({"pain":5,"sleep":4})");
  EXPECT_EQ(current->client_id, "c-2");
  EXPECT_EQ(current->recorded_at, At(120));
  Result<std::vector<DiaryEntry>> history = store_->ListDiaryRevisions(patient1_.id, d);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].revision, 1);
  EXPECT_EQ((*history)[0].items_json, R"({"pain":6,"sleep":4})");
  EXPECT_EQ((*history)[1].revision, 2);
  EXPECT_EQ((*history)[1].created_at, T0());
}

TEST_P(StoreContractTest, DiaryRefusesClientIdReuseAndStaleRevisions) {
  Seed();
  const LocalDate d = Day(2026, 11, 20);
  ASSERT_TRUE(store_->UpsertDiary(Diary(d, "c-1", R"({"pain":6})")).ok());
  Result<DiaryUpsertResult> other_items = store_->UpsertDiary(Diary(d, "c-1", R"({"pain":2})"));
  EXPECT_EQ(other_items.status().code(), Code::kConflict);
  EXPECT_THAT(other_items.status().message(), HasSubstr("client_id"));
  Result<DiaryUpsertResult> other_day = store_->UpsertDiary(Diary(Day(2026, 11, 21), "c-1", R"({"pain":6})"));
  EXPECT_EQ(other_day.status().code(), Code::kConflict);

  Result<DiaryUpsertResult> stale = store_->UpsertDiary(Diary(d, "c-2", R"({"pain":3})"), 0);
  EXPECT_EQ(stale.status().code(), Code::kConflict);
  EXPECT_THAT(stale.status().message(), HasSubstr("expected_revision"));
  Result<DiaryUpsertResult> fresh = store_->UpsertDiary(Diary(d, "c-2", R"({"pain":3})"), 1);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(fresh->entry.revision, 2);
  Result<DiaryUpsertResult> create_expecting_none = store_->UpsertDiary(Diary(Day(2026, 11, 22), "c-3", "{}"), 0);
  ASSERT_TRUE(create_expecting_none.ok());
  EXPECT_EQ(create_expecting_none->outcome, DiaryUpsertOutcome::kCreated);

  EXPECT_EQ(store_->UpsertDiary(Diary(d, "", "{}")).status().field(), "client_id");
  EXPECT_EQ(store_->UpsertDiary(Diary(d, "c-9", "[1,")).status().field(), "items_json");
  DiaryEntry wrong_patient = Diary(d, "c-9", "{}");
  wrong_patient.patient_id = 9999;
  EXPECT_EQ(store_->UpsertDiary(wrong_patient).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetDiary(patient2_.id, d).status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, DiaryListsByDateRange) {
  Seed();
  for (int day = 1; day <= 5; ++day) {
    ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 11, day), "c-" + std::to_string(day), "{}")).ok());
  }
  DiaryEntry other = Diary(Day(2026, 11, 3), "p2-3", "{}");
  other.patient_id = patient2_.id;
  ASSERT_TRUE(store_->UpsertDiary(other).ok());
  Result<std::vector<DiaryEntry>> week = store_->ListDiary(patient1_.id, Day(2026, 11, 2), Day(2026, 11, 4));
  ASSERT_TRUE(week.ok());
  ASSERT_EQ(week->size(), 3u);
  EXPECT_EQ((*week)[0].local_date, Day(2026, 11, 2));
  EXPECT_EQ((*week)[2].local_date, Day(2026, 11, 4));
  for (const DiaryEntry& e : *week) EXPECT_EQ(e.patient_id, patient1_.id);
  EXPECT_EQ(store_->ListDiary(patient1_.id, Day(2026, 11, 4), Day(2026, 11, 2)).status().field(), "to");
}

TEST_P(StoreContractTest, DiaryBatchIsAllOrNothing) {
  Seed();
  std::vector<DiaryEntry> batch = {Diary(Day(2026, 11, 1), "b-1", "{}"), Diary(Day(2026, 11, 2), "b-2", "{}")};
  Result<std::vector<DiaryUpsertResult>> ok = store_->UpsertDiaryBatch(batch);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[1].outcome, DiaryUpsertOutcome::kCreated);

  // A malformed second entry: refused before anything is written, and named.
  std::vector<DiaryEntry> bad = {Diary(Day(2026, 11, 3), "b-3", "{}"), Diary(Day(2026, 11, 4), "b-4", "nope")};
  EXPECT_EQ(store_->UpsertDiaryBatch(bad).status().field(), "[1].items_json");
  // A second entry that fails inside the database (patient missing): the first is rolled back.
  bad[1].items_json = "{}";
  bad[1].patient_id = 9999;
  EXPECT_EQ(store_->UpsertDiaryBatch(bad).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->GetDiary(patient1_.id, Day(2026, 11, 3)).status().code(), Code::kNotFound);
}

// ---- Transactions --------------------------------------------------------------------------------

TEST_P(StoreContractTest, RunInTransactionCommitsOrRollsBackTogether) {
  Seed();
  // Commit: a patient and their user appear together.
  Id new_patient = 0;
  Status committed = store_->RunInTransaction([&](Store& tx) -> Status {
    Patient p;
    p.display_name = "Lin";
    p.time_zone = "Asia/Tokyo";
    LDN_ASSIGN_OR_RETURN(Patient created, tx.CreatePatient(p));
    new_patient = created.id;
    User u;
    u.username = "lin";
    u.role = Role::kPatient;
    u.patient_id = created.id;
    u.password_hash = "h";
    return tx.CreateUser(u).status();
  });
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  EXPECT_TRUE(store_->GetPatient(new_patient).ok());
  EXPECT_EQ(store_->GetUserByUsername("lin")->patient_id, new_patient);

  // Rollback: the username is taken, so the patient made before it disappears too.
  Id doomed = 0;
  Status rolled_back = store_->RunInTransaction([&](Store& tx) -> Status {
    Patient p;
    p.display_name = "Mo";
    p.time_zone = "UTC";
    LDN_ASSIGN_OR_RETURN(Patient created, tx.CreatePatient(p));
    doomed = created.id;
    User u;
    u.username = "lin";
    u.role = Role::kPatient;
    u.patient_id = created.id;
    u.password_hash = "h";
    return tx.CreateUser(u).status();
  });
  EXPECT_EQ(rolled_back.code(), Code::kConflict);
  ASSERT_GT(doomed, 0);
  EXPECT_EQ(store_->GetPatient(doomed).status().code(), Code::kNotFound);

  // A failed call inside a body undoes only itself; the body may carry on and commit.
  Status carried_on = store_->RunInTransaction([&](Store& tx) -> Status {
    EXPECT_EQ(tx.CreateUser(User{0, "dr.who", Role::kClinician, std::nullopt, "h", false, T0()}).status().code(),
              Code::kConflict);
    LDN_RETURN_IF_ERROR(tx.UpsertDiary(Diary(Day(2026, 11, 9), "t-1", "{}")).status());
    // Nested transactions are savepoints.
    Status inner = tx.RunInTransaction([&](Store& inner_tx) -> Status {
      LDN_RETURN_IF_ERROR(inner_tx.UpsertDiary(Diary(Day(2026, 11, 10), "t-2", "{}")).status());
      return Status::Conflict("changed my mind");
    });
    EXPECT_EQ(inner.code(), Code::kConflict);
    return Status::Ok();
  });
  ASSERT_TRUE(carried_on.ok()) << carried_on.ToString();
  EXPECT_TRUE(store_->GetDiary(patient1_.id, Day(2026, 11, 9)).ok());
  EXPECT_EQ(store_->GetDiary(patient1_.id, Day(2026, 11, 10)).status().code(), Code::kNotFound);
}

// ---- Audit ---------------------------------------------------------------------------------------

TEST_P(StoreContractTest, AuditAppendsAHashChain) {
  Seed();
  Result<AuditEvent> first = store_->AppendAudit(Audit("diary.read", patient1_.id));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->seq, 1);
  EXPECT_EQ(first->prev_hash, kAuditGenesisHash);
  EXPECT_EQ(first->hash, AuditHash(kAuditGenesisHash, *first));
  EXPECT_EQ(first->hash.size(), 64u);

  AuditEvent anonymous = Audit("session.create", std::nullopt);
  anonymous.actor_user_id.reset();
  anonymous.role = "anonymous";
  anonymous.outcome = "denied";
  anonymous.detail = "bad password";
  Result<std::vector<AuditEvent>> batch =
      store_->AppendAuditBatch({anonymous, Audit("diary.write", patient2_.id), Audit("diary.read", patient2_.id)});
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->size(), 3u);
  EXPECT_EQ((*batch)[0].seq, 2);
  EXPECT_EQ((*batch)[0].prev_hash, first->hash);
  EXPECT_EQ((*batch)[2].seq, 4);

  Result<std::vector<AuditEvent>> all = store_->ListAudit({});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[1].role, "anonymous");
  EXPECT_FALSE((*all)[1].actor_user_id.has_value());
  EXPECT_EQ((*all)[1].detail, "bad password");
  EXPECT_EQ((*all)[3].hash, (*batch)[2].hash);

  AuditQuery q;
  q.patient_id = patient2_.id;
  Result<std::vector<AuditEvent>> p2 = store_->ListAudit(q);
  ASSERT_TRUE(p2.ok());
  ASSERT_EQ(p2->size(), 2u);
  EXPECT_EQ((*p2)[0].seq, 3);
  q.after_seq = 3;
  EXPECT_EQ(store_->ListAudit(q)->size(), 1u);
  AuditQuery by_actor;
  by_actor.actor_user_id = clinician_.id;
  by_actor.limit = 2;
  Result<std::vector<AuditEvent>> limited = store_->ListAudit(by_actor);
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[1].seq, 3);
  by_actor.limit = 0;
  EXPECT_EQ(store_->ListAudit(by_actor).status().field(), "limit");

  Result<AuditVerification> v = store_->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok) << v->problem;
  EXPECT_EQ(v->events_checked, 4);

  AuditEvent bad = Audit("", patient1_.id);
  EXPECT_EQ(store_->AppendAudit(bad).status().field(), "action");
  EXPECT_EQ(store_->AppendAuditBatch({Audit("x", std::nullopt), bad}).status().field(), "[1].action");
  EXPECT_EQ(store_->ListAudit({})->size(), 4u);  // the batch wrote nothing
}

TEST_P(StoreContractTest, EmptyAuditVerifies) {
  Result<AuditVerification> v = store_->VerifyAudit();
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->ok);
  EXPECT_EQ(v->events_checked, 0);
}

// ---- Concurrency ---------------------------------------------------------------------------------

// Several threads edit the same few days and append audit events at once: no write is lost, the
// revisions of each day are 1..n without gaps, and the audit chain stays one unbroken chain.
TEST_P(StoreContractTest, ConcurrentWritersLoseNothing) {
  Seed();
  constexpr int kThreads = 4;
  constexpr int kWritesPerThread = 15;
  constexpr int kDays = 3;
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWritesPerThread; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        DiaryEntry e = Diary(Day(2026, 11, 1 + (i % kDays)), id, R"({"pain":)" + std::to_string(i % 10) + "}");
        if (!store_->UpsertDiary(e).ok()) ++failures[t];
        if (!store_->AppendAudit(Audit("diary.write", patient1_.id)).ok()) ++failures[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;

  int revisions_total = 0;
  for (int d = 1; d <= kDays; ++d) {
    Result<std::vector<DiaryEntry>> revs = store_->ListDiaryRevisions(patient1_.id, Day(2026, 11, d));
    ASSERT_TRUE(revs.ok());
    for (size_t r = 0; r < revs->size(); ++r) EXPECT_EQ((*revs)[r].revision, static_cast<int>(r) + 1);
    Result<DiaryEntry> current = store_->GetDiary(patient1_.id, Day(2026, 11, d));
    ASSERT_TRUE(current.ok());
    EXPECT_EQ(current->revision, static_cast<int>(revs->size()));
    revisions_total += static_cast<int>(revs->size());
  }
  EXPECT_EQ(revisions_total, kThreads * kWritesPerThread);
  ExpectChainVerifies(kThreads * kWritesPerThread);
}

// Many threads append audit events at once (the server audits every request this way): every
// event is stored once, in one gapless chain that verifies.
TEST_P(StoreContractTest, ConcurrentAuditAppendsFormOneChain) {
  Seed();
  constexpr int kThreads = 8, kEach = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        AuditEvent e = Audit("diary.read", patient1_.id);
        e.object = "thread" + std::to_string(t) + "/" + std::to_string(i);
        if (!store_->AppendAudit(e).ok()) ++failures;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  const std::vector<AuditEvent> events = AllAudit();
  ASSERT_EQ(events.size(), static_cast<size_t>(kThreads * kEach));
  std::set<std::string> objects;
  for (const AuditEvent& e : events) objects.insert(e.object);
  EXPECT_EQ(objects.size(), static_cast<size_t>(kThreads * kEach));
  ExpectChainVerifies(kThreads * kEach);
}

// Concurrent transactions share group commits (store.h): each caller still gets its own outcome,
// a body that fails has nothing of it stored, and the bodies that succeed in the same group are
// all stored. One slow body per round holds the group open so that the others queue behind it
// and run together in the next one.
TEST_P(StoreContractTest, GroupCommitKeepsEachCallersOutcome) {
  Seed();
  constexpr int kThreads = 8, kRounds = 5;
  std::vector<std::thread> threads;
  std::vector<std::vector<Status>> outcomes(kThreads, std::vector<Status>(kRounds, Status::Ok()));
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        const std::string id = "t" + std::to_string(t) + "r" + std::to_string(r);
        outcomes[t][r] = store_->RunInTransaction([&](Store& tx) -> Status {
          if (t == 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
          DiaryEntry e = Diary(Day(2026, 1 + r, 1 + t), id, R"({"pain":3})");
          LDN_RETURN_IF_ERROR(tx.UpsertDiary(e).status());
          AuditEvent a = Audit("diary.write", patient1_.id);
          a.object = id;
          LDN_RETURN_IF_ERROR(tx.AppendAudit(a).status());
          if (t % 2 == 1) return Status::InvalidArgument("odd" + std::to_string(t), "refused after writing");
          return Status::Ok();
        });
      }
    });
  }
  for (std::thread& th : threads) th.join();
  int stored = 0;
  for (int t = 0; t < kThreads; ++t) {
    for (int r = 0; r < kRounds; ++r) {
      const Result<DiaryEntry> entry = store_->GetDiary(patient1_.id, Day(2026, 1 + r, 1 + t));
      if (t % 2 == 1) {
        EXPECT_EQ(outcomes[t][r].code(), Code::kInvalidArgument) << t << "/" << r;
        EXPECT_EQ(outcomes[t][r].field(), "odd" + std::to_string(t));
        EXPECT_EQ(entry.status().code(), Code::kNotFound) << "a failed body's write was kept: " << t << "/" << r;
      } else {
        EXPECT_TRUE(outcomes[t][r].ok()) << outcomes[t][r].ToString();
        EXPECT_TRUE(entry.ok()) << "a successful body's write was lost: " << t << "/" << r;
        ++stored;
      }
    }
  }
  EXPECT_EQ(stored, kThreads / 2 * kRounds);
  const std::vector<AuditEvent> events = AllAudit();
  EXPECT_EQ(events.size(), static_cast<size_t>(stored));
  for (const AuditEvent& e : events) EXPECT_EQ(e.object.find("t1r"), std::string::npos) << e.object;
  ExpectChainVerifies();
}

// SubmitTransaction answers every submission exactly once, after the commit that holds its work,
// with its own outcome; the store's destructor answers what is still queued.
TEST_P(StoreContractTest, SubmittedTransactionsAreAnsweredWithTheirOwnOutcome) {
  Seed();
  constexpr int kSubmissions = 40;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::optional<Status>> answers(kSubmissions);
  int answered = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kSubmissions; i += 4) {
        store_->SubmitTransaction(
            [this, i](Store& tx) -> Status {
              LDN_RETURN_IF_ERROR(
                  tx.UpsertDiary(Diary(Day(2026, 1 + i / 28, 1 + i % 28), "s" + std::to_string(i), R"({"pain":1})"))
                      .status());
              if (i % 2 == 1) return Status::InvalidArgument("odd" + std::to_string(i), "refused after writing");
              return Status::Ok();
            },
            [&, i](Status s) {
              std::lock_guard<std::mutex> lock(mu);
              EXPECT_FALSE(answers[i].has_value()) << "answered twice: " << i;
              answers[i] = s;
              ++answered;
              cv.notify_all();
            });
      }
    });
  }
  for (std::thread& th : threads) th.join();
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return answered == kSubmissions; }));
  }
  for (int i = 0; i < kSubmissions; ++i) {
    const Result<DiaryEntry> entry = store_->GetDiary(patient1_.id, Day(2026, 1 + i / 28, 1 + i % 28));
    if (i % 2 == 1) {
      EXPECT_EQ(answers[i]->field(), "odd" + std::to_string(i));
      EXPECT_EQ(entry.status().code(), Code::kNotFound) << i;
    } else {
      EXPECT_TRUE(answers[i]->ok()) << answers[i]->ToString();
      EXPECT_TRUE(entry.ok()) << i;
    }
  }
  // Submitted just before the store closes: still answered, and committed.
  int late = 0;
  for (int i = 0; i < 10; ++i) {
    store_->SubmitTransaction(
        [this, i](Store& tx) {
          return tx.UpsertDiary(Diary(Day(2027, 1, 1 + i), "late" + std::to_string(i), R"({"pain":2})")).status();
        },
        [&](Status s) {
          std::lock_guard<std::mutex> lock(mu);
          if (s.ok()) ++late;
        });
  }
  if (IsMemory()) {
    store_.reset();
    EXPECT_EQ(late, 10);
    return;
  }
  Reopen();
  EXPECT_EQ(late, 10);
  Result<std::vector<DiaryEntry>> stored = store_->ListDiary(patient1_.id, Day(2027, 1, 1), Day(2027, 1, 31));
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 10u);
}

// ---- The clinician's panel (issue 13, item 5) -----------------------------------------------------

TEST_P(StoreContractTest, PanelQueriesAnswerForTheVisiblePatientsOnly) {
  Seed();
  // The clinician's team holds patient2_ only; patient1_ is outside it (and its own user sees it).
  Result<CareTeam> team = store_->CreateCareTeam({0, "Panel team", T0()});
  ASSERT_TRUE(team.ok());
  ASSERT_TRUE(store_->AddCareTeamMember(team->id, clinician_.id, T0()).ok());
  ASSERT_TRUE(store_->AddCareTeamPatient(team->id, patient2_.id, T0()).ok());

  // Diaries: patient1_ on 11-20 and 11-22, patient2_ on 11-18 (twice: an edit) and 11-19.
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 11, 20), "a", R"({"pain":5})")).ok());
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 11, 22), "b", R"({"pain":4})")).ok());
  for (auto [day, id] : {std::pair{18u, "c"}, std::pair{18u, "d"}, std::pair{19u, "e"}}) {
    DiaryEntry e = Diary(Day(2026, 11, day), id, R"({"pain":6})");
    e.patient_id = patient2_.id;
    e.recorded_by = clinician_.id;
    ASSERT_TRUE(store_->UpsertDiary(e).ok());
  }
  auto dates = store_->ListLatestDiaryDates(clinician_.id);
  ASSERT_TRUE(dates.ok()) << dates.status().ToString();
  ASSERT_EQ(dates->size(), 1u);
  EXPECT_EQ((*dates)[0].first, patient2_.id);
  EXPECT_EQ((*dates)[0].second, Day(2026, 11, 19));
  auto own = store_->ListLatestDiaryDates(patient_user_.id);
  ASSERT_TRUE(own.ok());
  ASSERT_EQ(own->size(), 1u);
  EXPECT_EQ((*own)[0].first, patient1_.id);
  EXPECT_EQ((*own)[0].second, Day(2026, 11, 22));
  EXPECT_EQ(store_->ListLatestDiaryDates(9999).status().code(), Code::kNotFound);

  // Courses: only active and paused ones of visible patients.
  Result<Course> planned = store_->CreateCourse(MakeCourse(patient2_.id));
  Result<Course> active = store_->CreateCourse(MakeCourse(patient2_.id));
  Result<Course> stopped = store_->CreateCourse(MakeCourse(patient2_.id));
  Result<Course> elsewhere = store_->CreateCourse(MakeCourse(patient1_.id));
  ASSERT_TRUE(planned.ok() && active.ok() && stopped.ok() && elsewhere.ok());
  ASSERT_TRUE(store_->SetCourseStatus(patient2_.id, active->id, CourseStatus::kActive, Day(2026, 11, 1), At(5)).ok());
  ASSERT_TRUE(store_->SetCourseStatus(patient2_.id, stopped->id, CourseStatus::kStopped, std::nullopt, At(5)).ok());
  ASSERT_TRUE(
      store_->SetCourseStatus(patient1_.id, elsewhere->id, CourseStatus::kActive, Day(2026, 11, 1), At(5)).ok());
  auto courses = store_->ListVisibleOpenCourses(clinician_.id);
  ASSERT_TRUE(courses.ok()) << courses.status().ToString();
  ASSERT_EQ(courses->size(), 1u);
  EXPECT_EQ((*courses)[0].id, active->id);
  EXPECT_EQ((*courses)[0].patient_id, patient2_.id);
  EXPECT_EQ((*courses)[0].status, CourseStatus::kActive);
  EXPECT_EQ((*courses)[0].start_date, Day(2026, 11, 1));
  EXPECT_EQ((*courses)[0].plan_json, active->plan_json);

  // Dose days: taken with a dose, within the range, once per day, visible patients only.
  auto dose = [&](Id patient, unsigned day, int64_t ug, bool taken) {
    DoseLogEntry d;
    d.patient_id = patient;
    d.local_date = Day(2026, 11, day);
    d.dose_micrograms_hcl = ug;
    d.taken = taken;
    d.recorded_by = clinician_.id;
    d.recorded_at = T0();
    ASSERT_TRUE(store_->AddDoseLogEntry(d).ok());
  };
  dose(patient2_.id, 10, 500, true);
  dose(patient2_.id, 10, 500, true);  // a second log on the same day counts once
  dose(patient2_.id, 11, 0, false);   // a skipped dose
  dose(patient2_.id, 12, 500, true);
  dose(patient2_.id, 25, 500, true);  // outside the range
  dose(patient1_.id, 12, 500, true);  // not visible to the clinician
  auto days = store_->ListTakenDoseDays(clinician_.id, Day(2026, 11, 1), Day(2026, 11, 20));
  ASSERT_TRUE(days.ok()) << days.status().ToString();
  ASSERT_EQ(days->size(), 2u);
  EXPECT_EQ((*days)[0], std::make_pair(patient2_.id, Day(2026, 11, 10)));
  EXPECT_EQ((*days)[1], std::make_pair(patient2_.id, Day(2026, 11, 12)));
  EXPECT_EQ(store_->ListTakenDoseDays(clinician_.id, Day(2026, 11, 20), Day(2026, 11, 1)).status().field(), "to");

  // A clinician outside every team sees nothing.
  User u;
  u.username = "dr.lonely";
  u.role = Role::kClinician;
  u.password_hash = "h";
  u.created_at = T0();
  Result<User> lonely = store_->CreateUser(u);
  ASSERT_TRUE(lonely.ok());
  EXPECT_TRUE(store_->ListLatestDiaryDates(lonely->id)->empty());
  EXPECT_TRUE(store_->ListVisibleOpenCourses(lonely->id)->empty());
  EXPECT_TRUE(store_->ListTakenDoseDays(lonely->id, Day(2026, 11, 1), Day(2026, 11, 30))->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, LDN_STORE_TEST_BACKENDS, testing::BackendName);

}  // namespace
}  // namespace ldn::store
