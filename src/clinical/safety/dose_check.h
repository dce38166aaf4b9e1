// Safe dose entry: a dose the patient logs is compared with the course plan's step for that day
// (docs/safety.md, "Logged doses"). Pure; the server calls it before it stores a dose.
//   on plan                    stored
//   off plan, within limits    stored only with the patient's confirmation (an off_plan_reason);
//                              without one the API answers 409 naming dose_mg
//   above the limit            refused (400 naming dose_mg): above off_plan_refuse_factor x the
//                              step (data/interlocks.json) or above the course's maximum
#ifndef LDN_CLINICAL_SAFETY_DOSE_CHECK_H_
#define LDN_CLINICAL_SAFETY_DOSE_CHECK_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinical/safety/interlock_rules.h"
#include "clinical/titration/plan.h"
#include "core/calendar.h"
#include "core/dose.h"
#include "core/message.h"
#include "core/result.h"

namespace ldn::clinical {

// The plan as the dose check needs it.
struct CoursePlanView {
  std::vector<PlanStep> steps;  // in date order
  std::optional<Dose> max;      // the clinician's ceiling (max_mg), when set
};

// The step in force on `date` (nullptr before the first step or in a gap between steps).
const PlanStep* StepOn(const std::vector<PlanStep>& steps, LocalDate date);

// The course's maximum: max(max, the largest step dose). REQUIRES: !plan.steps.empty().
Dose CourseMaximum(const CoursePlanView& plan);

enum class DoseCheckOutcome {
  kOnPlan,             // equal to the step of the day
  kOffPlanConfirmed,   // differs, within the limit, and the patient gave a reason
  kNeedsConfirmation,  // differs, within the limit, no reason yet
  kRefused,            // above the limit
};
std::string_view DoseCheckOutcomeName(DoseCheckOutcome o);  // "on_plan", "off_plan", ...

struct DoseCheckInput {
  LocalDate date{};
  Dose dose = Dose::FromMicrogramsHcl(0);  // the amount taken (> 0)
  std::optional<CoursePlanView> plan;      // nullopt: the patient has no course
  std::optional<std::string> off_plan_reason;
};

struct DoseCheckResult {
  DoseCheckOutcome outcome = DoseCheckOutcome::kOnPlan;
  std::optional<Dose> planned;              // the step of the day; nullopt when none is in force
  std::optional<Dose> reference;            // what "twice the step" is measured against
  Dose limit = Dose::FromMicrogramsHcl(0);  // the highest dose accepted for the day
  std::string message;                      // plain words for the patient (empty when on plan)
  // The same words as a message-catalog key with its values (core/message.h: the web app shows
  // it in the patient's language); message == Fill(text).
  Message text;
};

// Checks one logged dose. `low_dose_ceiling` is the limit when there is no course
// (TitrationRules::low_dose_ceiling, 9 mg). The reference is the step in force, else the last
// step before the date (a gap), else the first step (before the course starts). The limit is
// min(course maximum, factor x reference).
DoseCheckResult CheckLoggedDose(const DoseCheckInput& input, const InterlockRules& rules, Dose low_dose_ceiling);

// OK for kOnPlan and kOffPlanConfirmed; kConflict naming "dose_mg" for kNeedsConfirmation;
// kInvalidArgument naming "dose_mg" for kRefused. The message is the result's, its text too
// (Status::text()).
Status DoseCheckStatus(const DoseCheckResult& result);

// {"outcome","planned_mg"(|null),"limit_mg","message"}.
nlohmann::json DoseCheckToJson(const DoseCheckResult& result);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SAFETY_DOSE_CHECK_H_
