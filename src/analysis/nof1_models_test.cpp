#include "analysis/nof1_models.h"

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

namespace ldn::analysis {
namespace {

// A short series with a missing day inside a period and a gap between periods, AB order.
Nof1Series SmallSeries() {
  Nof1Series s;
  s.first_day = 15;
  const std::vector<std::optional<double>> y = {6, 7, std::nullopt, 6, 5, 7, std::nullopt, std::nullopt, 4,
                                                5, 4, std::nullopt, 3, 5};
  const std::vector<bool> b = {false, false, false, false, false, false, true,
                               true,  true,  true,  true,  true,  true,  true};
  s.outcome = y;
  s.ldn = b;
  return s;
}

// --- Brute-force references: dense Gaussian likelihoods over a fine rectangular grid ---------------

// Posterior mean of c'theta by brute force: for each value of the variance parameters the GLS
// posterior of theta under N(0, 1e6 I) priors, with the observed days' joint covariance built
// densely (no Kalman filter, no gap grouping), summed over a fine grid in the raw parameters.
struct Dense {
  std::vector<int> t;  // calendar index of each observed day
  std::vector<double> y;
  std::vector<bool> b;
};

Dense Observed(const Nof1Series& s) {
  Dense d;
  for (size_t i = 0; i < s.outcome.size(); ++i) {
    if (!s.outcome[i]) continue;
    d.t.push_back(static_cast<int>(i));
    d.y.push_back(*s.outcome[i]);
    d.b.push_back(s.ldn[i]);
  }
  return d;
}

// Solves A x = r for a small dense SPD matrix by Gaussian elimination; returns log det A.
double Solve(std::vector<std::vector<double>> a, std::vector<double>& x) {
  const size_t n = a.size();
  double logdet = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t k = i + 1; k < n; ++k) {
      const double f = a[k][i] / a[i][i];
      for (size_t j = i; j < n; ++j) a[k][j] -= f * a[i][j];
      x[k] -= f * x[i];
    }
    logdet += std::log(a[i][i]);
  }
  for (size_t i = n; i-- > 0;) {
    for (size_t j = i + 1; j < n; ++j) x[i] -= a[i][j] * x[j];
    x[i] /= a[i][i];
  }
  return logdet;
}

// Posterior mean from (log weight, conditional mean) pairs.
double WeightedMean(const std::vector<std::pair<double, double>>& points) {
  double max_log = -std::numeric_limits<double>::infinity();
  for (const auto& [lw, m] : points) max_log = std::max(max_log, lw);
  double total = 0, acc = 0;
  for (const auto& [lw, m] : points) {
    const double w = std::exp(lw - max_log);
    total += w;
    acc += w * m;
  }
  return acc / total;
}

// log marginal likelihood and the conditional posterior mean of c'theta given covariance Sigma,
// mean X theta + offset, theta ~ N(0, 1e6 I).
void Gls(const std::vector<std::vector<double>>& sigma, const std::vector<std::vector<double>>& x,
         const std::vector<double>& y, const std::vector<double>& c, double* logml, double* cmean) {
  const size_t n = y.size();
  const size_t p = c.size();
  // Sigma^-1 X and Sigma^-1 y column by column.
  std::vector<std::vector<double>> sx(p, std::vector<double>(n));
  double logdet_sigma = 0;
  for (size_t j = 0; j < p; ++j) {
    std::vector<double> col(n);
    for (size_t i = 0; i < n; ++i) col[i] = x[i][j];
    logdet_sigma = Solve(sigma, col);
    sx[j] = col;
  }
  std::vector<double> sy = y;
  Solve(sigma, sy);
  std::vector<std::vector<double>> h(p, std::vector<double>(p, 0));
  std::vector<double> r(p, 0);
  double q = 0;
  for (size_t i = 0; i < n; ++i) q += y[i] * sy[i];
  for (size_t a = 0; a < p; ++a) {
    for (size_t i = 0; i < n; ++i) r[a] += x[i][a] * sy[i];
    for (size_t bb = 0; bb < p; ++bb) {
      for (size_t i = 0; i < n; ++i) h[a][bb] += x[i][a] * sx[bb][i];
    }
    h[a][a] += 1e-6;
  }
  std::vector<double> mu = r;
  const double logdet_h = Solve(h, mu);
  double rmu = 0;
  *cmean = 0;
  for (size_t a = 0; a < p; ++a) {
    rmu += r[a] * mu[a];
    *cmean += c[a] * mu[a];
  }
  *logml = -0.5 * logdet_sigma - 0.5 * q + 0.5 * rmu - 0.5 * logdet_h + 0.5 * p * std::log(1e-6);
}

TEST(Nof1ModelsTest, Ar1AgreesWithADenseLikelihoodOverAFineGrid) {
  const Nof1Series s = SmallSeries();
  const Dense d = Observed(s);
  const size_t n = d.y.size();
  std::vector<std::vector<double>> x(n, std::vector<double>(2));
  for (size_t i = 0; i < n; ++i) x[i] = {d.b[i] ? 0.0 : 1.0, d.b[i] ? 1.0 : 0.0};
  // Grid in log tau and rho (uniform prior on rho: density 1; Gamma(0.001, 0.001) on tau:
  // tau^0.001 e^-0.001 tau in log tau).
  std::vector<std::pair<double, double>> points;
  for (double lt = -6; lt <= 4; lt += 0.04) {
    const double tau = std::exp(lt);
    for (double rho = -0.995; rho <= 0.995; rho += 0.01) {
      std::vector<std::vector<double>> sigma(n, std::vector<double>(n));
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < n; ++j) sigma[i][j] = std::pow(rho, std::abs(d.t[i] - d.t[j])) / (tau * (1 - rho * rho));
      }
      double logml = 0, cm = 0;
      Gls(sigma, x, d.y, {-1, 1}, &logml, &cm);
      points.emplace_back(logml + 0.001 * lt - 0.001 * tau, cm);
    }
  }
  auto fit = FitNof1Model(s, Nof1Model::kAr1);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->diff.Mean(), WeightedMean(points), 2e-3);
}

TEST(Nof1ModelsTest, LagAgreesWithADenseLikelihoodOverAFineGrid) {
  // Y_t = alpha + beta B_t + slope Y_{t-1} + e_t, Y_0 ~ N(v, 1/2): Y = L (X theta + e1 slope Y0 + eps)
  // with L the inverse of the bidiagonal (1, -slope); the observed rows of the mean and covariance.
  const Nof1Series s = SmallSeries();
  const Dense d = Observed(s);
  const size_t n = d.y.size();
  const int days = static_cast<int>(s.outcome.size());
  double v = 0;
  for (double y : d.y) v += y;
  v /= static_cast<double>(n);
  std::vector<std::pair<double, double>> points;
  for (double sd = 0.1 + 0.01; sd < 5; sd += 0.02) {
    for (double slope = -1.5; slope <= 1.5; slope += 0.01) {
      std::vector<double> pw(static_cast<size_t>(2 * days + 2), 1.0);  // slope^k
      for (size_t k = 1; k < pw.size(); ++k) pw[k] = pw[k - 1] * slope;
      std::vector<std::vector<double>> xfull(static_cast<size_t>(days), std::vector<double>(2, 0));
      std::vector<double> offset(static_cast<size_t>(days), 0);
      std::vector<std::vector<double>> cov(static_cast<size_t>(days),
                                           std::vector<double>(static_cast<size_t>(days), 0));
      for (int t = 0; t < days; ++t) {
        for (int k = 0; k <= t; ++k) {
          const double l = pw[static_cast<size_t>(t - k)];
          xfull[t][0] += l;
          xfull[t][1] += l * (s.ldn[static_cast<size_t>(k)] ? 1.0 : 0.0);
        }
        offset[t] = pw[static_cast<size_t>(t + 1)] * v;
      }
      for (int a = 0; a < days; ++a) {
        for (int b = 0; b < days; ++b) {
          double c = 0.5 * pw[static_cast<size_t>(a + 1)] * pw[static_cast<size_t>(b + 1)];
          for (int k = 0; k <= std::min(a, b); ++k) {
            c += sd * sd * pw[static_cast<size_t>(a - k)] * pw[static_cast<size_t>(b - k)];
          }
          cov[a][b] = c;
        }
      }
      std::vector<std::vector<double>> sigma(n, std::vector<double>(n));
      std::vector<std::vector<double>> x(n);
      std::vector<double> y(n);
      for (size_t i = 0; i < n; ++i) {
        x[i] = xfull[static_cast<size_t>(d.t[i])];
        y[i] = d.y[i] - offset[static_cast<size_t>(d.t[i])];
        for (size_t j = 0; j < n; ++j) sigma[i][j] = cov[d.t[i]][d.t[j]];
      }
      double logml = 0, cm = 0;
      Gls(sigma, x, y, {0, 1}, &logml, &cm);
      points.emplace_back(logml - 0.05 * slope * slope, cm);
    }
  }
  auto fit = FitNof1Model(s, Nof1Model::kLag);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->diff.Mean(), WeightedMean(points), 2e-3);
}

TEST(Nof1ModelsTest, MeanModelPosteriorMeanIsTheDifferenceOfArmMeans) {
  // With vague priors on alpha and beta the conditional posterior mean of beta is the least-squares
  // difference of the arm means for every sd, so the posterior mean is that difference.
  const Nof1Series s = SmallSeries();
  double sum[2] = {0, 0};
  int n[2] = {0, 0};
  for (size_t i = 0; i < s.outcome.size(); ++i) {
    if (!s.outcome[i]) continue;
    sum[s.ldn[i]] += *s.outcome[i];
    ++n[s.ldn[i]];
  }
  auto fit = FitNof1Model(s, Nof1Model::kMean);
  ASSERT_TRUE(fit.ok());
  EXPECT_NEAR(fit->diff.Mean(), sum[1] / n[1] - sum[0] / n[0], 1e-5);
  EXPECT_EQ(fit->observed, 10);
  EXPECT_EQ(fit->days, 14);
}

TEST(Nof1ModelsTest, FinerGridsGiveTheSameAnswer) {
  const Nof1Series s = SmallSeries();
  for (Nof1Model m : {Nof1Model::kMean, Nof1Model::kTrend, Nof1Model::kLag, Nof1Model::kAr1}) {
    auto coarse = FitNof1Model(s, m, {21});
    auto normal = FitNof1Model(s, m);
    auto fine = FitNof1Model(s, m, {61});
    ASSERT_TRUE(coarse.ok() && normal.ok() && fine.ok());
    const PosteriorSummary a = Summarize(normal->diff);
    const PosteriorSummary b = Summarize(fine->diff);
    const PosteriorSummary c = Summarize(coarse->diff);
    for (const auto& [x, y] : {std::pair{a.mean, b.mean}, {a.sd, b.sd}, {a.q025, b.q025}, {a.q975, b.q975}}) {
      EXPECT_NEAR(x, y, 1e-7) << Nof1ModelName(m);
    }
    EXPECT_NEAR(c.mean, b.mean, 1e-5) << Nof1ModelName(m);
    EXPECT_NEAR(normal->diff.Cdf(0), fine->diff.Cdf(0), 1e-7) << Nof1ModelName(m);
    EXPECT_LT(normal->quadrature_error, 1e-3) << Nof1ModelName(m);
  }
}

TEST(Nof1ModelsTest, LagLongRunDifferenceIsBetaOverOneMinusSlope) {
  auto fit = FitNof1Model(SmallSeries(), Nof1Model::kLag);
  ASSERT_TRUE(fit.ok());
  ASSERT_TRUE(fit->long_run_diff.has_value());
  ASSERT_TRUE(fit->slope.has_value());
  // The long-run difference is further from 0 than beta when the slope is positive.
  if (fit->slope->mean > 0) {
    EXPECT_GT(std::fabs(fit->long_run_diff->Quantile(0.5)), std::fabs(fit->diff.Quantile(0.5)));
  }
  EXPECT_FALSE(fit->rho.has_value());
}

TEST(Nof1ModelsTest, RefusesDataTheModelsCannotUse) {
  Nof1Series s;
  s.outcome = {5, 6, 7};
  s.ldn = {false, true, true};
  EXPECT_EQ(FitNof1Model(s, Nof1Model::kAr1).status().field(), "outcome");
  s.outcome = {5, 6, 7, 5, 6};
  s.ldn = {false, false, false, false, false};
  auto one_arm = FitNof1Model(s, Nof1Model::kMean);
  EXPECT_EQ(one_arm.status().field(), "outcome");
  EXPECT_NE(one_arm.status().message().find("B (LDN)"), std::string::npos);
  s.outcome = {5, 5, 5, 5, 5};
  s.ldn = {false, false, true, true, true};
  auto flat = FitNof1Model(s, Nof1Model::kLag);
  EXPECT_EQ(flat.status().code(), Code::kInvalidArgument);
  EXPECT_NE(flat.status().message().find("every analysed rating is 5"), std::string::npos);
}

TEST(NormalMixtureTest, QuantilesInvertTheCdf) {
  NormalMixture single{{1.0}, {2.0}, {0.5}};
  EXPECT_NEAR(single.Quantile(0.975), 2.0 + 0.5 * 1.959963984540054, 1e-9);
  EXPECT_NEAR(single.Quantile(0.5), 2.0, 1e-10);
  EXPECT_NEAR(single.Mean(), 2.0, 1e-15);
  EXPECT_NEAR(single.Sd(), 0.5, 1e-15);
  NormalMixture two{{0.3, 0.7}, {-1.0, 2.0}, {0.2, 1.5}};
  for (double p : {0.001, 0.025, 0.3, 0.5, 0.975, 0.999}) EXPECT_NEAR(two.Cdf(two.Quantile(p)), p, 1e-10) << p;
  EXPECT_NEAR(two.Mean(), 0.3 * -1.0 + 0.7 * 2.0, 1e-12);
  EXPECT_NEAR(two.Sd(), std::sqrt(0.3 * (0.04 + 1) + 0.7 * (2.25 + 4) - 1.1 * 1.1), 1e-12);
}

TEST(NormalMixtureTest, StandardizedCategoriesFollowTheEngine) {
  // A point mass at -1.5 on a 0-10 scale is -0.15 standardized: the (-0.2, -0.1] category.
  NormalMixture m{{1.0}, {-1.5}, {1e-9}};
  const auto cats = StandardizedCategories(m, 10);
  ASSERT_EQ(cats.size(), 7u);
  EXPECT_DOUBLE_EQ(cats[0].lower, -1);
  EXPECT_DOUBLE_EQ(cats[6].upper, 1);
  EXPECT_NEAR(cats[1].probability, 1, 1e-12);
  double total = 0;
  for (const auto& c : cats) total += c.probability;
  EXPECT_NEAR(total, 1, 1e-12);
}

TEST(Nof1ModelsTest, ParsesModelNames) {
  EXPECT_EQ(*ParseNof1Model("ar1", "--model"), Nof1Model::kAr1);
  EXPECT_EQ(*ParseNof1Model("lag", "--model"), Nof1Model::kLag);
  auto bad = ParseNof1Model("arima", "--model");
  EXPECT_EQ(bad.status().field(), "--model");
  EXPECT_NE(bad.status().message().find("mean, trend, lag or ar1"), std::string::npos);
}

}  // namespace
}  // namespace ldn::analysis
