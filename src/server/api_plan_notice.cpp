// "Your plan changed" (issue 15, item 2c; docs/api.md "Plan changes").
//
//   GET  P/plan-notice              {"changed", "changes", "snapshot_id", "plan", "acknowledged_at"}
//   POST P/plan-notice/acknowledge  {"snapshot_id"} -> {"acknowledged_at", "snapshot_id"}
//
// The plan the patient follows now (RemindingCourse) is compared with the one they last
// acknowledged (server/plan_notice.h); before any acknowledgment, with the course as first made,
// so a plan nobody changed is no news. Only the patient acknowledges: a clinician reads the notice
// (to see what the patient has yet to see) but cannot make it go away for them.
#include <fmt/format.h>

#include "core/message.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/course_plans.h"

namespace ldn::server {
namespace {

using store::Role;

Result<ApiReply> GetNotice(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(PlanNotice n, BuildPlanNotice(ctx.store(), patient, ctx.now));
  nlohmann::json changes = nlohmann::json::array();
  for (const PlanChange& c : n.changes) changes.push_back(c.ToJson());
  return Reply({{"changed", !n.changes.empty()},
                {"changes", std::move(changes)},
                {"snapshot_id", n.current.Id()},
                {"plan", n.current.ToJson()},
                {"acknowledged_at", n.ack ? nlohmann::json(InstantText(n.ack->acknowledged_at)) : nlohmann::json()}});
}

Result<ApiReply> Acknowledge(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string snapshot_id, o.String("snapshot_id"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  std::optional<store::Course> holder_course;
  const store::Course* course = nullptr;
  LDN_ASSIGN_OR_RETURN(PlanSnapshot current, CurrentPlanSnapshot(ctx.store(), ctx.patient(), &course, holder_course));
  if (snapshot_id != current.Id()) {
    return Status::Conflict("your plan changed again since this page was loaded: reload to see the latest")
        .WithFieldPrefix("snapshot_id")
        .WithText({N_("Your plan changed again since this page was opened. Open it again to see the latest.")});
  }
  store::PlanAcknowledgment ack;
  ack.patient_id = ctx.patient();
  ack.snapshot_id = current.Id();
  ack.snapshot_json = current.ToJson().dump();
  ack.acknowledged_by = ctx.caller().user_id;
  ack.acknowledged_at = ctx.now;
  LDN_RETURN_IF_ERROR(ctx.store().PutPlanAcknowledgment(ack));
  ctx.audit_detail = fmt::format("plan of course {} acknowledged", current.course_id);
  return Reply({{"acknowledged_at", InstantText(ctx.now)}, {"snapshot_id", ack.snapshot_id}});
}

}  // namespace

void AddPlanNoticeRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  routes.Add({"GET",
              p + "/plan-notice",
              PatientScoped({Role::kPatient, Role::kClinician}, "plan_notice.read"),
              h(GetNotice),
              "What changed in the patient's plan since they last acknowledged it (before that: since the course "
              "was made), from today on.",
              "",
              {}});
  routes.Add(
      {"POST",
       p + "/plan-notice/acknowledge",
       PatientScoped({Role::kPatient}, "plan_notice.acknowledge"),
       h(Acknowledge),
       "The patient has seen the plan with this snapshot_id (GET plan-notice); 409 when it changed since.",
       R"js({"type":"object","additionalProperties":false,"required":["snapshot_id"],"properties":{"snapshot_id":{"type":"string","description":"GET plan-notice's snapshot_id"}}})js",
       {}});
}

}  // namespace ldn::server
