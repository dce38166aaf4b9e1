// Blinded N-of-1 trials of LDN against placebo in the clinic (issue 16; docs/nof1.md "In the
// clinic"; the statistics are src/analysis/nof1_*). The clinician designs the trial on the order of
// a patient who is on a stable dose; the pharmacy gives each pair a placebo-twin kit (api_kits.cpp),
// whose random pack letters are the pair's allocation; the clinician starts it on a date, which
// freezes the protocol (its SHA-256 goes into the audit chain). Clinician and patient see kit and
// pack codes only; which pack holds naltrexone is answered to the pharmacy's pharmacists alone.
//
//   GET  /patients/{patient_id}/trials                       the patient's trials (clinician, patient)
//   POST /patients/{patient_id}/trials                       design a trial (clinician)
//   POST /patients/{patient_id}/trials/{trial_id}/start      start it on a date: the protocol freezes
//   POST /patients/{patient_id}/trials/{trial_id}/cancel     cancel a trial that has not started
//   POST /patients/{patient_id}/trials/{trial_id}/periods/{period}/answer
//                                                            the end-of-period question and PGIC
//   POST /trial-designs/simulate                             a design's operating characteristics
//   GET  /pharmacy/trials                                    trials of the pharmacy's orders, with the link
//   POST /pharmacy/trials/{trial_id}/kits                    give a pair its kit (pharmacist)
#include <algorithm>
#include <set>
#include <string>

#include <fmt/format.h>

#include "analysis/nof1_protocol.h"
#include "analysis/nof1_simulate.h"
#include "core/json_reader.h"
#include "core/message.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/batches.h"
#include "server/course_plans.h"

namespace ldn::server {
namespace {

using analysis::TrialProtocol;
using store::Role;

// Simulations the design form may ask for in one request: about one second of one core
// (docs/benchmarks.md, `ldn trial simulate`); 200 give a share within +/- 3.5% (Monte Carlo SE).
constexpr int kMaxFormTrials = 500;
// How far ahead a trial may be started.
constexpr int kMaxStartAheadDays = 90;
// The end-of-period question ("which do you think you took?", PGIC) is asked from this many days
// before a period's last day: the patient answers near the end of what they judge, and a day or two
// early when they will not open the app on the last day.
constexpr int kAnswerDaysBeforeEnd = 2;

Result<store::Trial> PatientTrial(RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "trial_id"));
  auto t = ctx.store().GetTrial(id);
  if ((!t.ok() && t.status().code() == Code::kNotFound) || (t.ok() && t->patient_id != ctx.patient())) {
    return Status::NotFound("trial_id: no such trial");
  }
  return t;
}

// The dose the patient has been on since the last step of the active course began; kConflict
// naming "prescription_id" when the patient is not on a stable dose yet.
struct StableDose {
  Dose dose = Dose::FromMicrogramsHcl(0);
  LocalDate since;
};
Result<StableDose> StableDoseOf(RequestContext& ctx, LocalDate today) {
  LDN_ASSIGN_OR_RETURN(auto courses, ctx.store().ListCourses(ctx.patient()));
  const store::Course* active = nullptr;
  for (const auto& c : courses) {
    if (c.status == store::CourseStatus::kActive) active = &c;
  }
  if (active == nullptr) {
    return Status::Conflict(
        "prescription_id: the patient has no active course: a trial compares LDN with placebo "
        "at a dose the patient already takes");
  }
  LDN_ASSIGN_OR_RETURN(auto steps, PlanSteps(*active));
  const pharmacy::OrderStep& last = steps.back();
  if (last.start > today) {
    return Status::Conflict(
        fmt::format("prescription_id: the patient is still titrating (the last step, {} mg, "
                    "starts on {}): design the trial on a stable dose",
                    last.dose.milligrams_hcl(), FormatDate(last.start)));
  }
  return StableDose{last.dose, last.start};
}

// The protocol of the body's "protocol" object (defaults for what it leaves out), validated; errors
// name "protocol.<field>".
Result<TrialProtocol> BodyProtocol(JsonObject& o, const nlohmann::json& body) {
  LDN_ASSIGN_OR_RETURN(JsonObject p, o.Object("protocol"));
  (void)p;  // read whole below: ProtocolFromJson is the one reader of a protocol
  Result<TrialProtocol> protocol = analysis::ProtocolFromJson(body.at("protocol"));
  if (!protocol.ok()) return protocol.status().WithFieldPrefix("protocol");
  Status valid = analysis::ValidateProtocol(*protocol);
  if (!valid.ok()) return valid.WithFieldPrefix("protocol");
  return protocol;
}

struct PeriodSpan {
  int period = 0;
  int pair = 0;
  LocalDate first, analysed_first, last;
};
// The periods' dates, without their arms (which only the pharmacy knows).
std::vector<PeriodSpan> Periods(const TrialProtocol& p, LocalDate start) {
  std::vector<PeriodSpan> out;
  for (int k = 1; k <= 2 * p.pairs; ++k) {
    const LocalDate first = AddDays(start, (k - 1) * p.period_days);
    out.push_back({k, (k + 1) / 2, first, AddDays(first, p.run_in_days), AddDays(first, p.period_days - 1)});
  }
  return out;
}

// The trial as clinician and patient see it: kit and pack codes, never which pack is active.
// `with_link` (the pharmacy's view) adds each kit's active pack and the pair's order.
Result<nlohmann::json> TrialJson(store::Store& st, const store::Trial& t, bool with_link) {
  LDN_ASSIGN_OR_RETURN(TrialProtocol p, analysis::ParseProtocolJson(t.protocol_json));
  LDN_ASSIGN_OR_RETURN(auto kits, st.ListTrialKits(t.id));
  LDN_ASSIGN_OR_RETURN(auto answers, st.ListTrialAnswers(t.id));
  std::map<int, store::Kit> kit_of_pair;
  nlohmann::json pairs = nlohmann::json::array();
  for (int pair = 1; pair <= p.pairs; ++pair) {
    nlohmann::json j = {{"pair", pair}, {"kit_code", nullptr}};
    for (const auto& tk : kits) {
      if (tk.pair != pair) continue;
      LDN_ASSIGN_OR_RETURN(store::Kit k, st.GetKit(tk.kit_id));
      LDN_ASSIGN_OR_RETURN(auto dispensed, st.ListBatchDispensings(k.pack_a_batch_id));
      kit_of_pair[pair] = k;
      j["kit_code"] = k.kit_code;
      j["dispensed"] = !dispensed.empty();
      if (with_link) {
        j["kit_id"] = k.id;
        LDN_ASSIGN_OR_RETURN(store::Batch a, st.GetBatch(k.pack_a_batch_id));
        j["active_pack"] = a.placebo ? "B" : "A";
        // Pack A is taken first: placebo in pack A is the order AB (placebo, then LDN).
        j["order"] = a.placebo ? "AB" : "BA";
      }
    }
    pairs.push_back(std::move(j));
  }
  nlohmann::json schedule = nullptr;
  if (t.start_date) {
    schedule = nlohmann::json::array();
    for (const PeriodSpan& s : Periods(p, *t.start_date)) {
      const auto k = kit_of_pair.find(s.pair);
      nlohmann::json pack = nullptr;
      if (k != kit_of_pair.end()) pack = k->second.kit_code + (s.period % 2 == 1 ? "-A" : "-B");
      schedule.push_back({{"period", s.period},
                          {"pair", s.pair},
                          {"pack_code", pack},
                          {"first_day", FormatDate(s.first)},
                          {"analysed_from", FormatDate(s.analysed_first)},
                          {"last_day", FormatDate(s.last)},
                          {"answer_from", FormatDate(AddDays(s.last, -kAnswerDaysBeforeEnd))}});
    }
  }
  nlohmann::json answers_json = nlohmann::json::array();
  for (const auto& a : answers) {
    answers_json.push_back({{"period", a.period},
                            {"guess", a.guess},
                            {"pgic", a.pgic ? nlohmann::json(*a.pgic) : nlohmann::json()},
                            {"answered_at", InstantText(a.answered_at)}});
  }
  const auto opt_time = [](const std::optional<store::Instant>& i) {
    return i ? nlohmann::json(InstantText(*i)) : nlohmann::json();
  };
  nlohmann::json j = {
      {"id", t.id},
      {"patient_id", t.patient_id},
      {"prescription_id", t.prescription_id},
      {"status", store::TrialStatusName(t.status)},
      {"protocol", nlohmann::json::parse(t.protocol_json)},
      {"protocol_sha256", t.protocol_sha256},
      {"frozen", t.status != store::TrialStatus::kDesigned},
      {"allows", analysis::ConsequencesToJson(analysis::ConsequencesOf(p))},
      {"pairs", std::move(pairs)},
      {"kits_complete", static_cast<int>(kits.size()) == p.pairs},
      {"start_date", t.start_date ? nlohmann::json(FormatDate(*t.start_date)) : nlohmann::json()},
      {"end_date", t.start_date ? nlohmann::json(FormatDate(AddDays(*t.start_date, 2 * p.pairs * p.period_days - 1)))
                                : nlohmann::json()},
      {"schedule", std::move(schedule)},
      {"answers", std::move(answers_json)},
      {"designed_at", InstantText(t.designed_at)},
      {"started_at", opt_time(t.started_at)},
      {"ended_at", opt_time(t.ended_at)},
      {"end_reason", t.end_reason},
      {"unblinded_at", opt_time(t.unblinded_at)},
      {"emergency_unblinding", t.emergency_unblinding},
      {"blind", with_link ? "pharmacy view: the link is shown" : "held by the pharmacy"}};
  return j;
}

Result<ApiReply> ListTrials(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto trials, ctx.store().ListTrials(ctx.patient()));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : trials) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), t, false));
    out.push_back(std::move(j));
  }
  return Reply({{"trials", std::move(out)}});
}

// Body: {"prescription_id", "protocol": {...}} (protocol fields as docs/nof1.md; left out: defaults).
Result<ApiReply> DesignTrial(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(int64_t rx_id, o.Integer("prescription_id", 1, INT64_MAX));
  LDN_ASSIGN_OR_RETURN(TrialProtocol protocol, BodyProtocol(o, holder));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  auto rx = ctx.store().GetPrescription(ctx.patient(), rx_id);
  if (!rx.ok()) return Status::NotFound("prescription_id: no such order of this patient");
  if (!rx->signed_at || rx->status == store::PrescriptionStatus::kCancelled ||
      rx->status == store::PrescriptionStatus::kDispensed) {
    return Status::Conflict(
        fmt::format("prescription_id: order {} is {}: the trial's kits are made for a signed "
                    "order that is not yet dispensed",
                    rx->id, rx->signed_at ? store::PrescriptionStatusName(rx->status) : "unsigned"));
  }
  const nlohmann::json f = StoredJson(rx->formulation_json);
  if (f.value("form", "") != "capsule") {
    return Status::Conflict(
        "prescription_id: a blinded trial needs capsules: there is no placebo twin of the "
        "liquid (its bitterness would unblind; docs/pharmacy.md)");
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(StableDose stable, StableDoseOf(ctx, PatientToday(patient, ctx.now)));
  store::Trial t;
  t.patient_id = ctx.patient();
  t.prescription_id = rx->id;
  t.protocol_json = analysis::CanonicalProtocolJson(protocol);
  t.protocol_sha256 = analysis::ProtocolSha256(protocol);
  t.designed_by = ctx.caller().user_id;
  t.designed_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::Trial stored, ctx.store().CreateTrial(t));
  ctx.audit_detail = fmt::format("trial {} designed: protocol sha256 {}", stored.id, stored.protocol_sha256);
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), stored, false));
  j["stable_dose"] = {{"mg", stable.dose.milligrams_hcl()}, {"since", FormatDate(stable.since)}};
  return Reply(std::move(j), 201);
}

// Body: {"start_date"}: on or after the patient's today, within 90 days; every pair has its kit.
Result<ApiReply> StartTrial(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(LocalDate start, o.Date("start_date"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(store::Trial t, PatientTrial(ctx));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  const LocalDate today = PatientToday(patient, ctx.now);
  if (start < today) return Status::InvalidArgument("start_date", "is in the past (in the patient's time zone)");
  if (start > AddDays(today, kMaxStartAheadDays)) {
    return Status::InvalidArgument("start_date", fmt::format("is more than {} days ahead", kMaxStartAheadDays));
  }
  if (t.status != store::TrialStatus::kDesigned) {
    return Status::Conflict(
        fmt::format("status: trial {} is {}: only a designed trial starts", t.id, store::TrialStatusName(t.status)));
  }
  LDN_ASSIGN_OR_RETURN(TrialProtocol p, analysis::ParseProtocolJson(t.protocol_json));
  LDN_ASSIGN_OR_RETURN(auto kits, ctx.store().ListTrialKits(t.id));
  if (static_cast<int>(kits.size()) != p.pairs) {
    return Status::Conflict(
        fmt::format("kits: the pharmacy has given {} of the {} pairs their kit; the trial "
                    "starts when every pair has one",
                    kits.size(), p.pairs));
  }
  // The dose must still be stable on the day the trial starts.
  LDN_ASSIGN_OR_RETURN(StableDose stable, StableDoseOf(ctx, start));
  (void)stable;
  store::Trial change;
  change.start_date = start;
  change.started_by = ctx.caller().user_id;
  change.started_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::Trial started, ctx.store().MoveTrial(t.id, store::TrialStatus::kStarted, change));
  // The frozen protocol's hash in the audit chain (issue 16 item 1).
  ctx.audit_detail =
      fmt::format("trial {} started {}: protocol frozen, sha256 {}", t.id, FormatDate(start), started.protocol_sha256);
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), started, false));
  return Reply(std::move(j));
}

// Body: {"reason"} (1-2000 characters).
Result<ApiReply> CancelTrial(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string reason, o.Text("reason", 1, 2000));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(store::Trial t, PatientTrial(ctx));
  store::Trial change;
  change.ended_by = ctx.caller().user_id;
  change.ended_at = ctx.now;
  change.end_reason = reason;
  LDN_ASSIGN_OR_RETURN(store::Trial cancelled, ctx.store().MoveTrial(t.id, store::TrialStatus::kCancelled, change));
  ctx.audit_detail = fmt::format("trial {} cancelled", t.id);
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), cancelled, false));
  return Reply(std::move(j));
}

// Body: {"guess": "ldn" | "placebo" | "dont_know", "pgic"?: 1-7 or null}: the patient's answers at
// the end of a period of a running trial, once per period, from kAnswerDaysBeforeEnd days before
// its last day (the patient's calendar).
Result<ApiReply> AnswerPeriod(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string guess, o.String("guess"));
  std::optional<int64_t> pgic;
  if (o.HasNonNull("pgic")) {
    LDN_ASSIGN_OR_RETURN(pgic, o.OptionalInteger("pgic", 1, 7));
  } else {
    o.Consume("pgic");
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (guess != "ldn" && guess != "placebo" && guess != "dont_know") {
    return Status::InvalidArgument("guess", "one of ldn, placebo, dont_know")
        .WithText({N_("Choose one: LDN, placebo, or don't know.")});
  }
  LDN_ASSIGN_OR_RETURN(store::Trial t, PatientTrial(ctx));
  if (t.status != store::TrialStatus::kStarted || !t.start_date) {
    return Status::Conflict(fmt::format("status: trial {} is {}: only a running trial asks its questions", t.id,
                                        store::TrialStatusName(t.status)))
        .WithText({N_("This trial is not running, so it asks nothing now.")});
  }
  LDN_ASSIGN_OR_RETURN(TrialProtocol p, analysis::ParseProtocolJson(t.protocol_json));
  const std::string& text = ctx.params.at("period");
  int period = 0;
  const bool number = !text.empty() && text.size() <= 2 &&
                      std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (number) period = std::stoi(text);
  if (period < 1 || period > 2 * p.pairs) {
    return Status::InvalidArgument("period", fmt::format("the trial has periods 1-{}", 2 * p.pairs));
  }
  const PeriodSpan span = Periods(p, *t.start_date)[static_cast<size_t>(period - 1)];
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  const LocalDate from = AddDays(span.last, -kAnswerDaysBeforeEnd);
  if (PatientToday(patient, ctx.now) < from) {
    return Status::Conflict(fmt::format("period: period {} ends on {}; its question is asked from {}", period,
                                        FormatDate(span.last), FormatDate(from)))
        .WithText(
            {N_("This question is asked from {date}, near the end of the period."), {{"date", FormatDate(from)}}});
  }
  store::TrialAnswer a;
  a.trial_id = t.id;
  a.period = period;
  a.guess = guess;
  if (pgic) a.pgic = static_cast<int>(*pgic);
  a.answered_by = ctx.caller().user_id;
  a.answered_at = ctx.now;
  Result<store::TrialAnswer> stored = ctx.store().RecordTrialAnswer(a);
  if (!stored.ok() && stored.status().code() == Code::kConflict && stored.status().message().rfind("period", 0) == 0) {
    return stored.status().WithText({N_("You have answered for this period already.")});
  }
  LDN_RETURN_IF_ERROR(stored.status());
  ctx.audit_detail = fmt::format("trial {} period {} answered", t.id, period);
  LDN_ASSIGN_OR_RETURN(store::Trial now, ctx.store().GetTrial(t.id));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), now, false));
  return Reply(std::move(j), 201);
}

// Body: {"protocol": {...}, "scenario"?: {"effect", "sd", "rho", "placebo_response",
// "drift_per_28_days", "missing_probability"}, "trials"? (1-500, default 200), "seed"?}.
Result<ApiReply> SimulateDesign(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(TrialProtocol protocol, BodyProtocol(o, holder));
  analysis::TrialScenario s;
  if (o.HasNonNull("scenario")) {
    LDN_ASSIGN_OR_RETURN(JsonObject sc, o.Object("scenario"));
    // Ranges: what ValidateScenario accepts is checked after; these keep the numbers sane.
    LDN_ASSIGN_OR_RETURN(auto effect, sc.OptionalNumber("effect", -10, 10));
    LDN_ASSIGN_OR_RETURN(auto sd, sc.OptionalNumber("sd", 0, 5));
    LDN_ASSIGN_OR_RETURN(auto rho, sc.OptionalNumber("rho", -0.99, 0.99));
    LDN_ASSIGN_OR_RETURN(auto placebo, sc.OptionalNumber("placebo_response", -10, 10));
    LDN_ASSIGN_OR_RETURN(auto drift, sc.OptionalNumber("drift_per_28_days", -10, 10));
    LDN_ASSIGN_OR_RETURN(auto missing, sc.OptionalNumber("missing_probability", 0, 0.9));
    LDN_RETURN_IF_ERROR(sc.RejectUnknownKeys());
    if (effect) s.effect = *effect;
    if (sd) s.sd = *sd;
    if (rho) s.rho = *rho;
    if (placebo) s.placebo_response = *placebo;
    if (drift) s.drift_per_28_days = *drift;
    if (missing) s.missing_probability = *missing;
  } else {
    o.Consume("scenario");
  }
  LDN_ASSIGN_OR_RETURN(auto trials, o.OptionalInteger("trials", 1, kMaxFormTrials));
  LDN_ASSIGN_OR_RETURN(auto seed, o.OptionalInteger("seed", 0, INT64_MAX));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  Status valid = analysis::ValidateScenario(s);
  if (!valid.ok()) {
    return valid.WithFieldPrefix("scenario");
  }
  analysis::DesignSimulationOptions opt;
  opt.trials = static_cast<int>(trials.value_or(200));
  opt.seed = static_cast<uint64_t>(seed.value_or(1));
  LDN_ASSIGN_OR_RETURN(analysis::OperatingCharacteristics oc, analysis::SimulateTrialDesign(protocol, s, opt));
  nlohmann::json j = analysis::OperatingCharacteristicsToJson(oc);
  j["allows"] = analysis::ConsequencesToJson(analysis::ConsequencesOf(protocol));
  j["scenario"] = {{"effect", s.effect},
                   {"sd", s.sd},
                   {"rho", s.rho},
                   {"placebo_response", s.placebo_response},
                   {"drift_per_28_days", s.drift_per_28_days},
                   {"missing_probability", s.missing_probability}};
  return Reply(std::move(j));
}

// The trials of orders routed to the caller's pharmacy, with the link (which pack is active).
Result<ApiReply> PharmacyTrials(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(auto trials, ctx.store().ListPharmacyTrials(pharmacy_id));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : trials) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), t, true));
    LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(t.patient_id));
    j["patient"] = {{"id", patient.id}, {"display_name", patient.display_name}};
    out.push_back(std::move(j));
  }
  return Reply({{"trials", std::move(out)}});
}

// Body: {"pair", "kit_id"}: a kit of the caller's pharmacy, made for the trial's order.
Result<ApiReply> AssignKit(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(store::Id trial_id, PathId(ctx, "trial_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(int64_t pair, o.Integer("pair", 1, analysis::kMaxPairs));
  LDN_ASSIGN_OR_RETURN(int64_t kit_id, o.Integer("kit_id", 1, INT64_MAX));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  auto t = ctx.store().GetTrial(trial_id);
  std::optional<store::Prescription> rx;
  if (t.ok()) {
    auto r = ctx.store().GetPrescription(t->patient_id, t->prescription_id);
    if (r.ok() && r->pharmacy_id == pharmacy_id) rx = *r;
  }
  if (!rx) return Status::NotFound("trial_id: no such trial at your pharmacy");
  ctx.audit_patient_id = t->patient_id;
  LDN_ASSIGN_OR_RETURN(TrialProtocol p, analysis::ParseProtocolJson(t->protocol_json));
  if (pair > p.pairs) {
    return Status::InvalidArgument("pair", fmt::format("the trial has {} pairs", p.pairs));
  }
  auto k = ctx.store().GetKit(kit_id);
  if (!k.ok() || k->pharmacy_id != pharmacy_id) return Status::NotFound("kit_id: no such kit at your pharmacy");
  LDN_ASSIGN_OR_RETURN(auto dispensed, ctx.store().ListBatchDispensings(k->pack_a_batch_id));
  (void)dispensed;
  store::TrialKit tk;
  tk.trial_id = t->id;
  tk.pair = static_cast<int>(pair);
  tk.kit_id = k->id;
  tk.assigned_by = ctx.caller().user_id;
  tk.assigned_at = ctx.now;
  LDN_RETURN_IF_ERROR(ctx.store().AssignTrialKit(tk).status());
  ctx.audit_detail = fmt::format("trial {} pair {}: kit {}", t->id, pair, k->kit_code);
  LDN_ASSIGN_OR_RETURN(store::Trial now, ctx.store().GetTrial(t->id));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), now, true));
  return Reply(std::move(j), 201);
}

constexpr char kProtocolSchema[] =
    R"js({"type":"object","description":"Protocol fields (docs/nof1.md); left out: the defaults","properties":{"pairs":{"type":"integer","minimum":1,"maximum":12},"period_days":{"type":"integer","minimum":7,"maximum":182},"run_in_days":{"type":"integer","minimum":0},"primary_outcome":{"type":"string"},"secondary_outcomes":{"type":"array","items":{"type":"string"}},"mcid":{"type":"number"},"decision_rule":{"type":"object","properties":{"continue_probability":{"type":"number"},"stop_probability":{"type":"number"}}},"model":{"enum":["mean","trend","lag","ar1"]}}})js";
const std::string kDesignSchema =
    std::string(
        R"js({"type":"object","additionalProperties":false,"required":["prescription_id","protocol"],"properties":{"prescription_id":{"type":"integer"},"protocol":)js") +
    kProtocolSchema + "}}";
const std::string kSimulateSchema =
    std::string(
        R"js({"type":"object","additionalProperties":false,"required":["protocol"],"properties":{"trials":{"type":"integer","minimum":1,"maximum":500},"seed":{"type":"integer","minimum":0},"scenario":{"type":"object","additionalProperties":false,"properties":{"effect":{"type":"number"},"sd":{"type":"number"},"rho":{"type":"number"},"placebo_response":{"type":"number"},"drift_per_28_days":{"type":"number"},"missing_probability":{"type":"number"}}},"protocol":)js") +
    kProtocolSchema + "}}";
constexpr char kStartSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["start_date"],"properties":{"start_date":{"type":"string","format":"date"}}})js";
constexpr char kCancelSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["reason"],"properties":{"reason":{"type":"string","minLength":1,"maxLength":2000}}})js";
constexpr char kAnswerSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["guess"],"properties":{"guess":{"enum":["ldn","placebo","dont_know"]},"pgic":{"type":["integer","null"],"minimum":1,"maximum":7}}})js";
constexpr char kAssignSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["pair","kit_id"],"properties":{"pair":{"type":"integer","minimum":1,"maximum":12},"kit_id":{"type":"integer"}}})js";

}  // namespace

void AddTrialRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::set<Role> kClinician = {Role::kClinician};
  routes.Add({"GET",
              "/api/v1/patients/{patient_id}/trials",
              PatientScoped({Role::kClinician, Role::kPatient}, "trial.list"),
              h(ListTrials),
              "The patient's N-of-1 trials: protocol, what it allows, kit and pack codes per period, answers (never "
              "which pack holds naltrexone).",
              "",
              {}});
  routes.Add({"POST",
              "/api/v1/patients/{patient_id}/trials",
              PatientScoped(kClinician, "trial.design"),
              h(DesignTrial),
              "Design a blinded N-of-1 trial on a signed capsule order of a patient on a stable dose.",
              kDesignSchema,
              {}});
  routes.Add({"POST",
              "/api/v1/patients/{patient_id}/trials/{trial_id}/start",
              PatientScoped(kClinician, "trial.start"),
              h(StartTrial),
              "Start a designed trial whose pairs all have their kits: the protocol is frozen and its SHA-256 "
              "audited.",
              kStartSchema,
              {}});
  routes.Add({"POST",
              "/api/v1/patients/{patient_id}/trials/{trial_id}/cancel",
              PatientScoped(kClinician, "trial.cancel"),
              h(CancelTrial),
              "Cancel a trial that has not started (with a reason).",
              kCancelSchema,
              {}});
  routes.Add({"POST",
              "/api/v1/patients/{patient_id}/trials/{trial_id}/periods/{period}/answer",
              PatientScoped({Role::kPatient, Role::kClinician}, "trial.answer"),
              h(AnswerPeriod),
              "The end-of-period answers of a running trial: which the patient thinks they took (LDN, placebo, "
              "don't know) and the PGIC; once per period, from two days before its last day.",
              kAnswerSchema,
              {}});
  Access simulate = Authenticated({Role::kClinician, Role::kResearcher});
  simulate.on_worker_pool = true;  // about a second of computing for 200 trials
  routes.Add({"POST",
              "/api/v1/trial-designs/simulate",
              simulate,
              h(SimulateDesign),
              "A design's operating characteristics under a scenario: P(continue), P(stop), P(uncertain) when LDN "
              "works and when it does nothing.",
              kSimulateSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/pharmacy/trials",
              Authenticated({Role::kPharmacist}, "trial.pharmacy_list"),
              h(PharmacyTrials),
              "The trials of the pharmacy's orders with each pair's kit and which pack holds naltrexone: "
              "pharmacy-only.",
              "",
              {}});
  routes.Add({"POST",
              "/api/v1/pharmacy/trials/{trial_id}/kits",
              Authenticated({Role::kPharmacist}, "trial.assign_kit"),
              h(AssignKit),
              "Give a pair of a designed trial its kit (made for the trial's order): pack A is taken in the pair's "
              "first period.",
              kAssignSchema,
              {}});
}

}  // namespace ldn::server
