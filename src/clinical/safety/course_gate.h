// The course gate: whether a treatment course may be created, activated or resumed, given the
// patient's latest screening, the pre-treatment baseline diary and the clinician's
// acknowledgements and overrides (docs/safety.md, "Gates"). Pure: the server assembles the input
// from the store and refuses what the gate refuses; `ldn safety gate` runs it on a file.
//
// Checks, each with the input field it is about:
//   screening.missing        screening  no screening of the patient
//   screening.stale          screening  the latest screening is older than screening_max_age_days
//   screening.not_eligible   screening  the latest screening says not eligible
//   screening.review         screening  a review finding of the latest screening is not acknowledged
//   start.before_earliest    start      the first dose (or the resume day) is before the earliest
//                                       start the screening allows (the end of an opioid washout)
//   start.before_baseline    start      create: the first dose leaves no room for the full baseline
//                                       (baseline_diary_days diary days with pain before it);
//                                       activate: fewer than baseline_min_days_at_start
// A failed check blocks unless the clinician overrides it with a written reason. Review findings
// are acknowledged one by one (or the whole check is overridden).
#ifndef LDN_CLINICAL_SAFETY_COURSE_GATE_H_
#define LDN_CLINICAL_SAFETY_COURSE_GATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinical/safety/interlock_rules.h"
#include "clinical/screening/screening.h"
#include "core/calendar.h"
#include "core/json_reader.h"
#include "core/result.h"

namespace ldn::clinical {

// kCreate: a new course (the first dose is proposed or given); kActivate: a planned course
// becomes active (its first dose is its start date); kResume: a paused course becomes active
// again (the gate is about the day of resuming, no baseline).
enum class GateAction { kCreate, kActivate, kResume };
std::string_view GateActionName(GateAction a);  // "create", "activate", "resume"
Result<GateAction> ParseGateAction(std::string_view text, std::string_view field);

// The part of a stored screening the gate reads.
struct GateScreening {
  int64_t id = 0;
  LocalDate date{};  // the day it ran, in the patient's calendar
  Verdict verdict = Verdict::kEligible;
  std::optional<LocalDate> earliest_start;
  std::vector<Finding> findings;
};

// Reads the screening report of `ldn screen --json` (as stored with a screening) into a
// GateScreening. Keys the gate does not use are ignored: the report is ldn's own output, which
// may grow. kInvalidArgument naming the field ("verdict", "findings[2].severity") otherwise.
Result<GateScreening> ReadGateScreening(const nlohmann::json& report, int64_t id, LocalDate date);

// The key that acknowledges one review finding: "<rule>@<subject>", or "<rule>" without subject.
std::string ReviewFindingKey(const Finding& f);

struct GateOverride {
  std::string code;    // a check code above
  std::string reason;  // written by the clinician
};

struct CourseGateInput {
  GateAction action = GateAction::kCreate;
  LocalDate today{};                               // the patient's local date
  std::optional<LocalDate> start;                  // first dose (create/activate) or resume day; nullopt: propose
  std::optional<GateScreening> screening;          // the patient's latest screening
  std::vector<LocalDate> pain_days;                // diary days with a pain rating, any order
  std::vector<LocalDate> fiqr_dates;               // days with a FIQR, any order
  std::vector<std::string> acknowledged_findings;  // ReviewFindingKey values
  std::vector<GateOverride> overrides;
};

struct GateCheck {
  std::string code;
  std::string field;  // "screening" or "start"
  bool passed = true;
  bool overridden = false;
  std::string override_reason;
  std::string message;  // what was found, in plain words for the clinician
  std::string source;   // the rule's source (data/interlocks.json or the screening's)
  bool blocking() const { return !passed && !overridden; }
};

struct ReviewItem {
  std::string key;
  Finding finding;
  bool acknowledged = false;
};

struct CourseGateResult {
  GateAction action = GateAction::kCreate;
  LocalDate today{};
  LocalDate start{};                         // the day evaluated (the proposal when none was given)
  LocalDate proposed_start{};                // max(today, washout end, baseline ready)
  std::optional<LocalDate> washout_end;      // the screening's earliest start
  LocalDate baseline_ready{};                // first day with room for the full baseline
  LocalDate baseline_from{}, baseline_to{};  // the baseline window before `start`
  int baseline_days_required = 0;
  int baseline_days_recorded = 0;          // window days up to today with a pain rating
  int baseline_days_to_come = 0;           // window days still ahead (today counts when not yet recorded)
  std::optional<LocalDate> baseline_fiqr;  // the FIQR that counts as baseline, if any
  std::optional<GateScreening> screening;
  std::vector<GateCheck> checks;  // every check that applies, passed or not, in the order above
  std::vector<ReviewItem> review;
  std::vector<std::string> warnings;    // never block: a short baseline at activation, no baseline FIQR
  std::vector<GateOverride> overrides;  // the overrides applied (each to a failed check)
  bool allowed() const;
  const GateCheck* FirstBlocking() const;
};

// Evaluates the gate. Fails with kInvalidArgument for an override of an unknown check
// ("overrides[i].code"), a reason shorter than override_reason_min_chars or longer than 2000
// ("overrides[i].reason"), the same check overridden twice; kConflict naming
// "overrides[i].code" for an override of a check that passed, and "acknowledged_findings[i]"
// for a key that is not a review finding of the latest screening (a stale form).
Result<CourseGateResult> EvaluateCourseGate(const CourseGateInput& input, const InterlockRules& rules);

// OK when the result allows the action; otherwise kConflict naming the field of the first
// blocking check ("screening" or "start") with every blocking check in the message.
Status GateRefusal(const CourseGateResult& result);

// {"action","today","start","allowed","proposed_start","washout_end","screening":{...}|null,
//  "baseline":{...},"checks":[...],"review_findings":[...],"warnings":[...],"overrides":[...],
//  "rules_version"} (docs/safety.md lists every key).
nlohmann::json CourseGateToJson(const CourseGateResult& result, const InterlockRules& rules);

// Reads a gate input document (`ldn safety gate`, golden tests), strictly:
// {"action"?, "today", "start"?, "screening"?: {"id"?, "date", "report": <ldn screen --json>},
//  "pain_days"?: [dates], "fiqr_dates"?: [dates], "acknowledged_findings"?: [keys],
//  "overrides"?: [{"code","reason"}]}. kInvalidArgument naming the field.
Result<CourseGateInput> ReadCourseGateInput(const nlohmann::json& j);
// Reads the optional "overrides" and "acknowledged_findings" arrays of a request body `o` (shared
// by the reader above and the server's course routes). Absent arrays leave the vectors empty.
Status ReadGateDecisions(JsonObject& o, std::vector<GateOverride>* overrides, std::vector<std::string>* acknowledged);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SAFETY_COURSE_GATE_H_
