#include "server/demo.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <tuple>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/diary_csv.h"
#include "analysis/nof1_protocol.h"
#include "analysis/simulate.h"
#include "clinical/instruments/fiqr.h"
#include "clinical/instruments/pgic.h"
#include "clinical/safety/course_gate.h"
#include "clinical/screening/screening.h"
#include "core/calendar.h"
#include "core/dose.h"
#include "pharmacy/batch_record.h"
#include "server/accounts.h"
#include "server/auth.h"
#include "server/batches.h"
#include "server/course_plans.h"
#include "server/orders.h"

namespace ldn::server {
namespace {

// ---- The safety interlocks of the demo (issue 12; docs/safety.md) ------------------------------
// Every demo course passed the course gate as a clinician would have run it: a screening from
// the last 30 days before it was created, the baseline diary before its first dose, and a
// baseline FIQR. The decisions are stored as the server stores them.

store::Instant DaysAgo(store::Instant now, int days) {
  return now - std::chrono::hours(24 * days);
}

// Runs the real screening on `input` (dated `on`) and stores it as recorded `days_ago`.
Result<store::Screening> SeedScreening(store::Store& tx, store::Id patient_id, store::Id author,
                                       const nlohmann::json& input, store::Instant at) {
  LDN_ASSIGN_OR_RETURN(clinical::ScreeningInput parsed, clinical::ParseScreeningInput(input));
  LDN_ASSIGN_OR_RETURN(const clinical::DrugKnowledgeBase* kb, clinical::DrugKnowledgeBase::Embedded());
  LDN_ASSIGN_OR_RETURN(clinical::ScreeningReport report, clinical::Screen(parsed, *kb, parsed.jurisdiction));
  store::Screening s;
  s.patient_id = patient_id;
  s.input_json = input.dump();
  s.result_json = clinical::ToJson(report).dump();
  s.verdict = std::string(clinical::VerdictName(report.verdict));
  s.recorded_by = author;
  s.recorded_at = at;
  return tx.CreateScreening(s);
}

// The gate as it ran on `today` for a first dose on `start`; stored as the course's decision.
Status SeedGateDecision(store::Store& tx, const store::Course& course, const store::Screening& screening,
                        LocalDate screening_date, clinical::GateAction action, LocalDate today, LocalDate start,
                        const std::vector<LocalDate>& pain_days, const std::vector<LocalDate>& fiqr_dates,
                        store::Id author, store::Instant at) {
  const auto& rules = clinical::LoadInterlockRules();
  if (!rules.ok()) return rules.status();
  clinical::CourseGateInput in;
  in.action = action;
  in.today = today;
  in.start = start;
  LDN_ASSIGN_OR_RETURN(in.screening, clinical::ReadGateScreening(nlohmann::json::parse(screening.result_json),
                                                                 screening.id, screening_date));
  for (const LocalDate& d : pain_days) {
    if (d <= today) in.pain_days.push_back(d);
  }
  for (const LocalDate& d : fiqr_dates) {
    if (d <= today) in.fiqr_dates.push_back(d);
  }
  LDN_ASSIGN_OR_RETURN(clinical::CourseGateResult gate, clinical::EvaluateCourseGate(in, *rules));
  if (!gate.allowed())
    return Status::Internal("demo: the course gate refuses a demo course: " + GateRefusal(gate).message());
  store::CourseDecision d;
  d.patient_id = course.patient_id;
  d.course_id = course.id;
  d.action = std::string(clinical::GateActionName(action));
  d.screening_id = screening.id;
  d.evaluation_json = clinical::CourseGateToJson(gate, *rules).dump();
  d.recorded_by = author;
  d.recorded_at = at;
  return tx.CreateCourseDecision(d).status();
}

// A FIQR of a moderately affected patient (Bennett 2009 scoring), the baseline questionnaire.
Status SeedBaselineFiqr(store::Store& tx, store::Id patient_id, store::Id author, LocalDate day, store::Instant at) {
  const nlohmann::json answers = {
      {"function", {4, 5, 3, 6, 6, 4, 5, 3, 5}}, {"impact", {6, 5}}, {"symptoms", {7, 7, 6, 7, 4, 5, 5, 6, 3, 6}}};
  LDN_ASSIGN_OR_RETURN(clinical::FiqrAnswers a, clinical::ReadFiqrAnswers(answers));
  LDN_ASSIGN_OR_RETURN(clinical::FiqrScore score, clinical::ScoreFiqr(a));
  store::InstrumentResponse r;
  r.patient_id = patient_id;
  r.instrument = "fiqr";
  r.local_date = day;
  r.answers_json = answers.dump();
  r.scores_json = clinical::FiqrScoreToJson(score).dump();
  r.client_id = "demo-fiqr-baseline";
  r.recorded_by = author;
  r.recorded_at = at;
  return tx.CreateInstrumentResponse(r).status();
}

struct DemoPatient {
  std::string display_name;
  std::string time_zone;
  int simulated_index = 0;  // which simulated patient of seed 1 (analysis/simulate.h) lends its diary
  int days_on_treatment = 84;
  // Demographics (issue 13): invented people.
  std::string date_of_birth;
  std::string sex_at_birth;
  std::string language;
  std::string jurisdiction;
  std::string address;
};

Status SeedDemographics(store::Store& tx, store::Id patient_id, store::Id author, const DemoPatient& p,
                        store::Instant now) {
  store::PatientDemographics d;
  d.patient_id = patient_id;
  auto dob = ParseDate(p.date_of_birth, "date_of_birth");
  if (!dob.ok()) return dob.status();
  d.date_of_birth = *dob;
  d.sex_at_birth = p.sex_at_birth;
  d.language = p.language;
  d.jurisdiction = p.jurisdiction;
  d.address = p.address;
  d.updated_by = author;
  d.updated_at = now;
  return tx.PutPatientDemographics(d);
}

// The prescriber and pharmacy of the demo's orders (issue 13).
struct DemoOrders {
  store::User prescriber;
  std::string prescriber_password;
  store::Id pharmacy_id = 0;
};

// Records of one patient: medications, a condition, a screening-ready record, an active course
// with its plan, the dose log, diary entries, instruments and a signed order routed to the demo
// pharmacy.
// A patient of the care team `team_id` with `p`'s name, time zone and demographics; its id.
Result<store::Id> CreateDemoPatient(store::Store& tx, store::Id team_id, store::Id author, const DemoPatient& p,
                                    store::Instant now) {
  store::Patient record;
  record.display_name = p.display_name;
  record.time_zone = p.time_zone;
  record.created_at = now;
  LDN_ASSIGN_OR_RETURN(store::Patient stored, tx.CreatePatient(record));
  LDN_RETURN_IF_ERROR(tx.AddCareTeamPatient(team_id, stored.id, now));
  LDN_RETURN_IF_ERROR(SeedDemographics(tx, stored.id, author, p, now));
  return stored.id;
}

// Changes one simulated diary day's items before they are stored (the demo trial's placebo
// periods).
using DiaryAdjust = std::function<void(LocalDate, nlohmann::json&)>;

Status SeedPatientRecord(store::Store& tx, store::Id patient_id, store::Id author, const DemoPatient& p,
                         store::Instant now, const DemoOrders& orders, const DiaryAdjust& adjust = {},
                         store::Id* course_id = nullptr) {
  auto tz = TimeZone::Named(p.time_zone, "time_zone");
  if (!tz.ok()) return tz.status();
  const LocalDate today = tz->LocalDateAt(now);
  const LocalDate start = AddDays(today, -p.days_on_treatment);

  store::Medication duloxetine;
  duloxetine.patient_id = patient_id;
  duloxetine.name = "duloxetine";
  duloxetine.details_json = R"({"dose":"30 mg daily","source":"patient-reported"})";
  duloxetine.recorded_by = author;
  duloxetine.recorded_at = now;
  LDN_RETURN_IF_ERROR(tx.CreateMedication(duloxetine).status());
  store::Condition fm;
  fm.patient_id = patient_id;
  fm.name = "fibromyalgia";
  fm.recorded_by = author;
  fm.recorded_at = now;
  LDN_RETURN_IF_ERROR(tx.CreateCondition(fm).status());

  // Screened 16 days before the first dose (within the 30 days the course gate asks for).
  const LocalDate screened_on = AddDays(start, -16);
  const int days_since_screening = p.days_on_treatment + 16;
  LDN_ASSIGN_OR_RETURN(
      store::Screening screening,
      SeedScreening(tx, patient_id, author,
                    {{"today", FormatDate(screened_on)},
                     {"medications", {{{"name", "duloxetine"}, {"last_taken", nullptr}, {"current", true}}}},
                     {"conditions", {"fibromyalgia"}}},
                    DaysAgo(now, days_since_screening)));

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
  course.recorded_at = DaysAgo(now, p.days_on_treatment + 15);
  LDN_ASSIGN_OR_RETURN(store::Course stored_course, tx.CreateCourse(course));
  if (course_id != nullptr) *course_id = stored_course.id;

  // The current order: the 1 mg/mL liquid for the next 28 days, signed by the demo prescriber.
  DraftOrderRequest order;
  order.patient_id = patient_id;
  order.course_id = stored_course.id;
  order.pharmacy_id = orders.pharmacy_id;
  order.strength_mg = 1;
  order.renewals = 1;
  order.renewal_interval_days = 28;
  order.prescriber_user_id = orders.prescriber.id;
  auto draft = DraftOrder(tx, order, now);
  if (!draft.ok()) return Status::Internal("demo order: " + draft.status().ToString());
  LDN_RETURN_IF_ERROR(
      SignDraftOrder(tx, patient_id, draft->id, orders.prescriber, orders.prescriber_password, now).status());

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
    if (adjust) adjust(e.local_date, items);
    e.items_json = items.dump();
    e.client_id = "demo-diary-" + FormatDate(e.local_date);
    e.recorded_by = author;
    e.recorded_at = now;
    LDN_RETURN_IF_ERROR(tx.UpsertDiary(e).status());
  }

  // The gate's two decisions: the course planned the day after the screening, activated on the
  // first dose day with the simulated baseline diary behind it and the baseline FIQR.
  const LocalDate fiqr_day = AddDays(start, -2);
  LDN_RETURN_IF_ERROR(SeedBaselineFiqr(tx, patient_id, author, fiqr_day, DaysAgo(now, p.days_on_treatment + 2)));
  std::vector<LocalDate> pain_days;
  for (const auto& day : sim->diary.days) {
    if (day.Get(analysis::Item::kPain)) pain_days.push_back(AddDays(day.date, shift));
  }
  LDN_RETURN_IF_ERROR(SeedGateDecision(tx, stored_course, screening, screened_on, clinical::GateAction::kCreate,
                                       AddDays(start, -15), start, pain_days, {fiqr_day}, author,
                                       DaysAgo(now, p.days_on_treatment + 15)));
  LDN_RETURN_IF_ERROR(SeedGateDecision(tx, stored_course, screening, screened_on, clinical::GateAction::kActivate,
                                       start, start, pain_days, {fiqr_day}, author, DaysAgo(now, p.days_on_treatment)));

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

// ---- The blinded N-of-1 trial of the demo (issue 16; docs/nof1.md) ---------------------------
// Nora Trial (patient 6, Demo clinic, login nora) reached the stable 4.5 mg on day 28 of her course
// and began a blinded trial on day 44: 2 pairs of 28-day periods (14 run-in days), on a signed
// order of 4.5 mg capsules. Demo Pharmacy made each pair's kit as a pharmacist would: an active
// batch and its placebo twin from recorded lots (PrepareBatch, the route's own code), released by
// the second pharmacist with ten capsule weights, then the kit. The allocation is fixed (pair 1
// BA: LDN first; pair 2 AB) so that the demo is the same on every machine; a real kit's pack
// letters are drawn with libsodium (api_kits.cpp). Her diary is the simulated responder's, with
// the LDN effect withdrawn in the placebo periods (pain 2 points and fatigue 1 point higher from
// the 4th day of each: the previous period wearing off first), and her four end-of-period answers.
// The last period ended 5 days ago: the trial waits for the clinician to end it and read the
// answer, the report and the patient's letter.
inline constexpr int kTrialDemoDaysOnTreatment = 160;
inline constexpr int kTrialDemoStartDay = 44;  // after the first dose
inline constexpr char kTrialDemoLogin[] = "nora";

Status SeedTrialPatient(store::Store& tx, store::Id patient_id, const store::User& doc, const store::User& pharm,
                        const store::User& pharm2, const store::User& patient, const DemoPatient& p, store::Instant now,
                        const DemoOrders& orders) {
  auto tz = TimeZone::Named(p.time_zone, "time_zone");
  if (!tz.ok()) return tz.status();
  const LocalDate today = tz->LocalDateAt(now);
  const LocalDate first_dose = AddDays(today, -p.days_on_treatment);
  const LocalDate start = AddDays(first_dose, kTrialDemoStartDay);
  const int start_ago = DaysBetween(start, today);
  analysis::TrialProtocol protocol;
  protocol.pairs = 2;
  analysis::Allocation allocation;
  allocation.pairs = {analysis::PairOrder::kBA, analysis::PairOrder::kAB};
  const auto calendar = analysis::TrialCalendar(protocol, allocation, start);
  const DiaryAdjust placebo_wears_on = [&calendar](LocalDate d, nlohmann::json& items) {
    for (const auto& period : calendar) {
      if (period.arm != analysis::TrialArm::kPlacebo || d < AddDays(period.first, 3) || d > period.last) continue;
      for (const auto& [item, more] : {std::pair{"pain", 2}, std::pair{"fatigue", 1}}) {
        if (items.contains(item) && items[item].is_number_integer()) {
          items[item] = std::min(10, items[item].get<int>() + more);
        }
      }
    }
  };
  store::Id course_id = 0;
  LDN_RETURN_IF_ERROR(SeedPatientRecord(tx, patient_id, doc.id, p, now, orders, placebo_wears_on, &course_id));

  // The order of capsules at the stable dose, signed a week before the trial.
  const store::Instant ordered_at = DaysAgo(now, start_ago + 12);
  DraftOrderRequest order;
  order.patient_id = patient_id;
  order.course_id = course_id;
  order.pharmacy_id = orders.pharmacy_id;
  order.capsules = true;
  order.strength_mg = 4.5;
  order.start = AddDays(start, -7);
  order.prescriber_user_id = orders.prescriber.id;
  auto draft = DraftOrder(tx, order, ordered_at);
  if (!draft.ok()) return Status::Internal("demo trial order: " + draft.status().ToString());
  LDN_ASSIGN_OR_RETURN(store::Prescription rx, SignDraftOrder(tx, patient_id, draft->id, orders.prescriber,
                                                              orders.prescriber_password, ordered_at));
  const int64_t quantity = nlohmann::json::parse(rx.formulation_json).value("quantity", int64_t{0});

  // The pharmacy's lots and each pair's two batches, prepared and released 10 days before the start.
  const store::Instant made_at = DaysAgo(now, start_ago + 10);
  const store::Instant released_at = DaysAgo(now, start_ago + 9);
  const auto lot = [&](const char* ingredient, const char* number, const char* unit,
                       int64_t quantity_milli) -> Result<store::Id> {
    store::IngredientLot l;
    l.pharmacy_id = orders.pharmacy_id;
    l.ingredient = ingredient;
    l.manufacturer = "Accord (demo)";
    l.lot = number;
    l.expiry = AddDays(today, 400);
    l.unit = unit;
    l.quantity_milli = quantity_milli;
    l.received_by = pharm.id;
    l.received_at = DaysAgo(now, start_ago + 14);
    LDN_ASSIGN_OR_RETURN(store::IngredientLot stored, tx.CreateIngredientLot(l));
    return stored.id;
  };
  LDN_ASSIGN_OR_RETURN(store::Id tablets, lot("naltrexone HCl 50 mg tablets", "NX-DEMO-01", "tablet", 100'000));
  LDN_ASSIGN_OR_RETURN(store::Id filler,
                       lot("microcrystalline cellulose (Avicel PH-105)", "MCC-DEMO-01", "g", 1'000'000));
  const std::vector<double> weights = {251.0, 249.5, 250.2, 248.9, 252.3, 250.0, 249.1, 250.8, 251.7, 247.9};
  LDN_ASSIGN_OR_RETURN(pharmacy::WeightVariation variation, pharmacy::CapsuleWeightVariation(weights, 100, "qc"));
  const std::string qc = nlohmann::json{{"appearance", "pass"},
                                        {"appearance_note", ""},
                                        {"capsule_weights_mg", weights},
                                        {"weight_variation", pharmacy::WeightVariationToJson(variation)},
                                        {"failures", nlohmann::json::array()}}
                             .dump();
  const auto batch = [&](bool placebo) -> Result<store::Id> {
    nlohmann::json body = {{"prescription_ids", {rx.id}},
                           {"quantity", quantity},
                           {"capsule_size", "1"},
                           {"fill_weight_mg", 250},
                           {"date", FormatDate(AddDays(start, -10))}};
    if (placebo) {
      body.update({{"master_formula_id", "ldn-caps-placebo-mcc"},
                   {"master_formula_version", 1},
                   {"lots", {{{"lot_id", filler}, {"amount", 20}}}}});
    } else {
      const int64_t tablets_used = (quantity * 4500 + 49'999) / 50'000;  // whole 50 mg tablets
      body.update({{"master_formula_id", "ldn-caps-4.5mg-mcc"},
                   {"master_formula_version", 1},
                   {"source", "tablets"},
                   {"tablet_weight_mg", 300},
                   {"lots", {{{"lot_id", tablets}, {"amount", tablets_used}}, {{"lot_id", filler}, {"amount", 20}}}}});
    }
    auto made = PrepareBatch(tx, orders.pharmacy_id, pharm.id, made_at, body);
    if (!made.ok()) return Status::Internal("demo trial batch: " + made.status().ToString());
    LDN_RETURN_IF_ERROR(tx.CheckBatch(made->id, store::BatchStatus::kReleased, pharm2.id, released_at, qc, ""));
    return made->id;
  };

  // The trial as designed by the clinician, its kits, and its start.
  store::Trial trial;
  trial.patient_id = patient_id;
  trial.prescription_id = rx.id;
  trial.protocol_json = analysis::CanonicalProtocolJson(protocol);
  trial.protocol_sha256 = analysis::ProtocolSha256(protocol);
  trial.designed_by = doc.id;
  trial.designed_at = DaysAgo(now, start_ago + 11);
  LDN_ASSIGN_OR_RETURN(store::Trial designed, tx.CreateTrial(trial));
  for (int pair = 1; pair <= protocol.pairs; ++pair) {
    LDN_ASSIGN_OR_RETURN(store::Id active, batch(false));
    LDN_ASSIGN_OR_RETURN(store::Id placebo, batch(true));
    const bool active_first = allocation.pairs[static_cast<size_t>(pair - 1)] == analysis::PairOrder::kBA;
    store::Kit kit;
    kit.pharmacy_id = orders.pharmacy_id;
    kit.kit_code = fmt::format("K{:04}", pair);
    kit.patient_id = patient_id;
    kit.prescription_id = rx.id;
    kit.pack_a_batch_id = active_first ? active : placebo;
    kit.pack_b_batch_id = active_first ? placebo : active;
    kit.created_by = pharm.id;
    kit.created_at = released_at;
    LDN_ASSIGN_OR_RETURN(store::Kit made_kit, tx.CreateKit(kit));
    LDN_RETURN_IF_ERROR(
        tx.AssignTrialKit({designed.id, patient_id, pair, made_kit.id, pharm.id, DaysAgo(now, start_ago + 8)})
            .status());
  }
  store::Trial started;
  started.start_date = start;
  started.started_by = doc.id;
  started.started_at = DaysAgo(now, start_ago + 3);
  LDN_RETURN_IF_ERROR(tx.MoveTrial(designed.id, store::TrialStatus::kStarted, started).status());
  // The patient's answers at the end of each period (which she thinks she took; the PGIC).
  const std::vector<std::pair<std::string, int>> answers = {{"ldn", 3}, {"dont_know", 4}, {"placebo", 4}, {"ldn", 3}};
  for (size_t i = 0; i < calendar.size(); ++i) {
    store::TrialAnswer a;
    a.trial_id = designed.id;
    a.period = calendar[i].period;
    a.guess = answers[i].first;
    a.pgic = answers[i].second;
    a.answered_by = patient.id;
    a.answered_at = DaysAgo(now, DaysBetween(calendar[i].last, today) + 1);
    LDN_RETURN_IF_ERROR(tx.RecordTrialAnswer(a).status());
  }
  return Status::Ok();
}

// A patient in the baseline of a planned course: tramadol stopped 8 days ago (the screening
// 5 days ago says wait until the washout ends), 5 diary days so far, the first dose proposed by
// the course gate at the end of the 14-day baseline. No login: the clinician's view of a baseline.
Status SeedBaselinePatient(store::Store& tx, store::Id patient_id, store::Id author, store::Instant now) {
  auto tz = TimeZone::Named("Europe/Oslo", "time_zone");
  if (!tz.ok()) return tz.status();
  const LocalDate today = tz->LocalDateAt(now);
  const LocalDate screened_on = AddDays(today, -5);
  for (const auto& [name, details, active] :
       {std::tuple<const char*, const char*, bool>{"duloxetine", R"({"dose":"60 mg daily"})", true},
        {"tramadol", nullptr, false}}) {
    store::Medication m;
    m.patient_id = patient_id;
    m.name = name;
    m.active = active;
    m.details_json =
        details != nullptr
            ? details
            : nlohmann::json{{"last_taken", FormatDate(AddDays(today, -8))}, {"dose", "50 mg as needed"}}.dump();
    m.recorded_by = author;
    m.recorded_at = DaysAgo(now, 5);
    LDN_RETURN_IF_ERROR(tx.CreateMedication(m).status());
  }
  store::Condition fm;
  fm.patient_id = patient_id;
  fm.name = "fibromyalgia";
  fm.recorded_by = author;
  fm.recorded_at = DaysAgo(now, 5);
  LDN_RETURN_IF_ERROR(tx.CreateCondition(fm).status());
  LDN_ASSIGN_OR_RETURN(
      store::Screening screening,
      SeedScreening(tx, patient_id, author,
                    {{"today", FormatDate(screened_on)},
                     {"medications",
                      {{{"name", "duloxetine"}, {"last_taken", nullptr}, {"current", true}},
                       {{"name", "tramadol"}, {"last_taken", FormatDate(AddDays(today, -8))}, {"current", false}}}},
                     {"conditions", {"fibromyalgia"}}},
                    DaysAgo(now, 5)));
  const auto& rules = clinical::LoadInterlockRules();
  if (!rules.ok()) return rules.status();
  const LocalDate start = AddDays(screened_on, rules->baseline_diary_days);  // the gate's proposal that day
  const nlohmann::json request = {{"protocol", "sensitive"}, {"start", FormatDate(start)}};
  auto plan = BuildCoursePlan(request, nlohmann::json::array(), std::nullopt, "");
  if (!plan.ok()) return Status::Internal("demo plan: " + plan.status().ToString());
  store::Course course;
  course.patient_id = patient_id;
  course.protocol = plan->protocol;
  course.plan_json = plan->plan_json;
  course.status = store::CourseStatus::kPlanned;
  course.start_date = start;
  course.recorded_by = author;
  course.recorded_at = DaysAgo(now, 5);
  LDN_ASSIGN_OR_RETURN(store::Course stored, tx.CreateCourse(course));
  LDN_RETURN_IF_ERROR(SeedGateDecision(tx, stored, screening, screened_on, clinical::GateAction::kCreate, screened_on,
                                       start, {}, {}, author, DaysAgo(now, 5)));
  std::vector<store::DiaryEntry> entries;
  const int pain[] = {7, 6, 7, 8, 6};
  const int fatigue[] = {7, 7, 6, 8, 7};
  for (int i = 0; i < 5; ++i) {
    store::DiaryEntry e;
    e.patient_id = patient_id;
    e.local_date = AddDays(today, i - 5);
    e.items_json = nlohmann::json{{"pain", pain[i]}, {"fatigue", fatigue[i]}}.dump();
    e.client_id = "demo-diary-" + FormatDate(e.local_date);
    e.recorded_by = author;
    e.recorded_at = DaysAgo(now, 5 - i);
    entries.push_back(std::move(e));
  }
  return tx.UpsertDiaryBatch(entries).status();
}

}  // namespace

std::vector<DemoLogin> DemoLogins() {
  // Passwords that pass the password policy (password_policy.h: 12 characters, not containing
  // the username); before schema 4 they were ldn-demo-<role>.
  return {{"pat", "ldn-demo-diary", "patient"},
          {"doc", "ldn-demo-clinician", "clinician"},
          {"pharm", "ldn-demo-compounding", "pharmacist"},
          // A second pharmacist of the same pharmacy: a batch is released by someone other than
          // the pharmacist who prepared it (issue 14).
          {"pharm2", "ldn-demo-second-check", "pharmacist"},
          // The patient of the demo's blinded trial (Nora Trial), made with her record below.
          {"nora", "ldn-demo-trial-answer", "patient"},
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
      if (l.username == kTrialDemoLogin) continue;  // linked to her record once it exists
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
    // Pharmacies as organisations, the demo pharmacist's own, and the demo prescriber's details
    // (issue 13). Invented names, addresses and registration numbers.
    LDN_ASSIGN_OR_RETURN(store::Pharmacy pharmacy,
                         tx.CreatePharmacy({0, "Demo Pharmacy", "Apotekergata 1, 0180 Oslo", "+47 22 00 11 22", now}));
    LDN_RETURN_IF_ERROR(tx.CreatePharmacy({0, "Harbour Compounding", "Kaigata 5, 5003 Bergen", "+47 55 00 33 44", now})
                            .status());
    LDN_RETURN_IF_ERROR(tx.SetUserPharmacy(pharm.id, pharmacy.id, now));
    LDN_RETURN_IF_ERROR(tx.SetUserPharmacy(users[3].id, pharmacy.id, now));
    LDN_RETURN_IF_ERROR(tx.PutPrescriberProfile({doc.id, "Dr Dana Demo", "physician", "HPR 9144889 (demo)",
                                                 "Demo clinic, Storgata 1, 0155 Oslo", "+47 22 00 00 00", now}));
    const DemoOrders orders{doc, seed.logins[1].password, pharmacy.id};
    store::CareTeam team;
    team.name = "Demo clinic";
    team.created_at = now;
    LDN_ASSIGN_OR_RETURN(store::CareTeam demo_team, tx.CreateCareTeam(team));
    LDN_RETURN_IF_ERROR(tx.AddCareTeamMember(demo_team.id, doc.id, now));
    LDN_RETURN_IF_ERROR(tx.AddCareTeamMember(demo_team.id, pharm.id, now));
    LDN_RETURN_IF_ERROR(tx.AddCareTeamMember(demo_team.id, users[3].id, now));
    LDN_RETURN_IF_ERROR(tx.AddCareTeamPatient(demo_team.id, *pat.patient_id, now));
    const DemoPatient pat_demo{"Pat Demo",   "Europe/Oslo", 4, 84, "1979-05-14", "female", "nb", "NO",
                               "Parkveien 2, 0350 Oslo"};
    LDN_RETURN_IF_ERROR(SeedDemographics(tx, *pat.patient_id, doc.id, pat_demo, now));
    LDN_RETURN_IF_ERROR(SeedPatientRecord(tx, *pat.patient_id, doc.id, pat_demo, now, orders));
    // Simulated patients of seed 1: #4 has an LDN effect; #0 has none but a large placebo
    // response (what an open comparison cannot tell apart); #7 has neither, and side effects.
    const std::vector<DemoPatient> others = {
        {"Alex Example", "America/New_York", 0, 70, "1985-09-02", "male", "en", "US-NY", "12 Elm Street, Albany, NY"},
        {"Sam Sample", "Australia/Sydney", 7, 42, "1972-03-30", "female", "en", "AU", "4 Harbour Road, Sydney NSW"}};
    for (const DemoPatient& p : others) {
      LDN_ASSIGN_OR_RETURN(store::Id id, CreateDemoPatient(tx, demo_team.id, doc.id, p, now));
      LDN_RETURN_IF_ERROR(SeedPatientRecord(tx, id, doc.id, p, now, orders));
    }
    // A few messages: Pat asked about dreams and the clinic answered (both read); Pat's next
    // question waits unread in the clinic's inbox.
    const auto ago = [&](int hours) { return now - std::chrono::hours(hours); };
    LDN_ASSIGN_OR_RETURN(store::Message asked,
                         tx.CreateMessage({0, *pat.patient_id, pat.id,
                                           "Hi, I have had vivid dreams since the dose went up. Is that normal?",
                                           ago(50), "demo-message-1"}));
    LDN_RETURN_IF_ERROR(tx.MarkMessagesRead(*pat.patient_id, doc.id, asked.id, ago(30)).status());
    LDN_ASSIGN_OR_RETURN(
        store::Message answered,
        tx.CreateMessage({0, *pat.patient_id, doc.id,
                          "Yes, vivid dreams are common in the first weeks and usually settle. If they bother you, "
                          "take the dose in the morning instead and tell me how it goes.",
                          ago(29), "demo-message-2"}));
    LDN_RETURN_IF_ERROR(tx.MarkMessagesRead(*pat.patient_id, pat.id, answered.id, ago(20)).status());
    LDN_RETURN_IF_ERROR(tx.CreateMessage({0, *pat.patient_id, pat.id,
                                          "Morning dosing helped, thank you. Should I stay on it from now on?", ago(3),
                                          "demo-message-3"})
                            .status());

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
    LDN_RETURN_IF_ERROR(tx.AddCareTeamPatient(other.id, robin_stored.id, now));
    // Patient 5, after Robin so that the ids of the earlier demo patients stay as they were.
    store::Patient kim;
    kim.display_name = "Kim Baseline";
    kim.time_zone = "Europe/Oslo";
    kim.created_at = now;
    LDN_ASSIGN_OR_RETURN(store::Patient kim_stored, tx.CreatePatient(kim));
    LDN_RETURN_IF_ERROR(tx.AddCareTeamPatient(demo_team.id, kim_stored.id, now));
    LDN_RETURN_IF_ERROR(SeedBaselinePatient(tx, kim_stored.id, doc.id, now));
    // Patient 6: the blinded trial, its last period over.
    const DemoPatient nora{"Nora Trial", "Europe/Oslo", 4,    kTrialDemoDaysOnTreatment,      "1968-11-03",
                           "female",     "nb",          "NO", "Trondheimsveien 10, 0560 Oslo"};
    LDN_ASSIGN_OR_RETURN(store::Id nora_id, CreateDemoPatient(tx, demo_team.id, doc.id, nora, now));
    NewAccount nora_login;
    nora_login.username = kTrialDemoLogin;
    nora_login.role = store::Role::kPatient;
    for (const DemoLogin& l : seed.logins) {
      if (l.username == kTrialDemoLogin) nora_login.password = l.password;
    }
    nora_login.patient_id = nora_id;
    LDN_ASSIGN_OR_RETURN(store::User nora_user, CreateAccount(tx, nora_login, now));
    LDN_RETURN_IF_ERROR(SeedTrialPatient(tx, nora_id, doc, pharm, users[3], nora_user, nora, now, orders));
    return Status::Ok();
  }));
  seed.created = true;
  return seed;
}

}  // namespace ldn::server
