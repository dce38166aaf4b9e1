// AR(1)-adjusted confidence interval for the difference of two window means of a daily series.
//
// Daily symptom ratings are serially correlated: a bad day tends to follow a bad day. Treating
// 14 diary days as 14 independent observations makes an interval too narrow. Following Wilks,
// Statistical Methods in the Atmospheric Sciences (3rd ed. 2011, section 5.2.4) and Zwiers &
// von Storch (J Climate 1995;8:336), each window's sample size is replaced by the effective
// sample size n_eff = n (1 - r) / (1 + r), where r is the lag-1 autocorrelation.
#ifndef LDN_ANALYSIS_AR1_INTERVAL_H_
#define LDN_ANALYSIS_AR1_INTERVAL_H_

#include <optional>
#include <vector>

namespace ldn::analysis {

// One window of a daily series: values[i] is the rating on day day_index[i] (days counted from
// any fixed origin, strictly increasing). Missing days are simply absent: never imputed.
struct DailySeries {
  std::vector<int> day_index;
  std::vector<double> values;
};

// Pooled lag-1 autocorrelation of the within-window residuals (value minus its window mean):
//   r = sum_w sum_t e_t e_{t+1} / sum_w sum_t e_t^2,
// where the numerator only uses pairs on consecutive calendar days (a missing day breaks the
// pair). With no gaps this equals the pooled lag-1 autocovariance of R's acf(type="covariance")
// weighted by window length, divided by the pooled lag-0 autocovariance. Returns std::nullopt
// when the residuals have no variance (every rating identical in every window).
// REQUIRES: each series has day_index.size() == values.size() and increasing day_index.
std::optional<double> PooledLag1Autocorrelation(const std::vector<DailySeries>& windows);

// Effective sample size n (1 - r) / (1 + r) (Wilks 2011 eq. 5.12). r is first clamped to
// [0, kMaxAutocorrelation]: a negative estimate from a short series is treated as 0 so that
// n_eff never exceeds n (a conservative choice, Wilks 2011 section 5.2.4).
inline constexpr double kMaxAutocorrelation = 0.95;
double EffectiveSampleSize(int n, double r);

// The interval for mean(after) - mean(before).
struct DifferenceInterval {
  double mean_before = 0;
  double mean_after = 0;
  double difference = 0;  // mean_after - mean_before
  double r = 0;           // clamped lag-1 autocorrelation used
  double n_eff_before = 0;
  double n_eff_after = 0;
  double standard_error = 0;      // sqrt(s_b^2 / n_eff_b + s_a^2 / n_eff_a), s^2 with n - 1
  double degrees_of_freedom = 0;  // Welch-Satterthwaite with n_eff in place of n
  double lower = 0;
  double upper = 0;
  double level = 0.95;
};

// Welch-type interval for a difference of means with n_eff in place of n and a Student t
// quantile on Welch-Satterthwaite degrees of freedom (Welch, Biometrika 1947;34:28).
// `r` is the (unclamped) lag-1 autocorrelation, e.g. from PooledLag1Autocorrelation (0 when
// that returned std::nullopt). Returns std::nullopt when either window has fewer than 2 values
// or an effective size <= 1 (no interval can be stated), and a zero-width interval is never
// invented: when both variances are 0 the interval is [difference, difference] with df = inf
// reported as 0.
// REQUIRES: 0 < level < 1.
std::optional<DifferenceInterval> Ar1DifferenceInterval(const std::vector<double>& before,
                                                        const std::vector<double>& after, double r,
                                                        double level = 0.95);

double Mean(const std::vector<double>& v);            // REQUIRES: !v.empty()
double SampleVariance(const std::vector<double>& v);  // n - 1 denominator; REQUIRES size >= 2

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_AR1_INTERVAL_H_
