// Routes of the safety interlocks (issue 12; docs/safety.md, docs/api.md "Safety interlocks"):
// the course gate's preview, discarding a planned course, the patient's flags and their
// acknowledgement, and the red-flag vocabulary. The gated course routes themselves (create,
// status) and the checked dose log stay at their paths in api_clinical.cpp and call interlocks.h.
#include <fmt/format.h>

#include "core/text.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/interlocks.h"

namespace ldn::server {
namespace {

using store::Role;

// GET P/course-gate?course_id=&start=: what the gate says now, without changing anything. No
// course_id: creating a course (start defaults to the proposal); a planned course: activating it
// (start defaults to its first dose); a paused or ended course: resuming it today.
Result<ApiReply> GatePreview(Api&, RequestContext& ctx) {
  std::optional<store::Id> course_id;
  if (auto it = ctx.query.find("course_id"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(course_id, ParseId(it->second, "course_id"));
  }
  LDN_ASSIGN_OR_RETURN(auto start, QueryDate(ctx, "start"));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  clinical::GateAction action = clinical::GateAction::kCreate;
  if (course_id) {
    auto course = ctx.store().GetCourse(ctx.patient(), *course_id);
    if (!course.ok() && course.status().code() == Code::kNotFound) {
      return Status::NotFound("no such course").WithFieldPrefix("course_id");
    }
    LDN_RETURN_IF_ERROR(course.status());
    if (course->status == store::CourseStatus::kActive) {
      return Status::Conflict("the course is active already").WithFieldPrefix("course_id");
    }
    if (course->status == store::CourseStatus::kPlanned) {
      action = clinical::GateAction::kActivate;
      if (!start) start = course->start_date;
    } else {
      action = clinical::GateAction::kResume;
    }
  }
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  LDN_ASSIGN_OR_RETURN(clinical::CourseGateInput in,
                       GateInputFromStore(ctx.store(), patient, PatientToday(patient, ctx.now), action, start));
  LDN_ASSIGN_OR_RETURN(clinical::CourseGateResult r, clinical::EvaluateCourseGate(in, *rules));
  nlohmann::json body = clinical::CourseGateToJson(r, *rules);
  body["course_id"] = course_id ? nlohmann::json(*course_id) : nlohmann::json();
  return Reply(body);
}

// POST P/courses/{course_id}/discard {"reason"}: a planned course is given up. It becomes
// stopped, its issued or verified prescriptions are cancelled, and the reason is kept.
Result<ApiReply> DiscardCourse(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "course_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string reason, o.Text("reason", 0, kMaxNoteChars));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  std::string trimmed = reason;
  trimmed.erase(0, trimmed.find_first_not_of(" \t\r\n"));
  if (trimmed.size() < static_cast<size_t>(rules->override_reason_min_chars) || reason.size() > 2000) {
    return Status::InvalidArgument("reason",
                                   fmt::format("a discarded course keeps a written reason of {}-2000 characters",
                                               rules->override_reason_min_chars));
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  auto course = ctx.store().GetCourse(ctx.patient(), id);
  if (!course.ok()) return course.status();
  if (course->status != store::CourseStatus::kPlanned) {
    return Status::Conflict(fmt::format("only a planned course can be discarded; this one is {}",
                                        store::CourseStatusName(course->status)))
        .WithFieldPrefix("course_id");
  }
  LDN_RETURN_IF_ERROR(
      ctx.store().SetCourseStatus(ctx.patient(), id, store::CourseStatus::kStopped, std::nullopt, ctx.now));
  LDN_ASSIGN_OR_RETURN(auto prescriptions, ctx.store().ListPrescriptions(ctx.patient()));
  int cancelled = 0;
  for (const auto& p : prescriptions) {
    if (p.course_id != id) continue;
    if (p.status != store::PrescriptionStatus::kIssued && p.status != store::PrescriptionStatus::kVerified) continue;
    LDN_RETURN_IF_ERROR(ctx.store().SetPrescriptionStatus(ctx.patient(), p.id, store::PrescriptionStatus::kCancelled,
                                                          std::nullopt, ctx.now));
    ++cancelled;
  }
  store::CourseDecision d;
  d.patient_id = ctx.patient();
  d.course_id = id;
  d.action = "discard";
  d.reason = trimmed;
  d.recorded_by = ctx.caller().user_id;
  d.recorded_at = ctx.now;
  LDN_RETURN_IF_ERROR(ctx.store().CreateCourseDecision(d).status());
  ctx.audit_detail = fmt::format("discard cancelled_prescriptions {}", cancelled);
  LDN_ASSIGN_OR_RETURN(store::Course updated, ctx.store().GetCourse(ctx.patient(), id));
  LDN_ASSIGN_OR_RETURN(nlohmann::json body, CourseJson(ctx.store(), patient, updated, ctx.now));
  body["cancelled_prescriptions"] = cancelled;
  return Reply(body);
}

Result<ApiReply> ListFlags(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(nlohmann::json flags, PatientFlagsJson(ctx.store(), patient, ctx.now));
  return Reply({{"patient_id", patient.id}, {"flags", flags}});
}

// A flag code as the path carries it: 1-200 of [A-Za-z0-9._-].
Result<std::string> FlagCode(const RequestContext& ctx) {
  const std::string& code = ctx.params.at("code");
  const bool ok = !code.empty() && code.size() <= 200 && std::all_of(code.begin(), code.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
  if (!ok) return Status::InvalidArgument("code", "a flag code is 1-200 characters of A-Z a-z 0-9 . _ -");
  return code;
}

// POST P/flags/{code}/acknowledge {"note"}: the clinician has seen this occurrence.
Result<ApiReply> AcknowledgeFlag(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(std::string code, FlagCode(ctx));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string note, o.Text("note", 0, kMaxNoteChars));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (note.find_first_not_of(" \t\r\n") == std::string::npos || note.size() > 2000) {
    return Status::InvalidArgument("note", "say in 1-2000 characters what was seen or done");
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(nlohmann::json flags, PatientFlagsJson(ctx.store(), patient, ctx.now));
  const nlohmann::json* flag = nullptr;
  for (const auto& f : flags) {
    if (f["code"] == code) flag = &f;
  }
  if (flag == nullptr) return Status::NotFound("no such flag is raised for this patient").WithFieldPrefix("code");
  if ((*flag)["acknowledged"].get<bool>()) {
    return Status::Conflict("this flag is acknowledged already").WithFieldPrefix("code");
  }
  store::FlagAcknowledgement a;
  a.patient_id = ctx.patient();
  a.code = code;
  a.note = note;
  a.recorded_by = ctx.caller().user_id;
  a.recorded_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::FlagAcknowledgement stored, ctx.store().AcknowledgeFlag(a));
  ctx.audit_detail = fmt::format("{} {}", (*flag)["level"].get<std::string>(), (*flag)["kind"].get<std::string>());
  nlohmann::json body = *flag;
  body["acknowledged"] = true;
  body["acknowledgement"] = {
      {"note", stored.note}, {"recorded_by", stored.recorded_by}, {"recorded_at", InstantText(stored.recorded_at)}};
  return Reply(body, 201);
}

// GET /safety/red-flags: the vocabulary and the patient guidance (not patient data).
Result<ApiReply> RedFlagTerms(Api&, RequestContext&) {
  LDN_ASSIGN_OR_RETURN(const clinical::RedFlagVocabulary* v, RedFlagVocabulary());
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  nlohmann::json body = clinical::RedFlagVocabularyToJson(*v);
  nlohmann::json rule_list = nlohmann::json::array();
  for (const auto& [id, source] : rules->sources) rule_list.push_back({{"id", id}, {"source", source}});
  body["interlock_rules"] = {{"version", rules->version},
                             {"screening_max_age_days", rules->screening_max_age_days},
                             {"baseline_diary_days", rules->baseline_diary_days},
                             {"baseline_min_days_at_start", rules->baseline_min_days_at_start},
                             {"off_plan_refuse_factor", rules->off_plan_refuse_factor},
                             {"override_reason_min_chars", rules->override_reason_min_chars},
                             {"missing_diary_days", rules->missing_diary_days},
                             {"sources", rule_list}};
  return Reply(body);
}

constexpr char kDiscardSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["reason"],"properties":{
"reason":{"type":"string","minLength":10,"maxLength":2000}}})js";
constexpr char kAcknowledgeSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["note"],"properties":{
"note":{"type":"string","minLength":1,"maxLength":2000}}})js";

}  // namespace

void AddInterlockRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  const std::set<Role> clinician = {Role::kClinician};
  const std::set<Role> care_team = {Role::kClinician, Role::kPharmacist};
  const std::set<Role> everyone = {Role::kPatient, Role::kClinician, Role::kPharmacist, Role::kResearcher,
                                   Role::kAdmin};
  routes.Add({"GET",
              p + "/course-gate",
              PatientScoped(clinician, "course.gate"),
              h(GatePreview),
              "What the course gate says now (create, activate or resume), without changing anything.",
              "",
              {"course_id", "start"}});
  routes.Add({"POST",
              p + "/courses/{course_id}/discard",
              PatientScoped(clinician, "course.discard"),
              h(DiscardCourse),
              "Discard a planned course with a reason; its open prescriptions are cancelled.",
              kDiscardSchema,
              {}});
  routes.Add({"GET",
              p + "/flags",
              PatientScoped(care_team, "flag.read"),
              h(ListFlags),
              "The patient's flags, computed on the server (red first), with acknowledgements.",
              "",
              {}});
  routes.Add({"POST",
              p + "/flags/{code}/acknowledge",
              PatientScoped(clinician, "flag.acknowledge"),
              h(AcknowledgeFlag),
              "Acknowledge one raised flag (its occurrence) with a note.",
              kAcknowledgeSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/safety/red-flags",
              Authenticated(everyone),
              h(RedFlagTerms),
              "The red-flag vocabulary, the patient guidance and the interlock rules, with sources.",
              "",
              {}});
}

}  // namespace ldn::server
