// Titration plans: a protocol turned into dated dose steps.
//
// A plan is a list of steps, each one dose taken once a day at one time of day from `start` to
// `end` (both inclusive; the last step is open: end is empty). Doses are integer micrograms of
// naltrexone HCl; all arithmetic on them is integer. Rules (clinical-facts.md section 1, data/
// protocols.json): the steps climb from the protocol's start dose by its increment every
// step_days until the target, and the last step is exactly the target.
#ifndef LDN_CLINICAL_TITRATION_PLAN_H_
#define LDN_CLINICAL_TITRATION_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinical/titration/protocols.h"
#include "core/calendar.h"
#include "core/dose.h"
#include "core/message.h"
#include "core/result.h"

namespace ldn::clinical {

enum class DoseTime { kBedtime, kMorning };

// "bedtime" / "morning".
std::string_view DoseTimeName(DoseTime t);
// Parses "bedtime" or "morning"; fails with kInvalidArgument naming `field`.
Result<DoseTime> ParseDoseTime(std::string_view text, std::string_view field);
// The wall-clock time a calendar reminder uses: 22:00 at bedtime, 08:00 in the morning.
TimeOfDay ClockTimeOf(DoseTime t);

// What the caller asks for. Milligram options are already Doses (the caller converts and names
// its own field); absent optionals take the protocol's defaults.
struct PlanRequest {
  std::string protocol;                // a protocol id of data/protocols.json
  LocalDate start;                     // first day of the first step
  std::optional<Dose> target;          // final dose; default: the protocol's target capped by max
  std::optional<Dose> max;             // the clinician's ceiling; required for a final dose > 4.5 mg
  DoseTime time = DoseTime::kBedtime;  // bedtime is the convention (clinical-facts.md section 1)
  std::optional<Dose> liquid_per_ml;   // liquid concentration: micrograms HCl per mL
  std::optional<int> step_days;        // days per step; within the protocol's range
};

// How the caller names each request field in its errors: CLI options by default; the adjust
// reader passes JSON paths ("plan.target_mg").
struct PlanFieldNames {
  std::string protocol = "--protocol";
  std::string start = "--start";
  std::string target = "--target";
  std::string max = "--max";
  std::string time = "--time";
  std::string liquid = "--liquid";
  std::string step_days = "--step-days";
};

struct PlanStep {
  LocalDate start;
  std::optional<LocalDate> end;  // inclusive; empty for the open last step
  Dose dose = Dose::FromMicrogramsHcl(0);
  DoseTime time = DoseTime::kBedtime;
  std::optional<int64_t> volume_centi_ml;  // with a liquid: dose / concentration in 0.01 mL
};

struct Plan {
  Protocol protocol;
  PlanRequest request;  // with defaults filled in (target, step_days set)
  int step_days = 7;    // the step length in use
  Dose target = Dose::FromMicrogramsHcl(0);
  std::vector<PlanStep> steps;
  std::vector<std::string> notes;     // why bedtime, when to judge response, the source, ...
  std::vector<std::string> warnings;  // things the prescriber must look at
  // The same plan explained to the patient, in plain words and in their language (core/message.h;
  // the keys are in web/locales/src/plan.json): when to take it, how it climbs, when to judge it,
  // and what the prescriber confirmed. Sources stay in `notes`.
  std::vector<Message> for_patient;
};

// Builds the plan for `request` using the embedded knowledge (LoadTitrationKnowledge()).
// Fails with kInvalidArgument naming the field (per `names`) when: the protocol is unknown
// (message lists the valid ones); a dose is zero; --max is above the low-dose ceiling (9 mg,
// Driver 2023); --target is above --max; the final dose is above 4.5 mg without a --max at
// least that high; step_days is outside the protocol's range; the liquid concentration is zero
// or above 100 mg/mL. A target below the protocol's start dose gives a single step.
Result<Plan> BuildPlan(const PlanRequest& request, const PlanFieldNames& names = {});
// As above with explicit knowledge (tests).
Result<Plan> BuildPlan(const TitrationKnowledge& k, const PlanRequest& request, const PlanFieldNames& names);

// Steps from `from` at `dose`, climbing by `increment` every `step_days` up to `target` (the
// last, open step is exactly max(dose, target) when dose >= target: a single open step).
// REQUIRES: dose, increment > 0; step_days >= 1.
std::vector<PlanStep> Climb(LocalDate from, Dose dose, Dose increment, int step_days, Dose target, DoseTime time);

// Recomputes what follows from the steps: volume_centi_ml of every step (with a liquid:
// dose / concentration rounded to the nearest 0.01 mL, halves up), and all notes and warnings.
// Call after changing the steps. Idempotent.
void FinishPlan(const TitrationRules& rules, Plan& plan);

// {"protocol", "protocol_name", "start", "target_mg", "max_mg", "step_days", "time",
//  "liquid_mg_per_ml", "steps":[{"start","end","dose_mg","dose_ug","time","volume_ml"}], "notes",
//  "warnings", "for_patient":[{"key","vars","text"}] (MessageToJson), "source", "reconstructed"}. volume_ml and
//  liquid_mg_per_ml only with a liquid;
// end is null for the open step.
nlohmann::json PlanToJson(const Plan& plan);

// A readable table of the steps followed by the warnings and notes.
std::string FormatPlanText(const Plan& plan);

// "0.45" from 45 centi-mL.
std::string FormatCentiMl(int64_t centi_ml);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_TITRATION_PLAN_H_
