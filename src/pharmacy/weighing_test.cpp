#include "pharmacy/weighing.h"

#include <gtest/gtest.h>

namespace ldn::pharmacy {
namespace {

BalanceInUse ClassA() {
  auto b = SelectBalance(*LoadCompoundingKnowledge(), "class-a", std::nullopt);
  EXPECT_TRUE(b.ok());
  return *b;
}

TEST(WeighingTest, MinimumWeighableQuantityAndCapacity) {
  const BalanceInUse a = ClassA();
  EXPECT_TRUE(CheckWeighing("x", 119'999, a).below_mwq);
  EXPECT_FALSE(CheckWeighing("x", 120'000, a).below_mwq);
  EXPECT_EQ(CheckWeighing("x", 15'500'000, a).portions, 1);
  EXPECT_EQ(CheckWeighing("x", 15'500'001, a).portions, 2);
}

// Aliquot method (Ansel): 10 mg needed, MWQ 120 mg -> weigh 12 x 10 = 120 mg, dilute to 12 x 120 = 1440 mg,
// weigh 120 mg of the mixture. Every weighing (drug, diluent, aliquot) is at least the MWQ.
TEST(WeighingTest, SolidAliquotKeepsEveryWeighingAboveTheMinimum) {
  const BalanceInUse a = ClassA();
  for (int64_t r : {1'000, 10'000, 50'000, 60'000, 119'000}) {
    SolidAliquot s = PlanSolidAliquot(r, a, "drug", "filler");
    EXPECT_GE(s.drug_weighed_ug, 120'000) << r;
    EXPECT_LT(s.drug_weighed_ug - r, 120'000) << r << ": f is the smallest factor";
    EXPECT_GE(s.aliquot_ug, 120'000) << r;
    EXPECT_GE(s.diluent_ug, 120'000) << r;
    EXPECT_EQ(s.aliquot_ug % 1000, 0) << r;
    // The aliquot holds exactly R: A x (f R) / (f A) = R.
    EXPECT_EQ(s.mixture_ug, s.factor * s.aliquot_ug);
    EXPECT_EQ(s.drug_weighed_ug, s.factor * r);
    EXPECT_EQ(s.left_over_ug, s.mixture_ug - s.aliquot_ug);
  }
  SolidAliquot s = PlanSolidAliquot(10'000, a, "drug", "filler");
  EXPECT_EQ(s.factor, 12);
  EXPECT_EQ(s.aliquot_ug, 120'000);  // max(120, 10 + 120/12 = 20) = 120 mg
  EXPECT_EQ(s.diluent_ug, 12 * 110'000);
}

TEST(WeighingTest, LiquidAliquotRefusesAnOversaturatedStock) {
  const BalanceInUse a = ClassA();
  auto ok = PlanLiquidAliquot(100'000, a, "sodium benzoate", 5, 500, "--balance");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->factor, 2);
  EXPECT_DOUBLE_EQ(ok->stock_ml, 10);
  EXPECT_DOUBLE_EQ(ok->stock_mg_per_ml, 20);
  auto bad = PlanLiquidAliquot(100'000, a, "x", 0.1, 100, "--balance");  // 1000 mg/mL
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().field(), "--balance");
}

TEST(WeighingTest, MwqOverrideIsChecked) {
  const CompoundingKnowledge& k = *LoadCompoundingKnowledge();
  auto b = SelectBalance(k, "analytical", 10.0);
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->mwq_overridden);
  EXPECT_EQ(SelectBalance(k, "analytical", 0.0).status().field(), "--mwq");
  EXPECT_EQ(SelectBalance(k, "class-a", 1e9).status().field(), "--mwq");
  EXPECT_EQ(SelectBalance(k, "torsion", std::nullopt).status().field(), "--balance");
}

TEST(WeighingTest, FormatsAndRoundsMasses) {
  EXPECT_EQ(FormatMass(456'830), "456.8 mg");
  EXPECT_EQ(FormatMass(19'543'170), "19543.2 mg (19.543 g)");
  EXPECT_DOUBLE_EQ(MgRounded(456'850), 456.9);
  EXPECT_DOUBLE_EQ(MgRounded(456'849), 456.8);
}

}  // namespace
}  // namespace ldn::pharmacy
