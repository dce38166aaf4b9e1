// Bayesian models of a blinded N-of-1 trial of LDN (B) against placebo (A), computed exactly by
// numerical integration instead of MCMC (docs/nof1.md, "Models").
//
// The four models reproduce the published engines' continuous-outcome models and default priors:
//   kMean   TrialistNof1 run.norm model 1:  Y_t ~ N(alpha + beta B_t, sd^2)
//   kTrend  TrialistNof1 run.norm model 2 with a linear time trend as its covariate:
//           Y_t ~ N(alpha + beta B_t + slope x_t, sd^2), x_t = day_t - mean(day of the observed days)
//   kLag    TrialistNof1 run.norm model 4:  Y_t ~ N(alpha + beta B_t + slope Y_{t-1}, sd^2) on every
//           calendar day (a day without a rating is a latent value), Y_0 ~ N(v, 1/2), v = mean rating
//   kAr1    nof1ins normal model with correlated errors: Y_t = mu_t + e_t, mu_t = beta_A (1 - B_t) +
//           beta_B B_t, e stationary AR(1) with lag-1 correlation rho and innovation SD sd
// Priors: alpha, beta, beta_A, beta_B ~ N(0, precision 1e-6); slope ~ N(0, precision 0.1)
// (TrialistNof1 evaluate(): slopeprior = list("norm", 0, 0.1)); sd ~ U(0.1, 5) (models 1, 2, 4);
// rho ~ U(-1, 1) and precision 1/sd^2 ~ Gamma(0.001, 0.001) (kAr1; nof1ins nof1.prior.default).
//
// Method. Given the variance parameters phi (sd; sd and slope for kLag; precision and rho for
// kAr1) the model is linear-Gaussian in the coefficients theta, so theta is integrated out
// analytically: a Kalman filter over the calendar days (a missing day is a prediction step without
// an update) gives the likelihood as a quadratic form in theta. The one or two remaining dimensions
// are integrated numerically with the trapezoid rule on a grid in transformed, whitened coordinates
// centred on the posterior mode (exponentially convergent for smooth, rapidly decaying integrands),
// grown until its edges carry less than e^-25 of the peak density. The posterior of the LDN - placebo
// difference is then a mixture of normals whose mean, SD, quantiles and probabilities are computed
// to about 1e-9. The same sums over every second grid point give an error estimate
// (`quadrature_error`).
//
// Pure; thread-compatible (no shared state).
#ifndef LDN_ANALYSIS_NOF1_MODELS_H_
#define LDN_ANALYSIS_NOF1_MODELS_H_

#include <optional>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ldn::analysis {

enum class Nof1Model { kMean, kTrend, kLag, kAr1 };

// "mean", "trend", "lag", "ar1".
std::string_view Nof1ModelName(Nof1Model model);
// The engine's name for the model ("TrialistNof1 run.norm model 1", ...), for reports.
std::string_view Nof1ModelSource(Nof1Model model);
// Parses a model name; fails with kInvalidArgument naming `field` for anything else.
Result<Nof1Model> ParseNof1Model(std::string_view name, std::string_view field);

// The analysed days of a trial on a calendar grid: index i is day first_day + i. A day without a
// rating (skipped, or not in the input) has no outcome; every day has the arm it belongs to.
struct Nof1Series {
  int first_day = 1;
  std::vector<bool> ldn;                       // true on B (LDN) days
  std::vector<std::optional<double>> outcome;  // the rating, or none
};

// A finite mixture of normal distributions sum_k w_k N(mean_k, sd_k^2), the posterior of a
// quantity that is normal given the integrated-out variance parameters. Weights sum to 1.
struct NormalMixture {
  std::vector<double> weight;
  std::vector<double> mean;
  std::vector<double> sd;

  double Mean() const;
  double Sd() const;
  double Cdf(double x) const;
  double Pdf(double x) const;
  // The p-quantile to an absolute accuracy of about 1e-10 (safeguarded Newton on the CDF).
  // REQUIRES: 0 < p < 1 and a non-empty mixture.
  double Quantile(double p) const;
};

struct PosteriorSummary {
  double mean = 0;
  double sd = 0;
  double q025 = 0;
  double median = 0;
  double q975 = 0;
};
PosteriorSummary Summarize(const NormalMixture& m);

// Posterior mean and SD of a variance parameter (a grid average).
struct ParameterMoments {
  double mean = 0;
  double sd = 0;
};

struct Nof1Fit {
  Nof1Model model = Nof1Model::kAr1;
  int days = 0;      // calendar days in the series
  int observed = 0;  // days with a rating
  // LDN - placebo (B - A) in outcome units: beta (kMean, kTrend, kLag) or beta_B - beta_A (kAr1).
  // For kLag this is the engine's beta: the effect on one day given yesterday's rating.
  NormalMixture diff;
  // kLag only: beta / (1 - slope), the difference between the two arms' steady states.
  std::optional<NormalMixture> long_run_diff;
  // False when the slope's posterior puts more than 1e-6 on slope >= 0.95, where the long-run
  // difference has no finite mean (its quantiles and probabilities remain valid).
  bool long_run_moments_exist = true;
  ParameterMoments sd;                    // residual SD (kAr1: innovation SD, prec^-1/2)
  std::optional<ParameterMoments> slope;  // kTrend: points per day; kLag: on yesterday's rating
  std::optional<ParameterMoments> rho;    // kAr1
  int grid_points = 0;                    // evaluations of the integrand on the final grid
  // Largest absolute change of diff's mean, SD, 2.5/50/97.5% quantiles and P(diff < 0) when
  // every second grid point is dropped: an upper bound on the quadrature error of the full grid.
  double quadrature_error = 0;
};

struct Nof1FitOptions {
  // Grid points per whitened dimension before any growth (odd; at least 9) over +/- 8 posterior
  // SDs. The default, 33, spaces them half an SD apart (summaries accurate to ~1e-9); 21 (0.8 SD,
  // ~1e-8) is what the design simulation uses.
  int points_per_dimension = 0;  // 0: 33
};

// Fits `model` to `series`. Fails with kInvalidArgument naming "outcome" when fewer than 4 days
// have a rating, when either arm has no rated day, or when every rating is the same (TrialistNof1's
// run.norm stops there too: the posterior of sd would sit on its lower bound); kInternal if the
// numerical integration fails (a bug).
// REQUIRES: series.ldn.size() == series.outcome.size(), every outcome finite.
Result<Nof1Fit> FitNof1Model(const Nof1Series& series, Nof1Model model, const Nof1FitOptions& options = {});

// The TrialistNof1 "standardized" categories of the difference divided by the score range
// (treat.diff.change(): breaks -1, -0.2, -0.1, -0.05, 0.05, 0.1, 0.2, 1, intervals closed on the
// right). Probabilities of the seven intervals; mass beyond +/-1 x score range is in none.
struct CategoryProbability {
  double lower = 0;  // standardized, exclusive
  double upper = 0;  // standardized, inclusive
  double probability = 0;
};
std::vector<CategoryProbability> StandardizedCategories(const NormalMixture& diff, double score_range);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_NOF1_MODELS_H_
