// The stored form of a treatment course's plan, shared by the API and the demo seed.
//
// A course's plan_json is {"request": <plan request>, "titration": "easy"|"hard"|null,
// "events": [...], "plan": <PlanToJson or AdjustedPlanToJson>}. The plan request is the "plan"
// object of clinical::ReadAdjustmentRequest ({"protocol","start","target_mg","max_mg","time",
// "liquid_mg_per_ml","step_days"}); it is kept so that every adjustment re-derives the plan from
// the same start with the full list of events (clinical/titration/adjust.h).
#ifndef LDN_SERVER_COURSE_PLANS_H_
#define LDN_SERVER_COURSE_PLANS_H_

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "clinical/titration/adjust.h"
#include "core/result.h"
#include "pharmacy/order.h"
#include "server/plan_notice.h"
#include "store/store.h"

namespace ldn::server {

struct CoursePlan {
  clinical::AdjustedPlan adjusted;
  std::string protocol;
  LocalDate start;
  std::string plan_json;  // the stored form above
};

// Builds the plan for `request` with `events` (an array; empty for a new course) and the
// titration ease (nullopt when not given). Fails with kInvalidArgument naming the field in the
// request's own terms ("target_mg", "events[1].date"; "body" when the request is not an object)
// -- `request_prefix` is put before request fields ("" for a new course's body).
Result<CoursePlan> BuildCoursePlan(const nlohmann::json& request, const nlohmann::json& events,
                                   const std::optional<std::string>& titration, std::string_view request_prefix);

// The dose steps of a stored course (plan_json["plan"]["steps"]): each step's start, end (none for
// an open last step), dose and time ("bedtime" or "morning"). kConflict when the course has no
// plan or an empty one; kInternal when the stored plan is malformed.
Result<std::vector<pharmacy::OrderStep>> PlanSteps(const store::Course& course);

// The course the patient follows now, for reminders and plan notices: the newest active course,
// else the newest paused one, else the newest planned one; nullopt when none (completed and
// stopped courses are followed no more).
std::optional<store::Course> RemindingCourse(const std::vector<store::Course>& courses);

// The dose steps of `course` as first made, before any adjustment (its stored request rebuilt
// with no events). kConflict when the stored course holds no request to rebuild.
Result<std::vector<pharmacy::OrderStep>> OriginalPlanSteps(const store::Course& course);

// The plan the patient follows now (RemindingCourse) as a snapshot; an empty one when no course
// reminds. `*out_course` points into `holder` (the course), or is null.
Result<PlanSnapshot> CurrentPlanSnapshot(store::Store& store, store::Id patient_id, const store::Course** out_course,
                                         std::optional<store::Course>& holder);

// What changed in the patient's plan since they last acknowledged it (server/plan_notice.h):
// before any acknowledgment, since the course as first made, so a plan nobody changed is no news.
struct PlanNotice {
  PlanSnapshot current;
  std::vector<PlanChange> changes;
  std::optional<store::PlanAcknowledgment> ack;
};
Result<PlanNotice> BuildPlanNotice(store::Store& store, const store::Patient& patient, store::Instant now);

}  // namespace ldn::server

#endif  // LDN_SERVER_COURSE_PLANS_H_
