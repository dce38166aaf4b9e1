#include "clinical/titration/plan.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>

#include <fmt/format.h>

namespace ldn::clinical {
namespace {

// Naltrexone HCl dissolves in water to about 100 mg/mL (label; pharmacology-facts.md B2): a
// stronger liquid cannot be made.
constexpr int64_t kMaxLiquidUgPerMl = 100'000;

// Trials judged response at 8 weeks (Younger 2009) to 12 weeks (Younger 2013; FINAL); the
// suggested default is 8-12 weeks on a stable dose (clinical-facts.md section 1).
constexpr int kJudgeFromDays = 56;
constexpr int kJudgeToDays = 84;

std::string Mg(Dose d) {
  return d.FormatMg() + " mg";
}

}  // namespace

std::string_view DoseTimeName(DoseTime t) {
  return t == DoseTime::kBedtime ? "bedtime" : "morning";
}

Result<DoseTime> ParseDoseTime(std::string_view text, std::string_view field) {
  if (text == "bedtime") return DoseTime::kBedtime;
  if (text == "morning") return DoseTime::kMorning;
  return Status::InvalidArgument(std::string(field), fmt::format("expected 'bedtime' or 'morning', got '{}'", text));
}

TimeOfDay ClockTimeOf(DoseTime t) {
  return TimeOfDay{t == DoseTime::kBedtime ? 22 * 60 : 8 * 60};
}

std::string FormatCentiMl(int64_t centi_ml) {
  return fmt::format("{}.{:02}", centi_ml / 100, centi_ml % 100);
}

std::vector<PlanStep> Climb(LocalDate from, Dose dose, Dose increment, int step_days, Dose target, DoseTime time) {
  assert(dose.micrograms_hcl() > 0 && increment.micrograms_hcl() > 0 && step_days >= 1);
  std::vector<PlanStep> steps;
  LocalDate day = from;
  while (dose < target) {
    steps.push_back({day, AddDays(day, step_days - 1), dose, time, std::nullopt});
    day = AddDays(day, step_days);
    // The last climb lands exactly on the target (ldnrt-standard: 4 mg -> 4.5 mg, not 5 mg).
    const int64_t next = dose.micrograms_hcl() + increment.micrograms_hcl();
    dose = Dose::FromMicrogramsHcl(std::min(next, target.micrograms_hcl()));
  }
  steps.push_back({day, std::nullopt, dose, time, std::nullopt});
  return steps;
}

Result<Plan> BuildPlan(const PlanRequest& request, const PlanFieldNames& names) {
  const Result<TitrationKnowledge>& k = LoadTitrationKnowledge();
  if (!k.ok()) return k.status();
  return BuildPlan(*k, request, names);
}

Result<Plan> BuildPlan(const TitrationKnowledge& k, const PlanRequest& request, const PlanFieldNames& names) {
  const TitrationRules& rules = k.rules;
  Plan plan;
  LDN_ASSIGN_OR_RETURN(plan.protocol, FindProtocol(k, request.protocol, names.protocol));
  const Protocol& p = plan.protocol;
  plan.request = request;

  if (request.max) {
    if (request.max->micrograms_hcl() <= 0) return Status::InvalidArgument(names.max, "must be a positive dose in mg");
    if (*request.max > rules.low_dose_ceiling) {
      return Status::InvalidArgument(
          names.max, fmt::format("{} is outside low-dose use: real-world LDN doses range 0.8-{} ({})", Mg(*request.max),
                                 Mg(rules.low_dose_ceiling), rules.ceiling_source));
    }
  }
  if (request.target) {
    if (request.target->micrograms_hcl() <= 0) {
      return Status::InvalidArgument(names.target, "must be a positive dose in mg");
    }
    if (request.max && *request.target > *request.max) {
      return Status::InvalidArgument(
          names.target, fmt::format("target {} is above {} {}", Mg(*request.target), names.max, Mg(*request.max)));
    }
    plan.target = *request.target;
  } else {
    plan.target = p.target;
    if (request.max && *request.max < plan.target) {
      plan.target = *request.max;  // the clinician's ceiling caps the protocol's default target
    }
  }
  if (plan.target > rules.usual_max && (!request.max || *request.max < plan.target)) {
    return Status::InvalidArgument(
        names.max,
        fmt::format("the final dose {} ({}) is above the usual LDN range 1.5-{}; confirm it with {} {} or "
                    "higher. Why it may be chosen: {}",
                    Mg(plan.target),
                    request.target ? names.target + " " + plan.target.FormatMg() : "protocol " + p.id + " target",
                    Mg(rules.usual_max), names.max, plan.target.FormatMg(), rules.usual_max_source));
  }

  plan.step_days = request.step_days.value_or(p.step_days_default);
  if (plan.step_days < p.step_days_min || plan.step_days > p.step_days_max) {
    return Status::InvalidArgument(
        names.step_days, fmt::format("{} days is outside protocol {}'s range {}-{} days", plan.step_days, p.id,
                                     p.step_days_min, p.step_days_max));
  }
  if (request.liquid_per_ml) {
    const int64_t c = request.liquid_per_ml->micrograms_hcl();
    if (c <= 0 || c > kMaxLiquidUgPerMl) {
      return Status::InvalidArgument(
          names.liquid, fmt::format("concentration must be above 0 and at most 100 mg/mL (naltrexone HCl solubility "
                                    "in water, label), got {} mg/mL",
                                    request.liquid_per_ml->FormatMg()));
    }
  }
  plan.request.target = plan.target;
  plan.request.step_days = plan.step_days;

  if (plan.target < p.start) {
    plan.steps.push_back({request.start, std::nullopt, plan.target, request.time, std::nullopt});
  } else {
    plan.steps = Climb(request.start, p.start, p.increment, plan.step_days, plan.target, request.time);
  }
  FinishPlan(rules, plan);
  return plan;
}

void FinishPlan(const TitrationRules& rules, Plan& plan) {
  const Protocol& p = plan.protocol;
  std::vector<std::string> notes, warnings;
  std::vector<Message> plain;  // for the patient; each says the why of a note or warning above

  // Liquid volumes: integer arithmetic, centi-mL = round(dose_ug * 100 / conc_ug_per_ml), halves up.
  if (plan.request.liquid_per_ml) {
    const int64_t c = plan.request.liquid_per_ml->micrograms_hcl();
    bool small = false, inexact = false;
    for (PlanStep& s : plan.steps) {
      const int64_t ug = s.dose.micrograms_hcl();
      s.volume_centi_ml = (ug * 100 * 2 + c) / (2 * c);
      if (*s.volume_centi_ml < rules.min_syringe_volume_centi_ml) small = true;
      // The rounded volume delivers vol * c / 100 ug; flag a difference above 1% of the dose.
      const int64_t delivered = *s.volume_centi_ml * c;  // in ug * 100
      if (std::llabs(delivered - ug * 100) * 100 > ug * 100) inexact = true;
    }
    notes.push_back(fmt::format("Liquid {} mg/mL: volume = dose / concentration, rounded to the nearest 0.01 mL.",
                                plan.request.liquid_per_ml->FormatMg()));
    plain.push_back(
        {"Your LDN is a liquid with {strength} mg in each mL: measure each dose in mL with an oral "
         "syringe, as the table shows.",
         {{"strength", plan.request.liquid_per_ml->milligrams_hcl()}}});
    if (small) {
      plain.push_back(
          {"Some doses are less than {ml} mL, which is hard to measure exactly with a syringe: ask your "
           "pharmacist for advice.",
           {{"ml", static_cast<double>(rules.min_syringe_volume_centi_ml) / 100.0}}});
      warnings.push_back(
          fmt::format("Some volumes are below {} mL, too small to measure well with an oral syringe "
                      "({}); consider a weaker concentration.",
                      FormatCentiMl(rules.min_syringe_volume_centi_ml), rules.syringe_source));
    }
    if (inexact) {
      warnings.push_back(
          "At this concentration some rounded volumes differ from the dose by more than 1%; consider "
          "a concentration that divides the doses evenly.");
    }
  } else {
    for (PlanStep& s : plan.steps) s.volume_centi_ml.reset();
  }

  bool any_morning = false;
  for (const PlanStep& s : plan.steps) any_morning = any_morning || s.time == DoseTime::kMorning;
  // The patient's words for the same evidence as the notes (clinical-facts.md section 1).
  plain.push_back(any_morning ? Message{"You take LDN in the morning. This is common advice for sleep problems or "
                                        "vivid dreams on LDN, though no study has compared times of day."}
                              : Message{"You take LDN at bedtime, as the people in the studies did. If you sleep "
                                        "badly or have vivid dreams, ask your clinician about taking it in the "
                                        "morning instead."});
  if (any_morning) {
    notes.push_back(
        "Morning dosing: switching from bedtime to morning for insomnia or vivid dreams is common advice, "
        "but only patient, blog and Q&A sources support it and no trial compares timing (clinical-facts.md "
        "section 1).");
  } else {
    notes.push_back(
        "Bedtime dosing is the convention: Younger 2009/2013 and INNOVA dosed at bedtime "
        "(clinical-facts.md section 1). If insomnia or vivid dreams persist, morning dosing is an "
        "option (weak evidence: no trial compares timing).");
  }

  const PlanStep& last = plan.steps.back();
  if (plan.steps.size() == 1) {
    plain.push_back({"You take the same dose, {dose} mg, every day.", {{"dose", last.dose.milligrams_hcl()}}});
  } else {
    plain.push_back(
        {"Your dose starts at {start} mg and rises step by step to {dose} mg, from {date}. Going up "
         "slowly gives your body time to get used to LDN.",
         {{"start", plan.steps.front().dose.milligrams_hcl()},
          {"dose", last.dose.milligrams_hcl()},
          {"date", FormatDate(last.start)}}});
  }
  // Trials judged at 8 weeks (Younger 2009), 12 weeks (Younger 2013, FINAL), 3 months (INNOVA).
  plain.push_back(
      {"Give it time: whether LDN helps you is judged after 8 to 12 weeks on your final dose, between "
       "{from} and {to}. Keep filling in your diary until then.",
       {{"from", FormatDate(AddDays(last.start, kJudgeFromDays))},
        {"to", FormatDate(AddDays(last.start, kJudgeToDays))}}});
  notes.push_back(fmt::format(
      "Judge response after 8-12 weeks on a stable dose: {} from {}, so evaluate between {} and {} (trials: 8 weeks "
      "Younger 2009; 12 weeks Younger 2013 and FINAL; 3 months INNOVA). There is no validated stopping rule.",
      Mg(last.dose), FormatDate(last.start), FormatDate(AddDays(last.start, kJudgeFromDays)),
      FormatDate(AddDays(last.start, kJudgeToDays))));
  notes.push_back(fmt::format("Protocol {} ({}): {} Source: {}.", p.id, p.name, p.notes, p.source));
  notes.push_back("Uncertainty: " + p.uncertainty);
  if (p.reconstructed) {
    plain.push_back(
        {"The studies behind this plan do not give its exact steps: these steps are ldn's "
         "reconstruction, and your clinician chose them."});
    warnings.push_back(
        fmt::format("RECONSTRUCTED STEPS: the published sources do not give the exact titration steps "
                    "of protocol {}; these steps are our reconstruction ({}).",
                    p.id, p.uncertainty));
  }
  if (!plan.request.liquid_per_ml && plan.protocol.increment.micrograms_hcl() % 500 != 0) {
    notes.push_back("Fine steps suit a liquid (LDN Research Trust); see --liquid.");
  }
  const bool capped = plan.request.max && plan.target == *plan.request.max && plan.target < p.target;
  if (capped) {
    notes.push_back(fmt::format("The target is capped at --max {}.", Mg(*plan.request.max)));
    plain.push_back(
        {"Your clinician set your highest dose at {dose} mg.", {{"dose", plan.request.max->milligrams_hcl()}}});
  }
  Dose top = Dose::FromMicrogramsHcl(0);
  for (const PlanStep& s : plan.steps) top = std::max(top, s.dose);
  if (top > rules.usual_max) {
    plain.push_back(
        {"Your final dose, {dose} mg, is above the usual LDN range of up to {usual} mg; your clinician "
         "confirmed it.",
         {{"dose", top.milligrams_hcl()}, {"usual", rules.usual_max.milligrams_hcl()}}});
    warnings.push_back(
        fmt::format("The final dose {} is above the usual LDN range 1.5-{}, confirmed by --max {}: "
                    "{}.",
                    Mg(top), Mg(rules.usual_max), plan.request.max ? Mg(*plan.request.max) : std::string("?"),
                    rules.usual_max_source));
  }
  plan.notes = std::move(notes);
  plan.warnings = std::move(warnings);
  plan.for_patient = std::move(plain);
}

nlohmann::json PlanToJson(const Plan& plan) {
  using nlohmann::json;
  json steps = json::array();
  for (const PlanStep& s : plan.steps) {
    json j = {{"start", FormatDate(s.start)},
              {"end", s.end ? json(FormatDate(*s.end)) : json(nullptr)},
              {"dose_mg", s.dose.milligrams_hcl()},
              {"dose_ug", s.dose.micrograms_hcl()},
              {"time", DoseTimeName(s.time)}};
    if (s.volume_centi_ml) j["volume_ml"] = static_cast<double>(*s.volume_centi_ml) / 100.0;
    steps.push_back(std::move(j));
  }
  json for_patient = json::array();
  for (const Message& m : plan.for_patient) for_patient.push_back(MessageToJson(m));
  json out = {{"protocol", plan.protocol.id},
              {"protocol_name", plan.protocol.name},
              {"start", FormatDate(plan.request.start)},
              {"target_mg", plan.target.milligrams_hcl()},
              {"max_mg", plan.request.max ? json(plan.request.max->milligrams_hcl()) : json(nullptr)},
              {"step_days", plan.step_days},
              {"time", DoseTimeName(plan.request.time)},
              {"reconstructed", plan.protocol.reconstructed},
              {"steps", std::move(steps)},
              {"notes", plan.notes},
              {"warnings", plan.warnings},
              {"for_patient", std::move(for_patient)},
              {"source", plan.protocol.source}};
  if (plan.request.liquid_per_ml) out["liquid_mg_per_ml"] = plan.request.liquid_per_ml->milligrams_hcl();
  return out;
}

std::string FormatPlanText(const Plan& plan) {
  std::string out = fmt::format("Titration plan: {} ({})\n", plan.protocol.name, plan.protocol.id);
  out += fmt::format("Target {} naltrexone HCl, {} days per step\n\n", plan.target.FormatMg() + " mg", plan.step_days);
  const bool liquid = plan.request.liquid_per_ml.has_value();
  out += fmt::format("{:<4} {:<10}   {:<10}  {:>8}  {:<8}{}\n", "Step", "From", "To", "Dose", "Time",
                     liquid ? "  Volume" : "");
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const PlanStep& s = plan.steps[i];
    out += fmt::format("{:<4} {:<10} - {:<10}  {:>8}  {:<8}{}\n", i + 1, FormatDate(s.start),
                       s.end ? FormatDate(*s.end) : std::string("onward"), Mg(s.dose), DoseTimeName(s.time),
                       s.volume_centi_ml ? fmt::format("  {} mL", FormatCentiMl(*s.volume_centi_ml)) : "");
  }
  if (!plan.warnings.empty()) {
    out += "\nWarnings:\n";
    for (const std::string& w : plan.warnings) out += "  ! " + w + "\n";
  }
  out += "\nNotes:\n";
  for (const std::string& n : plan.notes) out += "  - " + n + "\n";
  return out;
}

}  // namespace ldn::clinical
