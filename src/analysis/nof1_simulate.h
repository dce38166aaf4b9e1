// Operating characteristics of an N-of-1 trial design: simulate many trials of one synthetic
// patient under a known truth (LDN's true benefit, day-to-day noise with AR(1) autocorrelation,
// a placebo response common to both arms, drift, missing days), analyse each one exactly as the
// real trial will be analysed (the protocol's model and decision rule), and count the decisions
// (docs/nof1.md, "Design simulation"). The web form calls SimulateTrialDesign through the API.
//
// Pure and deterministic: the same protocol, scenario, seed and number of trials give the same
// answer on every run (the random streams of src/analysis/simulate.h, one per trial). Trial i is
// the same patient under the effect and under the null (common random numbers), so the two sets
// of shares differ only by the effect.
//
// Cost: one trial is one exact fit of the protocol's model (about 0.1 ms for "mean", 1-3 ms for
// "ar1" and "lag" on this machine; docs/benchmarks.md), so 200 trials under the effect and the
// null take about a second with the default ar1 model.
#ifndef LDN_ANALYSIS_NOF1_SIMULATE_H_
#define LDN_ANALYSIS_NOF1_SIMULATE_H_

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "analysis/nof1_data.h"
#include "analysis/nof1_protocol.h"
#include "core/result.h"

namespace ldn::analysis {

// The synthetic patient. Defaults from data/simulation.json where it has the value (ids in
// comments); the rest are ldn's assumptions, documented in docs/nof1.md.
struct TrialScenario {
  double effect = 1.0;           // LDN's full benefit in points, in the outcome's good direction (0: LDN does nothing)
  double sd = 1.0;               // stationary SD of the daily fluctuation (noise.sd)
  double rho = 0.6;              // its lag-1 autocorrelation (noise.ar1_phi)
  double baseline = 6.0;         // expected rating without any treatment effect (pain.baseline_mean)
  double placebo_response = 0;   // points of improvement on both arms, reached linearly over placebo_onset_days
  int placebo_onset_days = 14;   // placebo.onset_days
  double drift_per_28_days = 0;  // change of the expected rating per 28 days (positive: the rating rises)
  double missing_probability = 0;  // each day's rating is missing with this probability
  // LDN's benefit grows linearly to full over onset_days after each switch to LDN and fades over
  // offset_days after each switch to placebo (0: at once). 14 = the middle of ldn.onset_min_days
  // to ldn.onset_max_days (7-21); the offset is ldn's assumption (the drug is gone in days, the
  // clinical effect's fading is not known).
  int onset_days = 14;
  int offset_days = 14;
  bool whole_points = true;  // round to whole points and clamp to 0-10, as the diary records
};

// Fails with kInvalidArgument naming the field ("effect", "sd", "rho", "baseline",
// "placebo_response", "placebo_onset_days", "drift_per_28_days", "missing_probability",
// "onset_days", "offset_days").
Status ValidateScenario(const TrialScenario& scenario);

inline constexpr int kMaxSimulatedTrials = 20'000;

struct DesignSimulationOptions {
  int trials = 200;
  uint64_t seed = 1;
  bool with_null = true;  // also simulate the same trials with effect 0 (false positives)
};

struct DecisionShares {
  int trials = 0;
  int continue_count = 0;
  int stop_count = 0;
  int uncertain_count = 0;  // includes trials the model could not analyse
  int not_analysable = 0;   // e.g. every rating equal, or an arm without ratings
  double p_continue = 0;
  double p_stop = 0;
  double p_uncertain = 0;
  double monte_carlo_se = 0;                 // of a share: at most sqrt(0.25 / trials)
  double mean_diff = 0;                      // mean posterior mean of B - A over the analysable trials
  double randomization_p_005_two_sided = 0;  // share of trials with randomization p <= 0.05
  double randomization_p_005_one_sided = 0;
  double mean_rated_days = 0;
};

struct OperatingCharacteristics {
  DecisionShares under_effect;
  std::optional<DecisionShares> under_null;  // effect 0
  int trials = 0;
  uint64_t seed = 0;
  bool higher_is_better = false;
};

// Fails with kInvalidArgument naming the field (the protocol's, the scenario's, or "trials"
// outside 1-kMaxSimulatedTrials).
Result<OperatingCharacteristics> SimulateTrialDesign(const TrialProtocol& protocol, const TrialScenario& scenario,
                                                     const DesignSimulationOptions& options);

// The analysed days of simulated trial `index` (0-based) and its allocation, for tests and
// demos. REQUIRES: a valid protocol and scenario.
TrialData SimulateTrialData(const TrialProtocol& protocol, const TrialScenario& scenario, uint64_t seed, int index,
                            Allocation* allocation = nullptr);

// {"p_continue", "p_stop", "p_uncertain", "trials", ..., "under_null": {...}}: reals rounded to 4 decimals.
nlohmann::json OperatingCharacteristicsToJson(const OperatingCharacteristics& oc);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_NOF1_SIMULATE_H_
