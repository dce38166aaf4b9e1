// The clinician's inbox (issue 13; docs/clinic.md "Tasks"; the tasks are computed in inbox.h):
//
//   GET  /api/v1/inbox                 the open tasks of every patient the clinician cares for,
//                                      with counts per kind and the last settled ones
//   GET  P/tasks                       one patient's open tasks and everything settled
//   POST P/tasks/resolve               {"key", "resolution": "done"|"dismissed", "note"} -> 201
//   GET  P/questionnaires/schedule     when the FIQR and PGIC are due (patient and care team)
//
// Settling a flag (or a missing diary) also acknowledges the flag with the note, so the chart, the
// panel and the inbox agree; marking a message done records the clinician's read receipt. A
// prescription is done only by signing it (409 otherwise); it can be dismissed with a reason.
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/text.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/inbox.h"

namespace ldn::server {
namespace {

using store::Role;

constexpr size_t kSettledShown = 50;

Result<ApiReply> Inbox(Api& api, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto patients, ctx.store().ListVisiblePatients(ctx.caller().user_id));
  LDN_ASSIGN_OR_RETURN(auto revisions, ctx.store().ListPatientRevisions(ctx.caller().user_id));
  const std::map<store::Id, int64_t> revision_of(revisions.begin(), revisions.end());
  nlohmann::json tasks = nlohmann::json::array();
  std::map<std::string, int> counts = {
      {"message", 0}, {"flag", 0}, {"prescription_to_sign", 0}, {"questionnaire_overdue", 0}, {"diary_missing", 0}};
  std::vector<std::pair<store::TaskResolution, const store::Patient*>> settled;
  for (const auto& p : patients) {
    auto rev = revision_of.find(p.id);
    LDN_ASSIGN_OR_RETURN(nlohmann::json flags,
                         api.flag_cache().Flags(ctx.store(), p, rev == revision_of.end() ? 0 : rev->second, ctx.now));
    LDN_ASSIGN_OR_RETURN(auto open, PatientTasks(ctx.store(), p, ctx.now, &flags));
    for (const auto& t : open) {
      ++counts[t.kind];
      tasks.push_back(TaskToJson(t, p));
    }
    LDN_ASSIGN_OR_RETURN(auto done, ctx.store().ListTaskResolutions(p.id));
    for (auto& r : done) settled.emplace_back(std::move(r), &p);
  }
  // Red first, then the oldest: a task waiting longest is the one most likely forgotten.
  std::stable_sort(tasks.begin(), tasks.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    const bool ra = a["level"] == "red", rb = b["level"] == "red";
    if (ra != rb) return ra;
    return a["since"].get<std::string>() < b["since"].get<std::string>();
  });
  std::sort(settled.begin(), settled.end(), [](const auto& a, const auto& b) {
    return a.first.recorded_at != b.first.recorded_at ? a.first.recorded_at > b.first.recorded_at
                                                      : a.first.id > b.first.id;
  });
  nlohmann::json recent = nlohmann::json::array();
  for (size_t i = 0; i < settled.size() && i < kSettledShown; ++i) {
    nlohmann::json j = ResolutionToJson(settled[i].first);
    j["patient_id"] = settled[i].second->id;
    j["patient_name"] = settled[i].second->display_name;
    recent.push_back(std::move(j));
  }
  ctx.audit_detail = fmt::format("{} tasks of {} patients", tasks.size(), patients.size());
  return Reply({{"tasks", tasks}, {"counts", counts}, {"settled", recent}});
}

Result<ApiReply> PatientTaskList(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(auto open, PatientTasks(ctx.store(), patient, ctx.now));
  LDN_ASSIGN_OR_RETURN(auto settled, ctx.store().ListTaskResolutions(patient.id));
  nlohmann::json tasks = nlohmann::json::array();
  for (const auto& t : open) tasks.push_back(TaskToJson(t, patient));
  nlohmann::json done = nlohmann::json::array();
  for (const auto& r : settled) done.push_back(ResolutionToJson(r));
  return Reply({{"tasks", tasks}, {"settled", done}});
}

Result<ApiReply> ResolveTask(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string key, o.Text("key", 1, 200));
  LDN_ASSIGN_OR_RETURN(std::string resolution, o.String("resolution"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> note_in, o.OptionalText("note", kMaxNoteChars));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (resolution != "done" && resolution != "dismissed") {
    return Status::InvalidArgument("resolution", "expected done or dismissed");
  }
  std::string note = note_in.value_or("");
  const bool blank = note.find_first_not_of(" \t\r\n") == std::string::npos;
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(auto open, PatientTasks(ctx.store(), patient, ctx.now));
  auto task = std::find_if(open.begin(), open.end(), [&](const InboxTask& t) { return t.key == key; });
  if (task == open.end()) {
    LDN_ASSIGN_OR_RETURN(auto settled, ctx.store().ListTaskResolutions(patient.id));
    for (const auto& r : settled) {
      if (r.task_key == key) {
        return Status::Conflict(fmt::format("this task was {} already", r.resolution)).WithFieldPrefix("key");
      }
    }
    return Status::NotFound("no such open task for this patient (it may have been settled by its cause)")
        .WithFieldPrefix("key");
  }
  const bool flag = task->kind == "flag" || task->kind == "diary_missing";
  if (resolution == "dismissed" && blank) {
    return Status::InvalidArgument("note", "say in 1-2000 characters why the task is dismissed");
  }
  if (flag && blank) {
    // The flag is acknowledged with this note (docs/safety.md): it must say what was seen or done.
    return Status::InvalidArgument("note", "say in 1-2000 characters what was seen or done about this flag");
  }
  if (task->kind == "prescription_to_sign" && resolution == "done") {
    return Status::Conflict(
               "a prescription is done when it is signed: sign it on the patient's page, or dismiss "
               "the task with a reason")
        .WithFieldPrefix("resolution");
  }
  store::TaskResolution r;
  r.patient_id = patient.id;
  r.task_key = key;
  r.kind = task->kind;
  r.resolution = resolution;
  r.note = note;
  r.recorded_by = ctx.caller().user_id;
  r.recorded_at = ctx.now;
  store::TaskResolution stored;
  LDN_RETURN_IF_ERROR(ctx.store().RunInTransaction([&](store::Store& tx) -> Status {
    LDN_ASSIGN_OR_RETURN(stored, tx.CreateTaskResolution(r));
    if (flag) {
      store::FlagAcknowledgement a;
      a.patient_id = patient.id;
      a.code = key;
      a.note = note;
      a.recorded_by = ctx.caller().user_id;
      a.recorded_at = ctx.now;
      LDN_RETURN_IF_ERROR(tx.AcknowledgeFlag(a).status());
    }
    if (task->kind == "message") {
      const store::Id last = std::stoll(key.substr(std::string("message.").size()));
      LDN_RETURN_IF_ERROR(tx.MarkMessagesRead(patient.id, ctx.caller().user_id, last, ctx.now).status());
    }
    return Status::Ok();
  }));
  ctx.audit_detail = fmt::format("{} {}", task->kind, resolution);
  nlohmann::json body = ResolutionToJson(stored);
  body["task"] = TaskToJson(*task, patient);
  return Reply(body, 201);
}

Result<ApiReply> QuestionnaireSchedule(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(nlohmann::json schedule, QuestionnaireScheduleJson(ctx.store(), patient, ctx.now));
  return Reply(schedule);
}

constexpr char kResolveSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["key","resolution"],"properties":{
"key":{"type":"string","minLength":1,"maxLength":200},
"resolution":{"enum":["done","dismissed"]},
"note":{"type":"string","maxLength":2000}}})js";

}  // namespace

void AddInboxRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  const std::set<Role> clinician = {Role::kClinician};
  routes.Add({"GET",
              "/api/v1/inbox",
              Authenticated(clinician, "inbox.read"),
              h(Inbox),
              "The clinician's open tasks over their patients (messages, flags, prescriptions to sign, "
              "overdue questionnaires, missing diaries), with counts and the last settled ones.",
              "",
              {}});
  routes.Add({"GET",
              p + "/tasks",
              PatientScoped(clinician, "task.read"),
              h(PatientTaskList),
              "One patient's open tasks and every settled one.",
              "",
              {}});
  routes.Add({"POST",
              p + "/tasks/resolve",
              PatientScoped(clinician, "task.resolve"),
              h(ResolveTask),
              "Mark one open task done or dismiss it with a reason (a flag is acknowledged with the note).",
              kResolveSchema,
              {}});
  routes.Add({"GET",
              p + "/questionnaires/schedule",
              PatientScoped({Role::kPatient, Role::kClinician}, "questionnaire.schedule"),
              h(QuestionnaireSchedule),
              "When the FIQR and the PGIC are due and overdue (data/interlocks.json).",
              "",
              {}});
}

}  // namespace ldn::server
