#include "server/demo.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "analysis/diary_csv.h"
#include "analysis/simulate.h"
#include "clinical/instruments/pgic.h"
#include "core/calendar.h"
#include "core/dose.h"
#include "server/accounts.h"
#include "server/auth.h"
#include "server/course_plans.h"

#include <fmt/format.h>

namespace ldn::server {
namespace {

struct DemoPatient {
  std::string display_name;
  std::string time_zone;
  int simulated_index = 0;  // which simulated patient of seed 1 (analysis/simulate.h) lends its diary
  int days_on_treatment = 84;
};

// Records of one patient: medications, a condition, a screening-ready record, an active course
// with its plan, the dose log, diary entries, instruments and a prescription.
Status SeedPatientRecord(store::Store& tx, store::Id patient_id, store::Id author, const DemoPatient& p,
                         store::Instant now) {
  auto tz = TimeZone::Named(p.time_zone, "time_zone");
  if (!tz.ok()) return tz.status();
  const LocalDate today = tz->LocalDateAt(now);
  const LocalDate start = AddDays(today, -p.days_on_treatment);

  store::Medication duloxetine;
  duloxetine.patient_id = patient_id;
  duloxetine.name = "duloxetine";
  duloxetine.details_json = R"({"dose":"30 mg daily"})";
  duloxetine.recorded_by = author;
  duloxetine.recorded_at = now;
  LDN_RETURN_IF_ERROR(tx.CreateMedication(duloxetine).status());
  store::Condition fm;
  fm.patient_id = patient_id;
  fm.name = "fibromyalgia";
  fm.recorded_by = author;
  fm.recorded_at = now;
  LDN_RETURN_IF_ERROR(tx.CreateCondition(fm).status());

  const nlohmann::json request = {{"protocol", "ldnrt-standard"}, {"start", FormatDate(start)}};
  auto plan = BuildCoursePlan(request, nlohmann::json::array(), std::nullopt, "");
  if (!plan.ok()) return Status::Internal("demo plan: " + plan.status().ToString());
  store::Course course;
  course.patient_id = patient_id;
  course.protocol = plan->protocol;
  course.plan_json = plan->plan_json;
  course.status = store::CourseStatus::kActive;
  course.start_date = start;
  course.recorded_by = author;
  course.recorded_at = now;
  LDN_ASSIGN_OR_RETURN(store::Course stored_course, tx.CreateCourse(course));

  store::Prescription rx;
  rx.patient_id = patient_id;
  rx.course_id = stored_course.id;
  rx.pharmacy = "Demo pharmacy";
  rx.formulation_json =
      R"({"form":"liquid","strength_mg":1,"strength_ug":1000,"quantity":150,"directions":"Take as the plan says, at bedtime."})";
  rx.recorded_by = author;
  rx.recorded_at = now;
  LDN_RETURN_IF_ERROR(tx.CreatePrescription(rx).status());

  // The dose log and the diary are a simulated patient's (analysis/simulate.h, seed 1), moved in
  // time so that its first dose falls on `start` and its last diary day is today: months of
  // autocorrelated ratings with a placebo response (and, for a responder, an LDN effect), side
  // effects at the trial rates, missed doses and missing diary days. The simulator titrates by
  // the same protocol (ldnrt-standard, data/simulation.json), so the doses agree with the plan.
  const auto& params = analysis::LoadSimulationParameters();
  if (!params.ok()) return Status::Internal("demo: simulation parameters: " + params.status().ToString());
  analysis::SimulationRequest sim_request;
  sim_request.seed = 1;
  sim_request.days = p.days_on_treatment + 1;
  auto sim = analysis::SimulatePatient(*params, sim_request, p.simulated_index);
  if (!sim.ok()) return Status::Internal("demo: simulated patient: " + sim.status().ToString());
  const int shift = DaysBetween(sim->truth.first_dose, start);
  for (const analysis::DoseLog& logged : sim->diary.doses) {
    store::DoseLogEntry dose;
    dose.patient_id = patient_id;
    dose.course_id = stored_course.id;
    dose.local_date = AddDays(logged.date, shift);
    dose.local_time = logged.time;
    dose.taken = logged.taken;
    dose.dose_micrograms_hcl = logged.dose ? logged.dose->micrograms_hcl() : 0;
    dose.client_id = "demo-dose-" + FormatDate(dose.local_date);
    dose.recorded_by = author;
    dose.recorded_at = now;
    LDN_RETURN_IF_ERROR(tx.AddDoseLogEntry(dose).status());
  }
  // The diary file form of the same days (docs/diary-format.md): one object per day, whose items
  // are what the API stores for a day.
  const nlohmann::json file = nlohmann::json::parse(analysis::DiaryToJson(sim->diary));
  const nlohmann::json& days = file.at("diary");
  for (size_t i = 0; i < sim->diary.days.size(); ++i) {
    nlohmann::json items = days.at(i);
    items.erase("date");
    store::DiaryEntry e;
    e.patient_id = patient_id;
    e.local_date = AddDays(sim->diary.days[i].date, shift);
    e.items_json = items.dump();
    e.client_id = "demo-diary-" + FormatDate(e.local_date);
    e.recorded_by = author;
    e.recorded_at = now;
    LDN_RETURN_IF_ERROR(tx.UpsertDiary(e).status());
  }

  store::InstrumentResponse pgic;
  pgic.patient_id = patient_id;
  pgic.instrument = "pgic";
  pgic.local_date = AddDays(start, 56);
  pgic.answers_json = R"({"pgic":3})";
  pgic.scores_json = clinical::PgicScoreToJson(clinical::ScorePgic(3)).dump();
  pgic.client_id = "demo-pgic";
  pgic.recorded_by = author;
  pgic.recorded_at = now;
  return tx.CreateInstrumentResponse(pgic).status();
}

}  // namespace

std::vector<DemoLogin> DemoLogins() {
  // Passwords that pass the password policy (password_policy.h: 12 characters, not containing
  // the username); before schema 4 they were ldn-demo-<role>.
  return {{"pat", "ldn-demo-diary", "patient"},
          {"doc", "ldn-demo-clinician", "clinician"},
          {"pharm", "ldn-demo-compounding", "pharmacist"},
          {"res", "ldn-demo-outcomes", "researcher"},
          {"admin", "ldn-demo-accounts", "admin"}};
}

Result<DemoSeed> SeedDemo(store::Store& store, store::Instant now) {
  DemoSeed seed;
  seed.logins = DemoLogins();
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> marker, store.GetSetting(kDemoSetting));
  if (marker) return seed;  // a demo database: seeded before
  LDN_ASSIGN_OR_RETURN(std::vector<store::User> users, store.ListUsers());
  LDN_ASSIGN_OR_RETURN(std::vector<store::Patient> patients, store.ListPatients());
  if (!users.empty() || !patients.empty()) {
    // A demo seeded before schema 4 has no marker: its admin still has a public demo password.
    auto admin = store.GetUserByUsername("admin");
    if (admin.ok() && (VerifyPassword("ldn-demo-admin", admin->password_hash) ||
                       VerifyPassword(seed.logins.back().password, admin->password_hash))) {
      LDN_RETURN_IF_ERROR(store.PutSetting(kDemoSetting, "seeded before schema 4"));
      return seed;
    }
    // Never add accounts with public passwords to a real database (issue 17, M10).
    return Status::InvalidArgument(
        "--demo", fmt::format("the database already holds {} account(s) and {} patient(s) and is not a demo "
                              "database: --demo seeds only an empty database (its passwords are public)",
                              users.size(), patients.size()));
  }

  // All or nothing: a failed seed leaves no "admin" behind, so the next start tries again.
  LDN_RETURN_IF_ERROR(store.RunInTransaction([&](store::Store& tx) -> Status {
    std::vector<store::User> users;
    for (const DemoLogin& l : seed.logins) {
      NewAccount a;
      a.username = l.username;
      LDN_ASSIGN_OR_RETURN(a.role, store::ParseRole(l.role, "role"));
      a.password = l.password;
      if (a.role == store::Role::kPatient) a.new_patient = NewPatient{"Pat Demo", "Europe/Oslo"};
      LDN_ASSIGN_OR_RETURN(store::User u, CreateAccount(tx, a, now));
      users.push_back(u);
    }
    const store::User& pat = users[0];
    const store::User& doc = users[1];
    const store::User& pharm = users[2];
    store::CareTeam team;
    team.name = "Demo clinic";
    team.created_at = now;
    LDN_ASSIGN_OR_RETURN(store::CareTeam demo_team, tx.CreateCareTeam(team));
    LDN_RETURN_IF_ERROR(tx.AddCareTeamMember(demo_team.id, doc.id, now));
    LDN_RETURN_IF_ERROR(tx.AddCareTeamMember(demo_team.id, pharm.id, now));
    LDN_RETURN_IF_ERROR(tx.AddCareTeamPatient(demo_team.id, *pat.patient_id, now));
    LDN_RETURN_IF_ERROR(SeedPatientRecord(tx, *pat.patient_id, doc.id, {"Pat Demo", "Europe/Oslo", 4, 84}, now));
    // Simulated patients of seed 1: #4 has an LDN effect; #0 has none but a large placebo
    // response (what an open comparison cannot tell apart); #7 has neither, and side effects.
    const std::vector<DemoPatient> others = {{"Alex Example", "America/New_York", 0, 70},
                                             {"Sam Sample", "Australia/Sydney", 7, 42}};
    for (const DemoPatient& p : others) {
      store::Patient record;
      record.display_name = p.display_name;
      record.time_zone = p.time_zone;
      record.created_at = now;
      LDN_ASSIGN_OR_RETURN(store::Patient stored, tx.CreatePatient(record));
      LDN_RETURN_IF_ERROR(tx.AddCareTeamPatient(demo_team.id, stored.id, now));
      LDN_RETURN_IF_ERROR(SeedPatientRecord(tx, stored.id, doc.id, p, now));
    }
    store::CareTeam other_team;
    other_team.name = "Other clinic";
    other_team.created_at = now;
    LDN_ASSIGN_OR_RETURN(store::CareTeam other, tx.CreateCareTeam(other_team));
    LDN_RETURN_IF_ERROR(tx.PutSetting(kDemoSetting, "seeded " + FormatUtcInstant(now)));
    store::Patient robin;
    robin.display_name = "Robin Other";
    robin.time_zone = "Europe/London";
    robin.created_at = now;
    LDN_ASSIGN_OR_RETURN(store::Patient robin_stored, tx.CreatePatient(robin));
    return tx.AddCareTeamPatient(other.id, robin_stored.id, now);
  }));
  seed.created = true;
  return seed;
}

}  // namespace ldn::server
