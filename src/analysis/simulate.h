// Synthetic patients: diaries of simulated fibromyalgia patients starting LDN, with the ground
// truth the diary hides (docs/simulation.md). Used by the demo, the tests and the benchmarks to
// check the response analysis against a known answer.
//
// Pure: parameters come from the embedded data/simulation.json (every value with its source;
// the ones that are ldn's own assumptions are marked), randomness from a seed. The model, per
// patient and diary item, on day t after the first dose (day 0):
//   severity S(t) = B * (1 - placebo(t)) * (1 - share * ldn(t)) + AR(1) noise
// rounded to a whole point and clamped to 0-10; the diary rating is the severity for an item whose
// higher_is is "worse" in data/diary_items.json (every item today) and 10 - severity otherwise;
// B the individual baseline, placebo(t) a response growing linearly to the patient's placebo
// fraction, ldn(t) the LDN-specific effect of a responder growing linearly to full from the
// first titration step at or above the patient's threshold dose. Side effects at the trial rates,
// adherence lapses and missing diary days are drawn per patient.
//
// Deterministic: the same parameters, request and patient index give the same patient on every
// run, independent of how many patients are simulated (each patient has its own random streams,
// std::mt19937_64 seeded through SplitMix64) and of the standard library (uniform, normal and
// log-normal variates are computed here, not by std:: distributions, whose algorithms are
// implementation-defined). Normal variates use the Box-Muller transform (std::log, std::sqrt,
// std::cos, std::sin) and the file is compiled with -ffp-contract=off, so results can differ
// across platforms only where their libm rounds those functions differently (last-ulp
// differences that change a rounded rating only in a practically impossible tie).
#ifndef LDN_ANALYSIS_SIMULATE_H_
#define LDN_ANALYSIS_SIMULATE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/diary.h"
#include "core/calendar.h"
#include "core/dose.h"
#include "core/result.h"

namespace ldn::analysis {

// One entry of data/simulation.json, for display ("parameters" in the manifest).
struct SimulationParameterRecord {
  std::string id;
  nlohmann::json value;  // a number, or a string for course.protocol, course.first_start, patient.time_zone
  std::string unit;
  bool assumption = false;
  std::string source;
};

// The model's parameters (data/simulation.json; ids in comments). Percentages are of the
// baseline severity; ratings are 0-10 NRS points. Value type; thread-compatible.
struct SimulationParameters {
  std::string version;
  std::string protocol;       // course.protocol (a data/protocols.json id)
  LocalDate first_start;      // course.first_start
  int start_spread_days = 0;  // course.start_spread_days
  std::string time_zone;      // patient.time_zone
  int baseline_days = 0;      // diary.baseline_days
  double pain_baseline_mean = 0, pain_baseline_sd = 0, pain_baseline_min = 0, pain_baseline_max = 0;
  double item_baseline_sd = 0;  // item.baseline_sd
  std::array<double, kItemCount>
      item_baseline_mean{};  // item.<name>.baseline_mean (pain: pain.baseline_mean): severity, higher = worse
  std::array<double, kItemCount> item_ldn_share{};  // item.<name>.ldn_share
  double noise_phi = 0, noise_sd = 0;               // noise.ar1_phi, noise.sd
  double placebo_mean_pct = 0, placebo_sd_pct = 0, placebo_min_pct = 0, placebo_max_pct = 0;
  int placebo_onset_days = 0;
  double placebo_other_items_share = 0;
  double responder_share = 0;  // ldn.responder_share
  double effect_mean_pct = 0, effect_sd_pct = 0, effect_min_pct = 0, effect_max_pct = 0;
  double threshold_median_mg = 0, threshold_p95_mg = 0;
  int onset_min_days = 0, onset_max_days = 0;
  // Side effects in data order: vivid_dreams, headache.
  struct SideEffectRate {
    std::string name;
    double ldn_rate = 0;
    double placebo_rate = 0;
  };
  std::vector<SideEffectRate> side_effects;
  int side_effect_duration_min_days = 0, side_effect_duration_max_days = 0;
  int side_effect_onset_max_days_after_step = 0;
  double side_effect_moderate_share = 0, side_effect_severe_share = 0;
  double daily_miss_max = 0, lapse_probability = 0;
  int lapse_min_days = 0, lapse_max_days = 0;
  double missing_day_max = 0, missing_item = 0;
  int rescue_pain_threshold = 0;
  double rescue_probability = 0;
  int dose_clock_minutes = 0, dose_time_jitter_minutes = 0;
  std::vector<SimulationParameterRecord> records;  // every entry, in file order

  // The log-normal threshold dose's SD of log(mg): ln(p95 / median) / 1.6449 (z of 0.95).
  double ThresholdLogSd() const;
};

// Parses a simulation.json document. Fails with kInvalidArgument naming the entry
// ("entries[3].value") when the document is malformed, an id is unknown, repeated or missing, a
// value is of the wrong type or outside its plausible range, or a pair is inconsistent (a min
// above its max, a placebo rate above its LDN rate, moderate + severe shares above 1).
Result<SimulationParameters> ParseSimulationParameters(std::string_view json_text);

// The embedded data/simulation.json, parsed once. Not OK only when the embedded file is broken
// (a build error; the CLI reports it as internal).
const Result<SimulationParameters>& LoadSimulationParameters();

inline constexpr int kMinSimulationDays = 14;
inline constexpr int kMaxSimulationDays = 1461;  // four years
inline constexpr int kMaxSimulatedPatients = 100'000;

struct SimulationRequest {
  uint64_t seed = 1;
  // Diary days from the first dose on (day 0 .. days-1), after parameters.baseline_days of
  // baseline. 112 = the 4-week titration plus the 12 weeks the trials judged response at
  // (FINAL: Bruun 2024; Younger 2013; clinical-facts.md section 2).
  int days = 112;
};

// Fails with kInvalidArgument naming "days" when days is outside kMinSimulationDays..kMaxSimulationDays.
Status ValidateSimulationRequest(const SimulationRequest& request);

struct SimulatedSideEffect {
  std::string name;           // "vivid_dreams", "headache"
  bool attributable = false;  // true: caused by LDN; false: background (would have occurred on placebo)
  int onset_day = 0;          // days after the first dose
  int duration_days = 0;      // the episode covers onset_day .. onset_day + duration_days - 1 (cut at the record's end)
  int severity = 1;           // 1 mild, 2 moderate, 3 severe; reported on every recorded day of the episode
};

// What the diary hides. Days are counted from the first dose (day 0).
struct GroundTruth {
  std::string patient_id;
  int index = 0;  // 0-based patient index within the seed
  LocalDate first_dose;
  Dose final_dose = Dose::FromMicrogramsHcl(0);
  double baseline_pain = 0;   // the patient's mean latent pain before treatment, NRS
  double placebo_pct = 0;     // full placebo response, % reduction of every item's severity (x share)
  int placebo_full_day = 0;   // day the placebo response reaches full
  bool responder = false;     // has an LDN-specific effect at the final dose
  double ldn_effect_pct = 0;  // full specific effect, % of what the placebo response leaves (0: non-responder)
  std::optional<double> threshold_dose_mg;  // responders: the dose from which LDN works for them
  std::optional<int> onset_day;             // responders: first day of the first step at or above the threshold
  std::optional<int> full_effect_day;       // responders: day the specific effect reaches full
  // Expected observed mean pain (rounding and clamping included, noise averaged out) over the
  // analysis' default baseline (the 14 days before the first dose) and week-12 window (days
  // 70-83; docs/analysis.md), and the change between them. Absent when days < 84.
  double expected_baseline_pain = 0;
  std::optional<double> expected_week12_pain;
  std::optional<double> true_change_week12;          // points (negative = less pain)
  std::optional<double> true_change_pct_week12;      // % of expected_baseline_pain
  std::optional<double> ldn_only_change_pct_week12;  // the part of the change due to LDN alone, %
  // The same for every item, on the diary's rating scale (as the analysis measures it): expected
  // observed mean over the baseline and week 12, their change, and what that change is for the
  // patient given the item's direction (ChangeIs; kNone only when the change is 0 to 1e-9).
  struct ItemTruth {
    double expected_baseline = 0;
    std::optional<double> expected_week12;
    std::optional<double> true_change_week12;
    std::optional<std::string> true_change_is;  // "improvement", "worsening" or "none"
  };
  std::array<ItemTruth, kItemCount> items;
  std::vector<SimulatedSideEffect> side_effects;
  double daily_miss_probability = 0;
  std::optional<int> lapse_start_day;
  int lapse_days = 0;
  int doses_planned = 0;  // days 0 .. days-1
  int doses_taken = 0;    // actually taken (logged or not)
  double missing_day_probability = 0;
  int diary_days_missing = 0;  // of baseline_days + days
};

struct SimulatedPatient {
  Diary diary;
  GroundTruth truth;
  // Per diary day from the first baseline day (index 0) to the last day, missing days included:
  // the noise-free pain severity, and the latent severity with its AR(1) noise before rounding.
  std::vector<double> expected_pain;
  std::vector<double> latent_pain;
};

// Simulates patient `index` (0-based) of the seed in `request`.
// Fails with kInvalidArgument naming "days" (see ValidateSimulationRequest) or "index" (negative
// or >= kMaxSimulatedPatients); kInternal when the parameters' protocol cannot build a plan or
// the time zone is unknown (a broken data file).
Result<SimulatedPatient> SimulatePatient(const SimulationParameters& params, const SimulationRequest& request,
                                         int index);

// The expected value of a rating max(0, min(10, round(mu + e))) with e ~ Normal(0, sd^2):
// sum over k of k * P(rating = k). REQUIRES: sd > 0.
double ExpectedRating(double mu, double sd);

// {"patient_id", "index", "first_dose", "final_dose_mg", "baseline_pain", "placebo_pct",
//  "placebo_full_day", "responder", "ldn_effect_pct", "threshold_dose_mg", "onset_day",
//  "full_effect_day", "expected_baseline_pain", "expected_week12_pain", "true_change_week12",
//  "true_change_pct_week12", "ldn_only_change_pct_week12", "items":{"<item>":{"higher_is",
//  "expected_baseline", "expected_week12", "true_change_week12", "true_change_is"}}, "side_effects":[{"name",
//  "attributable", "onset_day", "duration_days", "severity"}], "adherence":{"daily_miss_probability",
//  "lapse_start_day", "lapse_days", "doses_planned", "doses_taken"}, "diary":{"missing_day_probability",
//  "days_missing"}}; absent optionals are null; reals rounded to 4 decimals.
nlohmann::json GroundTruthToJson(const GroundTruth& truth);

// Draws from the generator used by the model, exposed for the tests of its distributions.
class SimulationRng {
 public:
  // A stream for (seed, patient index, purpose), decorrelated through SplitMix64.
  SimulationRng(uint64_t seed, uint64_t index, uint64_t stream);
  uint64_t Bits();
  double Uniform();                // [0, 1), 53 random bits
  int UniformInt(int lo, int hi);  // lo..hi inclusive; REQUIRES lo <= hi
  bool Bernoulli(double p);        // Uniform() < p
  double Normal();                 // standard normal, Box-Muller
  // Normal(mean, sd) redrawn until within [lo, hi]. REQUIRES lo < hi and the interval not in
  // the far tails (the tests and data keep it within a few SD of the mean).
  double TruncatedNormal(double mean, double sd, double lo, double hi);

 private:
  std::mt19937_64 engine_;
  // Box-Muller makes two variates; the second is kept for the next call.
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_SIMULATE_H_
