// Golden tests of the exact N-of-1 models against the JAGS oracle (tests/oracles/nof1/
// jags_reference.R, outputs in tests/golden/nof1/<dataset>.jags.json): every designed dataset,
// every model. The tolerance of each comparison is derived from the oracle's own Monte Carlo
// error: |ldn - JAGS| <= kSe x MCSE (+ ldn's quadrature error bound), so the test gets stricter
// when the oracle is run longer.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analysis/nof1_data.h"
#include "analysis/nof1_models.h"

namespace ldn::analysis {
namespace {

// 4 standard errors: a correct implementation fails one comparison in ~16,000 (two-sided normal
// tail); there are about 1,000 comparisons here.
constexpr double kSe = 4.0;

std::filesystem::path GoldenDir() {
  return std::filesystem::path(LDN_SOURCE_DIR) / "tests/golden/nof1";
}

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Datasets() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(GoldenDir())) {
    const std::string name = entry.path().filename().string();
    const std::string suffix = ".jags.json";
    // pool_*.jags.json belong to the pooling oracle (nof1_pool_test.cpp).
    if (name.size() > suffix.size() && name.ends_with(suffix) && !name.starts_with("pool_")) {
      names.push_back(name.substr(0, name.size() - suffix.size()));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Checker {
  std::string where;
  double own_error = 0;
  double ess = 0;  // the oracle's effective sample size of the difference
  int checks = 0;
  void Near(double ours, const nlohmann::json& oracle, const std::string& what) {
    const double value = oracle.at("value").get<double>();
    const double mcse = oracle.at("mcse").get<double>();
    const double tol = kSe * mcse + own_error;
    EXPECT_NEAR(ours, value, tol) << where << " " << what << " (JAGS MCSE " << mcse << ")";
    ++checks;
  }
  // A probability: the oracle's MCSE of a tail probability, estimated from the few draws it saw
  // there, is unreliable (1 draw in 40,000 gives a tiny SE). Under the hypothesis that ldn's
  // value p is the truth, JAGS's estimate has SE sqrt(p (1 - p) / ESS); the tolerance uses the
  // larger of the two.
  void NearProbability(double ours, const nlohmann::json& oracle, const std::string& what) {
    const double value = oracle.at("value").get<double>();
    const double mcse = std::max(oracle.at("mcse").get<double>(), std::sqrt(ours * (1 - ours) / ess));
    EXPECT_NEAR(ours, value, kSe * mcse + own_error) << where << " " << what << " (MCSE " << mcse << ")";
    ++checks;
  }
};

class Nof1GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Nof1GoldenTest, EveryModelAgreesWithJagsWithinItsMonteCarloError) {
  const std::string name = GetParam();
  auto data = ParseTrialCsv(ReadFile(GoldenDir() / (name + ".csv")));
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  const Nof1Series series = ToNof1Series(*data);
  const nlohmann::json golden = nlohmann::json::parse(ReadFile(GoldenDir() / (name + ".jags.json")));
  const double mcid = golden.at("mcid").get<double>();
  const double score_range = golden.at("score_range").get<double>();
  ASSERT_EQ(golden.at("models").size(), 4u);
  for (const nlohmann::json& m : golden.at("models")) {
    const std::string model_name = m.at("model").get<std::string>();
    auto model = ParseNof1Model(model_name, "model");
    ASSERT_TRUE(model.ok());
    auto fit = FitNof1Model(series, *model);
    ASSERT_TRUE(fit.ok()) << fit.status().ToString();
    // The oracle must be precise enough for the comparison to mean something: the issue asks
    // for Monte Carlo error below 0.01 outcome units.
    EXPECT_LT(m.at("diff").at("mean").at("mcse").get<double>(), 0.01) << name << " " << model_name;
    // mean and trend were given the observed days only, lag and ar1 every calendar day.
    if (*model == Nof1Model::kLag || *model == Nof1Model::kAr1) {
      EXPECT_EQ(fit->days, m.at("days").get<int>()) << name << " " << model_name;
    }
    EXPECT_EQ(fit->observed, m.at("observed").get<int>()) << name << " " << model_name;
    EXPECT_LT(fit->quadrature_error, 1e-4) << name << " " << model_name;

    Checker c{name + "/" + model_name, fit->quadrature_error + 1e-9, m.at("ess_diff").get<double>()};
    const PosteriorSummary s = Summarize(fit->diff);
    const nlohmann::json& d = m.at("diff");
    c.Near(s.mean, d.at("mean"), "diff.mean");
    c.Near(s.sd, d.at("sd"), "diff.sd");
    c.Near(s.q025, d.at("q025"), "diff.q025");
    c.Near(s.median, d.at("median"), "diff.median");
    c.Near(s.q975, d.at("q975"), "diff.q975");
    c.NearProbability(fit->diff.Cdf(0), m.at("p_below_0"), "P(diff < 0)");
    c.NearProbability(fit->diff.Cdf(-mcid), m.at("p_at_most_minus_mcid"), "P(diff <= -mcid)");
    c.NearProbability(1 - fit->diff.Cdf(mcid), m.at("p_at_least_mcid"), "P(diff >= mcid)");
    const auto cats = StandardizedCategories(fit->diff, score_range);
    ASSERT_EQ(cats.size(), m.at("categories").size());
    for (size_t k = 0; k < cats.size(); ++k)
      c.NearProbability(cats[k].probability, m.at("categories")[k], "category " + std::to_string(k));
    c.Near(fit->sd.mean, m.at("sd_parameter").at("mean"), "sd.mean");
    if (m.contains("slope")) {
      ASSERT_TRUE(fit->slope.has_value());
      c.Near(fit->slope->mean, m.at("slope").at("mean"), "slope.mean");
    }
    if (m.contains("rho")) {
      ASSERT_TRUE(fit->rho.has_value());
      c.Near(fit->rho->mean, m.at("rho").at("mean"), "rho.mean");
    }
    if (m.contains("long_run")) {
      ASSERT_TRUE(fit->long_run_diff.has_value());
      const NormalMixture& lr = *fit->long_run_diff;
      const nlohmann::json& l = m.at("long_run");
      c.Near(lr.Quantile(0.025), l.at("q025"), "long_run.q025");
      c.Near(lr.Quantile(0.5), l.at("median"), "long_run.median");
      c.Near(lr.Quantile(0.975), l.at("q975"), "long_run.q975");
      c.NearProbability(lr.Cdf(0), l.at("p_below_0"), "long_run P(< 0)");
      c.NearProbability(lr.Cdf(-mcid), l.at("p_at_most_minus_mcid"), "long_run P(<= -mcid)");
      c.NearProbability(1 - lr.Cdf(mcid), l.at("p_at_least_mcid"), "long_run P(>= mcid)");
    }
    EXPECT_GE(c.checks, 16);
  }
}

INSTANTIATE_TEST_SUITE_P(Datasets, Nof1GoldenTest, ::testing::ValuesIn(Datasets()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// The designed datasets the issue asks for are all there, each with its oracle output.
TEST(Nof1GoldenFilesTest, EveryDesignedDatasetHasAnOracleRun) {
  const std::vector<std::string> names = Datasets();
  for (const char* required : {"clear_effect", "no_effect", "small_effect", "strong_autocorrelation", "missing_days",
                               "short_trial", "trend", "carry_over"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), required), names.end()) << required;
  }
  EXPECT_GE(names.size(), 8u);
}

}  // namespace
}  // namespace ldn::analysis
