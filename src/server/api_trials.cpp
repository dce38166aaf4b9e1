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
//   POST /patients/{patient_id}/trials/{trial_id}/end        end it (early: with a reason); unblinds, analyses
//   POST /patients/{patient_id}/trials/{trial_id}/unblind    emergency unblinding (password, reason)
//   GET  /patients/{patient_id}/trials/{trial_id}/analysis   the analysis of an ended trial
//   POST /patients/{patient_id}/trials/{trial_id}/periods/{period}/answer
//                                                            the end-of-period question and PGIC
//   GET  /trial-designs/defaults                             the design form's starting values
//   POST /trial-designs/simulate                             a design's operating characteristics
//   GET  /pharmacy/trials                                    trials of the pharmacy's orders, with the link
//   POST /pharmacy/trials/{trial_id}/kits                    give a pair its kit (pharmacist)
#include <algorithm>
#include <set>
#include <string>

#include <fmt/format.h>

#include "analysis/diary.h"
#include "analysis/nof1_analysis.h"
#include "analysis/nof1_pool.h"
#include "analysis/nof1_protocol.h"
#include "analysis/nof1_record.h"
#include "analysis/nof1_simulate.h"
#include "core/json_reader.h"
#include "core/message.h"
#include "report/flow_pdf.h"
#include "report/trial_report.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/batches.h"
#include "server/course_plans.h"
#include "server/orders.h"
#include "server/research_summary.h"
#include "server/trials.h"
#include "server/visit_report.h"

namespace ldn::server {
namespace {

using analysis::TrialProtocol;
using store::Role;

// Simulations the design form may ask for in one request: about one second of one core
// (docs/benchmarks.md, `ldn trial simulate`); 200 give a share within +/- 3.5% (Monte Carlo SE).
constexpr int kMaxFormTrials = 500;
constexpr int kFormTrials = 200;  // the default
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
  // Present and an object; read whole below: ProtocolFromJson is the one reader of a protocol.
  LDN_RETURN_IF_ERROR(o.Object("protocol").status());
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

// Whether the caller of a patient route may read which pack is active: once the trial has ended
// (it is unblinded then), and for the care team after an emergency unblinding (the patient stays
// blind for the rest of the trial unless the clinician tells them).
bool LinkVisible(const RequestContext& ctx, const store::Trial& t) {
  if (!t.unblinded_at) return false;
  return t.status == store::TrialStatus::kEnded || ctx.caller().role == Role::kClinician;
}

// The trial as clinician and patient see it: kit and pack codes, never which pack is active.
// `with_link` (the pharmacy's view, or LinkVisible) adds each kit's active pack and the pair's order.
Result<nlohmann::json> TrialJson(store::Store& st, const store::Trial& t, bool with_link) {
  LDN_ASSIGN_OR_RETURN(TrialProtocol p, analysis::ParseProtocolJson(t.protocol_json));
  LDN_ASSIGN_OR_RETURN(auto kits, st.ListTrialKits(t.id));
  LDN_ASSIGN_OR_RETURN(auto answers, st.ListTrialAnswers(t.id));
  nlohmann::json pairs = nlohmann::json::array();
  for (int pair = 1; pair <= p.pairs; ++pair) {
    nlohmann::json j = {{"pair", pair}, {"kit_code", nullptr}};
    for (const auto& tk : kits) {
      if (tk.pair != pair) continue;
      LDN_ASSIGN_OR_RETURN(store::Kit k, st.GetKit(tk.kit_id));
      LDN_ASSIGN_OR_RETURN(auto dispensed, st.ListBatchDispensings(k.pack_a_batch_id));
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
    LDN_ASSIGN_OR_RETURN(auto periods, TrialPackSchedule(st, t));
    for (const TrialPackPeriod& s : periods) {
      schedule.push_back({{"period", s.period},
                          {"pair", s.pair},
                          {"pack_code", s.pack_code ? nlohmann::json(*s.pack_code) : nlohmann::json()},
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
      {"unblind_reason", t.unblind_reason},
      {"blind",
       !with_link ? "held by the pharmacy" : (t.unblinded_at ? "lifted" : "pharmacy view: the link is shown")}};
  return j;
}

Result<ApiReply> ListTrials(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto trials, ctx.store().ListTrials(ctx.patient()));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : trials) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), t, LinkVisible(ctx, t)));
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
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), stored, LinkVisible(ctx, stored)));
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
  LDN_RETURN_IF_ERROR(StableDoseOf(ctx, start).status());
  store::Trial change;
  change.start_date = start;
  change.started_by = ctx.caller().user_id;
  change.started_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::Trial started, ctx.store().MoveTrial(t.id, store::TrialStatus::kStarted, change));
  // The frozen protocol's hash in the audit chain (issue 16 item 1).
  ctx.audit_detail =
      fmt::format("trial {} started {}: protocol frozen, sha256 {}", t.id, FormatDate(start), started.protocol_sha256);
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), started, LinkVisible(ctx, started)));
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
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), cancelled, LinkVisible(ctx, cancelled)));
  return Reply(std::move(j));
}

// The trial's last planned day.
LocalDate PlannedLastDay(const TrialProtocol& p, LocalDate start) {
  return AddDays(start, 2 * p.pairs * p.period_days - 1);
}

// The allocation the kits hold: pack A is taken in a pair's first period, so a placebo pack A is
// the order AB. kInternal when a pair has no kit (a started trial has every kit: StartTrial).
Result<analysis::Allocation> AllocationOf(store::Store& st, const store::Trial& t, const TrialProtocol& p) {
  LDN_ASSIGN_OR_RETURN(auto kits, st.ListTrialKits(t.id));
  analysis::Allocation a;
  for (int pair = 1; pair <= p.pairs; ++pair) {
    const auto tk = std::find_if(kits.begin(), kits.end(), [&](const store::TrialKit& k) { return k.pair == pair; });
    if (tk == kits.end()) return Status::Internal(fmt::format("trial {} has no kit for pair {}", t.id, pair));
    LDN_ASSIGN_OR_RETURN(store::Kit k, st.GetKit(tk->kit_id));
    LDN_ASSIGN_OR_RETURN(store::Batch pack_a, st.GetBatch(k.pack_a_batch_id));
    a.pairs.push_back(pack_a.placebo ? analysis::PairOrder::kAB : analysis::PairOrder::kBA);
  }
  return a;
}

// The patient's diary and dose log from `from` to `until`, by day (the dose log's last entry of a
// day counts, as in the response analysis).
Result<analysis::TrialRecord> RecordOf(store::Store& st, store::Id patient_id, LocalDate from, LocalDate until) {
  analysis::TrialRecord record;
  LDN_ASSIGN_OR_RETURN(auto diary, st.ListDiary(patient_id, from, until));
  for (const auto& e : diary) {
    nlohmann::json items = nlohmann::json::parse(e.items_json, nullptr, false);
    if (items.is_object()) record[e.local_date].items = std::move(items);
  }
  LDN_ASSIGN_OR_RETURN(auto doses, st.ListDoseLog(patient_id, from, until));
  for (const auto& d : doses) record[d.local_date].dose_taken = d.taken;
  return record;
}

analysis::BlindingGuess GuessOf(const std::string& g) {
  return g == "ldn" ? analysis::BlindingGuess::kLdn
                    : (g == "placebo" ? analysis::BlindingGuess::kPlacebo : analysis::BlindingGuess::kDontKnow);
}

// One outcome's analysis, or why there is none.
report::TrialOutcomeResult OutcomeAnalysis(const std::vector<analysis::PeriodDates>& calendar,
                                           const analysis::TrialRecord& record,
                                           const std::map<int, analysis::BlindingGuess>& guesses, LocalDate until,
                                           const TrialProtocol& p, const std::string& outcome) {
  analysis::TrialAnalysisOptions options = analysis::AnalysisOptionsFor(p);
  Result<bool> higher = analysis::OutcomeHigherIsBetter(outcome, "outcome");
  if (higher.ok()) options.higher_is_better = *higher;
  report::TrialOutcomeResult r;
  r.outcome = outcome;
  r.label = outcome;
  for (analysis::Item item : analysis::kAllItems) {
    if (analysis::ItemName(item) == outcome) r.label = analysis::ItemLabel(item);
  }
  r.higher_is_better = options.higher_is_better;
  Result<analysis::TrialData> data = analysis::TrialDataFromRecord(calendar, record, outcome, guesses, until);
  Result<analysis::TrialAnalysis> a =
      data.ok() ? analysis::AnalyzeTrial(*data, options) : Result<analysis::TrialAnalysis>(data.status());
  if (a.ok()) {
    r.analysis = std::move(*a);
  } else {
    r.error = a.status().message();
  }
  return r;
}

// {"outcome", "higher_is_better", "analysis" | "error"}.
nlohmann::json OutcomeJson(const report::TrialOutcomeResult& r) {
  nlohmann::json j = {{"outcome", r.outcome}, {"higher_is_better", r.higher_is_better}};
  if (r.analysis) {
    j["analysis"] = analysis::TrialAnalysisToJson(*r.analysis);
  } else {
    j["error"] = r.error;
  }
  return j;
}

// Everything the analysis, the clinician's report and the patient's letter read of an ended trial,
// from the stored record (issue 16 items 5 and 6): the primary outcome by the frozen protocol's
// model and decision rule, each secondary outcome beside it (the rule decides on the primary
// only), and how each period was conducted.
Result<report::TrialReportInput> EndedTrialOf(store::Store& st, const store::Trial& t, const store::Patient& patient,
                                              store::Instant now) {
  report::TrialReportInput in;
  LDN_ASSIGN_OR_RETURN(in.protocol, analysis::ParseProtocolJson(t.protocol_json));
  const TrialProtocol& p = in.protocol;
  LDN_ASSIGN_OR_RETURN(analysis::Allocation allocation, AllocationOf(st, t, p));
  in.patient = fmt::format("{}, patient {}", patient.display_name, patient.id);
  in.time_zone = patient.time_zone;
  in.trial_id = t.id;
  in.protocol_sha256 = t.protocol_sha256;
  in.allocation = allocation.ToString();
  in.start = *t.start_date;
  in.planned_last = PlannedLastDay(p, in.start);
  in.until = in.planned_last;
  if (t.ended_at) in.until = std::min(in.until, PatientToday(patient, *t.ended_at));
  in.stopped_early = in.until < in.planned_last;
  in.end_reason = t.end_reason;
  if (t.unblinded_at) in.unblinded_on = PatientToday(patient, *t.unblinded_at);
  in.unblind_reason = t.unblind_reason;
  in.emergency_unblinding = t.emergency_unblinding;
  in.calendar = analysis::TrialCalendar(p, allocation, in.start);
  LDN_ASSIGN_OR_RETURN(auto schedule, TrialPackSchedule(st, t));
  for (const auto& s : schedule) in.packs.push_back(s.pack_code.value_or(""));
  analysis::TrialRecord record;  // empty when the trial ended before its first day
  if (in.until >= in.start) {
    LDN_ASSIGN_OR_RETURN(record, RecordOf(st, t.patient_id, in.start, in.until));
  }
  LDN_ASSIGN_OR_RETURN(auto answers, st.ListTrialAnswers(t.id));
  std::map<int, analysis::BlindingGuess> guesses;
  for (const auto& a : answers) guesses[a.period] = GuessOf(a.guess);
  in.primary = OutcomeAnalysis(in.calendar, record, guesses, in.until, p, p.primary_outcome);
  for (const std::string& outcome : p.secondary_outcomes) {
    in.secondary.push_back(OutcomeAnalysis(in.calendar, record, guesses, in.until, p, outcome));
  }
  in.conduct = analysis::ConductByPeriod(in.calendar, record, in.until);
  in.limits = {
      "One patient's trial answers for this patient, at this dose, over these months; it says nothing of others.",
      "Days in each period's run-in are not analysed: they let the previous period's effect wash out.",
  };
  if (in.stopped_early) {
    in.limits.push_back(
        fmt::format("The trial stopped early on {} ({} of {} planned days): fewer days make the answer "
                    "less certain.",
                    FormatDate(in.until), std::max(0, DaysBetween(in.start, in.until) + 1),
                    DaysBetween(in.start, in.planned_last) + 1));
  }
  if (t.emergency_unblinding && in.unblinded_on) {
    in.limits.push_back(fmt::format("The blind was broken on {} ({}): days after it were not blinded.",
                                    FormatDate(*in.unblinded_on), t.unblind_reason));
  }
  in.generated_on = PatientToday(patient, now);
  return in;
}

// The analysis of an ended trial as JSON (docs/nof1.md "In the clinic").
nlohmann::json AnalysisJson(const report::TrialReportInput& in) {
  nlohmann::json secondary = nlohmann::json::array();
  for (const auto& o : in.secondary) secondary.push_back(OutcomeJson(o));
  nlohmann::json arms = nlohmann::json::array();
  for (const auto& d : in.calendar) arms.push_back(d.arm == analysis::TrialArm::kLdn ? "ldn" : "placebo");
  return nlohmann::json{{"trial_id", in.trial_id},
                        {"until", FormatDate(in.until)},
                        {"planned_last_day", FormatDate(in.planned_last)},
                        {"stopped_early", in.stopped_early},
                        {"allocation", in.allocation},
                        {"arms", std::move(arms)},
                        {"primary", OutcomeJson(in.primary)},
                        {"secondary", std::move(secondary)},
                        {"conduct", analysis::ConductToJson(in.conduct, false)},
                        {"limits", in.limits}};
}

Result<nlohmann::json> AnalysisJson(store::Store& st, const store::Trial& t, const store::Patient& patient,
                                    store::Instant now) {
  LDN_ASSIGN_OR_RETURN(report::TrialReportInput in, EndedTrialOf(st, t, patient, now));
  return AnalysisJson(in);
}

// Body: {"reason"?}: ends a running trial (the reason is required before its last planned day: an
// early stop). The blind is lifted for the care team and the patient (unless an emergency did it
// already) and the analysis is answered with the trial.
Result<ApiReply> EndTrial(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> reason, o.OptionalText("reason", 2000));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(store::Trial t, PatientTrial(ctx));
  if (t.status != store::TrialStatus::kStarted || !t.start_date) {
    return Status::Conflict(
        fmt::format("status: trial {} is {}: only a running trial ends", t.id, store::TrialStatusName(t.status)));
  }
  LDN_ASSIGN_OR_RETURN(TrialProtocol p, analysis::ParseProtocolJson(t.protocol_json));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  const LocalDate today = PatientToday(patient, ctx.now);
  const LocalDate last = PlannedLastDay(p, *t.start_date);
  const bool early = today <= last;
  if (early && (!reason || reason->empty())) {
    return Status::InvalidArgument(
        "reason",
        fmt::format("the trial runs until {}: say why it stops early (it is recorded and reported)", FormatDate(last)));
  }
  store::Trial change;
  change.ended_by = ctx.caller().user_id;
  change.ended_at = ctx.now;
  change.end_reason = reason && !reason->empty() ? *reason : "completed as planned";
  LDN_ASSIGN_OR_RETURN(store::Trial ended, ctx.store().MoveTrial(t.id, store::TrialStatus::kEnded, change));
  if (!ended.unblinded_at) {
    store::Trial unblind;
    unblind.unblinded_by = ctx.caller().user_id;
    unblind.unblinded_at = ctx.now;
    unblind.unblind_reason = "end of the trial: the analysis";
    LDN_ASSIGN_OR_RETURN(ended, ctx.store().UnblindTrial(t.id, unblind));
  }
  ctx.audit_detail =
      fmt::format("trial {} ended{}: {}; unblinded for the analysis", t.id, early ? " early" : "", ended.end_reason);
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), ended, LinkVisible(ctx, ended)));
  LDN_ASSIGN_OR_RETURN(j["analysis"], AnalysisJson(ctx.store(), ended, patient, ctx.now));
  return Reply(std::move(j));
}

// Body: {"password", "reason"}: emergency unblinding of a running trial by the clinician, who
// re-authenticates; the trial goes on, marked, and its report says from when it was not blind.
Result<ApiReply> EmergencyUnblind(Api& api, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(PasswordAndReason body,
                       ReadPasswordAndReason(o, "say why the blind must be broken now: it is recorded and reported"));
  LDN_ASSIGN_OR_RETURN(store::Trial t, PatientTrial(ctx));
  if (t.status != store::TrialStatus::kStarted) {
    return Status::Conflict(fmt::format("status: trial {} is {}: only a running trial is unblinded in an emergency",
                                        t.id, store::TrialStatusName(t.status)));
  }
  if (t.unblinded_at) return Status::Conflict(fmt::format("trial_id: trial {} is unblinded already", t.id));
  ctx.audit_detail = fmt::format("trial {} unblinded in an emergency: {}", t.id, body.reason);
  // Re-authentication last: a malformed request does not count against the password.
  LDN_ASSIGN_OR_RETURN(store::User who, ReauthenticateCaller(api, ctx, body.password));
  store::Trial change;
  change.unblinded_by = who.id;
  change.unblinded_at = ctx.now;
  change.unblind_reason = body.reason;
  change.emergency_unblinding = true;
  LDN_ASSIGN_OR_RETURN(store::Trial unblinded, ctx.store().UnblindTrial(t.id, change));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), unblinded, LinkVisible(ctx, unblinded)));
  return Reply(std::move(j));
}

// The ended trial the request names; 409 "status" (with the patient's words) before the end.
Result<store::Trial> EndedTrialOfRequest(RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Trial t, PatientTrial(ctx));
  if (t.status != store::TrialStatus::kEnded || !t.start_date) {
    return Status::Conflict(fmt::format("status: trial {} is {}: the analysis opens when the trial ends", t.id,
                                        store::TrialStatusName(t.status)))
        .WithText({N_("The answer comes when the trial ends.")});
  }
  return t;
}

ApiReply PdfReply(std::string pdf, const std::string& file) {
  ApiReply reply;
  reply.content_type = "application/pdf";
  reply.raw_body = std::move(pdf);
  reply.headers.emplace_back("Content-Disposition", fmt::format("inline; filename=\"{}\"", file));
  return reply;
}

// The clinician's CENT 2015 report of an ended trial (report/trial_report.h), as a PDF.
Result<ApiReply> TrialReportPdf(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Trial t, EndedTrialOfRequest(ctx));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(report::TrialReportInput in, EndedTrialOf(ctx.store(), t, patient, ctx.now));
  LDN_ASSIGN_OR_RETURN(std::string pdf, report::RenderFlowPdf(report::TrialReportDocument(in)));
  ctx.audit_detail = fmt::format("trial {} report", t.id);
  return PdfReply(std::move(pdf), fmt::format("ldn-trial-{}-report.pdf", t.id));
}

// The patient's letter of an ended trial in ?lang= (en, the default, da or nb), as a PDF.
Result<ApiReply> TrialLetterPdf(Api& api, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(report::ReportLocale locale, ReportLocaleFromQuery(api.catalogs(), ctx));
  LDN_ASSIGN_OR_RETURN(store::Trial t, EndedTrialOfRequest(ctx));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(report::TrialReportInput in, EndedTrialOf(ctx.store(), t, patient, ctx.now));
  LDN_ASSIGN_OR_RETURN(std::string pdf, report::RenderFlowPdf(report::TrialLetterDocument(in, locale)));
  ctx.audit_detail = fmt::format("trial {} letter ({})", t.id, locale.language);
  return PdfReply(std::move(pdf), fmt::format("ldn-trial-{}-letter.pdf", t.id));
}

// The analysis of an ended trial (clinician, patient); 409 "status" before the end.
Result<ApiReply> GetAnalysis(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Trial t, EndedTrialOfRequest(ctx));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), t, LinkVisible(ctx, t)));
  LDN_ASSIGN_OR_RETURN(j["analysis"], AnalysisJson(ctx.store(), t, patient, ctx.now));
  return Reply(std::move(j));
}

// ?mcid= (default 1, 0 < mcid <= 10): the pooled summaries' smallest important difference.
Result<analysis::PoolOptions> PoolOptionsFromQuery(const RequestContext& ctx) {
  analysis::PoolOptions options;
  auto it = ctx.query.find("mcid");
  if (it != ctx.query.end()) {
    char* end = nullptr;
    const double v = std::strtod(it->second.c_str(), &end);
    if (it->second.empty() || *end != '\0' || !(v > 0 && v <= 10)) {
      return Status::InvalidArgument("mcid", "a number of points above 0 and at most 10");
    }
    options.mcid = v;
  }
  return options;
}

// The clinic's ended trials pooled, by primary outcome (researcher; de-identified).
Result<ApiReply> PoolClinicTrials(Api& api, RequestContext& ctx) {
  store::Store& source = api.options().research_store != nullptr ? *api.options().research_store : ctx.store();
  LDN_ASSIGN_OR_RETURN(analysis::PoolOptions options, PoolOptionsFromQuery(ctx));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, PoolEndedTrials(source, ctx.now, options.mcid, kMinCellSize));
  return Reply(std::move(j));
}

// Body: {"csv": "id,estimate,sd\n..."} or {"trials": [{"id"?, "estimate", "sd"}, ...]}, with
// "mcid"? (default 1) and "higher_is_better"? (default false): trials from elsewhere (a published
// series, another clinic) pooled the same way (researcher).
Result<ApiReply> PoolGivenTrials(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> csv, o.OptionalText("csv", 4'000'000));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* trials, o.OptionalArray("trials", analysis::kMaxPooledTrials));
  analysis::PoolOptions options;
  LDN_ASSIGN_OR_RETURN(std::optional<double> mcid, o.OptionalNumber("mcid", 1e-9, 10));
  if (mcid) options.mcid = *mcid;
  LDN_ASSIGN_OR_RETURN(std::optional<bool> higher, o.OptionalBool("higher_is_better"));
  options.higher_is_better = higher.value_or(false);
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if ((csv.has_value() && !csv->empty()) == (trials != nullptr)) {
    return Status::InvalidArgument("csv", "give the trials either as CSV (id,estimate,sd) or as a \"trials\" list");
  }
  Result<std::vector<analysis::PooledTrialInput>> input =
      trials != nullptr ? analysis::ParsePoolInput(nlohmann::json{{"trials", *trials}}.dump(), false)
                        : analysis::ParsePoolInput(*csv, true);
  if (!input.ok() && trials == nullptr) {  // a CSV's line and column, under the body's field
    return Status::InvalidArgument("csv", fmt::format("{}: {}", input.status().field(), input.status().message()));
  }
  LDN_RETURN_IF_ERROR(input.status());
  LDN_ASSIGN_OR_RETURN(analysis::PoolResult pooled, analysis::PoolTrials(*input, options));
  ctx.audit_detail = fmt::format("{} trials pooled", pooled.trials);
  return Reply(nlohmann::json{{"pool", analysis::PoolResultToJson(pooled, options)}});
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
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TrialJson(ctx.store(), now, LinkVisible(ctx, now)));
  return Reply(std::move(j), 201);
}

// The scenario fields the design form may set (SimulateDesign reads the same keys).
nlohmann::json ScenarioJson(const analysis::TrialScenario& s) {
  return {{"effect", s.effect},
          {"sd", s.sd},
          {"rho", s.rho},
          {"placebo_response", s.placebo_response},
          {"drift_per_28_days", s.drift_per_28_days},
          {"missing_probability", s.missing_probability}};
}

// The design form's starting values: the protocol's defaults (canonical form: every field, with
// the outcomes' directions) and the assumed patient's (TrialScenario, from data/simulation.json),
// so that the web app holds none of these numbers itself.
Result<ApiReply> DesignDefaults(Api&, RequestContext&) {
  const TrialProtocol protocol;
  nlohmann::json j;
  j["protocol"] = nlohmann::json::parse(analysis::CanonicalProtocolJson(protocol));
  j["allows"] = analysis::ConsequencesToJson(analysis::ConsequencesOf(protocol));
  j["scenario"] = ScenarioJson(analysis::TrialScenario{});
  j["trials"] = kFormTrials;
  j["max_trials"] = kMaxFormTrials;
  return Reply(std::move(j));
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
  opt.trials = static_cast<int>(trials.value_or(kFormTrials));
  opt.seed = static_cast<uint64_t>(seed.value_or(1));
  LDN_ASSIGN_OR_RETURN(analysis::OperatingCharacteristics oc, analysis::SimulateTrialDesign(protocol, s, opt));
  nlohmann::json j = analysis::OperatingCharacteristicsToJson(oc);
  j["allows"] = analysis::ConsequencesToJson(analysis::ConsequencesOf(protocol));
  j["scenario"] = ScenarioJson(s);
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
constexpr char kPoolSchema[] =
    R"js({"type":"object","additionalProperties":false,"properties":{"csv":{"type":"string"},
"trials":{"type":"array","items":{"type":"object","required":["estimate","sd"],"properties":{"id":{"type":"string"},
"estimate":{"type":"number"},"sd":{"type":"number","exclusiveMinimum":0}}}},"mcid":{"type":"number","exclusiveMinimum":0,
"maximum":10},"higher_is_better":{"type":"boolean"}}})js";
constexpr char kEndSchema[] =
    R"js({"type":"object","additionalProperties":false,"properties":{"reason":{"type":"string","maxLength":2000}}})js";
constexpr char kUnblindSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["password","reason"],
"properties":{"password":{"type":"string"},"reason":{"type":"string","maxLength":2000}}})js";
constexpr char kCancelSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["reason"],"properties":{"reason":{"type":"string","minLength":1,"maxLength":2000}}})js";
constexpr char kAnswerSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["guess"],"properties":{"guess":{"enum":["ldn","placebo","dont_know"]},"pgic":{"type":["integer","null"],"minimum":1,"maximum":7}}})js";
constexpr char kAssignSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["pair","kit_id"],"properties":{"pair":{"type":"integer","minimum":1,"maximum":12},"kit_id":{"type":"integer"}}})js";

}  // namespace

Result<std::vector<TrialPackPeriod>> TrialPackSchedule(store::Store& st, const store::Trial& t) {
  std::vector<TrialPackPeriod> out;
  if (!t.start_date) return out;
  LDN_ASSIGN_OR_RETURN(TrialProtocol p, analysis::ParseProtocolJson(t.protocol_json));
  LDN_ASSIGN_OR_RETURN(auto kits, st.ListTrialKits(t.id));
  std::map<int, std::string> code_of_pair;
  for (const auto& tk : kits) {
    LDN_ASSIGN_OR_RETURN(store::Kit k, st.GetKit(tk.kit_id));
    code_of_pair[tk.pair] = k.kit_code;
  }
  for (const PeriodSpan& s : Periods(p, *t.start_date)) {
    TrialPackPeriod period{s.period, s.pair, std::nullopt, s.first, s.analysed_first, s.last};
    if (const auto c = code_of_pair.find(s.pair); c != code_of_pair.end()) {
      period.pack_code = c->second + (s.period % 2 == 1 ? "-A" : "-B");
    }
    out.push_back(std::move(period));
  }
  return out;
}

Result<std::optional<store::Trial>> RunningTrial(store::Store& st, store::Id patient_id) {
  LDN_ASSIGN_OR_RETURN(auto trials, st.ListTrials(patient_id));
  for (const auto& t : trials) {
    if (t.status == store::TrialStatus::kStarted) return std::optional<store::Trial>(t);
  }
  return std::optional<store::Trial>();
}

Result<nlohmann::json> PoolEndedTrials(store::Store& st, store::Instant now, double mcid, int min_trials) {
  struct Group {
    bool higher_is_better = false;
    std::string label;
    int ended = 0;
    std::vector<analysis::PooledTrialInput> trials;
  };
  std::map<std::string, Group> groups;  // by primary outcome
  int unreadable = 0;
  LDN_ASSIGN_OR_RETURN(std::vector<store::Patient> patients, st.ListPatients());
  for (const auto& patient : patients) {
    LDN_ASSIGN_OR_RETURN(auto trials, st.ListTrials(patient.id));
    for (const auto& t : trials) {
      if (t.status != store::TrialStatus::kEnded || !t.start_date) continue;
      Result<report::TrialReportInput> gathered = EndedTrialOf(st, t, patient, now);
      if (!gathered.ok()) {
        // A trial whose stored record cannot be read (StartTrial makes that impossible) is
        // counted, never silently left out, and does not hide every other trial's result.
        if (gathered.status().code() == Code::kUnavailable) return gathered.status();
        ++unreadable;
        continue;
      }
      const report::TrialReportInput& in = *gathered;
      Group& g = groups[in.primary.outcome];
      g.higher_is_better = in.primary.higher_is_better;
      g.label = in.primary.label;
      ++g.ended;
      // Each trial's posterior of LDN - placebo under its frozen headline model, as its estimate
      // and standard error (nof1_pool.h); no id, date or name leaves this function.
      if (in.primary.analysis) {
        g.trials.push_back({"", in.primary.analysis->bayes.diff.mean, in.primary.analysis->bayes.diff.sd});
      }
    }
  }
  nlohmann::json outcomes = nlohmann::json::array();
  for (auto& [outcome, g] : groups) {
    const bool shown = static_cast<int>(g.trials.size()) >= std::max(2, min_trials);
    nlohmann::json o = {{"outcome", outcome},
                        {"label", g.label},
                        {"higher_is_better", g.higher_is_better},
                        {"trials", shown ? nlohmann::json(g.trials.size()) : nlohmann::json()},
                        {"pool", nullptr}};
    if (shown) {
      analysis::PoolOptions options;
      options.mcid = mcid;
      options.higher_is_better = g.higher_is_better;
      options.per_trial = false;  // single patients' results stay with their clinics
      std::sort(g.trials.begin(), g.trials.end(), [](const auto& a, const auto& b) { return a.estimate < b.estimate; });
      for (size_t i = 0; i < g.trials.size(); ++i) g.trials[i].id = fmt::format("trial {}", i + 1);
      LDN_ASSIGN_OR_RETURN(analysis::PoolResult pooled, analysis::PoolTrials(g.trials, options));
      o["pool"] = analysis::PoolResultToJson(pooled, options);
    }
    outcomes.push_back(std::move(o));
  }
  return nlohmann::json{
      {"min_trials", min_trials}, {"mcid", mcid}, {"outcomes", std::move(outcomes)}, {"unreadable_trials", unreadable}};
}

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
              "/api/v1/patients/{patient_id}/trials/{trial_id}/end",
              PatientScoped(kClinician, "trial.end"),
              h(EndTrial),
              "End a running trial (a reason is required before its last planned day): the blind is lifted and the "
              "analysis of the stored diary is answered.",
              kEndSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/patients/{patient_id}/trials/{trial_id}/report.pdf",
              PatientScoped(kClinician, "trial.report"),
              h(TrialReportPdf),
              "The clinician's report of an ended trial after CENT 2015 (design, allocation, adherence, missing "
              "data, period means, posterior and its density, randomization test, blinding, adverse events by "
              "arm, decision) as PDF.",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/patients/{patient_id}/trials/{trial_id}/letter.pdf",
              PatientScoped({Role::kClinician, Role::kPatient}, "trial.letter"),
              h(TrialLetterPdf),
              "The patient's letter of an ended trial in plain words as PDF (lang: en, the default, da or nb).",
              "",
              {"lang"}});
  const auto on_pool = [](Access acc) {
    acc.on_worker_pool = true;  // every ended trial is analysed
    return acc;
  };
  routes.Add({"GET",
              "/api/v1/research/trials/pool",
              on_pool(Authenticated({Role::kResearcher}, "research.trials_pool")),
              h(PoolClinicTrials),
              "Every ended blinded trial's primary-outcome difference pooled by outcome (normal random effects, "
              "Zucker 1997), de-identified: no trial, patient or date; an outcome with fewer than 5 analysed trials "
              "is not pooled (trials: null).",
              "",
              {"mcid"}});
  routes.Add({"POST",
              "/api/v1/research/trials/pool",
              on_pool(Authenticated({Role::kResearcher}, "research.trials_pool_given")),
              h(PoolGivenTrials),
              "Pool trials given as CSV (id,estimate,sd) or a list ({id?, estimate, sd}) the same way, with their "
              "shrunken estimates.",
              kPoolSchema,
              {}});
  routes.Add({"POST",
              "/api/v1/patients/{patient_id}/trials/{trial_id}/unblind",
              AuditApart(PatientScoped(kClinician, "trial.unblind")),
              h(EmergencyUnblind),
              "Emergency unblinding of a running trial (the clinician re-authenticates and says why): the care team "
              "sees which pack is active; the trial is marked.",
              kUnblindSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/patients/{patient_id}/trials/{trial_id}/analysis",
              PatientScoped({Role::kClinician, Role::kPatient}, "trial.analysis"),
              h(GetAnalysis),
              "The analysis of an ended trial from the stored diary: the primary outcome by the frozen protocol's "
              "model and rule, the secondary outcomes, the conduct of each period.",
              "",
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
              "/api/v1/trial-designs/defaults",
              Authenticated({Role::kClinician, Role::kResearcher}),
              h(DesignDefaults),
              "The design form's starting values: the default protocol (canonical form), what it allows, and the "
              "assumed patient of the simulation.",
              "",
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
