// Bayesian hierarchical pooling of completed N-of-1 trials (researcher view, de-identified), as
// Zucker et al. combined single-patient trials (J Clin Epidemiol 1997;50:401): each trial's
// estimate of the LDN - placebo difference d_i with its standard error s_i is
//   d_i ~ N(theta_i, s_i^2),  theta_i ~ N(mu, tau^2)  (normal random effects),
// with mu ~ N(0, precision 1e-6) (the engine's coefficient prior) and tau ~ U(0, 5) on the 0-10
// scale (a uniform prior on the between-patient SD: Gelman, Bayesian Analysis 2006;1:515).
// Computed exactly: given tau everything is normal, so mu and every theta_i are integrated
// analytically and tau by the trapezoid rule (docs/nof1.md, "Pooling"). Input: per-trial
// estimate and SD, e.g. diff.mean and diff.sd of `ldn trial analyze` (the normal approximation
// of each trial's posterior).
//
// Pure; thread-compatible.
#ifndef LDN_ANALYSIS_NOF1_POOL_H_
#define LDN_ANALYSIS_NOF1_POOL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/nof1_models.h"
#include "core/result.h"

namespace ldn::analysis {

inline constexpr double kPoolTauMax = 5.0;  // tau ~ U(0, 5)
inline constexpr int kMaxPooledTrials = 1'000'000;

struct PooledTrialInput {
  std::string id;       // de-identified label (no patient identifiers)
  double estimate = 0;  // LDN - placebo (B - A), outcome units
  double sd = 0;        // its standard error (posterior SD), > 0
};

// Parses {"trials": [{"id": "t1", "estimate": -1.2, "sd": 0.4}, ...]} strictly (unknown keys
// are errors; "id" optional, default "trial <n>") or the CSV form with header id,estimate,sd
// (id may be empty). Fails with kInvalidArgument naming the field ("trials[3].sd",
// "line 4, column sd"). `csv` selects the form.
Result<std::vector<PooledTrialInput>> ParsePoolInput(std::string_view text, bool csv);

struct PoolOptions {
  double mcid = 1.0;
  bool higher_is_better = false;
  bool per_trial = true;  // also the shrunken estimate of every trial
};

struct PooledTrialEstimate {
  std::string id;
  double estimate = 0;       // input
  double sd = 0;             // input
  double shrunken_mean = 0;  // posterior mean of theta_i
  double shrunken_sd = 0;
  double p_b_better_by_mcid = 0;  // P(theta_i is an improvement of >= MCID)
};

struct PoolResult {
  int trials = 0;
  PosteriorSummary mu;               // the population mean difference
  double p_mu_b_better = 0;          // P(mu favours LDN)
  double p_mu_b_better_by_mcid = 0;  // P(mu is an improvement of >= MCID)
  PosteriorSummary tau;              // between-patient SD (quantiles of its marginal by interpolating the grid CDF)
  PosteriorSummary predictive;       // theta of a new patient: N(mu, tau^2) integrated
  double p_new_patient_b_better = 0;
  double p_new_patient_b_better_by_mcid = 0;  // expected share of patients whom LDN helps by >= MCID
  std::vector<PooledTrialEstimate> per_trial;
  int grid_points = 0;
  double quadrature_error = 0;  // as in nof1_models.h: change of mu's summaries on the half grid
};

// Fails with kInvalidArgument naming "trials" for fewer than 2 trials or more than
// kMaxPooledTrials, "trials[i].estimate"/"trials[i].sd" for a non-finite value or sd <= 0,
// "mcid" for mcid <= 0.
Result<PoolResult> PoolTrials(const std::vector<PooledTrialInput>& trials, const PoolOptions& options);

nlohmann::json PoolResultToJson(const PoolResult& result, const PoolOptions& options);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_NOF1_POOL_H_
