// The authorization matrix, generated from the route table: every route x every role x (for
// patient-scoped routes) the caller's own patient and another patient, plus the unauthenticated
// call. A route without an example below, or without an access descriptor, fails the test, so a
// new route cannot be forgotten.
//
// Expected: an allowed role on its own patient (or on a route without patient scope) -> 2xx;
// a role the route does not allow -> 403; an allowed role on another patient -> 404 "no such
// patient"; no credentials -> 401. Every refusal is a JSON error that holds no patient data.
#include <array>
#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "analysis/nof1_protocol.h"
#include "server/account_codes.h"
#include "server/auth.h"
#include "server/course_plans.h"
#include "server/orders.h"
#include "server/totp.h"
#include "server/web_push.h"
#include "server_fixture.h"

namespace ldn::testing {
namespace {

using store::Role;

const LocalDate kDiaryDate = *ParseDate("2026-11-20", "d");

struct PatientData {
  store::Id patient_id = 0;
  store::Id pharmacy_id = 0;  // where its orders go
  store::Id author = 0;       // its clinician
  std::string display_name;
  std::string research_id;
  std::map<std::string, std::string> params;  // path parameter -> value
  double dose_mg_on_diary_date = 0;
};

struct Example {
  std::map<std::string, std::string> params;  // overrides of the patient's params
  std::string body;
  std::string token_override;  // a session used instead of the caller's (logout)
};

class AuthorizationMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    store::Store& st = f_->store();
    const auto now = f_->clock().Now();
    const store::User admin = f_->AddUser("admin", Role::kAdmin);
    const store::User doc = f_->AddUser("doc", Role::kClinician);
    const store::User pharm = f_->AddUser("pharm", Role::kPharmacist);
    f_->AddUser("res", Role::kResearcher);
    const store::User pat = f_->AddUser("pat", Role::kPatient, "Alice Matrixpatient");
    const store::User doc2 = f_->AddUser("doc2", Role::kClinician);
    const store::User pat2 = f_->AddUser("pat2", Role::kPatient, "Bob Otherpatient");
    (void)admin;
    auto team_a = st.CreateCareTeam({0, "Team A", now});
    auto team_b = st.CreateCareTeam({0, "Team B", now});
    ASSERT_TRUE(team_a.ok() && team_b.ok());
    team_a_ = team_a->id;
    ASSERT_TRUE(st.AddCareTeamMember(team_a_, doc.id, now).ok());
    ASSERT_TRUE(st.AddCareTeamMember(team_a_, pharm.id, now).ok());
    ASSERT_TRUE(st.AddCareTeamPatient(team_a_, *pat.patient_id, now).ok());
    ASSERT_TRUE(st.AddCareTeamMember(team_b->id, doc2.id, now).ok());
    ASSERT_TRUE(st.AddCareTeamPatient(team_b->id, *pat2.patient_id, now).ok());
    // Issue 13: pharmacies as organisations, prescriber details and dates of birth, so that every
    // patient has a signed order -- the own patient's routed to pharm's pharmacy, the other
    // patient's to another (else pharm could see that patient too).
    auto pharmacy_a = st.CreatePharmacy({0, "Pharmacy A", "A street 1", "+47 1", now});
    auto pharmacy_b = st.CreatePharmacy({0, "Pharmacy B", "B street 2", "+47 2", now});
    ASSERT_TRUE(pharmacy_a.ok() && pharmacy_b.ok());
    pharmacy_a_ = pharmacy_a->id;
    ASSERT_TRUE(st.SetUserPharmacy(pharm.id, pharmacy_a_, now).ok());
    for (const store::User* u : {&doc, &doc2}) {
      ASSERT_TRUE(
          st.PutPrescriberProfile({u->id, "Dr " + u->username, "physician", "REG-" + u->username, "Clinic 1", "", now})
              .ok());
    }
    doc_ = doc;
    own_ = MakePatientData(*pat.patient_id, doc, pharmacy_a_);
    other_ = MakePatientData(*pat2.patient_id, doc2, pharmacy_b->id);
    for (const char* name : {"admin", "doc", "pharm", "res", "pat"}) {
      Account a = f_->Login(name);
      ASSERT_FALSE(a.token.empty()) << name;
      accounts_[a.role] = a;
    }
  }

  // Records of one patient, written through the store, so that every object route has a target.
  PatientData MakePatientData(store::Id patient_id, const store::User& author_user, store::Id pharmacy_id) {
    store::Store& st = f_->store();
    const auto now = f_->clock().Now();
    const store::Id author = author_user.id;
    store::PatientDemographics demographics;
    demographics.patient_id = patient_id;
    demographics.date_of_birth = *ParseDate("1980-01-31", "d");
    demographics.jurisdiction = "NO";  // the dispensing label's legal text (issue 14)
    demographics.updated_by = author;
    demographics.updated_at = now;
    EXPECT_TRUE(st.PutPatientDemographics(demographics).ok());
    PatientData d;
    d.pharmacy_id = pharmacy_id;
    d.author = author;
    d.patient_id = patient_id;
    auto p = st.GetPatient(patient_id);
    EXPECT_TRUE(p.ok());
    d.display_name = p->display_name;
    d.research_id = p->research_id;
    d.params["patient_id"] = std::to_string(patient_id);
    d.params["date"] = FormatDate(kDiaryDate);
    auto med = st.CreateMedication({0, patient_id, "sertraline", true, "{}", author, now});
    auto cond = st.CreateCondition({0, patient_id, "fibromyalgia", true, "{}", author, now});
    auto screening = st.CreateScreening({0, patient_id, "{}",
                                         R"({"verdict":"eligible","earliest_start":"2026-11-22","findings":[]})",
                                         "eligible", author, now});
    auto plan = server::BuildCoursePlan({{"protocol", "ldnrt-standard"}, {"start", "2026-10-01"}},
                                        nlohmann::json::array(), std::nullopt, "");
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    store::Course course;
    course.patient_id = patient_id;
    course.protocol = plan->protocol;
    course.plan_json = plan->plan_json;
    course.status = store::CourseStatus::kActive;
    course.start_date = plan->start;
    course.recorded_by = author;
    course.recorded_at = now;
    auto c = st.CreateCourse(course);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    for (const auto& s : plan->adjusted.plan.steps) {
      if (s.start <= kDiaryDate) d.dose_mg_on_diary_date = s.dose.milligrams_hcl();
    }
    auto rx = NewPrescription(patient_id, c->id, author_user, pharmacy_id);
    auto allergy = st.CreateAllergy({0, patient_id, "penicillin", true, "{}", author, now});
    EXPECT_TRUE(allergy.ok());
    d.params["allergy_id"] = std::to_string(allergy->id);
    store::InstrumentResponse ir;
    ir.patient_id = patient_id;
    ir.instrument = "pgic";
    ir.local_date = kDiaryDate;
    ir.answers_json = R"({"pgic":3})";
    ir.recorded_by = author;
    ir.recorded_at = now;
    auto inst = st.CreateInstrumentResponse(ir);
    store::AdverseEvent ae;
    ae.patient_id = patient_id;
    ae.onset_date = kDiaryDate;
    ae.description = "headache";
    ae.recorded_by = author;
    ae.recorded_at = now;
    auto event = st.CreateAdverseEvent(ae);
    EXPECT_TRUE(med.ok() && cond.ok() && screening.ok() && inst.ok() && event.ok());
    // Diary: two weeks of baseline before the course and every day since, so the analysis runs.
    std::vector<store::DiaryEntry> entries;
    for (LocalDate day = AddDays(plan->start, -14); day <= kDiaryDate; day = AddDays(day, 1)) {
      store::DiaryEntry e;
      e.patient_id = patient_id;
      e.local_date = day;
      e.items_json = nlohmann::json{{"pain", day < plan->start ? 7 : 5}, {"sleep", 4}}.dump();
      e.client_id = "seed-" + FormatDate(day);
      e.recorded_by = author;
      e.recorded_at = now;
      entries.push_back(e);
    }
    EXPECT_TRUE(st.UpsertDiaryBatch(entries).ok());
    d.params["medication_id"] = std::to_string(med->id);
    d.params["condition_id"] = std::to_string(cond->id);
    d.params["screening_id"] = std::to_string(screening->id);
    d.params["course_id"] = std::to_string(c->id);
    d.params["prescription_id"] = std::to_string(rx);
    d.params["response_id"] = std::to_string(inst->id);
    d.params["adverse_event_id"] = std::to_string(event->id);
    return d;
  }

  // An order drafted from the course (server::DraftOrder); signed unless `sign` is false.
  store::Id NewPrescription(store::Id patient_id, store::Id course_id, const store::User& author, store::Id pharmacy_id,
                            bool sign = true, bool capsules = false) {
    server::DraftOrderRequest r;
    r.patient_id = patient_id;
    r.course_id = course_id;
    r.pharmacy_id = pharmacy_id;
    r.capsules = capsules;
    r.strength_mg = capsules ? 1.5 : 1;
    r.prescriber_user_id = author.id;
    auto draft = server::DraftOrder(f_->store(), r, f_->clock().Now());
    EXPECT_TRUE(draft.ok()) << draft.status().ToString();
    if (!draft.ok()) return 0;
    if (sign) {
      auto signed_rx = server::SignDraftOrder(f_->store(), patient_id, draft->id, author, kTestPassword,
                                              f_->clock().Now(), f_->api().options().password_cost);
      EXPECT_TRUE(signed_rx.ok()) << signed_rx.status().ToString();
    }
    return draft->id;
  }

  // A lot of pharmacy A, written through the store (issue 14).
  store::Id NewLot() {
    store::IngredientLot l;
    l.pharmacy_id = pharmacy_a_;
    l.ingredient = "naltrexone HCl 50 mg tablets";
    l.manufacturer = "Acme";
    l.lot = "M" + std::to_string(++counter_);
    l.expiry = *ParseDate("2030-01-01", "expiry");
    l.unit = "tablet";
    l.quantity_milli = 100'000;
    l.received_by = doc_.id;
    l.received_at = f_->clock().Now();
    auto r = f_->store().CreateIngredientLot(l);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  // A prepared batch of pharmacy A for a new signed order of `d`, prepared by doc_ (so that the
  // pharmacist may check it), written through the store.
  store::Id NewBatch(const PatientData& d) {
    const store::Id rx = NewPrescription(d.patient_id, std::stoll(d.params.at("course_id")),
                                         *f_->store().GetUser(d.author), pharmacy_a_);
    store::Batch b;
    b.pharmacy_id = pharmacy_a_;
    b.orders = {{d.patient_id, rx}};
    b.form = "oral_liquid";
    b.strength_micrograms_hcl = 1000;
    b.quantity = 30;
    b.quantity_unit = "mL";
    b.prepared_on = *ParseDate("2026-12-01", "prepared_on");
    b.bud_date = *ParseDate("2026-12-31", "bud_date");
    b.prepared_by = doc_.id;
    b.prepared_at = f_->clock().Now();
    b.lots = {{NewLot(), 1000}};
    auto r = f_->store().CreateBatch(b);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  // NewBatch, released by a pharmacist other than pharm (so that pharm may print its label).
  store::Id NewReleasedBatch(const PatientData& d) {
    const store::Id id = NewBatch(d);
    const store::Id checker = f_->store().GetUserByUsername("pharm")->id;
    EXPECT_TRUE(f_->store().CheckBatch(id, store::BatchStatus::kReleased, checker, f_->clock().Now(), "{}", "").ok());
    return id;
  }

  // A released active capsule batch and its released placebo twin, for a new signed order of `d`
  // at pharmacy A (issue 14 kits), written through the store: {order, active, placebo}.
  std::array<store::Id, 3> NewKitPair(const PatientData& d, store::Id order = 0) {
    const store::Id rx = order ? order
                               : NewPrescription(d.patient_id, std::stoll(d.params.at("course_id")),
                                                 *f_->store().GetUser(d.author), pharmacy_a_, true, true);
    const store::Id checker = f_->store().GetUserByUsername("pharm")->id;
    std::array<store::Id, 3> out{rx, 0, 0};
    for (int i = 1; i <= 2; ++i) {
      store::Batch b;
      b.pharmacy_id = pharmacy_a_;
      b.orders = {{d.patient_id, rx}};
      b.form = "capsule";
      b.placebo = i == 2;
      b.strength_micrograms_hcl = b.placebo ? 0 : 1500;
      b.quantity = 30;
      b.quantity_unit = "capsule";
      b.prepared_on = *ParseDate("2026-12-01", "prepared_on");
      b.bud_date = *ParseDate("2027-05-31", "bud_date");
      b.prepared_by = doc_.id;
      b.prepared_at = f_->clock().Now();
      b.lots = {{NewLot(), 1000}};
      auto r = f_->store().CreateBatch(b);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (!r.ok()) return out;
      EXPECT_TRUE(
          f_->store().CheckBatch(r->id, store::BatchStatus::kReleased, checker, f_->clock().Now(), "{}", "").ok());
      out[i] = r->id;
    }
    return out;
  }

  // A kit of NewKitPair's batches, written through the store.
  store::Id NewKit(const PatientData& d, store::Id order = 0) {
    const auto [rx, active, placebo] = NewKitPair(d, order);
    store::Kit k;
    k.pharmacy_id = pharmacy_a_;
    k.kit_code = "K" + std::to_string(1000 + ++counter_);
    k.patient_id = d.patient_id;
    k.prescription_id = rx;
    k.pack_a_batch_id = active;
    k.pack_b_batch_id = placebo;
    k.created_by = doc_.id;
    k.created_at = f_->clock().Now();
    auto r = f_->store().CreateKit(k);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  // Cancels or ends the patient's open trial (a patient has one at most), through the store.
  void CloseTrials(const PatientData& d) {
    const auto trials = f_->store().ListTrials(d.patient_id);
    ASSERT_TRUE(trials.ok());
    for (const store::Trial& t : *trials) {
      store::Trial end;
      end.ended_by = d.author;
      end.ended_at = f_->clock().Now();
      if (t.status == store::TrialStatus::kDesigned) {
        EXPECT_TRUE(f_->store().MoveTrial(t.id, store::TrialStatus::kCancelled, end).ok());
      } else if (t.status == store::TrialStatus::kStarted) {
        EXPECT_TRUE(f_->store().MoveTrial(t.id, store::TrialStatus::kEnded, end).ok());
      }
    }
  }

  // A designed one-pair trial of `d` on a new signed capsule order at pharmacy A, written through
  // the store (issue 16), with its pair's kit when `with_kit`: {trial, order}.
  std::pair<store::Id, store::Id> NewTrial(const PatientData& d, bool with_kit) {
    CloseTrials(d);
    // The order goes to the patient's own pharmacy (the other patient's is not pharm's).
    const store::Id rx = NewPrescription(d.patient_id, std::stoll(d.params.at("course_id")),
                                         *f_->store().GetUser(d.author), d.pharmacy_id, true, true);
    analysis::TrialProtocol p;
    p.pairs = 1;
    store::Trial t;
    t.patient_id = d.patient_id;
    t.prescription_id = rx;
    t.protocol_json = analysis::CanonicalProtocolJson(p);
    t.protocol_sha256 = analysis::ProtocolSha256(p);
    t.designed_by = d.author;
    t.designed_at = f_->clock().Now();
    auto stored = f_->store().CreateTrial(t);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    if (!stored.ok()) return {0, rx};
    if (with_kit && d.pharmacy_id == pharmacy_a_) {
      auto k = f_->store().AssignTrialKit({stored->id, 0, 1, NewKit(d, rx), d.author, f_->clock().Now()});
      EXPECT_TRUE(k.ok()) << k.status().ToString();
    }
    return {stored->id, rx};
  }

  // A trial started on 2026-10-01 (through the store), with its kit for the own patient; `ended`
  // ends it too (as the end route would: ended and unblinded).
  store::Id StartedTrial(const PatientData& d, bool ended) {
    const auto [trial, rx] = NewTrial(d, true);
    (void)rx;
    store::Trial change;
    change.start_date = *ParseDate("2026-10-01", "d");
    change.started_by = d.author;
    change.started_at = f_->clock().Now();
    EXPECT_TRUE(f_->store().MoveTrial(trial, store::TrialStatus::kStarted, change).ok());
    if (ended) {
      change.ended_by = d.author;
      change.ended_at = f_->clock().Now();
      change.end_reason = "matrix";
      EXPECT_TRUE(f_->store().MoveTrial(trial, store::TrialStatus::kEnded, change).ok());
      change.unblinded_by = d.author;
      change.unblinded_at = f_->clock().Now();
      change.unblind_reason = "matrix";
      EXPECT_TRUE(f_->store().UnblindTrial(trial, change).ok());
    }
    return trial;
  }

  // A patient in team A without an account (for invitations).
  store::Id NewTeamPatient() {
    const store::Id id = NewPatient();
    EXPECT_TRUE(f_->store().AddCareTeamPatient(team_a_, id, f_->clock().Now()).ok());
    return id;
  }

  // A planned course of the patient (to discard), written through the store.
  store::Id NewPlannedCourse(store::Id patient_id) {
    auto plan = server::BuildCoursePlan({{"protocol", "ldnrt-standard"}, {"start", "2026-12-06"}},
                                        nlohmann::json::array(), std::nullopt, "");
    EXPECT_TRUE(plan.ok());
    store::Course c;
    c.patient_id = patient_id;
    c.protocol = plan->protocol;
    c.plan_json = plan->plan_json;
    c.start_date = plan->start;
    c.recorded_by = 1;
    c.recorded_at = f_->clock().Now();
    auto r = f_->store().CreateCourse(c);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  // A severe adverse event of the patient: it raises the red flag "ae.<id>" to acknowledge.
  store::Id NewSevereEvent(store::Id patient_id) {
    store::AdverseEvent ae;
    ae.patient_id = patient_id;
    ae.onset_date = kDiaryDate;
    ae.description = "fainted";
    ae.severity = store::Severity::kSevere;
    ae.recorded_by = 1;
    ae.recorded_at = f_->clock().Now();
    auto r = f_->store().CreateAdverseEvent(ae);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  // A new account of `role` (a patient with a new record), logged in; with TOTP set up when
  // `totp` (else a clinician, pharmacist or admin is logged in to set it up).
  Account Fresh(Role role, bool totp) {
    const std::string name = Unique("fresh");
    const store::User u = f_->AddUser(name, role, "Fresh Patient", false);
    if (totp) f_->EnrolTotp(u.id);
    Account a = f_->Login(name);
    EXPECT_FALSE(a.token.empty()) << name;
    return a;
  }

  // A user created directly in the store (no password: never logs in).
  store::Id NewUser(Role role) {
    store::User u;
    u.username = "spare" + std::to_string(++counter_);
    u.role = role;
    u.password_hash = "not-a-hash";
    u.created_at = f_->clock().Now();
    if (role == Role::kPatient) u.patient_id = NewPatient();
    auto r = f_->store().CreateUser(u);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r->id : 0;
  }

  store::Id NewPatient() {
    auto p = f_->store().CreatePatient({0, "Spare Patient", "UTC", "", f_->clock().Now()});
    EXPECT_TRUE(p.ok());
    return p.ok() ? p->id : 0;
  }

  std::string Unique(const std::string& prefix) { return prefix + std::to_string(++counter_); }

  // A browser's push subscription at the fixture's closed local port (ServerFixture allows
  // http://127.0.0.1:9), with real keys so that a test message encrypts.
  store::PushSubscription PushSub(store::Id patient_id) {
    const server::webpush::KeyPair ua = server::webpush::NewKeyPair();
    const std::vector<uint8_t> auth(16, 7);
    return {0,
            patient_id,
            "http://127.0.0.1:9/push/" + Unique("device"),
            server::webpush::Base64Url(ua.public_key),
            server::webpush::Base64Url(auth),
            doc_.id,
            f_->clock().Now(),
            {},
            ""};
  }
  Example StoredPushSub(store::Id patient_id, std::string body) {
    auto made = f_->store().AddPushSubscription(PushSub(patient_id));
    EXPECT_TRUE(made.ok());
    return Example{{{"subscription_id", std::to_string(made.ok() ? made->id : 0)}}, std::move(body), ""};
  }

  // One example request per route, keyed "METHOD pattern".
  std::map<std::string, std::function<Example(const PatientData&, const Account&)>> Examples() {
    using J = nlohmann::json;
    auto none = [](const PatientData&, const Account&) { return Example{}; };
    auto body = [](J j) { return [j](const PatientData&, const Account&) { return Example{{}, j.dump(), ""}; }; };
    const std::string p = "/api/v1/patients/{patient_id}";
    return {
        {"GET /api/v1/health", none},
        {"GET /api/v1/openapi.json", none},
        {"POST /api/v1/session", body({{"username", "pat"}, {"password", kTestPassword}})},
        {"DELETE /api/v1/session",
         [this](const PatientData&, const Account& caller) {
           Example e;
           e.token_override = f_->Login(caller.username).token;
           return e;
         }},
        {"GET /api/v1/me", none},
        // The caller's own account: a fresh account of the caller's role each time, so that the
        // matrix's own sessions keep their password and second factor.
        {"POST /api/v1/me/password",
         [this](const PatientData&, const Account& caller) {
           Example e;
           if (caller.token.empty()) return e;
           e.token_override = Fresh(caller.role, true).token;
           e.body = J{{"current_password", kTestPassword}, {"new_password", "a matrix passphrase"}}.dump();
           return e;
         }},
        {"POST /api/v1/me/totp",
         [this](const PatientData&, const Account& caller) {
           Example e;
           if (!caller.token.empty()) e.token_override = Fresh(caller.role, false).token;
           return e;
         }},
        {"POST /api/v1/me/totp/confirm",
         [this](const PatientData&, const Account& caller) {
           Example e;
           e.body = J{{"code", server::TotpCode(TestTotpSecret(),
                                                server::TotpStep(f_->clock().Now().time_since_epoch().count()))}}
                        .dump();
           if (caller.token.empty()) return e;
           const Account fresh = Fresh(caller.role, false);
           auto sealer = server::SecretSealer::WithKey(kTestTotpKey);
           EXPECT_TRUE(f_->store().SetPendingTotp(fresh.user_id, sealer->Seal(TestTotpSecret(), fresh.user_id)).ok());
           e.token_override = fresh.token;
           return e;
         }},
        {"POST /api/v1/me/totp/disable",
         [this](const PatientData&, const Account& caller) {
           Example e{{}, J{{"password", kTestPassword}}.dump(), ""};
           if (!caller.token.empty()) e.token_override = Fresh(caller.role, true).token;
           return e;
         }},
        {"POST /api/v1/me/recovery-codes",
         [this](const PatientData&, const Account& caller) {
           Example e{{}, J{{"password", kTestPassword}}.dump(), ""};
           if (!caller.token.empty()) e.token_override = Fresh(caller.role, true).token;
           return e;
         }},
        {"GET /api/v1/me/recovery-codes", none},
        {"GET /api/v1/users", none},
        {"POST /api/v1/users",
         [this](const PatientData&, const Account&) {
           return Example{
               {}, J{{"username", Unique("made")}, {"role", "researcher"}, {"password", "long enough pw"}}.dump(), ""};
         }},
        {"PATCH /api/v1/users/{user_id}",
         [this](const PatientData&, const Account&) {
           return Example{{{"user_id", std::to_string(NewUser(Role::kResearcher))}}, J{{"disabled", true}}.dump(), ""};
         }},
        {"GET /api/v1/care-teams", none},
        {"POST /api/v1/care-teams", body({{"name", "Another team"}})},
        {"POST /api/v1/care-teams/{team_id}/members",
         [this](const PatientData&, const Account&) {
           // A member must have set up two-step login (api_admin.cpp, AddMember).
           const store::Id u = NewUser(Role::kPharmacist);
           f_->EnrolTotp(u);
           return Example{{{"team_id", std::to_string(team_a_)}}, J{{"user_id", u}}.dump(), ""};
         }},
        {"DELETE /api/v1/care-teams/{team_id}/members/{user_id}",
         [this](const PatientData&, const Account&) {
           const store::Id u = NewUser(Role::kClinician);
           EXPECT_TRUE(f_->store().AddCareTeamMember(team_a_, u, f_->clock().Now()).ok());
           return Example{{{"team_id", std::to_string(team_a_)}, {"user_id", std::to_string(u)}}, "", ""};
         }},
        {"POST /api/v1/care-teams/{team_id}/patients",
         [this](const PatientData&, const Account&) {
           return Example{{{"team_id", std::to_string(team_a_)}}, J{{"patient_id", NewPatient()}}.dump(), ""};
         }},
        {"DELETE /api/v1/care-teams/{team_id}/patients/{member_patient_id}",
         [this](const PatientData&, const Account&) {
           const store::Id pid = NewPatient();
           EXPECT_TRUE(f_->store().AddCareTeamPatient(team_a_, pid, f_->clock().Now()).ok());
           return Example{{{"team_id", std::to_string(team_a_)}, {"member_patient_id", std::to_string(pid)}}, "", ""};
         }},
        {"GET /api/v1/audit", none},
        {"GET /api/v1/audit/verify", none},
        {"GET /api/v1/research/summary", none},
        {"GET /api/v1/patients", none},
        {"POST /api/v1/patients",
         [this](const PatientData&, const Account&) {
           return Example{
               {}, J{{"display_name", "New Patient"}, {"time_zone", "UTC"}, {"care_team_id", team_a_}}.dump(), ""};
         }},
        {"GET " + p, none},
        {"PATCH " + p,
         [](const PatientData& d, const Account&) {
           return Example{{}, J{{"display_name", d.display_name}}.dump(), ""};
         }},
        {"GET " + p + "/medications", none},
        {"POST " + p + "/medications", body({{"name", "amitriptyline"}, {"dose", "10 mg"}})},
        {"PATCH " + p + "/medications/{medication_id}", body({{"active", false}})},
        {"GET " + p + "/conditions", none},
        // An "info" condition: a review finding would make the gated course below need acknowledgements.
        {"POST " + p + "/conditions", body({{"name", "high blood pressure"}})},
        {"PATCH " + p + "/conditions/{condition_id}", body({{"note", "stable"}})},
        {"POST " + p + "/screenings", body(J::object())},
        {"GET " + p + "/screenings", none},
        {"GET " + p + "/screenings/{screening_id}", none},
        // The 14 baseline days before 2026-12-06 are all still to come: the course gate allows it.
        {"POST " + p + "/courses", body({{"protocol", "ldnrt-standard"}, {"start", "2026-12-06"}})},
        {"GET " + p + "/courses", none},
        {"GET " + p + "/courses/{course_id}", none},
        {"PUT " + p + "/courses/{course_id}/status", body({{"status", "active"}})},
        {"POST " + p + "/courses/{course_id}/adjustments", body({{"reason", "matrix"}, {"events", J::array()}})},
        {"GET " + p + "/courses/{course_id}/adjustments", none},
        {"POST " + p + "/prescriptions",
         [](const PatientData& d, const Account&) {
           return Example{{},
                          J{{"course_id", std::stoll(d.params.at("course_id"))},
                            {"pharmacy_id", d.pharmacy_id},
                            {"formulation", {{"form", "liquid"}, {"strength_mg", 1}}}}
                              .dump(),
                          ""};
         }},
        {"GET " + p + "/prescriptions", none},
        {"GET " + p + "/prescriptions/{prescription_id}", none},
        {"PUT " + p + "/prescriptions/{prescription_id}/status",
         [this](const PatientData& d, const Account&) {
           const store::Id rx = NewPrescription(d.patient_id, std::stoll(d.params.at("course_id")),
                                                *f_->store().GetUser(d.author), d.pharmacy_id);
           return Example{
               {{"prescription_id", std::to_string(rx)}}, J{{"status", "cancelled"}, {"reason", "matrix"}}.dump(), ""};
         }},
        {"POST " + p + "/prescriptions/{prescription_id}/sign",
         [this](const PatientData& d, const Account& caller) {
           // A draft of the caller when the caller is a clinician (only its prescriber signs).
           const store::User author = caller.role == Role::kClinician && &d == &own_
                                          ? *f_->store().GetUser(caller.user_id)
                                          : *f_->store().GetUser(d.author);
           const store::Id rx =
               NewPrescription(d.patient_id, std::stoll(d.params.at("course_id")), author, d.pharmacy_id, false);
           return Example{{{"prescription_id", std::to_string(rx)}}, J{{"password", kTestPassword}}.dump(), ""};
         }},
        {"GET " + p + "/prescriptions/{prescription_id}/pdf", none},
        {"GET /api/v1/pharmacy/orders", none},
        // Issue 14: the pharmacy's record (pharmacists of the pharmacy only).
        {"POST /api/v1/lots", body({{"ingredient", "microcrystalline cellulose"},
                                    {"manufacturer", "JRS"},
                                    {"lot", "MX1"},
                                    {"expiry", "2030-01-01"},
                                    {"quantity", 500},
                                    {"unit", "g"}})},
        {"GET /api/v1/lots", none},
        {"POST /api/v1/batches",
         [this](const PatientData& d, const Account&) {
           const store::Id rx = NewPrescription(d.patient_id, std::stoll(d.params.at("course_id")),
                                                *f_->store().GetUser(d.author), pharmacy_a_);
           return Example{{},
                          J{{"prescription_ids", {rx}},
                            {"quantity", 50},
                            {"deviation_reason", "matrix"},
                            {"date", "2026-12-01"},
                            {"lots", {{{"lot_id", NewLot()}, {"amount", 1}}}}}
                              .dump(),
                          ""};
         }},
        {"GET /api/v1/batches", none},
        {"GET " + p + "/dispensings", none},
        {"GET /api/v1/master-formulas", none},
        {"GET /api/v1/batches/{batch_id}",
         [this](const PatientData& d, const Account&) {
           return Example{{{"batch_id", std::to_string(NewBatch(d))}}, "", ""};
         }},
        {"GET /api/v1/batches/{batch_id}/label",
         [this](const PatientData& d, const Account&) {
           return Example{{{"batch_id", std::to_string(NewReleasedBatch(d))}}, "", ""};
         }},
        {"GET /api/v1/batches/{batch_id}/counselling",
         [this](const PatientData& d, const Account&) {
           return Example{{{"batch_id", std::to_string(NewReleasedBatch(d))}}, "", ""};
         }},
        {"POST /api/v1/batches/{batch_id}/check",
         [this](const PatientData& d, const Account&) {
           return Example{{{"batch_id", std::to_string(NewBatch(d))}},
                          J{{"password", kTestPassword},
                            {"decision", "reject"},
                            {"reason", "matrix"},
                            {"qc", {{"appearance", "fail"}}}}
                              .dump(),
                          ""};
         }},
        // Issue 14 item 5: placebo-twin kits; the link is for the kit pharmacy's pharmacists only.
        {"POST /api/v1/kits",
         [this](const PatientData& d, const Account&) {
           const auto [rx, active, placebo] = NewKitPair(d);
           return Example{
               {}, J{{"prescription_id", rx}, {"active_batch_id", active}, {"placebo_batch_id", placebo}}.dump(), ""};
         }},
        {"GET /api/v1/kits", none},
        {"GET /api/v1/kits/{kit_id}",
         [this](const PatientData& d, const Account&) {
           return Example{{{"kit_id", std::to_string(NewKit(d))}}, "", ""};
         }},
        {"GET /api/v1/kits/{kit_id}/packs/{pack}/label",
         [this](const PatientData& d, const Account&) {
           return Example{{{"kit_id", std::to_string(NewKit(d))}, {"pack", "B"}}, "", ""};
         }},
        {"GET /api/v1/kits/{kit_id}/counselling",
         [this](const PatientData& d, const Account&) {
           return Example{{{"kit_id", std::to_string(NewKit(d))}}, "", ""};
         }},
        {"POST /api/v1/kits/{kit_id}/unblind",
         [this](const PatientData& d, const Account&) {
           return Example{{{"kit_id", std::to_string(NewKit(d))}},
                          J{{"password", kTestPassword}, {"reason", "matrix"}}.dump(),
                          ""};
         }},
        // Issue 16: blinded N-of-1 trials; the link stays with the pharmacy.
        {"GET " + p + "/trials", none},
        {"POST " + p + "/trials",
         [this](const PatientData& d, const Account&) {
           CloseTrials(d);
           const store::Id rx = NewPrescription(d.patient_id, std::stoll(d.params.at("course_id")),
                                                *f_->store().GetUser(d.author), d.pharmacy_id, true, true);
           return Example{{}, J{{"prescription_id", rx}, {"protocol", {{"pairs", 1}}}}.dump(), ""};
         }},
        {"POST " + p + "/trials/{trial_id}/start",
         [this](const PatientData& d, const Account&) {
           return Example{
               {{"trial_id", std::to_string(NewTrial(d, true).first)}}, J{{"start_date", "2026-11-23"}}.dump(), ""};
         }},
        {"POST " + p + "/trials/{trial_id}/cancel",
         [this](const PatientData& d, const Account&) {
           return Example{{{"trial_id", std::to_string(NewTrial(d, false).first)}}, J{{"reason", "matrix"}}.dump(), ""};
         }},
        {"POST " + p + "/trials/{trial_id}/periods/{period}/answer",
         [this](const PatientData& d, const Account&) {
           // A trial started in the past (through the store): its first period has ended.
           const auto [trial, rx] = NewTrial(d, d.pharmacy_id == pharmacy_a_);
           (void)rx;
           store::Trial start;
           start.start_date = *ParseDate("2026-10-01", "d");
           start.started_by = d.author;
           start.started_at = f_->clock().Now();
           EXPECT_TRUE(f_->store().MoveTrial(trial, store::TrialStatus::kStarted, start).ok());
           return Example{{{"trial_id", std::to_string(trial)}, {"period", "1"}},
                          J{{"guess", "dont_know"}, {"pgic", 4}}.dump(),
                          ""};
         }},
        {"GET /api/v1/trial-designs/defaults", none},
        {"POST " + p + "/trials/{trial_id}/end",
         [this](const PatientData& d, const Account&) {
           return Example{{{"trial_id", std::to_string(StartedTrial(d, false))}}, J{{"reason", "matrix"}}.dump(), ""};
         }},
        {"POST " + p + "/trials/{trial_id}/unblind",
         [this](const PatientData& d, const Account&) {
           return Example{{{"trial_id", std::to_string(StartedTrial(d, false))}},
                          J{{"password", kTestPassword}, {"reason", "matrix"}}.dump(),
                          ""};
         }},
        {"GET " + p + "/trials/{trial_id}/analysis",
         [this](const PatientData& d, const Account&) {
           return Example{{{"trial_id", std::to_string(StartedTrial(d, true))}}, "", ""};
         }},
        {"GET " + p + "/trials/{trial_id}/report.pdf",
         [this](const PatientData& d, const Account&) {
           return Example{{{"trial_id", std::to_string(StartedTrial(d, true))}}, "", ""};
         }},
        {"GET " + p + "/trials/{trial_id}/letter.pdf",
         [this](const PatientData& d, const Account&) {
           return Example{{{"trial_id", std::to_string(StartedTrial(d, true))}}, "", ""};
         }},
        {"POST /api/v1/trial-designs/simulate",
         body({{"protocol", {{"pairs", 1}, {"period_days", 14}, {"run_in_days", 7}}}, {"trials", 5}})},
        {"GET /api/v1/research/trials/pool", none},
        {"POST /api/v1/research/trials/pool", body({{"csv", "id,estimate,sd\na,-1,0.5\nb,0,0.5\n"}})},
        {"GET /api/v1/pharmacy/trials", none},
        {"POST /api/v1/pharmacy/trials/{trial_id}/kits",
         [this](const PatientData& d, const Account&) {
           const auto [trial, rx] = NewTrial(d, false);
           return Example{{{"trial_id", std::to_string(trial)}}, J{{"pair", 1}, {"kit_id", NewKit(d, rx)}}.dump(), ""};
         }},
        {"GET /api/v1/prescriptions/verify", none},
        {"GET " + p + "/allergies", none},
        {"POST " + p + "/allergies", body({{"substance", "latex"}, {"reaction", "rash"}})},
        {"PATCH " + p + "/allergies/{allergy_id}", body({{"severity", "mild"}})},
        {"PATCH " + p + "/adverse-events/{adverse_event_id}", body({{"outcome", "recovering"}})},
        {"GET " + p + "/diary-changes", none},
        {"GET " + p + "/timeline", none},
        {"GET " + p + "/messages", none},
        {"POST " + p + "/messages", body({{"body", "A question for my clinic"}})},
        {"POST " + p + "/messages/read", body({{"up_to_id", 1}})},
        {"POST " + p + "/invitations",
         [this](const PatientData& d, const Account&) {
           // The own patient has an account already: invite a new patient of team A instead.
           Example e;
           if (&d == &own_) e.params["patient_id"] = std::to_string(NewTeamPatient());
           return e;
         }},
        {"GET " + p + "/invitations", none},
        {"POST /api/v1/invitations/accept",
         [this](const PatientData&, const Account&) {
           auto code = server::IssueAccountCode(f_->store(), store::AccountCodePurpose::kInvitation, NewPatient(),
                                                std::nullopt, doc_.id, f_->clock().Now());
           EXPECT_TRUE(code.ok());
           return Example{
               {}, J{{"code", code->code}, {"username", Unique("invited")}, {"password", kTestPassword}}.dump(), ""};
         }},
        {"POST /api/v1/users/{user_id}/password-code",
         [this](const PatientData&, const Account&) {
           return Example{{{"user_id", std::to_string(NewUser(Role::kResearcher))}}, "", ""};
         }},
        {"POST /api/v1/password-codes/accept",
         [this](const PatientData&, const Account&) {
           auto code = server::IssueAccountCode(f_->store(), store::AccountCodePurpose::kPassword, std::nullopt,
                                                NewUser(Role::kResearcher), doc_.id, f_->clock().Now());
           EXPECT_TRUE(code.ok());
           return Example{{}, J{{"code", code->code}, {"password", kTestPassword}}.dump(), ""};
         }},
        {"GET /api/v1/pharmacies", none},
        {"POST /api/v1/pharmacies", body({{"name", "New pharmacy"}, {"address", "Road 3"}, {"phone", "+47 3"}})},
        {"PATCH /api/v1/pharmacies/{pharmacy_id}",
         [this](const PatientData&, const Account&) {
           return Example{{{"pharmacy_id", std::to_string(pharmacy_a_)}}, J{{"phone", "+47 22 22 22 22"}}.dump(), ""};
         }},
        {"PUT /api/v1/users/{user_id}/pharmacy",
         [this](const PatientData&, const Account&) {
           return Example{
               {{"user_id", std::to_string(NewUser(Role::kPharmacist))}}, J{{"pharmacy_id", pharmacy_a_}}.dump(), ""};
         }},
        {"PUT /api/v1/users/{user_id}/prescriber",
         [this](const PatientData&, const Account&) {
           return Example{{{"user_id", std::to_string(NewUser(Role::kClinician))}},
                          J{{"full_name", "Dr New"},
                            {"profession", "physician"},
                            {"registration_number", "HPR 1"},
                            {"address", "Clinic"}}
                              .dump(),
                          ""};
         }},
        {"POST " + p + "/doses",
         [this](const PatientData& d, const Account&) {
           return Example{{},
                          J{{"date", FormatDate(kDiaryDate)},
                            {"taken", true},
                            {"dose_mg", d.dose_mg_on_diary_date},
                            {"client_id", Unique("dose-")}}
                              .dump(),
                          ""};
         }},
        {"GET " + p + "/doses", none},
        {"POST " + p + "/instruments",
         body({{"instrument", "pgic"}, {"date", FormatDate(kDiaryDate)}, {"answers", {{"pgic", 2}}}})},
        {"GET " + p + "/instruments", none},
        {"GET " + p + "/instruments/{response_id}", none},
        {"POST " + p + "/adverse-events",
         body({{"onset_date", FormatDate(kDiaryDate)}, {"description", "nausea"}, {"severity", "mild"}})},
        {"GET " + p + "/adverse-events", none},
        {"GET " + p + "/adverse-events/{adverse_event_id}", none},
        {"GET " + p + "/diary", none},
        {"GET " + p + "/diary/{date}", none},
        {"PUT " + p + "/diary/{date}",
         [this](const PatientData&, const Account&) {
           return Example{
               {}, J{{"client_id", Unique("put-")}, {"scale_version", 2}, {"items", {{"pain", 5}}}}.dump(), ""};
         }},
        {"GET " + p + "/diary/{date}/revisions", none},
        {"POST " + p + "/diary:batch",
         [this](const PatientData&, const Account&) {
           return Example{{},
                          J{{"entries", J::array({{{"date", "2026-11-19"},
                                                   {"client_id", Unique("batch-")},
                                                   {"scale_version", 2},
                                                   {"items", {{"pain", 4}}}}})}}
                              .dump(),
                          ""};
         }},
        {"GET " + p + "/analysis", none},
        {"GET " + p + "/evaluation", none},
        {"GET /api/v1/diary-items", none},
        {"GET " + p + "/report.pdf", none},
        {"GET " + p + "/export", none},
        {"POST " + p + "/share-links", body({{"days", 3}})},
        {"GET " + p + "/share-links", none},
        {"DELETE " + p + "/share-links/{link_id}",
         [this](const PatientData& d, const Account&) {
           // A live link to stop (a fresh one each call; stopping one twice is 409).
           auto made = f_->store().CreateShareLink({0,
                                                    d.patient_id,
                                                    server::TokenHash(server::NewToken()),
                                                    doc_.id,
                                                    f_->clock().Now(),
                                                    f_->clock().Now() + std::chrono::hours(24),
                                                    {}});
           EXPECT_TRUE(made.ok());
           return Example{{{"link_id", std::to_string(made.ok() ? made->id : 0)}}, "", ""};
         }},
        {"GET /api/v1/shared/{token}",
         [this](const PatientData& d, const Account&) {
           const std::string token = server::NewToken();
           EXPECT_TRUE(f_->store()
                           .CreateShareLink({0,
                                             d.patient_id,
                                             server::TokenHash(token),
                                             doc_.id,
                                             f_->clock().Now(),
                                             f_->clock().Now() + std::chrono::hours(24),
                                             {}})
                           .ok());
           return Example{{{"token", token + ".pdf"}}, "", ""};
         }},
        {"GET /api/v1/push/public-key", none},
        {"POST " + p + "/push-subscriptions",
         [this](const PatientData& d, const Account&) {
           const store::PushSubscription sub = PushSub(d.patient_id);
           return Example{
               {}, J{{"endpoint", sub.endpoint}, {"keys", {{"p256dh", sub.p256dh}, {"auth", sub.auth}}}}.dump(), ""};
         }},
        {"GET " + p + "/push-subscriptions", none},
        {"DELETE " + p + "/push-subscriptions/{subscription_id}",
         [this](const PatientData& d, const Account&) { return StoredPushSub(d.patient_id, ""); }},
        {"POST " + p + "/push-subscriptions/{subscription_id}/test",
         [this](const PatientData& d, const Account&) { return StoredPushSub(d.patient_id, "{}"); }},
        {"GET " + p + "/plan-notice", none},
        {"POST " + p + "/plan-notice/acknowledge",
         [this](const PatientData& d, const Account&) {
           // The snapshot as the patient's page shows it now.
           const std::string path = "/api/v1/patients/" + std::to_string(d.patient_id) + "/plan-notice";
           const J n = f_->Send("GET", path, "", accounts_.at(Role::kPatient).token).Json();
           return Example{{}, J{{"snapshot_id", n.value("snapshot_id", std::string(64, '0'))}}.dump(), ""};
         }},
        {"GET " + p + "/diary-settings", none},
        // The default items sent back unchanged: allowed to the patient as to the clinician.
        {"PUT " + p + "/diary-settings",
         body({{"tracked", {"mood", "anxiety", "cognition", "stiffness", "sensitivity", "stress"}},
               {"custom", J::array({{{"key", "headache"}, {"label", "Headache"}, {"kind", "scale"}}})}})},
        {"POST " + p + "/calendar-token", none},
        {"GET " + p + "/calendar-token", none},
        {"DELETE " + p + "/calendar-token",
         [this](const PatientData& d, const Account&) {
           // A link to stop (a fresh one each call; revoking an absent one is 404).
           EXPECT_TRUE(
               f_->store()
                   .PutCalendarToken({d.patient_id, server::TokenHash(server::NewToken()), doc_.id, f_->clock().Now()})
                   .ok());
           return Example{};
         }},
        {"GET /api/v1/calendar/{token}",
         [this](const PatientData& d, const Account&) {
           const std::string token = server::NewToken();
           EXPECT_TRUE(
               f_->store().PutCalendarToken({d.patient_id, server::TokenHash(token), doc_.id, f_->clock().Now()}).ok());
           return Example{{{"token", token + ".ics"}}, "", ""};
         }},
        {"POST " + p + "/prescriptions/{prescription_id}/worksheet", body({{"volume_ml", 100}})},
        {"GET /api/v1/pharmacology/pk", none},
        {"GET " + p + "/course-gate", none},
        {"POST " + p + "/courses/{course_id}/discard",
         [this](const PatientData& d, const Account&) {
           return Example{{{"course_id", std::to_string(NewPlannedCourse(d.patient_id))}},
                          J{{"reason", "The patient decided to wait."}}.dump(),
                          ""};
         }},
        {"GET " + p + "/flags", none},
        {"POST " + p + "/flags/{code}/acknowledge",
         [this](const PatientData& d, const Account&) {
           return Example{{{"code", "ae." + std::to_string(NewSevereEvent(d.patient_id))}},
                          J{{"note", "Phoned the patient."}}.dump(),
                          ""};
         }},
        {"GET /api/v1/safety/red-flags", none},
        // The clinician's inbox (issue 13): a new severe event is an open flag task to settle.
        {"GET /api/v1/inbox", none},
        {"GET " + p + "/tasks", none},
        {"POST " + p + "/tasks/resolve",
         [this](const PatientData& d, const Account&) {
           return Example{{},
                          J{{"key", "ae." + std::to_string(NewSevereEvent(d.patient_id))},
                            {"resolution", "done"},
                            {"note", "Phoned the patient."}}
                              .dump(),
                          ""};
         }},
        {"GET " + p + "/questionnaires/schedule", none},
    };
  }

  static std::string Fill(std::string pattern, const std::map<std::string, std::string>& params) {
    for (const auto& [k, v] : params) {
      const std::string key = "{" + k + "}";
      for (size_t pos; (pos = pattern.find(key)) != std::string::npos;) pattern.replace(pos, key.size(), v);
    }
    return pattern;
  }

  // A refusal must be a JSON error and nothing else: no patient names, no research ids.
  void ExpectCleanRefusal(const TestResponse& r, const std::string& what) {
    const auto j = r.Json();
    ASSERT_TRUE(j.is_object()) << what << ": " << r.body;
    EXPECT_EQ(j.size(), 1u) << what << ": " << r.body;
    EXPECT_TRUE(j.contains("error")) << what << ": " << r.body;
    for (const PatientData* d : {&own_, &other_}) {
      EXPECT_EQ(r.body.find(d->display_name), std::string::npos) << what << ": " << r.body;
      EXPECT_EQ(r.body.find(d->research_id), std::string::npos) << what << ": " << r.body;
    }
  }

  std::unique_ptr<ServerFixture> f_;
  std::map<Role, Account> accounts_;
  PatientData own_, other_;
  store::Id team_a_ = 0;
  store::Id pharmacy_a_ = 0;
  store::User doc_;
  int counter_ = 0;
};

TEST_F(AuthorizationMatrixTest, EveryRouteEveryRoleOwnAndOtherPatient) {
  auto examples = Examples();
  const auto& routes = f_->api().routes().routes();
  ASSERT_GT(routes.size(), 40u);
  int checked = 0;
  for (const server::Route& route : routes) {
    const std::string key = route.method + " " + route.pattern;
    ASSERT_NE(route.access.audience, server::Audience::kUnspecified) << key << " has no access descriptor";
    ASSERT_TRUE(examples.count(key)) << "no authorization-matrix example for " << key << ": add one";
    auto& example = examples[key];

    if (route.access.audience == server::Audience::kPublic) {
      const Example e = example(own_, Account{});
      std::map<std::string, std::string> params = own_.params;
      for (const auto& [k, v] : e.params) params[k] = v;
      const TestResponse r = f_->Send(route.method, Fill(route.pattern, params), e.body);
      EXPECT_GE(r.status, 200) << key;
      EXPECT_LT(r.status, 300) << key << ": " << r.body;
      ++checked;
      continue;
    }

    // No credentials.
    {
      const Example e = example(own_, Account{});
      std::map<std::string, std::string> params = own_.params;
      for (const auto& [k, v] : e.params) params[k] = v;
      const TestResponse r = f_->Send(route.method, Fill(route.pattern, params), e.body);
      EXPECT_EQ(r.status, 401) << key << ": " << r.body;
      ExpectCleanRefusal(r, key + " anonymous");
      EXPECT_EQ(r.Json()["error"]["code"], "unauthenticated") << key;
      ++checked;
    }

    for (const auto& [role, account] : accounts_) {
      const bool role_allowed = route.access.roles.count(role) != 0;
      const std::vector<const PatientData*> targets = route.access.patient_scoped
                                                          ? std::vector<const PatientData*>{&own_, &other_}
                                                          : std::vector<const PatientData*>{&own_};
      for (const PatientData* target : targets) {
        const bool own = target == &own_;
        const Example e = example(*target, account);
        std::map<std::string, std::string> params = target->params;
        for (const auto& [k, v] : e.params) params[k] = v;
        const std::string path = Fill(route.pattern, params);
        const std::string token = e.token_override.empty() ? account.token : e.token_override;
        const TestResponse r = f_->Send(route.method, path, e.body, token);
        const std::string what = key + " as " + std::string(store::RoleName(role)) + (own ? " (own)" : " (other)");
        ++checked;
        if (!role_allowed) {
          EXPECT_EQ(r.status, 403) << what << ": " << r.body;
          ExpectCleanRefusal(r, what);
          EXPECT_EQ(r.Json()["error"]["code"], "permission_denied") << what;
        } else if (route.access.patient_scoped && !own) {
          EXPECT_EQ(r.status, 404) << what << ": " << r.body;
          ExpectCleanRefusal(r, what);
          EXPECT_EQ(r.Json()["error"]["message"], "no such patient") << what;
        } else {
          EXPECT_GE(r.status, 200) << what << ": " << r.body;
          EXPECT_LT(r.status, 300) << what << ": " << r.body;
        }
      }
    }
  }
  EXPECT_GT(checked, 200);

  // Every refusal on a patient-scoped route was audited, and the chain is intact.
  store::AuditQuery q;
  q.limit = 10000;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  int denied = 0, not_found = 0, unauthenticated = 0;
  for (const auto& e : *events) {
    denied += e.outcome == "denied";
    not_found += e.outcome == "not_found";
    unauthenticated += e.outcome == "unauthenticated";
  }
  EXPECT_GT(denied, 50);
  EXPECT_GT(not_found, 20);
  // Refusals of callers without a session are counted, one audited per address and minute
  // (issue 17, M3; refusal_audit.h): at least the first.
  EXPECT_GE(unauthenticated, 1);
  auto verified = f_->store().VerifyAudit();
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok) << verified->problem;
}

TEST_F(AuthorizationMatrixTest, EveryPatientScopedRouteIsDeclaredAsSuch) {
  for (const server::Route& route : f_->api().routes().routes()) {
    const std::string key = route.method + " " + route.pattern;
    EXPECT_NE(route.access.audience, server::Audience::kUnspecified) << key;
    const bool has_patient_param = route.pattern.find("{patient_id}") != std::string::npos;
    EXPECT_EQ(route.access.patient_scoped, has_patient_param) << key;
    if (route.access.audience == server::Audience::kAuthenticated) {
      EXPECT_FALSE(route.access.roles.empty()) << key;
    }
    if (route.access.patient_scoped) {
      EXPECT_FALSE(route.access.audit_action.empty()) << key;
    }
    // Researchers see aggregates only; admins manage accounts, not clinical data.
    if (route.access.patient_scoped) {
      EXPECT_EQ(route.access.roles.count(Role::kResearcher), 0u) << key;
      EXPECT_EQ(route.access.roles.count(Role::kAdmin), 0u) << key;
    }
  }
}

TEST_F(AuthorizationMatrixTest, ClinicianSeesOnlyTheirCareTeamsPatients) {
  const TestResponse r = f_->Send("GET", "/api/v1/patients", "", accounts_[Role::kClinician].token);
  ASSERT_EQ(r.status, 200);
  const auto patients = r.Json()["patients"];
  ASSERT_EQ(patients.size(), 1u);
  EXPECT_EQ(patients[0]["id"], own_.patient_id);
  EXPECT_EQ(r.body.find(other_.display_name), std::string::npos);
}

TEST_F(AuthorizationMatrixTest, PatientSeesOnlyThemselves) {
  const TestResponse me = f_->Send("GET", "/api/v1/me", "", accounts_[Role::kPatient].token);
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.Json()["patient_id"], own_.patient_id);
  EXPECT_EQ(me.Json()["role"], "patient");
  const TestResponse list = f_->Send("GET", "/api/v1/patients", "", accounts_[Role::kPatient].token);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.Json()["patients"].size(), 1u);
  EXPECT_EQ(list.Json()["patients"][0]["id"], own_.patient_id);
}

TEST_F(AuthorizationMatrixTest, ResearcherSummaryHoldsNoIdentifiers) {
  const TestResponse r = f_->Send("GET", "/api/v1/research/summary", "", accounts_[Role::kResearcher].token);
  ASSERT_EQ(r.status, 200) << r.body;
  for (const PatientData* d : {&own_, &other_}) {
    EXPECT_EQ(r.body.find(d->display_name), std::string::npos);
    EXPECT_EQ(r.body.find(d->research_id), std::string::npos);
  }
  // Two patients: below the minimum cell size, so suppressed.
  EXPECT_TRUE(r.Json()["patients"].is_null());
}

}  // namespace
}  // namespace ldn::testing
