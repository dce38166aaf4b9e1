// Adjusting a titration plan to what happened: side effects, sleep effects, treatment gaps.
//
// Rules (clinical-facts.md section 1; thresholds in data/protocols.json):
//  - side_effects unsettled for >= side_effect_settle_days (3, our reading of LDN Research
//    Trust's "a few days"): halve the current dose from the event date and re-titrate toward the
//    target at the protocol's increment and step length; fewer days: no change, a note.
//  - sleep_side_effects (vivid_dreams, insomnia) unsettled for >= the same threshold: at bedtime,
//    move to the morning at the same dose (common advice; weak source, no trial compares timing);
//    already in the morning, treat as side effects (halve). Fewer days: no change (sleep effects
//    are described as transient, days to about 2 weeks).
//  - gap of K days from D: no doses D..D+K-1. Resume on D+K at the prior dose and climb on, unless
//    titration was "hard" and K > gap_step_down_days (21, the low end of LDN Research Trust's
//    "about 3-4 weeks"): then restart at half the prior dose and re-titrate.
//  - opioids during a gap (issue 11): naltrexone must not restart until a new screening allows it
//    (washout; labels: opioid-free 7-10 days, up to 2 weeks after methadone or buprenorphine). With
//    "opioids_taken": true and no "rescreen", the plan holds: no doses from D on, and a finding says
//    why. With a rescreen whose verdict is eligible or wait, the plan resumes on the later of D+K
//    and the screening's earliest start; a review or not_eligible verdict holds it. Without the
//    field, the plan resumes and a finding asks whether opioids were taken.
// Events apply in date order; steps before an event are kept.
#ifndef LDN_CLINICAL_TITRATION_ADJUST_H_
#define LDN_CLINICAL_TITRATION_ADJUST_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinical/titration/plan.h"
#include "core/calendar.h"
#include "core/result.h"

namespace ldn::clinical {

enum class TitrationEase { kEasy, kHard };

struct PlanEvent {
  enum class Type { kSideEffects, kSleepSideEffects, kGap };
  Type type = Type::kSideEffects;
  LocalDate date;          // "date", or "from" for a gap
  std::string name;        // side effect name ("headache", "vivid_dreams"); empty for a gap
  int days_unsettled = 0;  // side effects: days they have not settled
  int gap_days = 0;        // gap: days without a dose
  std::string date_field;  // "events[1].date" / "events[1].from", for errors
  // Gap: were opioids taken during it? std::nullopt when the input does not say.
  std::optional<bool> opioids_taken;
  // Gap: a screening done after the opioids ("rescreen": {"verdict", "earliest_start"}).
  struct Rescreen {
    std::string verdict;                      // eligible, wait, review, not_eligible
    std::optional<LocalDate> earliest_start;  // required for eligible and wait
  };
  std::optional<Rescreen> rescreen;
};

struct AdjustmentRequest {
  PlanRequest plan;
  std::optional<TitrationEase> titration;  // required for a gap longer than the threshold
  std::vector<PlanEvent> events;           // in date order (checked when read)
};

// The most events one adjustment may list (issue 17, L5): events are side-effect episodes and
// gaps since the start, a handful per month of treatment.
inline constexpr size_t kMaxPlanEvents = 500;

// Reads {"plan":{"protocol","start","target_mg","max_mg","time","liquid_mg_per_ml","step_days"},
// "titration":"easy"|"hard","events":[...]} (only plan.protocol and plan.start required in
// plan; "events" required). A gap event is {"type":"gap","from","days","opioids_taken"?:bool,
// "rescreen"?:{"verdict":"eligible"|"wait"|"review"|"not_eligible","earliest_start":"YYYY-MM-DD"|null}}.
// Fails with kInvalidArgument naming the field ("events[1].date", "plan.target_mg",
// "events[0].rescreen.earliest_start") for empty or non-JSON input, unknown keys, wrong types, an
// unknown event type, sleep effect name or verdict, a side-effect name that is not one line of at
// most 200 characters, more than kMaxPlanEvents events, a rescreen without opioids_taken true, an
// eligible or wait rescreen without its earliest start, or events out of date order.
Result<AdjustmentRequest> ReadAdjustmentRequest(std::string_view text);

struct PlanChange {
  LocalDate date;
  std::string type;    // "halve_dose", "move_to_morning", "resume", "step_down", "hold", "none"
  std::string change;  // what changed, in words
  std::string reason;  // why
  std::string source;  // where the rule comes from
};

// A safety finding of an adjustment (same shape as a screening finding).
struct PlanFinding {
  std::string rule;      // "gap.opioids_need_screen", "gap.rescreen_not_eligible", "gap.ask_opioids", ...
  std::string severity;  // "info", "review", "not_eligible"
  std::string subject;   // "events[2]"
  std::string message;
  std::string source;
};

struct AdjustedPlan {
  Plan plan;
  std::vector<PlanChange> changes;    // one per event, in order
  std::vector<PlanFinding> findings;  // safety findings (opioids during a gap), in event order
};

// Builds the plan (errors name "plan.<field>") and applies the events. Fails with
// kInvalidArgument naming the event's date field when it is before the plan start or inside a
// gap, and "titration" when a long gap needs it and it is absent.
Result<AdjustedPlan> AdjustPlan(const AdjustmentRequest& request);

// PlanToJson plus "titration", "changes":[{"date","type","change","reason","source"}] and
// "findings":[{"rule","severity","subject","message","source"}].
nlohmann::json AdjustedPlanToJson(const AdjustedPlan& adjusted);
// The findings, the changes, then FormatPlanText.
std::string FormatAdjustedPlanText(const AdjustedPlan& adjusted);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_TITRATION_ADJUST_H_
