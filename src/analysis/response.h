// Response analysis of a diary: "is LDN working for me?" answered honestly.
//
// Pure: takes a parsed Diary (analysis/diary.h), returns numbers and a plain-language verdict.
// Compares each diary item in evaluation windows after the first dose with a pre-dose baseline,
// with intervals that respect day-to-day autocorrelation (analysis/ar1_interval.h), classifies
// the pain response per IMMPACT and Farrar, and states what an open before/after comparison
// cannot tell (docs/analysis.md).
#ifndef LDN_ANALYSIS_RESPONSE_H_
#define LDN_ANALYSIS_RESPONSE_H_

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/ar1_interval.h"
#include "analysis/block_bootstrap.h"
#include "analysis/diary.h"
#include "core/message.h"
#include "core/result.h"

namespace ldn::analysis {

// Every default is documented in docs/analysis.md.
struct AnalysisOptions {
  // Baseline: this many calendar days immediately before the first dose.
  int baseline_days = 14;
  // Below this many baseline days with a pain rating the analysis is refused: a mean of fewer
  // days says little about a fluctuating condition.
  int min_baseline_days_with_data = 7;
  // Evaluation windows are this long; stable-dose windows repeat every window_days on one step.
  int window_days = 14;
  // An item's window statistics need this many days with data (else reported as insufficient).
  int min_window_days_with_data = 7;
  // Fixed evaluation windows ending at these weeks after the first dose (the 12-week LDN trials,
  // clinical-facts.md section 2: Younger 2013, FINAL 2024).
  std::vector<int> fixed_weeks = {8, 12};
  double confidence_level = 0.95;
  // Time to response: the trailing rolling mean of pain over rolling_days (needing at least
  // rolling_min_days with data, all on or after the first dose) must be at least
  // response_threshold_pct below baseline for response_sustain_days consecutive days.
  int rolling_days = 7;
  int rolling_min_days = 4;
  double response_threshold_pct = 30.0;  // IMMPACT "moderate" (clinical-facts.md section 4)
  int response_sustain_days = 14;
  // A side effect has settled when it was not reported in the last settled_days diary days.
  int side_effect_settled_days = 7;
  // When set, each item also gets a moving-block bootstrap percentile interval
  // (block_bootstrap.h) from this seed, alongside the AR(1) interval. Off by default.
  std::optional<uint64_t> bootstrap_seed;
  int bootstrap_replicates = 2000;
};

// IMMPACT pain-change classes (Dworkin, J Pain 2008;9:105; clinical-facts.md section 4), on the
// percentage reduction p of mean daily pain versus baseline:
//   p < 10 none, 10 <= p < 30 minimal, 30 <= p < 50 moderate, p >= 50 substantial.
// (clinical-facts.md quotes "10-20% minimal, >=30% moderate"; 20-30% is placed in minimal.)
enum class ResponderClass { kNone, kMinimal, kModerate, kSubstantial };
std::string_view ResponderClassName(ResponderClass c);  // "none", "minimal", ...
// Classification of a percentage *reduction* (positive = less pain). Boundaries are inclusive
// at the lower end with a 1e-9 tolerance so that 30.0 computed as 29.999999999999996 is 30.
ResponderClass ClassifyPainReduction(double reduction_pct);
// Farrar (Pain 2001;94:149): a drop of >= 2 points on the 0-10 NRS (same 1e-9 tolerance).
bool FarrarTwoPointResponder(double baseline_mean, double window_mean);

// What a change means for the patient, judged with its interval and the item's direction
// (data/diary_items.json): kNone when the interval includes no change (or there is no
// interval), else kImprovement when the change runs towards the item's good end.
enum class ChangeIs { kImprovement, kWorsening, kNone };
std::string_view ChangeIsName(ChangeIs c);  // "improvement", "worsening", "none"
// REQUIRES: lower <= upper. Change = window - baseline, in rating points.
ChangeIs JudgeChange(Item item, double lower, double upper);

struct ItemComparison {
  Item item = Item::kPain;
  int n_baseline = 0;  // baseline days with a rating of this item
  int n_window = 0;    // window days with a rating of this item
  std::optional<double> baseline_mean;
  std::optional<double> window_mean;
  std::optional<double> change;                // window - baseline, rating points
  std::optional<double> pct_change;            // 100 * change / baseline; absent when baseline mean is 0
  std::optional<DifferenceInterval> interval;  // for `change`
  std::optional<BootstrapInterval> bootstrap;  // for `change`, when options.bootstrap_seed is set
  std::optional<ChangeIs> change_is;           // absent when there is no change (too few days)
  std::string note;                            // why a value is absent; empty otherwise
  Message note_text;                           // `note` as a catalog key with values (Fill() is `note`)
};

// The comparison in plain words for patients, from the item's label and direction, e.g.
// "Pain 36% lower than before LDN (somewhere between 20% and 50% lower): better". Never calls a
// change better or worse unless change_is says so. The interval is shown within what the 0-10
// scale allows (never "more than 100% lower"). Empty when there is no change.
std::string PlainItemSummary(const ItemComparison& c);
// The same as a message for the patient's language (core/message.h), nested as the sentence is
// built: "{text}: better" of "{text} (somewhere between {low} and {high} lower)" of "{item} {amount}
// lower than before LDN". Empty when there is no change. PlainItemSummary is its Fill().
std::optional<Message> PlainItemMessage(const ItemComparison& c);

struct EvaluationWindow {
  std::string label;  // "week_8", "week_12", "stable_1" ...
  std::string kind;   // "fixed_week" or "stable_dose"
  LocalDate first;
  LocalDate last;
  int first_day = 0;                  // days after the first dose (first dose day = 0)
  std::optional<Dose> dose;           // the dose in force throughout; absent when it changed inside
                                      // (by plan, or by a taken dose other than the plan's)
  int deviation_days = 0;             // days in the window with a dose deviation
  std::vector<ItemComparison> items;  // one per Item, in kAllItems order
  const ItemComparison& Get(Item item) const { return items[static_cast<int>(item)]; }
};

struct Adherence {
  int planned_doses = 0;              // days from the first step to the end of the record with dose > 0
  int taken = 0;                      // of those, logged as taken
  int logged_not_taken = 0;           // logged with taken=false
  int not_logged = 0;                 // no log at all (counted as not taken, never imputed)
  std::optional<double> share_taken;  // taken / planned
  int longest_gap_days = 0;           // longest run of planned days without a taken dose
};

struct DiaryCompleteness {
  LocalDate first;
  LocalDate last;
  int days_in_period = 0;  // first..last inclusive
  int days_recorded = 0;
  int days_missing = 0;
  std::array<int, kItemCount> item_missing{};  // days in period without that item
};

struct SideEffectSummary {
  std::string name;
  LocalDate onset;
  int onset_day = 0;  // days after the first dose (negative: present before it)
  LocalDate last_reported;
  int days_reported = 0;
  int duration_days = 0;  // onset..last_reported inclusive
  int max_severity = 1;
  bool settled = false;
};

// A logged dose taken that differs from the plan's step that day: kept and used as taken, and
// reported (issue 12) rather than refusing the record.
struct DoseDeviation {
  LocalDate date;
  int day = 0;  // days after the first dose
  Dose planned = Dose::FromMicrogramsHcl(0);
  Dose taken = Dose::FromMicrogramsHcl(0);
};

struct Verdict {
  std::string summary;
  std::vector<std::string> limits;  // in English: Fill() of limit_messages
  std::vector<Message> limit_messages;
  // One sentence for patients on what an open before/after comparison cannot show.
  std::string caveat;  // in English: Fill() of caveat_message
  Message caveat_message;
};

struct AnalysisReport {
  LocalDate first_dose;
  LocalDate baseline_first;
  LocalDate baseline_last;
  std::string method;                      // "ar1_effective_n_welch_t"
  std::optional<uint64_t> bootstrap_seed;  // set when bootstrap intervals were computed
  std::vector<EvaluationWindow> windows;
  std::optional<int> primary_window;  // index into windows used for the pain verdict
  std::optional<double> pain_change_pct;
  std::optional<ResponderClass> responder_class;
  // The IMMPACT classes compatible with the pain interval: the class of the % reduction at each end
  // of the interval for the change, the baseline mean taken as fixed. With 14-day windows the
  // interval often spans two classes, and then the point class alone would overstate what the
  // diary can tell. Absent when the primary window has no interval.
  std::optional<ResponderClass> responder_class_lowest;
  std::optional<ResponderClass> responder_class_highest;
  std::optional<bool> farrar_two_point;
  std::optional<int> time_to_response_days;
  // The plan's evaluation: the first day a fixed evaluation window (the earliest of
  // options.fixed_weeks) is complete, i.e. first dose + 7 x that week. Before it there is no
  // verdict for the patient (EvaluationOpensOn).
  LocalDate evaluation_opens;
  std::string evaluation_window;  // its label, "week_8"
  std::vector<DoseDeviation> deviations;
  Adherence adherence;
  DiaryCompleteness completeness;
  std::vector<SideEffectSummary> side_effects;
  Verdict verdict;
};

// The first dose: the earliest dose logged as taken, else the start of the first course step
// with a dose above 0. Fails with kInvalidArgument ("doses") when there is neither.
Result<LocalDate> FirstDoseDate(const Diary& diary);

// The day the evaluation opens: first_dose + 7 x the earliest fixed week (8 by default: day 56,
// the day after the week-8 window, days 42-55, is complete). REQUIRES: options.fixed_weeks is not
// empty, else first_dose + the baseline's length is returned (no fixed window to wait for).
LocalDate EvaluationOpensOn(LocalDate first_dose, const AnalysisOptions& options);

// The taken doses that differ from the plan's step in force on their day, by date.
std::vector<DoseDeviation> DoseDeviations(const Diary& diary, LocalDate first_dose);

// Analyses a diary.
// Fails with kInvalidArgument when: there is no first dose (field "doses"); fewer than
// options.min_baseline_days_with_data baseline days have a pain rating (field "diary"); options
// are out of range (field "options.<name>"). kInternal when data/diary_items.json says pain is
// higher-is-better (the IMMPACT and Farrar rules are defined on a pain scale where higher is worse).
Result<AnalysisReport> AnalyzeDiary(const Diary& diary, const AnalysisOptions& options = {});

// Time to response (see AnalysisOptions) in days after the first dose, or std::nullopt when the
// criterion is never met. Exposed for testing.
std::optional<int> TimeToResponseDays(const Diary& diary, LocalDate first_dose, double baseline_pain_mean,
                                      const AnalysisOptions& options);

// The report as JSON (keys documented in docs/analysis.md).
nlohmann::json ReportToJson(const AnalysisReport& report);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_RESPONSE_H_
