#include "server/course_plans.h"

#include "core/json_reader.h"
#include "server/api_util.h"

namespace ldn::server {
namespace {

// Renames the domain reader's "plan.x" fields to `prefix` + "x".
Status RenamePlanFields(const Status& s, std::string_view prefix) {
  if (s.ok() || s.code() != Code::kInvalidArgument) return s;
  std::string f = s.field();
  if (f.rfind("plan.", 0) == 0) {
    f = std::string(prefix) + f.substr(5);
  } else if (f == "plan" || f.empty()) {
    f = prefix.empty() ? "body" : std::string(prefix.substr(0, prefix.size() - 1));
  }
  return Status::InvalidArgument(f, s.message());
}

}  // namespace

Result<CoursePlan> BuildCoursePlan(const nlohmann::json& request, const nlohmann::json& events,
                                   const std::optional<std::string>& titration, std::string_view request_prefix) {
  if (!request.is_object()) {
    return RenamePlanFields(Status::InvalidArgument("plan", "expected a JSON object, got " + JsonTypeName(request)),
                            request_prefix);
  }
  nlohmann::json doc = {{"plan", request}, {"events", events}};
  if (titration) doc["titration"] = *titration;
  auto parsed = clinical::ReadAdjustmentRequest(doc.dump());
  if (!parsed.ok()) return RenamePlanFields(parsed.status(), request_prefix);
  auto adjusted = clinical::AdjustPlan(*parsed);
  if (!adjusted.ok()) return RenamePlanFields(adjusted.status(), request_prefix);
  CoursePlan c;
  c.protocol = parsed->plan.protocol;
  c.start = parsed->plan.start;
  const bool any_events = !events.empty();
  c.plan_json = nlohmann::json{{"request", request},
                               {"titration", titration ? nlohmann::json(*titration) : nlohmann::json()},
                               {"events", events},
                               {"plan", any_events ? clinical::AdjustedPlanToJson(*adjusted)
                                                   : clinical::PlanToJson(adjusted->plan)}}
                    .dump();
  c.adjusted = std::move(adjusted).value();
  return c;
}

Result<std::vector<pharmacy::OrderStep>> PlanSteps(const store::Course& course) {
  const nlohmann::json stored = StoredJson(course.plan_json);
  if (!stored.is_object() || !stored.contains("plan") || !stored["plan"].is_object() ||
      !stored["plan"].contains("steps") || !stored["plan"]["steps"].is_array()) {
    return Status::Conflict("course " + std::to_string(course.id) + " has no plan to prescribe from");
  }
  std::vector<pharmacy::OrderStep> steps;
  for (const auto& s : stored["plan"]["steps"]) {
    if (!s.is_object()) return Status::Internal("stored plan step is not an object");
    pharmacy::OrderStep step;
    auto start = ParseDate(s.value("start", ""), "start");
    if (!start.ok()) return Status::Internal("stored plan step without a start date");
    step.start = *start;
    if (s.contains("end") && s["end"].is_string()) {
      auto end = ParseDate(s["end"].get<std::string>(), "end");
      if (!end.ok()) return Status::Internal("stored plan step with a malformed end date");
      step.end = *end;
    }
    step.dose = Dose::FromMicrogramsHcl(s.value("dose_ug", int64_t{0}));
    step.time = s.value("time", "bedtime");
    steps.push_back(step);
  }
  if (steps.empty()) return Status::Conflict("course " + std::to_string(course.id) + " has an empty plan");
  return steps;
}

std::optional<store::Course> RemindingCourse(const std::vector<store::Course>& courses) {
  using store::CourseStatus;
  for (CourseStatus want : {CourseStatus::kActive, CourseStatus::kPaused, CourseStatus::kPlanned}) {
    for (auto it = courses.rbegin(); it != courses.rend(); ++it) {
      if (it->status == want) return *it;
    }
  }
  return std::nullopt;
}

Result<std::vector<pharmacy::OrderStep>> OriginalPlanSteps(const store::Course& course) {
  const nlohmann::json stored = StoredJson(course.plan_json);
  if (!stored.is_object() || !stored.contains("request") || !stored["request"].is_object()) {
    return Status::Conflict("course " + std::to_string(course.id) + " keeps no plan request");
  }
  std::optional<std::string> titration;
  if (stored.contains("titration") && stored["titration"].is_string())
    titration = stored["titration"].get<std::string>();
  auto built = BuildCoursePlan(stored["request"], nlohmann::json::array(), titration, "");
  if (!built.ok()) return Status::Conflict("course " + std::to_string(course.id) + ": " + built.status().ToString());
  store::Course original = course;
  original.plan_json = built->plan_json;
  return PlanSteps(original);
}

Result<PlanSnapshot> CurrentPlanSnapshot(store::Store& store, store::Id patient_id, const store::Course** out_course,
                                         std::optional<store::Course>& holder) {
  LDN_ASSIGN_OR_RETURN(std::vector<store::Course> courses, store.ListCourses(patient_id));
  holder = RemindingCourse(courses);
  *out_course = holder ? &*holder : nullptr;
  PlanSnapshot s;
  if (!holder) return s;
  s.course_id = holder->id;
  s.status = std::string(store::CourseStatusName(holder->status));
  auto steps = PlanSteps(*holder);
  if (steps.ok()) s.steps = std::move(steps).value();
  return s;
}

Result<PlanNotice> BuildPlanNotice(store::Store& store, const store::Patient& patient, store::Instant now) {
  PlanNotice n;
  std::optional<store::Course> holder;
  const store::Course* course = nullptr;
  LDN_ASSIGN_OR_RETURN(n.current, CurrentPlanSnapshot(store, patient.id, &course, holder));
  auto ack = store.GetPlanAcknowledgment(patient.id);
  if (!ack.ok() && ack.status().code() != Code::kNotFound) return ack.status();
  PlanSnapshot seen;
  if (ack.ok()) {
    n.ack = *ack;
    const auto parsed = nlohmann::json::parse(ack->snapshot_json, nullptr, /*allow_exceptions=*/false);
    LDN_ASSIGN_OR_RETURN(seen, PlanSnapshot::FromJson(parsed));
  } else if (course != nullptr) {
    // Never acknowledged: the plan as the clinic first made it is what the patient was given.
    seen.course_id = course->id;
    // A course is made "planned": a pause, an end or a stop since then is news (planned -> active
    // is not, DiffPlans).
    seen.status = std::string(store::CourseStatusName(store::CourseStatus::kPlanned));
    auto original = OriginalPlanSteps(*course);
    seen.steps = original.ok() ? std::move(original).value() : n.current.steps;
  }
  n.changes = DiffPlans(seen, n.current, PatientToday(patient, now));
  return n;
}

}  // namespace ldn::server
