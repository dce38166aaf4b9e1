#include "analysis/nof1_simulate.h"

#include <gtest/gtest.h>

namespace ldn::analysis {
namespace {

TEST(Nof1SimulateTest, SimulatedTrialsHaveTheDesignsShape) {
  TrialProtocol p;
  TrialScenario s;
  Allocation alloc;
  const TrialData d = SimulateTrialData(p, s, 42, 0, &alloc);
  ASSERT_EQ(d.periods.size(), 6u);
  EXPECT_EQ(d.days.size(), 84u);  // 6 periods x 14 analysed days
  EXPECT_EQ(d.days.front().day, 15);
  EXPECT_EQ(d.days.back().day, 168);
  for (int k = 0; k < 6; ++k) {
    EXPECT_EQ(d.periods[k].arm, alloc.ArmOfPeriod(k + 1));
    EXPECT_EQ(d.periods[k].rows, 14);
    for (double v : d.periods[k].values) {
      EXPECT_EQ(v, std::round(v));
      EXPECT_GE(v, 0);
      EXPECT_LE(v, 10);
    }
  }
  // Deterministic for a seed and index; different for another index.
  const TrialData again = SimulateTrialData(p, s, 42, 0);
  EXPECT_EQ(again.periods[2].values, d.periods[2].values);
  const TrialData other = SimulateTrialData(p, s, 42, 1);
  EXPECT_NE(other.periods[2].values, d.periods[2].values);
}

TEST(Nof1SimulateTest, MissingDaysAreMissing) {
  TrialProtocol p;
  TrialScenario s;
  s.missing_probability = 0.5;
  int rated = 0;
  for (int i = 0; i < 20; ++i) {
    for (const TrialPeriod& per : SimulateTrialData(p, s, 3, i).periods) rated += static_cast<int>(per.values.size());
  }
  EXPECT_NEAR(rated / (20.0 * 84), 0.5, 0.05);
}

TEST(Nof1SimulateTest, TheEffectShowsInTheRatings) {
  TrialProtocol p;
  TrialScenario s;
  s.effect = 2;
  s.whole_points = false;
  double diff = 0;
  for (int i = 0; i < 50; ++i) {
    const TrialData d = SimulateTrialData(p, s, 5, i);
    double sum[2] = {0, 0};
    int n[2] = {0, 0};
    for (const TrialPeriod& per : d.periods) {
      for (double v : per.values) {
        sum[per.arm == TrialArm::kLdn] += v;
        ++n[per.arm == TrialArm::kLdn];
      }
    }
    diff += sum[1] / n[1] - sum[0] / n[0];
  }
  // Pain (lower is better): LDN lowers the rating by the full 2 points on the analysed days
  // (onset 14 days = the run-in).
  EXPECT_NEAR(diff / 50, -2.0, 0.2);
}

TEST(Nof1SimulateTest, OperatingCharacteristicsSeparateAnEffectFromNone) {
  TrialProtocol p;
  TrialScenario s;
  s.effect = 2.5;
  DesignSimulationOptions o;
  o.trials = 40;
  o.seed = 11;
  auto oc = SimulateTrialDesign(p, s, o);
  ASSERT_TRUE(oc.ok()) << oc.status().ToString();
  EXPECT_EQ(oc->trials, 40);
  EXPECT_NEAR(oc->under_effect.p_continue + oc->under_effect.p_stop + oc->under_effect.p_uncertain, 1.0, 1e-12);
  EXPECT_GT(oc->under_effect.p_continue, 0.8);
  ASSERT_TRUE(oc->under_null.has_value());
  EXPECT_LT(oc->under_null->p_continue, 0.2);
  EXPECT_GT(oc->under_null->p_stop + oc->under_null->p_uncertain, 0.8);
  EXPECT_LT(oc->under_effect.mean_diff, -1.5);
  // Deterministic.
  auto again = SimulateTrialDesign(p, s, o);
  EXPECT_EQ(again->under_effect.continue_count, oc->under_effect.continue_count);
  EXPECT_EQ(again->under_null->stop_count, oc->under_null->stop_count);
  const nlohmann::json j = OperatingCharacteristicsToJson(*oc);
  for (const char* key : {"p_continue", "p_stop", "p_uncertain", "under_null", "trials"}) EXPECT_TRUE(j.contains(key));
}

TEST(Nof1SimulateTest, RejectsBadScenariosNamingTheField) {
  TrialProtocol p;
  DesignSimulationOptions o;
  auto field_of = [&](auto change) {
    TrialScenario s;
    change(s);
    return SimulateTrialDesign(p, s, o).status().field();
  };
  EXPECT_EQ(field_of([](TrialScenario& s) { s.sd = 0; }), "sd");
  EXPECT_EQ(field_of([](TrialScenario& s) { s.rho = 1; }), "rho");
  EXPECT_EQ(field_of([](TrialScenario& s) { s.missing_probability = 0.95; }), "missing_probability");
  EXPECT_EQ(field_of([](TrialScenario& s) { s.onset_days = -1; }), "onset_days");
  EXPECT_EQ(field_of([](TrialScenario& s) { s.effect = 11; }), "effect");
  o.trials = 0;
  EXPECT_EQ(SimulateTrialDesign(p, TrialScenario{}, o).status().field(), "trials");
  o.trials = 10;
  p.pairs = 0;
  EXPECT_EQ(SimulateTrialDesign(p, TrialScenario{}, o).status().field(), "pairs");
}

}  // namespace
}  // namespace ldn::analysis
