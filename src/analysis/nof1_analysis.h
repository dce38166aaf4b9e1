// The analysis of a completed (or stopped) blinded N-of-1 trial of LDN (B) against placebo (A):
// the Bayesian model (nof1_models.h) with the engine's model 1 beside it, the exact
// randomization test, the paired t comparison of period means, the AR(1)-aware interval of the
// response analysis, Bang's blinding index, and the decision by the pre-specified rule
// (docs/nof1.md, "Analysis").
//
// Pure; thread-compatible.
#ifndef LDN_ANALYSIS_NOF1_ANALYSIS_H_
#define LDN_ANALYSIS_NOF1_ANALYSIS_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/ar1_interval.h"
#include "analysis/nof1_data.h"
#include "analysis/nof1_models.h"
#include "analysis/nof1_protocol.h"
#include "core/result.h"

namespace ldn::analysis {

struct TrialAnalysisOptions {
  Nof1Model model = Nof1Model::kAr1;
  double mcid = 1.0;              // points; > 0
  bool higher_is_better = false;  // direction of the outcome scale (pain: lower is better)
  DecisionRule rule;
  // Range of the outcome scale, for the engine's standardized categories (0-10 NRS: 10).
  double score_range = 10;
  // Also fit TrialistNof1 model 1 ("mean") beside the chosen model, for comparison with published
  // Trialist results (ignored when the chosen model is "mean").
  bool with_mean_model = true;
};

// The options a frozen protocol implies for its primary outcome (direction from
// data/diary_items.json). REQUIRES: ValidateProtocol(protocol).ok().
TrialAnalysisOptions AnalysisOptionsFor(const TrialProtocol& protocol);

// Fails with kInvalidArgument naming the option ("mcid", "score_range", "decision_rule...").
Status ValidateAnalysisOptions(const TrialAnalysisOptions& options);

// The posterior of the LDN - placebo difference (B - A, outcome units) and what the rule reads.
struct BayesianResult {
  Nof1Model model = Nof1Model::kAr1;
  PosteriorSummary diff;
  double p_b_better = 0;          // P(LDN better): P(diff < 0), or P(diff > 0) if higher is better
  double p_b_better_by_mcid = 0;  // P(diff <= -MCID)  (P(diff >= MCID) if higher is better)
  double p_a_better_by_mcid = 0;  // P(diff >= MCID)   (P(diff <= -MCID) if higher is better)
  std::vector<CategoryProbability> categories;
  Nof1Fit fit;
  // kLag: the same for the long-run difference beta / (1 - slope); moments absent when the
  // slope's posterior reaches 1 (docs/nof1.md).
  std::optional<PosteriorSummary> long_run_diff;
  double long_run_p_b_better = 0;
  double long_run_p_b_better_by_mcid = 0;
  double long_run_p_a_better_by_mcid = 0;
};

// The exact randomization test on the pairs' differences of period means d_k = mean(B) - mean(A):
// statistic T = mean of d_k over complete pairs; under the null hypothesis that LDN and placebo
// act the same, each of the 2^K allocations (AB or BA in each pair) was equally likely and flips
// the sign of its d_k, so the null distribution is that of mean(+/- d_k) over all 2^K sign vectors
// (Edgington 1980; Bulte & Onghena 2008).
struct RandomizationTest {
  int pairs = 0;        // complete pairs used (K)
  int allocations = 0;  // 2^K
  double statistic = 0;
  double p_two_sided = 1;                    // share of allocations with |T*| >= |T| (1e-9 tolerance)
  double p_one_sided_b_better = 1;           // share with T* <= T (>= T when higher is better)
  double smallest_possible_p_two_sided = 1;  // 2 / 2^K
};

// Paired t on the pairs' differences of period means (Student 1908; Chen & Chen, PLoS One 2014
// found it performs well for N-of-1 trials).
struct PairedT {
  int pairs = 0;
  double mean = 0;  // mean of d_k (B - A)
  double sd = 0;
  double lower = 0;  // 95% interval
  double upper = 0;
  double p_value = 1;  // two-sided
  int degrees_of_freedom = 0;
};

// Bang's blinding index per arm (Bang H, Ni L, Davis CE, Control Clin Trials 2004;25:143):
// BI = (correct - incorrect guesses) / periods with an answer (don't know included); 0 is random
// guessing, 1 complete unblinding, -1 opposite guessing. SE from the multinomial variance of the
// two proportions: sqrt((p_c (1 - p_c) + p_i (1 - p_i) + 2 p_c p_i) / n).
struct BlindingArm {
  int answered = 0;  // periods of this arm with a guess (DK included)
  int correct = 0;
  int incorrect = 0;
  int dont_know = 0;
  std::optional<double> index;
  std::optional<double> se;
};
struct Blinding {
  BlindingArm ldn;      // periods on B
  BlindingArm placebo;  // periods on A
  int periods_without_guess = 0;
};

struct PeriodSummary {
  int period = 0;
  int pair = 0;
  TrialArm arm = TrialArm::kPlacebo;
  int first_day = 0;
  int last_day = 0;
  int days = 0;   // rows in the input
  int rated = 0;  // days with a rating
  std::optional<double> mean;
  std::optional<BlindingGuess> guess;
};

struct TrialAnalysis {
  TrialAnalysisOptions options;
  int days = 0;        // calendar days from the first to the last analysed day
  int input_days = 0;  // rows
  int rated_days = 0;
  int pairs = 0;           // pairs begun
  int complete_pairs = 0;  // pairs whose two periods both have a rating
  std::vector<PeriodSummary> periods;
  BayesianResult bayes;
  std::optional<BayesianResult> mean_model;        // model 1 beside the chosen model
  std::optional<RandomizationTest> randomization;  // absent without a complete pair
  std::optional<PairedT> paired_t;                 // absent with fewer than 2 complete pairs
  std::optional<DifferenceInterval> ar1_interval;  // B days - A days, AR(1)-adjusted
  std::optional<Blinding> blinding;                // when the input had guesses
  TrialDecision decision = TrialDecision::kUncertain;
  std::string decision_basis;  // which posterior the rule read
  std::vector<std::string> notes;
};

// Analyses the trial. Fails with kInvalidArgument naming the option, or "outcome" when the data
// cannot support the models (nof1_models.h FitNof1Model); kInternal on a numerical failure.
Result<TrialAnalysis> AnalyzeTrial(const TrialData& data, const TrialAnalysisOptions& options);

// JSON (docs/nof1.md, "Output"): {"model", "diff": {"mean", "sd", "q025", "median", "q975"},
// "p_b_better", "p_b_better_by_mcid", "p_a_better_by_mcid", "randomization_test": {...},
// "paired_t": {...}, "decision", ...}. Reals rounded to 6 decimals.
nlohmann::json TrialAnalysisToJson(const TrialAnalysis& analysis);

// Exposed for tests and the simulation.
RandomizationTest ExactRandomizationTest(const std::vector<double>& pair_differences, bool higher_is_better);
std::optional<PairedT> PairedTTest(const std::vector<double>& pair_differences);
Blinding BangBlindingIndex(const std::vector<PeriodSummary>& periods);
BayesianResult BayesianResultOf(Nof1Fit fit, const TrialAnalysisOptions& options);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_NOF1_ANALYSIS_H_
