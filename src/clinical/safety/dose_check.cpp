#include "clinical/safety/dose_check.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace ldn::clinical {

const PlanStep* StepOn(const std::vector<PlanStep>& steps, LocalDate date) {
  const PlanStep* found = nullptr;
  for (const PlanStep& s : steps) {
    if (s.start <= date && (!s.end || *s.end >= date)) found = &s;
  }
  return found;
}

Dose CourseMaximum(const CoursePlanView& plan) {
  Dose m = plan.max.value_or(Dose::FromMicrogramsHcl(0));
  for (const PlanStep& s : plan.steps) m = std::max(m, s.dose);
  return m;
}

std::string_view DoseCheckOutcomeName(DoseCheckOutcome o) {
  switch (o) {
    case DoseCheckOutcome::kOnPlan: return "on_plan";
    case DoseCheckOutcome::kOffPlanConfirmed: return "off_plan";
    case DoseCheckOutcome::kNeedsConfirmation: return "needs_confirmation";
    case DoseCheckOutcome::kRefused: return "refused";
  }
  return "on_plan";
}

namespace {

// "10 times", "1.5 times": how the amount compares, in words.
std::string Times(Dose dose, Dose reference) {
  const double ratio = dose.milligrams_hcl() / reference.milligrams_hcl();
  const double rounded = std::round(ratio * 10) / 10;
  return fmt::format("{} times", FormatMilligrams(rounded));
}

}  // namespace

DoseCheckResult CheckLoggedDose(const DoseCheckInput& in, const InterlockRules& rules, Dose low_dose_ceiling) {
  DoseCheckResult r;
  const std::string day = FormatDate(in.date);
  const std::string entered = in.dose.FormatMg() + " mg";
  if (!in.plan || in.plan->steps.empty()) {
    r.limit = low_dose_ceiling;
    if (in.dose > r.limit) {
      r.outcome = DoseCheckOutcome::kRefused;
      r.message = fmt::format(
          "{} was not saved: it is above {} mg, the highest low dose ldn accepts, and you have no LDN plan in ldn. "
          "Check the amount. If you really took {}, tell your clinician.",
          entered, r.limit.FormatMg(), entered);
      return r;
    }
    r.outcome = in.off_plan_reason ? DoseCheckOutcome::kOffPlanConfirmed : DoseCheckOutcome::kNeedsConfirmation;
    r.message = fmt::format(
        "You have no LDN plan in ldn for {}. If you took {}, confirm it and say why; your clinician will see it.", day,
        entered);
    return r;
  }
  const CoursePlanView& plan = *in.plan;
  const PlanStep* step = StepOn(plan.steps, in.date);
  if (step != nullptr) {
    r.planned = step->dose;
    r.reference = step->dose;
  } else {
    const PlanStep* before = nullptr;
    for (const PlanStep& s : plan.steps) {
      if (s.start <= in.date) before = &s;
    }
    r.reference = (before != nullptr ? before : &plan.steps.front())->dose;
  }
  const Dose maximum = CourseMaximum(plan);
  const Dose factor_limit = Dose::FromMicrogramsHcl(r.reference->micrograms_hcl() * rules.off_plan_refuse_factor);
  r.limit = std::min(maximum, factor_limit);
  if (r.planned && in.dose == *r.planned) {
    r.outcome = DoseCheckOutcome::kOnPlan;
    return r;
  }
  if (in.dose > r.limit) {
    r.outcome = DoseCheckOutcome::kRefused;
    const std::string what =
        r.planned ? fmt::format("Your plan sets {} mg for {}", r.planned->FormatMg(), day)
                  : fmt::format("No dose is planned for {} (the nearest step is {} mg)", day, r.reference->FormatMg());
    std::string why;
    if (in.dose > factor_limit) {
      why = r.planned ? fmt::format("it is {} the planned {} mg", Times(in.dose, *r.reference), r.reference->FormatMg())
                      : fmt::format("it is {} the {} mg of the nearest step", Times(in.dose, *r.reference),
                                    r.reference->FormatMg());
    }
    if (in.dose > maximum) {
      why += fmt::format("{}above the highest dose of your course, {} mg", why.empty() ? "it is " : " and ",
                         maximum.FormatMg());
    }
    why += fmt::format("; ldn accepts at most {} mg for that day", r.limit.FormatMg());
    r.message = fmt::format(
        "{} was not saved: {}. LDN doses are a few milligrams, so check the amount (a typing slip such as 45 for "
        "4.5 is common). If you really took {}, tell your clinician or pharmacist today. ({}.)",
        entered, why, entered, what);
    return r;
  }
  r.outcome = in.off_plan_reason ? DoseCheckOutcome::kOffPlanConfirmed : DoseCheckOutcome::kNeedsConfirmation;
  if (r.planned) {
    r.message = fmt::format(
        "Your plan says {} mg on {}, and you entered {}. If you took {}, confirm it and say why (for example: "
        "'felt unwell, took less'); your clinician will see it.",
        r.planned->FormatMg(), day, entered, entered);
  } else if (in.date < plan.steps.front().start) {
    r.message = fmt::format(
        "Your course starts on {}: no dose is planned for {}. If you took {}, confirm it and say why; your clinician "
        "will see it.",
        FormatDate(plan.steps.front().start), day, entered, entered);
  } else {
    r.message = fmt::format(
        "No dose is planned for {} (a break in your plan). If you took {}, confirm it and say why; your clinician "
        "will see it.",
        day, entered);
  }
  return r;
}

Status DoseCheckStatus(const DoseCheckResult& r) {
  switch (r.outcome) {
    case DoseCheckOutcome::kOnPlan:
    case DoseCheckOutcome::kOffPlanConfirmed: return Status::Ok();
    case DoseCheckOutcome::kNeedsConfirmation: return Status::Conflict(r.message).WithFieldPrefix("dose_mg");
    case DoseCheckOutcome::kRefused: return Status::InvalidArgument("dose_mg", r.message);
  }
  return Status::Ok();
}

nlohmann::json DoseCheckToJson(const DoseCheckResult& r) {
  return {{"outcome", DoseCheckOutcomeName(r.outcome)},
          {"planned_mg", r.planned ? nlohmann::json(r.planned->milligrams_hcl()) : nlohmann::json()},
          {"limit_mg", r.limit.milligrams_hcl()},
          {"message", r.message}};
}

}  // namespace ldn::clinical
