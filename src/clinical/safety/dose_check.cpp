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

// A dose as a message value: the number of mg, written as FormatMg() writes it ("4.5", "0.75").
nlohmann::json Mg(Dose d) {
  return std::stod(d.FormatMg());
}

// How the amount compares with the reference: 10, 1.5 ("10 times").
nlohmann::json Times(Dose dose, Dose reference) {
  const double ratio = dose.milligrams_hcl() / reference.milligrams_hcl();
  return std::round(ratio * 10) / 10;
}

// Every text of the check, in the keys the web app's catalogs hold (web/locales/src/safety.json;
// N_() marks them for scripts/locales.mjs --check; DoseCheckTest.EveryTextIsInTheMessageCatalog).
void Say(DoseCheckResult& r, std::string key, nlohmann::json vars) {
  r.text = Message{std::move(key), std::move(vars)};
  r.message = Fill(r.text);
}

}  // namespace

DoseCheckResult CheckLoggedDose(const DoseCheckInput& in, const InterlockRules& rules, Dose low_dose_ceiling) {
  DoseCheckResult r;
  const std::string day = FormatDate(in.date);
  if (!in.plan || in.plan->steps.empty()) {
    r.limit = low_dose_ceiling;
    if (in.dose > r.limit) {
      r.outcome = DoseCheckOutcome::kRefused;
      Say(r,
          N_("{dose} mg was not saved: it is above {limit} mg, the highest low dose ldn accepts, and you have no LDN "
             "plan "
             "in ldn. Check the amount. If you really took {dose} mg, tell your clinician."),
          {{"dose", Mg(in.dose)}, {"limit", Mg(r.limit)}});
      return r;
    }
    r.outcome = in.off_plan_reason ? DoseCheckOutcome::kOffPlanConfirmed : DoseCheckOutcome::kNeedsConfirmation;
    Say(r,
        N_("You have no LDN plan in ldn for {date}. If you took {dose} mg, confirm it and say why; your clinician will "
           "see it."),
        {{"date", day}, {"dose", Mg(in.dose)}});
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
    const Message what =
        r.planned ? Message{N_("Your plan sets {planned} mg for {date}"), {{"planned", Mg(*r.planned)}, {"date", day}}}
                  : Message{N_("No dose is planned for {date} (the nearest step is {reference} mg)"),
                            {{"date", day}, {"reference", Mg(*r.reference)}}};
    const bool over_factor = in.dose > factor_limit, over_maximum = in.dose > maximum;
    const nlohmann::json why_vars = {
        {"times", Times(in.dose, *r.reference)}, {"reference", Mg(*r.reference)}, {"maximum", Mg(maximum)}};
    std::string why_key;
    if (over_factor && over_maximum) {
      why_key = r.planned ? N_("it is {times} times the planned {reference} mg and above the highest dose of your "
                               "course, {maximum} mg")
                          : N_("it is {times} times the {reference} mg of the nearest step and above the highest "
                               "dose of your course, {maximum} mg");
    } else if (over_factor) {
      why_key = r.planned ? N_("it is {times} times the planned {reference} mg")
                          : N_("it is {times} times the {reference} mg of the nearest step");
    } else {
      why_key = N_("it is above the highest dose of your course, {maximum} mg");
    }
    Say(r,
        N_("{dose} mg was not saved: {why}; ldn accepts at most {limit} mg for that day. LDN doses are a few "
           "milligrams, "
           "so check the amount (a typing slip such as 45 for 4.5 is common). If you really took {dose} mg, tell your "
           "clinician or pharmacist today. ({what}.)"),
        {{"dose", Mg(in.dose)}, {"why", Nested({why_key, why_vars})}, {"limit", Mg(r.limit)}, {"what", Nested(what)}});
    return r;
  }
  r.outcome = in.off_plan_reason ? DoseCheckOutcome::kOffPlanConfirmed : DoseCheckOutcome::kNeedsConfirmation;
  if (r.planned) {
    Say(r,
        N_("Your plan says {planned} mg on {date}, and you entered {dose} mg. If you took {dose} mg, confirm it and "
           "say "
           "why (for example: 'felt unwell, took less'); your clinician will see it."),
        {{"planned", Mg(*r.planned)}, {"date", day}, {"dose", Mg(in.dose)}});
  } else if (in.date < plan.steps.front().start) {
    Say(r,
        N_("Your course starts on {start}: no dose is planned for {date}. If you took {dose} mg, confirm it and say "
           "why; "
           "your clinician will see it."),
        {{"start", FormatDate(plan.steps.front().start)}, {"date", day}, {"dose", Mg(in.dose)}});
  } else {
    Say(r,
        N_("No dose is planned for {date} (a break in your plan). If you took {dose} mg, confirm it and say why; your "
           "clinician will see it."),
        {{"date", day}, {"dose", Mg(in.dose)}});
  }
  return r;
}

Status DoseCheckStatus(const DoseCheckResult& r) {
  switch (r.outcome) {
    case DoseCheckOutcome::kOnPlan:
    case DoseCheckOutcome::kOffPlanConfirmed: return Status::Ok();
    case DoseCheckOutcome::kNeedsConfirmation:
      return Status::Conflict(r.message).WithFieldPrefix("dose_mg").WithText(r.text);
    case DoseCheckOutcome::kRefused: return Status::InvalidArgument("dose_mg", r.message).WithText(r.text);
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
