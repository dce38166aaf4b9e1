#include "server/interlocks.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "analysis/response.h"
#include "clinical/titration/plan.h"
#include "clinical/titration/protocols.h"
#include "core/dose.h"
#include "server/api_util.h"
#include "server/course_plans.h"
#include "server/diary_assembly.h"

namespace ldn::server {
namespace {

using store::CourseStatus;

// Diary days and doses the flags look back on (older reports were seen at earlier visits; a
// clinic that wants more can acknowledge less). Also the gate's look-back for baseline days.
constexpr int kFlagLookBackDays = 120;
constexpr int kGateLookBackDays = 90;

LocalDate LocalDateOf(const store::Patient& patient, store::Instant t) {
  return PatientToday(patient, t);
}

bool IsDiscarded(const std::vector<store::CourseDecision>& decisions, store::Id course_id) {
  for (const auto& d : decisions) {
    if (d.course_id == course_id && d.action == "discard") return true;
  }
  return false;
}

// Pain days and FIQR dates for the gate and the baseline view.
struct BaselineData {
  std::vector<LocalDate> pain_days;
  std::vector<LocalDate> fiqr_dates;
};

Result<BaselineData> LoadBaselineData(store::Store& st, const store::Patient& patient, LocalDate from, LocalDate to) {
  BaselineData b;
  if (from <= to) {
    LDN_ASSIGN_OR_RETURN(auto entries, st.ListDiary(patient.id, from, to));
    for (const auto& e : entries) {
      const nlohmann::json items = StoredJson(e.items_json);
      if (items.is_object() && items.contains("pain") && items["pain"].is_number()) b.pain_days.push_back(e.local_date);
    }
  }
  LDN_ASSIGN_OR_RETURN(auto fiqr, st.ListInstrumentResponses(patient.id, "fiqr"));
  for (const auto& r : fiqr) b.fiqr_dates.push_back(r.local_date);
  return b;
}

nlohmann::json OverridesOf(const store::CourseDecision& d) {
  nlohmann::json o = StoredJson(d.overrides_json);
  return o.is_array() ? o : nlohmann::json::array();
}

std::string OverrideCodes(const clinical::CourseGateResult& r) {
  std::string codes;
  for (const auto& o : r.overrides) codes += (codes.empty() ? "" : ",") + o.code;
  return codes;
}

Result<store::CourseDecision> StoreDecision(RequestContext& ctx, const store::Course& course, const std::string& action,
                                            const clinical::CourseGateResult* gate, const std::string& reason) {
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  store::CourseDecision d;
  d.patient_id = course.patient_id;
  d.course_id = course.id;
  d.action = action;
  if (gate != nullptr) {
    if (gate->screening) d.screening_id = gate->screening->id;
    d.evaluation_json = clinical::CourseGateToJson(*gate, *rules).dump();
    nlohmann::json overrides = nlohmann::json::array();
    for (const auto& o : gate->overrides) overrides.push_back({{"code", o.code}, {"reason", o.reason}});
    d.overrides_json = overrides.dump();
  }
  d.reason = reason;
  d.recorded_by = ctx.caller().user_id;
  d.recorded_at = ctx.now;
  return ctx.store().CreateCourseDecision(d);
}

// Runs the gate for `action` on `start` with the decisions of the request body `o`.
Result<clinical::CourseGateResult> RunGate(RequestContext& ctx, const store::Patient& patient,
                                           clinical::GateAction action, std::optional<LocalDate> start,
                                           const std::vector<clinical::GateOverride>& overrides,
                                           const std::vector<std::string>& acknowledged) {
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  LDN_ASSIGN_OR_RETURN(clinical::CourseGateInput in,
                       GateInputFromStore(ctx.store(), patient, PatientToday(patient, ctx.now), action, start));
  in.overrides = overrides;
  in.acknowledged_findings = acknowledged;
  return clinical::EvaluateCourseGate(in, *rules);
}

}  // namespace

Result<const clinical::InterlockRules*> InterlockRules() {
  const auto& r = clinical::LoadInterlockRules();
  if (!r.ok()) return r.status();
  return &*r;
}

Result<const clinical::RedFlagVocabulary*> RedFlagVocabulary() {
  const auto& v = clinical::LoadRedFlagVocabulary();
  if (!v.ok()) return v.status();
  return &*v;
}

std::optional<clinical::CoursePlanView> CoursePlanViewOf(const store::Course& course) {
  const nlohmann::json stored = StoredJson(course.plan_json);
  if (!stored.is_object() || !stored.contains("plan") || !stored["plan"].is_object()) return std::nullopt;
  const nlohmann::json& plan = stored["plan"];
  if (!plan.contains("steps") || !plan["steps"].is_array()) return std::nullopt;
  clinical::CoursePlanView view;
  for (const auto& s : plan["steps"]) {
    if (!s.is_object() || !s.contains("start") || !s["start"].is_string() || !s.contains("dose_ug") ||
        !s["dose_ug"].is_number_integer()) {
      continue;
    }
    auto start = ParseDate(s["start"].get<std::string>(), "start");
    if (!start.ok()) continue;
    clinical::PlanStep step;
    step.start = *start;
    if (s.contains("end") && s["end"].is_string()) {
      auto end = ParseDate(s["end"].get<std::string>(), "end");
      if (end.ok()) step.end = *end;
    }
    step.dose = Dose::FromMicrogramsHcl(std::max<int64_t>(0, s["dose_ug"].get<int64_t>()));
    view.steps.push_back(step);
  }
  if (view.steps.empty()) return std::nullopt;
  std::sort(view.steps.begin(), view.steps.end(),
            [](const clinical::PlanStep& a, const clinical::PlanStep& b) { return a.start < b.start; });
  if (plan.contains("max_mg") && plan["max_mg"].is_number()) {
    auto max = Dose::FromMilligramsHcl(plan["max_mg"].get<double>(), "max_mg");
    if (max.ok()) view.max = *max;
  }
  return view;
}

Result<std::optional<clinical::GateScreening>> LatestGateScreening(store::Store& st, const store::Patient& patient) {
  LDN_ASSIGN_OR_RETURN(auto screenings, st.ListScreenings(patient.id));
  if (screenings.empty()) return std::optional<clinical::GateScreening>();
  const store::Screening& s = screenings.back();
  auto read = clinical::ReadGateScreening(StoredJson(s.result_json), s.id, LocalDateOf(patient, s.recorded_at));
  if (!read.ok()) {
    return Status::Internal(fmt::format("stored screening #{} cannot be read: {}", s.id, read.status().ToString()));
  }
  return std::optional<clinical::GateScreening>(std::move(read).value());
}

Result<clinical::CourseGateInput> GateInputFromStore(store::Store& st, const store::Patient& patient, LocalDate today,
                                                     clinical::GateAction action, std::optional<LocalDate> start) {
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  clinical::CourseGateInput in;
  in.action = action;
  in.today = today;
  in.start = start;
  LDN_ASSIGN_OR_RETURN(in.screening, LatestGateScreening(st, patient));
  // A course entered after the fact (its first dose long past) is judged on its own baseline window.
  LocalDate from = AddDays(today, -kGateLookBackDays);
  if (start) from = std::min(from, AddDays(*start, -rules->baseline_diary_days));
  LDN_ASSIGN_OR_RETURN(BaselineData b, LoadBaselineData(st, patient, from, today));
  in.pain_days = std::move(b.pain_days);
  in.fiqr_dates = std::move(b.fiqr_dates);
  return in;
}

namespace {

Result<nlohmann::json> CourseJsonWith(const store::Patient& patient, const store::Course& course, store::Instant now,
                                      const std::vector<store::CourseDecision>& decisions,
                                      const BaselineData& baseline) {
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  nlohmann::json j = ToJson(course);
  nlohmann::json interlocks;
  interlocks["discarded"] = nullptr;
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json overrides = nlohmann::json::array();
  for (const auto& d : decisions) {
    if (d.course_id != course.id) continue;
    const nlohmann::json evaluation = StoredJson(d.evaluation_json);
    nlohmann::json item = {{"id", d.id},
                           {"action", d.action},
                           {"screening_id", d.screening_id ? nlohmann::json(*d.screening_id) : nlohmann::json()},
                           {"overrides", OverridesOf(d)},
                           {"reason", d.reason},
                           {"recorded_by", d.recorded_by},
                           {"recorded_at", InstantText(d.recorded_at)}};
    if (evaluation.is_object()) {
      item["warnings"] = evaluation.value("warnings", nlohmann::json::array());
      item["washout_end"] = evaluation.value("washout_end", nlohmann::json());
    }
    list.push_back(item);
    for (const auto& o : OverridesOf(d)) {
      overrides.push_back({{"code", o.value("code", "")},
                           {"reason", o.value("reason", "")},
                           {"action", d.action},
                           {"recorded_at", InstantText(d.recorded_at)}});
    }
    if (d.action == "discard")
      interlocks["discarded"] = {{"reason", d.reason}, {"recorded_at", InstantText(d.recorded_at)}};
  }
  interlocks["decisions"] = list;
  interlocks["overrides"] = overrides;
  interlocks["dose_times"] = {{"bedtime", FormatTimeOfDay(clinical::ClockTimeOf(clinical::DoseTime::kBedtime))},
                              {"morning", FormatTimeOfDay(clinical::ClockTimeOf(clinical::DoseTime::kMorning))}};
  interlocks["baseline"] = nullptr;
  if (course.status == CourseStatus::kPlanned && course.start_date && interlocks["discarded"].is_null()) {
    const LocalDate today = PatientToday(patient, now);
    const LocalDate start = *course.start_date;
    const int n = rules->baseline_diary_days;
    const LocalDate from = AddDays(start, -n);
    int recorded = 0;
    for (const LocalDate& d : baseline.pain_days) recorded += d >= from && d < start;
    std::optional<LocalDate> fiqr;
    for (const LocalDate& d : baseline.fiqr_dates) {
      if (d <= start && d >= AddDays(start, -rules->baseline_fiqr_window_days) && (!fiqr || d > *fiqr)) fiqr = d;
    }
    interlocks["baseline"] = {{"from", FormatDate(from)},
                              {"to", FormatDate(AddDays(start, -1))},
                              {"first_dose", FormatDate(start)},
                              {"days_required", n},
                              {"days_recorded", recorded},
                              {"under_way", today >= from},
                              {"days_left", std::max(0, DaysBetween(today, start))},
                              {"fiqr_date", fiqr ? nlohmann::json(FormatDate(*fiqr)) : nlohmann::json()},
                              {"fiqr_due", !fiqr && today >= AddDays(start, -rules->baseline_fiqr_window_days)},
                              {"source", rules->sources.at("baseline_diary_days")}};
  }
  j["interlocks"] = interlocks;
  return j;
}

}  // namespace

Result<nlohmann::json> CourseJson(store::Store& st, const store::Patient& patient, const store::Course& course,
                                  store::Instant now) {
  LDN_ASSIGN_OR_RETURN(auto decisions, st.ListCourseDecisions(patient.id));
  BaselineData b;
  if (course.status == CourseStatus::kPlanned && course.start_date) {
    LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
    const LocalDate today = PatientToday(patient, now);
    LDN_ASSIGN_OR_RETURN(b, LoadBaselineData(st, patient, AddDays(*course.start_date, -rules->baseline_diary_days),
                                             std::min(today, AddDays(*course.start_date, -1))));
  }
  return CourseJsonWith(patient, course, now, decisions, b);
}

Result<nlohmann::json> CoursesJson(store::Store& st, const store::Patient& patient, store::Instant now) {
  LDN_ASSIGN_OR_RETURN(auto courses, st.ListCourses(patient.id));
  LDN_ASSIGN_OR_RETURN(auto decisions, st.ListCourseDecisions(patient.id));
  BaselineData b;
  bool planned = false;
  for (const auto& c : courses) planned = planned || c.status == CourseStatus::kPlanned;
  if (planned) {
    const LocalDate today = PatientToday(patient, now);
    LDN_ASSIGN_OR_RETURN(b, LoadBaselineData(st, patient, AddDays(today, -kGateLookBackDays), today));
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : courses) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json j, CourseJsonWith(patient, c, now, decisions, b));
    out.push_back(std::move(j));
  }
  return out;
}

// ---- Courses -------------------------------------------------------------------------------------

Result<ApiReply> CreateGatedCourse(RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  std::vector<clinical::GateOverride> overrides;
  std::vector<std::string> acknowledged;
  LDN_RETURN_IF_ERROR(clinical::ReadGateDecisions(o, &overrides, &acknowledged));
  // The rest of the body is the plan request, read strictly by the titration reader.
  nlohmann::json request = holder;
  request.erase("overrides");
  request.erase("acknowledged_findings");
  LDN_ASSIGN_OR_RETURN(CoursePlan plan, BuildCoursePlan(request, nlohmann::json::array(), std::nullopt, ""));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(clinical::CourseGateResult gate,
                       RunGate(ctx, patient, clinical::GateAction::kCreate, plan.start, overrides, acknowledged));
  LDN_RETURN_IF_ERROR(clinical::GateRefusal(gate));
  store::Course c;
  c.patient_id = ctx.patient();
  c.protocol = plan.protocol;
  c.plan_json = plan.plan_json;
  c.status = CourseStatus::kPlanned;
  c.start_date = plan.start;
  c.recorded_by = ctx.caller().user_id;
  c.recorded_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::Course created, ctx.store().CreateCourse(c));
  LDN_RETURN_IF_ERROR(StoreDecision(ctx, created, "create", &gate, "").status());
  if (!gate.overrides.empty()) ctx.audit_detail = "overrides " + OverrideCodes(gate);
  LDN_ASSIGN_OR_RETURN(nlohmann::json body, CourseJson(ctx.store(), patient, created, ctx.now));
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  body["gate"] = clinical::CourseGateToJson(gate, *rules);
  return Reply(body, 201);
}

Result<ApiReply> SetGatedCourseStatus(RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "course_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string status_text, o.String("status"));
  LDN_ASSIGN_OR_RETURN(auto start, o.OptionalDate("start_date"));
  std::vector<clinical::GateOverride> overrides;
  std::vector<std::string> acknowledged;
  LDN_RETURN_IF_ERROR(clinical::ReadGateDecisions(o, &overrides, &acknowledged));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(CourseStatus to, store::ParseCourseStatus(status_text, "status"));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(store::Course course, ctx.store().GetCourse(ctx.patient(), id));
  LDN_ASSIGN_OR_RETURN(auto decisions, ctx.store().ListCourseDecisions(ctx.patient()));
  if (IsDiscarded(decisions, id)) {
    return Status::Conflict("this course was discarded; plan a new one").WithFieldPrefix("status");
  }
  const bool gated = to == CourseStatus::kActive && course.status != CourseStatus::kActive;
  if (!gated && (!overrides.empty() || !acknowledged.empty())) {
    return Status::InvalidArgument(overrides.empty() ? "acknowledged_findings" : "overrides",
                                   "only a course becoming active is gated: nothing to override or acknowledge");
  }
  if (course.status == CourseStatus::kPlanned && to != CourseStatus::kActive && to != CourseStatus::kPlanned) {
    return Status::Conflict(
               "a planned course becomes active (gated) or is discarded with a reason "
               "(POST .../discard); it cannot be " +
               std::string(store::CourseStatusName(to)))
        .WithFieldPrefix("status");
  }
  std::optional<clinical::CourseGateResult> gate;
  std::optional<LocalDate> new_start = start;
  if (gated) {
    const bool activate = course.status == CourseStatus::kPlanned;
    const clinical::GateAction action = activate ? clinical::GateAction::kActivate : clinical::GateAction::kResume;
    std::optional<LocalDate> gate_start = activate ? (start ? start : course.start_date) : start;
    LDN_ASSIGN_OR_RETURN(clinical::CourseGateResult r,
                         RunGate(ctx, patient, action, gate_start, overrides, acknowledged));
    LDN_RETURN_IF_ERROR(clinical::GateRefusal(r));
    gate = std::move(r);
    if (activate && start && course.start_date && *start != *course.start_date) {
      // The first dose moves: the plan is rebuilt from its stored request with the new start,
      // and the earlier plan kept as an adjustment with the reason.
      const nlohmann::json stored = StoredJson(course.plan_json);
      if (!stored.is_object() || !stored.contains("request") || !stored["request"].is_object()) {
        return Status::Conflict("this course has no stored plan request to move").WithFieldPrefix("start_date");
      }
      if (stored.contains("events") && stored["events"].is_array() && !stored["events"].empty()) {
        return Status::Conflict("the plan has adjustments dated from its first start: plan a new course instead")
            .WithFieldPrefix("start_date");
      }
      nlohmann::json request = stored["request"];
      request["start"] = FormatDate(*start);
      LDN_ASSIGN_OR_RETURN(CoursePlan plan,
                           BuildCoursePlan(request, nlohmann::json::array(), std::nullopt, "stored_plan."));
      store::PlanAdjustment a;
      a.patient_id = ctx.patient();
      a.course_id = id;
      a.reason = fmt::format("First dose moved from {} to {} at activation.", FormatDate(*course.start_date),
                             FormatDate(*start));
      a.plan_json = plan.plan_json;
      a.recorded_by = ctx.caller().user_id;
      a.recorded_at = ctx.now;
      LDN_RETURN_IF_ERROR(ctx.store().AdjustCourse(a).status());
    }
    if (!activate) new_start = std::nullopt;  // resuming keeps the course's first dose
  } else if (start && course.status != CourseStatus::kPlanned) {
    return Status::InvalidArgument("start_date", "only a planned course's first dose can be set");
  }
  LDN_RETURN_IF_ERROR(ctx.store().SetCourseStatus(ctx.patient(), id, to, new_start, ctx.now));
  LDN_ASSIGN_OR_RETURN(store::Course updated, ctx.store().GetCourse(ctx.patient(), id));
  if (gate) {
    LDN_RETURN_IF_ERROR(
        StoreDecision(ctx, updated, gate->action == clinical::GateAction::kActivate ? "activate" : "resume", &*gate, "")
            .status());
    ctx.audit_detail = std::string(clinical::GateActionName(gate->action)) +
                       (gate->overrides.empty() ? "" : " overrides " + OverrideCodes(*gate));
  }
  LDN_ASSIGN_OR_RETURN(nlohmann::json body, CourseJson(ctx.store(), patient, updated, ctx.now));
  if (gate) {
    LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
    body["gate"] = clinical::CourseGateToJson(*gate, *rules);
  }
  return Reply(body);
}

// ---- Doses ---------------------------------------------------------------------------------------

Result<ApiReply> StoreCheckedDose(RequestContext& ctx, store::DoseLogEntry d, std::optional<std::string> reason) {
  if (reason) {
    std::string trimmed = *reason;
    trimmed.erase(0, trimmed.find_first_not_of(" \t\r\n"));
    if (trimmed.empty() || reason->size() > 500) {
      return Status::InvalidArgument("off_plan_reason", "must be 1-500 characters: say why the dose differs");
    }
  }
  if (reason && !d.taken) return Status::InvalidArgument("off_plan_reason", "only a dose taken can be off the plan");
  LDN_ASSIGN_OR_RETURN(auto courses, ctx.store().ListCourses(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(auto decisions, ctx.store().ListCourseDecisions(ctx.patient()));
  const store::Course* course = nullptr;
  if (d.course_id) {
    for (const auto& c : courses) {
      if (c.id == *d.course_id) course = &c;
    }
    if (course == nullptr) return Status::NotFound("no such course").WithFieldPrefix("course_id");
  } else {
    // The course whose plan covers the date (the latest to start on or before it), else the
    // current one (a dose before its first day).
    const store::Course* current = nullptr;
    for (const auto& c : courses) {
      if (IsDiscarded(decisions, c.id)) continue;
      auto view = CoursePlanViewOf(c);
      if (view && view->steps.front().start <= d.local_date &&
          (course == nullptr || CoursePlanViewOf(*course)->steps.front().start <= view->steps.front().start)) {
        course = &c;
      }
      if (c.status == CourseStatus::kActive || c.status == CourseStatus::kPaused ||
          (c.status == CourseStatus::kPlanned && (current == nullptr || current->status == CourseStatus::kPlanned))) {
        current = &c;
      }
    }
    if (course == nullptr) course = current;
    if (course != nullptr) d.course_id = course->id;
  }
  std::optional<clinical::DoseCheckResult> check;
  if (d.taken) {
    LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
    const auto& titration = clinical::LoadTitrationKnowledge();
    if (!titration.ok()) return titration.status();
    clinical::DoseCheckInput in;
    in.date = d.local_date;
    in.dose = Dose::FromMicrogramsHcl(d.dose_micrograms_hcl);
    if (course != nullptr) in.plan = CoursePlanViewOf(*course);
    in.off_plan_reason = reason;
    check = clinical::CheckLoggedDose(in, *rules, titration->rules.low_dose_ceiling);
    LDN_RETURN_IF_ERROR(clinical::DoseCheckStatus(*check));
  }
  LDN_ASSIGN_OR_RETURN(store::DoseLogEntry stored, ctx.store().AddDoseLogEntry(d));
  nlohmann::json body = ToJson(stored);
  if (check) {
    body["check"] = clinical::DoseCheckToJson(*check);
    if (check->outcome == clinical::DoseCheckOutcome::kOffPlanConfirmed) {
      store::DoseDeviation dev;
      dev.patient_id = ctx.patient();
      dev.dose_id = stored.id;
      if (check->planned) dev.planned_micrograms_hcl = check->planned->micrograms_hcl();
      dev.reason = *reason;
      dev.recorded_by = ctx.caller().user_id;
      dev.recorded_at = ctx.now;
      LDN_ASSIGN_OR_RETURN(store::DoseDeviation kept, ctx.store().RecordDoseDeviation(dev));
      body["off_plan"] = {
          {"planned_mg", kept.planned_micrograms_hcl
                             ? nlohmann::json(Dose::FromMicrogramsHcl(*kept.planned_micrograms_hcl).milligrams_hcl())
                             : nlohmann::json()},
          {"reason", kept.reason},
          {"recorded_at", InstantText(kept.recorded_at)}};
      ctx.audit_detail = "off_plan";
    }
  }
  return Reply(body, 201);
}

Status AttachDeviations(store::Store& st, store::Id patient_id, nlohmann::json& doses) {
  LDN_ASSIGN_OR_RETURN(auto deviations, st.ListDoseDeviations(patient_id));
  std::map<store::Id, const store::DoseDeviation*> by_dose;
  for (const auto& d : deviations) by_dose[d.dose_id] = &d;
  for (auto& dose : doses) {
    auto it = by_dose.find(dose.value("id", store::Id{0}));
    if (it == by_dose.end()) continue;
    const store::DoseDeviation& d = *it->second;
    dose["off_plan"] = {
        {"planned_mg", d.planned_micrograms_hcl
                           ? nlohmann::json(Dose::FromMicrogramsHcl(*d.planned_micrograms_hcl).milligrams_hcl())
                           : nlohmann::json()},
        {"reason", d.reason},
        {"recorded_at", InstantText(d.recorded_at)}};
  }
  return Status::Ok();
}

// ---- Severe reports ------------------------------------------------------------------------------

namespace {

clinical::ReportToAssess DiaryReport(const nlohmann::json& items) {
  clinical::ReportToAssess r;
  if (!items.is_object()) return r;
  if (items.contains("side_effects") && items["side_effects"].is_array()) {
    for (const auto& s : items["side_effects"]) {
      if (s.is_object() && s.contains("name") && s["name"].is_string() && s.contains("severity") &&
          s["severity"].is_number_integer()) {
        r.side_effects.push_back({s["name"].get<std::string>(), s["severity"].get<int>()});
      }
    }
  }
  if (items.contains("note") && items["note"].is_string()) r.note = items["note"].get<std::string>();
  return r;
}

}  // namespace

Result<nlohmann::json> AssessDiaryItems(const std::string& items_json) {
  LDN_ASSIGN_OR_RETURN(const clinical::RedFlagVocabulary* v, RedFlagVocabulary());
  const clinical::SafetyAssessment a = clinical::AssessReport(DiaryReport(StoredJson(items_json)), *v);
  if (a.level == clinical::RedFlagLevel::kNone) return nlohmann::json();
  return clinical::SafetyAssessmentToJson(a, *v);
}

Result<nlohmann::json> AssessAdverseEvent(const store::AdverseEvent& e) {
  LDN_ASSIGN_OR_RETURN(const clinical::RedFlagVocabulary* v, RedFlagVocabulary());
  clinical::ReportToAssess r;
  r.adverse_severity = std::string(store::SeverityName(e.severity));
  r.serious = e.serious;
  r.note = e.description;
  const clinical::SafetyAssessment a = clinical::AssessReport(r, *v);
  if (a.level == clinical::RedFlagLevel::kNone) return nlohmann::json();
  return clinical::SafetyAssessmentToJson(a, *v);
}

// ---- Flags ---------------------------------------------------------------------------------------

namespace {

Result<clinical::FlagRecord> AssembleFlagRecord(store::Store& st, const store::Patient& patient, store::Instant now,
                                                std::vector<store::FlagAcknowledgement>* acks,
                                                PatientAnalysis* analysis_out = nullptr) {
  clinical::FlagRecord rec;
  rec.today = PatientToday(patient, now);
  const LocalDate from = AddDays(rec.today, -kFlagLookBackDays);
  LDN_ASSIGN_OR_RETURN(auto courses, st.ListCourses(patient.id));
  LDN_ASSIGN_OR_RETURN(auto decisions, st.ListCourseDecisions(patient.id));
  for (const auto& c : courses) {
    clinical::FlagCourse fc;
    fc.id = c.id;
    fc.status = std::string(store::CourseStatusName(c.status));
    fc.start = c.start_date;
    if (auto view = CoursePlanViewOf(c)) fc.plan = *view;
    for (const auto& d : decisions) {
      if (d.course_id != c.id) continue;
      if (d.action == "discard") fc.discarded = true;
      if (d.action == "create" || d.action == "activate") {
        fc.gated = true;
        const nlohmann::json evaluation = StoredJson(d.evaluation_json);
        fc.gated_earliest_start.reset();
        if (evaluation.is_object() && evaluation.contains("washout_end") && evaluation["washout_end"].is_string()) {
          auto w = ParseDate(evaluation["washout_end"].get<std::string>(), "washout_end");
          if (w.ok()) fc.gated_earliest_start = *w;
        }
      }
      for (const auto& o : OverridesOf(d)) {
        fc.overrides.push_back({{o.value("code", ""), o.value("reason", "")}, LocalDateOf(patient, d.recorded_at)});
      }
    }
    rec.courses.push_back(std::move(fc));
  }
  LDN_ASSIGN_OR_RETURN(auto screenings, st.ListScreenings(patient.id));
  for (const auto& s : screenings) {
    auto gs = clinical::ReadGateScreening(StoredJson(s.result_json), s.id, LocalDateOf(patient, s.recorded_at));
    if (!gs.ok()) continue;  // an unreadable stored report cannot raise a flag; the gate refuses it
    clinical::FlagScreening fs;
    fs.id = s.id;
    fs.date = gs->date;
    fs.verdict = gs->verdict;
    fs.earliest_start = gs->earliest_start;
    for (const auto& f : gs->findings) {
      if (f.severity == clinical::Severity::kNotEligible || f.severity == clinical::Severity::kReview) {
        fs.summary += (fs.summary.empty() ? "" : " ") + f.message;
      }
    }
    rec.screenings.push_back(std::move(fs));
  }
  LDN_ASSIGN_OR_RETURN(auto events, st.ListAdverseEvents(patient.id));
  for (const auto& e : events) {
    rec.adverse_events.push_back(
        {e.id, e.onset_date, std::string(store::SeverityName(e.severity)), e.serious, e.description});
  }
  LDN_ASSIGN_OR_RETURN(auto diary, st.ListDiary(patient.id, from, rec.today));
  for (const auto& e : diary) {
    const clinical::ReportToAssess r = DiaryReport(StoredJson(e.items_json));
    rec.diary.push_back({e.local_date, r.side_effects, r.note});
  }
  LDN_ASSIGN_OR_RETURN(auto fiqr, st.ListInstrumentResponses(patient.id, "fiqr"));
  for (const auto& r : fiqr) rec.fiqr_dates.push_back(r.local_date);
  LDN_ASSIGN_OR_RETURN(auto doses, st.ListDoseLog(patient.id, from, rec.today));
  LDN_ASSIGN_OR_RETURN(auto deviations, st.ListDoseDeviations(patient.id));
  std::map<store::Id, std::string> reasons;
  for (const auto& d : deviations) reasons[d.dose_id] = d.reason;
  for (const auto& d : doses) {
    clinical::FlagDose fd;
    fd.id = d.id;
    fd.course_id = d.course_id;
    fd.date = d.local_date;
    fd.taken = d.taken;
    fd.dose = Dose::FromMicrogramsHcl(d.dose_micrograms_hcl);
    if (auto it = reasons.find(d.id); it != reasons.end()) fd.off_plan_reason = it->second;
    rec.doses.push_back(std::move(fd));
  }
  // The analysis of the current course, when it has started.
  const clinical::FlagCourse* current = clinical::CurrentCourse(rec);
  if (current != nullptr && current->status != "planned") {
    clinical::FlagAnalysis fa;
    auto course = st.GetCourse(patient.id, current->id);
    if (!course.ok()) return course.status();
    auto diary_doc = AssembleDiary(st, patient, *course, patient.research_id);
    if (!diary_doc.ok()) {
      if (diary_doc.status().code() != Code::kConflict) return diary_doc.status();
      fa.unavailable_reason = "the stored record cannot be analysed";
    } else {
      auto report = analysis::AnalyzeDiary(*diary_doc);
      if (analysis_out != nullptr) {  // the panel reuses it (issue 13, item 5): one analysis per patient
        analysis_out->course_id = current->id;
        analysis_out->report = report;
      }
      if (!report.ok()) {
        fa.unavailable_reason = report.status().message();
      } else {
        const nlohmann::json j = analysis::ReportToJson(*report);
        fa.available = true;
        if (j.contains("pain_change_pct") && j["pain_change_pct"].is_number()) {
          fa.pain_change_pct = j["pain_change_pct"].get<double>();
        }
        for (const auto& s : j.value("side_effects", nlohmann::json::array())) {
          if (s.value("settled", true)) continue;
          auto onset = ParseDate(s.value("onset", ""), "onset");
          if (onset.ok()) fa.unsettled_side_effects.push_back({s.value("name", ""), *onset});
        }
      }
    }
    rec.analysis = fa;
  }
  LDN_ASSIGN_OR_RETURN(*acks, st.ListFlagAcknowledgements(patient.id));
  for (const auto& a : *acks) rec.acknowledged.insert(a.code);
  return rec;
}

}  // namespace

Result<nlohmann::json> PatientFlagsJson(store::Store& st, const store::Patient& patient, store::Instant now,
                                        PatientAnalysis* analysis) {
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  LDN_ASSIGN_OR_RETURN(const clinical::RedFlagVocabulary* v, RedFlagVocabulary());
  std::vector<store::FlagAcknowledgement> acks;
  LDN_ASSIGN_OR_RETURN(clinical::FlagRecord rec, AssembleFlagRecord(st, patient, now, &acks, analysis));
  nlohmann::json out = nlohmann::json::array();
  for (const clinical::Flag& f : clinical::ComputeFlags(rec, *rules, *v)) {
    nlohmann::json j = clinical::FlagToJson(f);
    j["acknowledgement"] = nullptr;
    for (const auto& a : acks) {
      if (a.code == f.code) {
        j["acknowledgement"] = {
            {"note", a.note}, {"recorded_by", a.recorded_by}, {"recorded_at", InstantText(a.recorded_at)}};
      }
    }
    out.push_back(std::move(j));
  }
  return out;
}

Result<std::vector<std::string>> InterlockReportLines(store::Store& st, const store::Patient& patient) {
  LDN_ASSIGN_OR_RETURN(auto decisions, st.ListCourseDecisions(patient.id));
  std::vector<std::string> lines;
  for (const auto& d : decisions) {
    const std::string day = FormatDate(LocalDateOf(patient, d.recorded_at));
    for (const auto& o : OverridesOf(d)) {
      lines.push_back(fmt::format("{}: course #{} {} -- the check {} was overridden by the clinician. Reason: {}", day,
                                  d.course_id, d.action, o.value("code", ""), o.value("reason", "")));
    }
    if (d.action == "discard") {
      lines.push_back(fmt::format("{}: planned course #{} discarded. Reason: {}", day, d.course_id, d.reason));
    }
  }
  return lines;
}

}  // namespace ldn::server
