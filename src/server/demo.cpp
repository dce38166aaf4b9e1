#include "server/demo.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "clinical/instruments/pgic.h"
#include "core/calendar.h"
#include "core/dose.h"
#include "server/accounts.h"
#include "server/course_plans.h"

namespace ldn::server {
namespace {

int Clamp(int v) {
  return std::max(0, std::min(10, v));
}

// One demo diary day: `day` is relative to the first dose (negative in the baseline). `shift`
// varies the patients. Pain falls from about 7 by up to 2.5 points over 12 weeks, with a weekly
// wobble; the other items follow.
nlohmann::json DemoDay(int day, int shift) {
  const int wobble = ((day + shift) * 7 % 5 + 5) % 5 - 2;              // -2..2, repeats every 5 days
  const int improvement = day <= 0 ? 0 : std::min(25, day * 25 / 84);  // tenths of a point
  const int pain = Clamp((70 - improvement + wobble * 4 + shift) / 10);
  nlohmann::json j = {{"pain", pain},
                      {"fatigue", Clamp(pain + (wobble > 0 ? 1 : 0))},
                      {"sleep", Clamp(10 - pain - 1)},
                      {"mood", Clamp(10 - pain + (wobble < 0 ? 1 : 0))},
                      {"anxiety", Clamp(pain - 2)},
                      {"cognition", Clamp(pain - 1)},
                      {"stiffness", Clamp(pain)},
                      {"sensitivity", Clamp(pain - 1)},
                      {"stress", Clamp(pain - 2 + (wobble == 2 ? 1 : 0))}};
  if (day >= 2 && day <= 20 && day % 3 == 0) {
    j["side_effects"] = nlohmann::json::array({{{"name", "vivid_dreams"}, {"severity", day < 10 ? 2 : 1}}});
  }
  if (pain >= 8) j["rescue_medication"] = nlohmann::json::array({"paracetamol 1 g"});
  return j;
}

struct DemoPatient {
  std::string display_name;
  std::string time_zone;
  int shift = 0;
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

  const auto& steps = plan->adjusted.plan.steps;
  for (int day = -21; day <= p.days_on_treatment; ++day) {
    const LocalDate d = AddDays(start, day);
    if (day >= 0) {
      // The step in force on d.
      const clinical::PlanStep* step = nullptr;
      for (const auto& s : steps) {
        if (s.start <= d) step = &s;
      }
      if (step != nullptr) {
        store::DoseLogEntry dose;
        dose.patient_id = patient_id;
        dose.course_id = stored_course.id;
        dose.local_date = d;
        dose.local_time = TimeOfDay{22 * 60};
        dose.taken = day % 9 != 8;
        dose.dose_micrograms_hcl = dose.taken ? step->dose.micrograms_hcl() : 0;
        dose.client_id = "demo-dose-" + FormatDate(d);
        dose.recorded_by = author;
        dose.recorded_at = now;
        LDN_RETURN_IF_ERROR(tx.AddDoseLogEntry(dose).status());
      }
    }
    if ((day + p.shift) % 11 == 10) continue;  // a missed diary day now and then
    store::DiaryEntry e;
    e.patient_id = patient_id;
    e.local_date = d;
    e.items_json = DemoDay(day, p.shift).dump();
    e.client_id = "demo-diary-" + FormatDate(d);
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
  return {{"pat", "ldn-demo-patient", "patient"},
          {"doc", "ldn-demo-clinician", "clinician"},
          {"pharm", "ldn-demo-pharmacist", "pharmacist"},
          {"res", "ldn-demo-researcher", "researcher"},
          {"admin", "ldn-demo-admin", "admin"}};
}

Result<DemoSeed> SeedDemo(store::Store& store, store::Instant now) {
  DemoSeed seed;
  seed.logins = DemoLogins();
  auto existing = store.GetUserByUsername("admin");
  if (existing.ok()) return seed;
  if (existing.status().code() != Code::kNotFound) return existing.status();

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
    LDN_RETURN_IF_ERROR(SeedPatientRecord(tx, *pat.patient_id, doc.id, {"Pat Demo", "Europe/Oslo", 0, 84}, now));
    const std::vector<DemoPatient> others = {{"Alex Example", "America/New_York", 3, 70},
                                             {"Sam Sample", "Australia/Sydney", 5, 42}};
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
