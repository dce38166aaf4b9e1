#include "analysis/ar1_interval.h"

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analysis/response.h"

namespace ldn::analysis {
namespace {

std::string ReadFile(const std::string& relative) {
  std::ifstream in(std::string(LDN_SOURCE_DIR) + "/" + relative);
  EXPECT_TRUE(in.good()) << relative;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// case -> (before, after), from the CSV the R oracle read.
std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> ReadSeries() {
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> out;
  std::istringstream in(ReadFile("tests/golden/analysis/ar1_series.csv"));
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const size_t c1 = line.find(',');
    const size_t c2 = line.find(',', c1 + 1);
    const std::string name = line.substr(0, c1);
    const std::string window = line.substr(c1 + 1, c2 - c1 - 1);
    const double v = std::stod(line.substr(c2 + 1));
    (window == "before" ? out[name].first : out[name].second).push_back(v);
  }
  return out;
}

DailySeries Consecutive(const std::vector<double>& v, int first_day) {
  DailySeries s;
  for (size_t i = 0; i < v.size(); ++i) {
    s.day_index.push_back(first_day + static_cast<int>(i));
    s.values.push_back(v[i]);
  }
  return s;
}

void ExpectRel(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::fabs(expected))) << what;
}

TEST(Ar1IntervalTest, MatchesROracle) {
  const auto series = ReadSeries();
  const auto golden = nlohmann::json::parse(ReadFile("tests/golden/analysis/ar1_expected.json"));
  ASSERT_EQ(golden["cases"].size(), series.size());
  ASSERT_GE(series.size(), 4u);
  for (const auto& c : golden["cases"]) {
    const std::string name = c["case"];
    SCOPED_TRACE(name);
    const auto& [before, after] = series.at(name);
    ASSERT_EQ(before.size(), c["n_before"].get<size_t>());
    ASSERT_EQ(after.size(), c["n_after"].get<size_t>());
    // Windows far apart in time: the pooled estimate must not pair across windows.
    auto r = PooledLag1Autocorrelation({Consecutive(before, -14), Consecutive(after, 70)});
    ASSERT_TRUE(r.has_value());
    ExpectRel(*r, c["r"], "r");
    const double phi = BiasCorrectedAutocorrelation(*r, (before.size() + after.size()) / 2.0);
    ExpectRel(phi, c["phi"], "phi");
    auto ci = Ar1DifferenceInterval(before, after, phi, golden["level"].get<double>());
    ASSERT_TRUE(ci.has_value());
    ExpectRel(ci->mean_before, c["mean_before"], "mean_before");
    ExpectRel(ci->mean_after, c["mean_after"], "mean_after");
    ExpectRel(ci->difference, c["difference"], "difference");
    ExpectRel(ci->r, c["r_clamped"], "r_clamped");
    ExpectRel(ci->n_eff_before, c["n_eff_before"], "n_eff_before");
    ExpectRel(ci->n_eff_after, c["n_eff_after"], "n_eff_after");
    ExpectRel(ci->df_before, c["df_before"], "df_before");
    ExpectRel(ci->df_after, c["df_after"], "df_after");
    ExpectRel(ci->standard_error, c["standard_error"], "standard_error");
    ExpectRel(ci->degrees_of_freedom, c["degrees_of_freedom"], "degrees_of_freedom");
    ExpectRel(ci->lower, c["lower"], "lower");
    ExpectRel(ci->upper, c["upper"], "upper");
    // The responder logic on the same numbers (response.h), against the oracle's own rules.
    const double pct = 100.0 * ci->difference / ci->mean_before;
    ExpectRel(pct, c["pct_change"], "pct_change");
    EXPECT_EQ(ResponderClassName(ClassifyPainReduction(-pct)), c["responder_class"].get<std::string>());
    EXPECT_EQ(ResponderClassName(ClassifyPainReduction(-100.0 * ci->upper / ci->mean_before)),
              c["class_lowest"].get<std::string>());
    EXPECT_EQ(ResponderClassName(ClassifyPainReduction(-100.0 * ci->lower / ci->mean_before)),
              c["class_highest"].get<std::string>());
    EXPECT_EQ(FarrarTwoPointResponder(ci->mean_before, ci->mean_after), c["farrar"].get<bool>());
  }
}

TEST(Ar1IntervalTest, PositiveAutocorrelationWidensTheInterval) {
  const std::vector<double> b = {6, 6, 7, 7, 8, 8, 7, 7, 6, 6, 5, 5, 6, 6};
  const std::vector<double> a = {4, 4, 5, 5, 6, 6, 5, 5, 4, 4, 3, 3, 4, 4};
  auto independent = Ar1DifferenceInterval(b, a, 0.0);
  auto correlated = Ar1DifferenceInterval(b, a, 0.5);
  ASSERT_TRUE(independent && correlated);
  EXPECT_DOUBLE_EQ(independent->n_eff_before, 14.0);
  EXPECT_DOUBLE_EQ(independent->degrees_of_freedom, 26.0);  // Welch with equal variances: 13 + 13
  // phi 0.5, n 14: f = 1 + 2 sum_{k=1}^{13} (1 - k/14) 0.5^k = 2.714303..., n_eff = 14 (14 - f) / (13 f).
  EXPECT_NEAR(correlated->n_eff_before, 4.4776971, 1e-6);
  EXPECT_NEAR(correlated->df_before, 14.0 * 0.75 / 1.25, 1e-12);
  // Tends to the large-n form n (1 - phi) / (1 + phi) (Wilks 2011 eq. 5.12).
  EXPECT_NEAR(EffectiveSampleSize(100000, 0.5) / 100000.0, 1.0 / 3.0, 1e-4);
  EXPECT_GT(correlated->upper - correlated->lower, independent->upper - independent->lower);
  EXPECT_DOUBLE_EQ(independent->difference, -2.0);
}

TEST(Ar1IntervalTest, NegativeAutocorrelationIsClampedToZero) {
  EXPECT_DOUBLE_EQ(EffectiveSampleSize(10, -0.7), 10.0);
  EXPECT_DOUBLE_EQ(EffectiveSampleSize(10, 0.99), EffectiveSampleSize(10, 0.95));  // clamped at 0.95
  EXPECT_DOUBLE_EQ(VarianceDegreesOfFreedom(10, -0.3), 9.0);
}

TEST(Ar1IntervalTest, BiasCorrectionInvertsKendallsBias) {
  // E[r] ~ phi - (1 + 3 phi) / n: for phi 0.6, n 14 the expected r is 0.6 - 2.8 / 14 = 0.4.
  EXPECT_NEAR(BiasCorrectedAutocorrelation(0.4, 14), 0.6, 1e-12);
  EXPECT_DOUBLE_EQ(BiasCorrectedAutocorrelation(0.4, 4), 0.4);  // too short to correct
}

TEST(Ar1IntervalTest, GapsBreakLagPairs) {
  // Days 0,1 and 3,4: the pair (1,3) spans a missing day and is not a lag-1 pair.
  DailySeries s{{0, 1, 3, 4}, {1, 3, 1, 3}};
  // residuals -1, 1, -1, 1: pairs (0,1) -> -1 and (3,4) -> -1; sum e^2 = 4.
  auto r = PooledLag1Autocorrelation({s});
  ASSERT_TRUE(r.has_value());
  EXPECT_DOUBLE_EQ(*r, -0.5);
  DailySeries no_gap{{0, 1, 2, 3}, {1, 3, 1, 3}};
  EXPECT_DOUBLE_EQ(*PooledLag1Autocorrelation({no_gap}), -0.75);
}

TEST(Ar1IntervalTest, DegenerateInputs) {
  DailySeries flat{{0, 1, 2}, {4, 4, 4}};
  EXPECT_FALSE(PooledLag1Autocorrelation({flat}).has_value());
  EXPECT_FALSE(Ar1DifferenceInterval({5}, {4, 3}, 0).has_value());
  // phi = 0.95 makes n_eff of 30 values 0.59 < 1: no interval rather than a fake one.
  std::vector<double> x(30, 5.0);
  x[0] = 6;
  EXPECT_FALSE(Ar1DifferenceInterval(x, x, 0.95).has_value());
  auto zero = Ar1DifferenceInterval({4, 4, 4}, {3, 3, 3}, 0);
  ASSERT_TRUE(zero.has_value());
  EXPECT_DOUBLE_EQ(zero->lower, -1.0);
  EXPECT_DOUBLE_EQ(zero->upper, -1.0);
}

}  // namespace
}  // namespace ldn::analysis
