#include "analysis/nof1_pool.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ldn::analysis {
namespace {

std::string Golden(const std::string& name) {
  std::ifstream in(std::filesystem::path(LDN_SOURCE_DIR) / "tests/golden/nof1" / name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// |ldn - JAGS| <= 4 x the oracle's Monte Carlo SE (tests/oracles/nof1/pool_reference.R); for a
// probability at least 4 x sqrt(p (1 - p) / ESS) at ldn's p (nof1_golden_test.cpp says why).
void Near(double ours, const nlohmann::json& oracle, const std::string& what, double ess = 0) {
  double mcse = oracle.at("mcse").get<double>();
  if (ess > 0) mcse = std::max(mcse, std::sqrt(ours * (1 - ours) / ess));
  EXPECT_NEAR(ours, oracle.at("value").get<double>(), 4 * mcse + 1e-9) << what << " (MCSE " << mcse << ")";
  EXPECT_LT(mcse, 0.01) << what;
}

class Nof1PoolGoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Nof1PoolGoldenTest, AgreesWithJagsWithinItsMonteCarloError) {
  const std::string name = GetParam();
  auto trials = ParsePoolInput(Golden("pool_" + name + ".csv"), true);
  ASSERT_TRUE(trials.ok()) << trials.status().ToString();
  const nlohmann::json g = nlohmann::json::parse(Golden("pool_" + name + ".jags.json"));
  ASSERT_EQ(static_cast<int>(trials->size()), g["trials"].get<int>());
  const double ess = g["ess_mu"].get<double>();
  PoolOptions o;
  auto r = PoolTrials(*trials, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Near(r->mu.mean, g["mu"]["mean"], "mu.mean");
  Near(r->mu.sd, g["mu"]["sd"], "mu.sd");
  Near(r->mu.q025, g["mu"]["q025"], "mu.q025");
  Near(r->mu.median, g["mu"]["median"], "mu.median");
  Near(r->mu.q975, g["mu"]["q975"], "mu.q975");
  Near(1 - r->p_mu_b_better,
       nlohmann::json{{"value", 1 - g["p_mu_below_0"]["value"].get<double>()}, {"mcse", g["p_mu_below_0"]["mcse"]}},
       "P(mu < 0)", ess);
  Near(r->p_mu_b_better_by_mcid, g["p_mu_at_most_minus_mcid"], "P(mu <= -1)", ess);
  Near(r->tau.mean, g["tau"]["mean"], "tau.mean");
  Near(r->predictive.mean, g["new_patient"]["mean"], "new.mean");
  Near(r->predictive.sd, g["new_patient"]["sd"], "new.sd");
  Near(r->predictive.q025, g["new_patient"]["q025"], "new.q025");
  Near(r->predictive.q975, g["new_patient"]["q975"], "new.q975");
  Near(r->p_new_patient_b_better_by_mcid, g["p_new_at_most_minus_mcid"], "P(new <= -1)", ess);
  ASSERT_GE(r->per_trial.size(), 2u);
  Near(r->per_trial[0].shrunken_mean, g["theta_1"]["mean"], "theta1.mean");
  Near(r->per_trial[0].shrunken_sd, g["theta_1"]["sd"], "theta1.sd");
  Near(r->per_trial[0].p_b_better_by_mcid, g["theta_1"]["p_at_most_minus_mcid"], "theta1 P(<= -1)", ess);
  Near(r->per_trial[1].shrunken_mean, g["theta_2"]["mean"], "theta2.mean");
  EXPECT_LT(r->quadrature_error, 1e-6);
}

INSTANTIATE_TEST_SUITE_P(Sets, Nof1PoolGoldenTest, ::testing::Values("heterogeneous", "homogeneous"));

TEST(Nof1PoolTest, ShrinksTowardsThePopulationMean) {
  std::vector<PooledTrialInput> t = {{"a", -3, 0.5}, {"b", 0, 0.5}, {"c", -1, 0.5}, {"d", -1.5, 0.5}};
  auto r = PoolTrials(t, PoolOptions{});
  ASSERT_TRUE(r.ok());
  EXPECT_GT(r->per_trial[0].shrunken_mean, -3);
  EXPECT_LT(r->per_trial[1].shrunken_mean, 0);
  EXPECT_NEAR(r->mu.mean, -1.375, 0.05);
}

TEST(Nof1PoolTest, ParsesJsonAndCsvStrictly) {
  auto j =
      ParsePoolInput(R"({"trials": [{"id": "x", "estimate": -1, "sd": 0.3}, {"estimate": 0.2, "sd": 0.4}]})", false);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)[1].id, "trial 2");
  EXPECT_EQ(ParsePoolInput(R"({"trials": [{"estimate": -1, "sd": 0.3, "name": "x"}]})", false).status().field(),
            "trials[0].name");
  EXPECT_EQ(ParsePoolInput(R"({"trials": [{"estimate": -1}]})", false).status().field(), "trials[0].sd");
  EXPECT_EQ(ParsePoolInput(R"({"studies": []})", false).status().field(), "trials");
  auto c = ParsePoolInput("estimate,sd\n-1,0.3\n0.5,0.2\n", true);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->size(), 2u);
  EXPECT_EQ(ParsePoolInput("estimate,sd\n-1,zero\n", true).status().field(), "line 2, column sd");
  EXPECT_EQ(ParsePoolInput("estimate,sd\n-1,0\n", true).status().field(), "line 2, column sd");
  EXPECT_EQ(ParsePoolInput("estimate,se\n-1,0.3\n", true).status().field(), "header");
  EXPECT_EQ(ParsePoolInput("", true).status().field(), "input");
}

TEST(Nof1PoolTest, NeedsTwoTrialsAndPositiveSds) {
  EXPECT_EQ(PoolTrials({{"a", -1, 0.3}}, PoolOptions{}).status().field(), "trials");
  EXPECT_EQ(PoolTrials({{"a", -1, 0.3}, {"b", 1, 0}}, PoolOptions{}).status().field(), "trials[1].sd");
}

}  // namespace
}  // namespace ldn::analysis
