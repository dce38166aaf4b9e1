// Clinical routes: the patient list, screenings, courses and their plans, the dose log,
// instruments and adverse events (the chart -- a patient's record, medications, conditions -- is in
// api_chart.cpp; prescriptions in api_orders.cpp). Each handler parses the request,
// calls the domain (src/clinical) and the store, and serialises; authorization was checked by the
// dispatcher from the route's Access descriptor.
#include <fmt/format.h>

#include "clinical/instruments/acr.h"
#include "clinical/instruments/fiqr.h"
#include "clinical/instruments/pgic.h"
#include "clinical/screening/screening.h"
#include "clinical/titration/adjust.h"
#include "clinical/titration/plan.h"
#include "core/dose.h"
#include "core/text.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/course_plans.h"
#include "server/interlocks.h"
#include "server/panel.h"

namespace ldn::server {
namespace {

using store::Role;

const std::set<Role> kCareReaders = {Role::kPatient, Role::kClinician, Role::kPharmacist};
const std::set<Role> kPatientOrClinician = {Role::kPatient, Role::kClinician};
const std::set<Role> kClinician = {Role::kClinician};

// ---- Patients ---------------------------------------------------------------------------------

Result<ApiReply> ListPatients(Api& api, RequestContext& ctx) {
  // With a query: the paged panel (panel.h, issue 13 item 5); without one, every patient as before.
  if (!ctx.query.empty()) return ListPatientPanel(api, ctx);
  LDN_ASSIGN_OR_RETURN(auto patients, ctx.store().ListVisiblePatients(ctx.caller().user_id));
  nlohmann::json list = ToJsonArray(patients);
  // A clinician's panel: each patient with the flags computed once, on the server (issue 12).
  if (ctx.caller().role == Role::kClinician) {
    LDN_ASSIGN_OR_RETURN(auto revisions, ctx.store().ListPatientRevisions(ctx.caller().user_id));
    const std::map<store::Id, int64_t> revision_of(revisions.begin(), revisions.end());
    for (size_t i = 0; i < patients.size(); ++i) {
      auto it = revision_of.find(patients[i].id);
      LDN_ASSIGN_OR_RETURN(list[i]["flags"], api.flag_cache().Flags(ctx.store(), patients[i],
                                                                    it == revision_of.end() ? 0 : it->second, ctx.now));
    }
  }
  return Reply({{"patients", list}});
}

// ---- Screenings -------------------------------------------------------------------------------

// Body: {"today"?, "planned_surgery"?, "medications"?, "conditions"?, "jurisdiction"?}. Absent lists
// are taken from the patient's record (active medications with their last dose; active conditions);
// absent "today" is the patient's local date; absent "jurisdiction" is the clinic's setting
// (ApiOptions::jurisdiction), else none: the most restrictive label rule.
Result<ApiReply> RunScreening(Api& api, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  nlohmann::json input = nlohmann::json::object();
  LDN_ASSIGN_OR_RETURN(auto today, o.OptionalDate("today"));
  input["today"] = FormatDate(today ? *today : PatientToday(patient, ctx.now));
  o.Consume("planned_surgery");
  o.Consume("medications");
  o.Consume("conditions");
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> jurisdiction, o.OptionalString("jurisdiction"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (!jurisdiction) jurisdiction = api.options().jurisdiction;
  input["jurisdiction"] = jurisdiction ? nlohmann::json(*jurisdiction) : nlohmann::json();
  input["planned_surgery"] = holder.contains("planned_surgery") ? holder["planned_surgery"] : nlohmann::json();
  if (holder.contains("medications")) {
    input["medications"] = holder["medications"];
  } else {
    LDN_ASSIGN_OR_RETURN(auto meds, ctx.store().ListMedications(ctx.patient()));
    input["medications"] = nlohmann::json::array();
    for (const auto& m : meds) {
      const nlohmann::json details = StoredJson(m.details_json);
      nlohmann::json item = {{"name", m.name}, {"current", m.active}};
      if (details.is_object() && details.contains("last_taken")) item["last_taken"] = details["last_taken"];
      input["medications"].push_back(item);
    }
  }
  if (holder.contains("conditions")) {
    input["conditions"] = holder["conditions"];
  } else {
    LDN_ASSIGN_OR_RETURN(auto conditions, ctx.store().ListConditions(ctx.patient()));
    input["conditions"] = nlohmann::json::array();
    for (const auto& c : conditions) {
      if (c.active) input["conditions"].push_back(c.name);
    }
  }
  LDN_ASSIGN_OR_RETURN(clinical::ScreeningInput parsed, clinical::ParseScreeningInput(input));
  LDN_ASSIGN_OR_RETURN(const clinical::DrugKnowledgeBase* kb, clinical::DrugKnowledgeBase::Embedded());
  LDN_ASSIGN_OR_RETURN(clinical::ScreeningReport report, clinical::Screen(parsed, *kb, parsed.jurisdiction));
  store::Screening s;
  s.patient_id = ctx.patient();
  s.input_json = input.dump();
  s.result_json = clinical::ToJson(report).dump();
  s.verdict = std::string(clinical::VerdictName(report.verdict));
  s.recorded_by = ctx.caller().user_id;
  s.recorded_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::Screening created, ctx.store().CreateScreening(s));
  return Reply(ToJson(created), 201);
}

Result<ApiReply> ListScreenings(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListScreenings(ctx.patient()));
  return Reply({{"screenings", ToJsonArray(rows)}});
}

Result<ApiReply> GetScreening(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "screening_id"));
  LDN_ASSIGN_OR_RETURN(store::Screening s, ctx.store().GetScreening(ctx.patient(), id));
  return Reply(ToJson(s));
}

// ---- Courses and plans (stored form: course_plans.h) --------------------------------------------

// The course gate (src/clinical/safety/course_gate.h) decides; server/interlocks.cpp keeps the
// decision with the course.
Result<ApiReply> CreateCourse(Api&, RequestContext& ctx) {
  return CreateGatedCourse(ctx);
}

Result<ApiReply> ListCourses(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(nlohmann::json courses, CoursesJson(ctx.store(), patient, ctx.now));
  return Reply({{"courses", courses}});
}

Result<ApiReply> GetCourse(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "course_id"));
  LDN_ASSIGN_OR_RETURN(store::Course c, ctx.store().GetCourse(ctx.patient(), id));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(nlohmann::json course, CourseJson(ctx.store(), patient, c, ctx.now));
  return Reply(course);
}

// A gap with "opioids_taken": true and no "rescreen" gets the patient's latest screening recorded on
// or after the gap's first day (the new screen the plan needs, clinical/titration/adjust.h); without
// one the domain holds the plan. Returns the events to use.
Result<nlohmann::json> WithRescreens(RequestContext& ctx, const nlohmann::json& events) {
  nlohmann::json out = events;
  bool needed = false;
  for (const auto& e : out) {
    needed = needed || (e.is_object() && e.value("type", "") == "gap" && e.contains("opioids_taken") &&
                        e["opioids_taken"] == true && !e.contains("rescreen"));
  }
  if (!needed) return out;
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  auto tz = TimeZone::Named(patient.time_zone, "time_zone");
  const TimeZone zone = tz.ok() ? *tz : TimeZone::Utc();
  LDN_ASSIGN_OR_RETURN(auto screenings, ctx.store().ListScreenings(ctx.patient()));
  for (auto& e : out) {
    if (!e.is_object() || e.value("type", "") != "gap" || !e.contains("opioids_taken") || e["opioids_taken"] != true ||
        e.contains("rescreen") || !e.contains("from") || !e["from"].is_string()) {
      continue;
    }
    auto from = ParseDate(e["from"].get<std::string>(), "from");
    if (!from.ok()) continue;  // the domain names the bad field
    const store::Screening* latest = nullptr;
    for (const auto& sc : screenings) {
      if (zone.LocalDateAt(sc.recorded_at) >= *from && (latest == nullptr || sc.recorded_at >= latest->recorded_at)) {
        latest = &sc;
      }
    }
    if (latest == nullptr) continue;
    const nlohmann::json result = StoredJson(latest->result_json);
    nlohmann::json earliest =
        result.is_object() && result.contains("earliest_start") ? result["earliest_start"] : nlohmann::json();
    e["rescreen"] = {{"verdict", latest->verdict}, {"earliest_start", earliest}};
  }
  return out;
}

// Body: {"reason", "titration"?, "events": [...]} -- events is the full list since the plan start
// (it replaces the previous list), in the format of clinical/titration/adjust.h. A gap with
// "opioids_taken": true is matched with the latest screening since the gap (WithRescreens).
Result<ApiReply> AdjustCourse(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "course_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string reason, o.Text("reason", 1, kMaxNoteChars));
  LDN_ASSIGN_OR_RETURN(auto titration, o.OptionalString("titration"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* events, o.Array("events", clinical::kMaxPlanEvents));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(store::Course course, ctx.store().GetCourse(ctx.patient(), id));
  const nlohmann::json stored = StoredJson(course.plan_json);
  if (!stored.is_object() || !stored.contains("request")) {
    return Status::Conflict("this course has no stored plan request to adjust");
  }
  // Errors in the stored request are ours (it was checked when stored): name them "stored_plan".
  LDN_ASSIGN_OR_RETURN(nlohmann::json with_rescreens, WithRescreens(ctx, *events));
  LDN_ASSIGN_OR_RETURN(CoursePlan plan, BuildCoursePlan(stored["request"], with_rescreens, titration, "stored_plan."));
  store::PlanAdjustment a;
  a.patient_id = ctx.patient();
  a.course_id = id;
  a.reason = reason;
  a.plan_json = plan.plan_json;
  a.recorded_by = ctx.caller().user_id;
  a.recorded_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::PlanAdjustment created, ctx.store().AdjustCourse(a));
  return Reply(ToJson(created), 201);
}

Result<ApiReply> ListAdjustments(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "course_id"));
  LDN_RETURN_IF_ERROR(ctx.store().GetCourse(ctx.patient(), id).status());
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListPlanAdjustments(ctx.patient(), id));
  return Reply({{"adjustments", ToJsonArray(rows)}});
}

// Becoming active is gated (activate, resume): server/interlocks.cpp.
Result<ApiReply> SetCourseStatus(Api&, RequestContext& ctx) {
  return SetGatedCourseStatus(ctx);
}

// ---- Dose log ---------------------------------------------------------------------------------

Result<ApiReply> AddDose(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::DoseLogEntry d;
  LDN_ASSIGN_OR_RETURN(d.local_date, o.Date("date"));
  LDN_ASSIGN_OR_RETURN(d.taken, o.Bool("taken"));
  LDN_ASSIGN_OR_RETURN(auto mg, o.OptionalNumber("dose_mg", 0, 50));
  LDN_ASSIGN_OR_RETURN(auto time, o.OptionalString("time"));
  LDN_ASSIGN_OR_RETURN(d.course_id, OptionalId(o, "course_id"));
  LDN_ASSIGN_OR_RETURN(d.client_id, OptionalClientId(o, "client_id"));
  LDN_ASSIGN_OR_RETURN(auto note, o.OptionalText("note", kMaxNoteChars));
  LDN_ASSIGN_OR_RETURN(auto off_plan_reason, o.OptionalText("off_plan_reason", 500));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (d.taken && !mg) return Status::InvalidArgument("dose_mg", "is required when taken is true");
  if (!d.taken && mg && *mg != 0) return Status::InvalidArgument("dose_mg", "must be absent or 0 when taken is false");
  if (mg) {
    LDN_ASSIGN_OR_RETURN(Dose dose, Dose::FromMilligramsHcl(*mg, "dose_mg"));
    if (d.taken && dose.micrograms_hcl() == 0) return Status::InvalidArgument("dose_mg", "must be above 0 when taken");
    d.dose_micrograms_hcl = dose.micrograms_hcl();
  }
  if (time) {
    LDN_ASSIGN_OR_RETURN(TimeOfDay t, ParseTimeOfDay(*time, "time"));
    d.local_time = t;
  }
  if (note) d.note = *note;
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_RETURN_IF_ERROR(CheckNotFuture(d.local_date, PatientToday(patient, ctx.now), "date"));
  d.patient_id = ctx.patient();
  d.recorded_by = ctx.caller().user_id;
  d.recorded_at = ctx.now;
  // Safe dose entry (issue 12): checked against the plan's step of the day before it is stored.
  return StoreCheckedDose(ctx, std::move(d), std::move(off_plan_reason));
}

Result<ApiReply> ListDoses(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(auto from, QueryDate(ctx, "from"));
  LDN_ASSIGN_OR_RETURN(auto to, QueryDate(ctx, "to"));
  const LocalDate last = to ? *to : PatientToday(patient, ctx.now);
  const LocalDate first = from ? *from : AddDays(last, -365);
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListDoseLog(ctx.patient(), first, last));
  nlohmann::json doses = ToJsonArray(rows);
  LDN_RETURN_IF_ERROR(AttachDeviations(ctx.store(), ctx.patient(), doses));
  return Reply({{"from", FormatDate(first)}, {"to", FormatDate(last)}, {"doses", doses}});
}

// ---- Instruments ------------------------------------------------------------------------------

// Scores `answers` with the clinical scorer of `instrument`; the scores as JSON.
Result<nlohmann::json> ScoreInstrument(const std::string& instrument, const nlohmann::json& answers) {
  if (instrument == "fiqr") {
    LDN_ASSIGN_OR_RETURN(clinical::FiqrAnswers a, clinical::ReadFiqrAnswers(answers));
    LDN_ASSIGN_OR_RETURN(clinical::FiqrScore s, clinical::ScoreFiqr(a));
    return clinical::FiqrScoreToJson(s);
  }
  if (instrument == "pgic") {
    LDN_ASSIGN_OR_RETURN(int score, clinical::ReadPgic(answers));
    return clinical::PgicScoreToJson(clinical::ScorePgic(score));
  }
  clinical::AcrVersion version;
  if (instrument == "acr2010") {
    version = clinical::AcrVersion::k2010;
  } else if (instrument == "acr2011") {
    version = clinical::AcrVersion::k2011;
  } else if (instrument == "acr2016") {
    version = clinical::AcrVersion::k2016;
  } else {
    return Status::InvalidArgument("instrument", "expected one of fiqr, pgic, acr2010, acr2011, acr2016");
  }
  LDN_ASSIGN_OR_RETURN(clinical::AcrAnswers a, clinical::ReadAcrAnswers(answers));
  LDN_ASSIGN_OR_RETURN(clinical::AcrScore s, clinical::ScoreAcr(a, version));
  return clinical::AcrScoreToJson(s);
}

Result<ApiReply> AddInstrument(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::InstrumentResponse r;
  LDN_ASSIGN_OR_RETURN(r.instrument, o.String("instrument"));
  LDN_ASSIGN_OR_RETURN(r.local_date, o.Date("date"));
  LDN_ASSIGN_OR_RETURN(JsonObject answers_reader, o.Object("answers"));
  (void)answers_reader;
  LDN_ASSIGN_OR_RETURN(r.client_id, OptionalClientId(o, "client_id"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  const nlohmann::json& answers = holder["answers"];
  auto scores = ScoreInstrument(r.instrument, answers);
  if (!scores.ok()) {
    const Status& s = scores.status();
    if (s.code() != Code::kInvalidArgument || s.field() == "instrument") return s;
    return s.WithFieldPrefix("answers");
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_RETURN_IF_ERROR(CheckNotFuture(r.local_date, PatientToday(patient, ctx.now), "date"));
  r.patient_id = ctx.patient();
  r.answers_json = answers.dump();
  r.scores_json = scores->dump();
  r.recorded_by = ctx.caller().user_id;
  r.recorded_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::InstrumentResponse stored, ctx.store().CreateInstrumentResponse(r));
  return Reply(ToJson(stored), 201);
}

Result<ApiReply> ListInstruments(Api&, RequestContext& ctx) {
  std::string kind;
  if (auto it = ctx.query.find("instrument"); it != ctx.query.end()) kind = it->second;
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListInstrumentResponses(ctx.patient(), kind));
  return Reply({{"instruments", ToJsonArray(rows)}});
}

Result<ApiReply> GetInstrument(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "response_id"));
  LDN_ASSIGN_OR_RETURN(store::InstrumentResponse r, ctx.store().GetInstrumentResponse(ctx.patient(), id));
  return Reply(ToJson(r));
}

// ---- Adverse events ---------------------------------------------------------------------------

Result<ApiReply> AddAdverseEvent(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::AdverseEvent e;
  LDN_ASSIGN_OR_RETURN(e.onset_date, o.Date("onset_date"));
  LDN_ASSIGN_OR_RETURN(e.description, o.Text("description", 1, kMaxNoteChars));
  LDN_ASSIGN_OR_RETURN(std::string severity, o.String("severity"));
  LDN_ASSIGN_OR_RETURN(auto serious, o.OptionalBool("serious"));
  LDN_ASSIGN_OR_RETURN(e.course_id, OptionalId(o, "course_id"));
  LDN_ASSIGN_OR_RETURN(auto action, o.OptionalText("action_taken", kMaxShortTextChars));
  LDN_ASSIGN_OR_RETURN(auto outcome, o.OptionalText("outcome", kMaxShortTextChars));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(e.severity, store::ParseSeverity(severity, "severity"));
  e.serious = serious.value_or(false);
  nlohmann::json details = nlohmann::json::object();
  if (action) details["action_taken"] = *action;
  if (outcome) details["outcome"] = *outcome;
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_RETURN_IF_ERROR(CheckNotFuture(e.onset_date, PatientToday(patient, ctx.now), "onset_date"));
  e.details_json = details.dump();
  e.patient_id = ctx.patient();
  e.recorded_by = ctx.caller().user_id;
  e.recorded_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::AdverseEvent stored, ctx.store().CreateAdverseEvent(e));
  nlohmann::json body = ToJson(stored);
  // A severe or worrying report: the guidance the reporter must see at once (issue 12).
  LDN_ASSIGN_OR_RETURN(body["safety"], AssessAdverseEvent(stored));
  if (!body["safety"].is_null()) ctx.audit_detail = "red_flag " + body["safety"]["level"].get<std::string>();
  return Reply(body, 201);
}

Result<ApiReply> ListAdverseEvents(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListAdverseEvents(ctx.patient()));
  return Reply({{"adverse_events", ToJsonArray(rows)}});
}

Result<ApiReply> GetAdverseEvent(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "adverse_event_id"));
  LDN_ASSIGN_OR_RETURN(store::AdverseEvent e, ctx.store().GetAdverseEvent(ctx.patient(), id));
  return Reply(ToJson(e));
}

// JSON Schemas of the bodies (OpenAPI). Kept next to the handlers that read them.
constexpr char kScreeningSchema[] =
    R"js({"type":"object","additionalProperties":false,"properties":{"today":{"type":"string","format":"date"},
"planned_surgery":{"type":["string","null"],"format":"date"},
"medications":{"type":"array","items":{"type":"object","required":["name","current"],"properties":{
"name":{"type":"string"},"last_taken":{"type":["string","null"],"format":"date"},"current":{"type":"boolean"}}}},
"conditions":{"type":"array","items":{"type":"string"}}}})js";
constexpr char kCourseSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["protocol","start"],"properties":{
"protocol":{"type":"string"},"start":{"type":"string","format":"date"},"target_mg":{"type":"number"},
"max_mg":{"type":"number"},"time":{"enum":["bedtime","morning"]},"liquid_mg_per_ml":{"type":"number"},
"step_days":{"type":"integer"},
"overrides":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["code","reason"],
"properties":{"code":{"enum":["screening.missing","screening.stale","screening.not_eligible","screening.review",
"start.before_earliest","start.before_baseline"]},"reason":{"type":"string","minLength":10}}}},
"acknowledged_findings":{"type":"array","items":{"type":"string","example":"medication.thyroid_hormone@medications[0]"}}}})js";
constexpr char kAdjustSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["reason","events"],"properties":{
"reason":{"type":"string"},"titration":{"enum":["easy","hard"]},"events":{"type":"array","items":{
"type":"object","required":["type"],"properties":{"type":{"enum":["side_effects","sleep_side_effects","gap"]},
"date":{"type":"string","format":"date"},"name":{"type":"string"},"days_unsettled":{"type":"integer"},
"from":{"type":"string","format":"date"},"days":{"type":"integer"}}}}}})js";
constexpr char kStatusSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["status"],"properties":{
"status":{"enum":["planned","active","paused","completed","stopped"]},"start_date":{"type":"string","format":"date"},
"overrides":{"type":"array","items":{"type":"object","additionalProperties":false,"required":["code","reason"],
"properties":{"code":{"type":"string"},"reason":{"type":"string","minLength":10}}}},
"acknowledged_findings":{"type":"array","items":{"type":"string"}}}})js";
constexpr char kDoseSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["date","taken"],"properties":{
"date":{"type":"string","format":"date"},"taken":{"type":"boolean"},"dose_mg":{"type":"number"},
"time":{"type":"string","example":"22:00"},"course_id":{"type":"integer"},"client_id":{"type":"string"},
"note":{"type":"string"},"off_plan_reason":{"type":"string","description":"the patient's confirmation of a dose that differs from the plan"}}})js";
constexpr char kInstrumentSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["instrument","date","answers"],"properties":{
"instrument":{"enum":["fiqr","pgic","acr2010","acr2011","acr2016"]},"date":{"type":"string","format":"date"},
"answers":{"type":"object"},"client_id":{"type":"string"}}})js";
constexpr char kAdverseEventSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["onset_date","description","severity"],
"properties":{"onset_date":{"type":"string","format":"date"},"description":{"type":"string"},
"severity":{"enum":["mild","moderate","severe","life_threatening"]},"serious":{"type":"boolean"},
"course_id":{"type":"integer"},"action_taken":{"type":"string"},"outcome":{"type":"string"}}})js";

}  // namespace

void AddClinicalRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  const std::set<Role> all_clinical = {Role::kPatient, Role::kClinician, Role::kPharmacist};

  routes.Add({"GET",
              "/api/v1/patients",
              Authenticated(kCareReaders, "patient.list"),
              h(ListPatients),
              "Patients the caller may see (a patient: their own record); with a query, the paged panel.",
              "",
              {"q", "sort", "flag", "page", "per_page"}});

  routes.Add({"POST",
              p + "/screenings",
              PatientScoped(kClinician, "screening.run"),
              h(RunScreening),
              "Run the pre-treatment screening (lists default to the patient's record) and store it.",
              kScreeningSchema,
              {}});
  routes.Add({"GET",
              p + "/screenings",
              PatientScoped(all_clinical, "screening.read"),
              h(ListScreenings),
              "Stored screenings.",
              "",
              {}});
  routes.Add({"GET",
              p + "/screenings/{screening_id}",
              PatientScoped(all_clinical, "screening.read"),
              h(GetScreening),
              "One stored screening.",
              "",
              {}});

  routes.Add({"POST",
              p + "/courses",
              PatientScoped(kClinician, "course.create"),
              h(CreateCourse),
              "Start a treatment course with a titration plan built from a protocol.",
              kCourseSchema,
              {}});
  routes.Add({"GET",
              p + "/courses",
              PatientScoped(all_clinical, "course.read"),
              h(ListCourses),
              "Treatment courses with their current plans.",
              "",
              {}});
  routes.Add({"GET",
              p + "/courses/{course_id}",
              PatientScoped(all_clinical, "course.read"),
              h(GetCourse),
              "One course.",
              "",
              {}});
  routes.Add({"PUT",
              p + "/courses/{course_id}/status",
              PatientScoped(kClinician, "course.status"),
              h(SetCourseStatus),
              "Set a course's status (and start date).",
              kStatusSchema,
              {}});
  routes.Add({"POST",
              p + "/courses/{course_id}/adjustments",
              PatientScoped(kClinician, "course.adjust"),
              h(AdjustCourse),
              "Adjust the plan to events (side effects, gaps); the full event list replaces the last.",
              kAdjustSchema,
              {}});
  routes.Add({"GET",
              p + "/courses/{course_id}/adjustments",
              PatientScoped(all_clinical, "course.read"),
              h(ListAdjustments),
              "Every adjustment of a course, oldest first.",
              "",
              {}});

  routes.Add({"POST",
              p + "/doses",
              PatientScoped(kPatientOrClinician, "dose.write"),
              h(AddDose),
              "Log a dose taken or skipped (idempotent with client_id).",
              kDoseSchema,
              {}});
  routes.Add({"GET",
              p + "/doses",
              PatientScoped(all_clinical, "dose.read"),
              h(ListDoses),
              "The dose log between from and to (default: the last year).",
              "",
              {"from", "to"}});

  routes.Add({"POST",
              p + "/instruments",
              PatientScoped(kPatientOrClinician, "instrument.write"),
              h(AddInstrument),
              "Score and store a questionnaire (FIQR, PGIC, ACR 2010/2011/2016).",
              kInstrumentSchema,
              {}});
  routes.Add({"GET",
              p + "/instruments",
              PatientScoped(kPatientOrClinician, "instrument.read"),
              h(ListInstruments),
              "Stored questionnaires, optionally of one instrument.",
              "",
              {"instrument"}});
  routes.Add({"GET",
              p + "/instruments/{response_id}",
              PatientScoped(kPatientOrClinician, "instrument.read"),
              h(GetInstrument),
              "One stored questionnaire.",
              "",
              {}});

  routes.Add({"POST",
              p + "/adverse-events",
              PatientScoped(all_clinical, "adverse_event.write"),
              h(AddAdverseEvent),
              "Report an adverse event.",
              kAdverseEventSchema,
              {}});
  routes.Add({"GET",
              p + "/adverse-events",
              PatientScoped(all_clinical, "adverse_event.read"),
              h(ListAdverseEvents),
              "The patient's adverse events.",
              "",
              {}});
  routes.Add({"GET",
              p + "/adverse-events/{adverse_event_id}",
              PatientScoped(all_clinical, "adverse_event.read"),
              h(GetAdverseEvent),
              "One adverse event.",
              "",
              {}});
}

}  // namespace ldn::server
