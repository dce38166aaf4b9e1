#include "pharmacy/batch_record.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ldn::pharmacy {
namespace {

using ::testing::HasSubstr;

const CompoundingKnowledge& Kb() {
  const auto& kb = LoadCompoundingKnowledge();
  EXPECT_TRUE(kb.ok()) << kb.status().ToString();
  return *kb;
}

std::vector<Weighing> Targets() {
  return {{"powder of 50 mg naltrexone HCl tablets", 1'620'000, false, 1},
          {"microcrystalline cellulose (Avicel PH-105)", 13'380'000, false, 1}};
}

TEST(MeasuredWeighings, WithinTheKnowledgeBasesToleranceAreKeptWithTheirDeviation) {
  const auto r = CheckMeasuredWeighings(Kb(), Targets(), {1625.3, 13300.0}, "measurements.weighings_mg");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(r->at(0).measured_ug, 1'625'300);
  EXPECT_NEAR(r->at(0).deviation_pct, 0.3272, 1e-3);
  EXPECT_NEAR(r->at(1).deviation_pct, -0.5979, 1e-3);
  EXPECT_EQ(r->at(0).limit_pct, Kb().weighing_error_pct);
}

TEST(MeasuredWeighings, TheLimitIsInclusiveAndBeyondItTheFieldIsNamed) {
  EXPECT_EQ(Kb().weighing_error_pct, 5);  // data/formulations.json, USP <1176>
  EXPECT_TRUE(CheckMeasuredWeighings(Kb(), Targets(), {1701.0, 13380.0}, "w").ok());  // +5.0%
  const auto high = CheckMeasuredWeighings(Kb(), Targets(), {1701.1, 13380.0}, "w");
  EXPECT_EQ(high.status().field(), "w[0]");
  EXPECT_THAT(high.status().message(), HasSubstr("+5.0%"));
  EXPECT_THAT(high.status().message(), HasSubstr("weigh again"));
  const auto low = CheckMeasuredWeighings(Kb(), Targets(), {1620.0, 12000.0}, "w");
  EXPECT_EQ(low.status().field(), "w[1]");
  EXPECT_THAT(low.status().message(), HasSubstr("-10.3%"));
  EXPECT_EQ(CheckMeasuredWeighings(Kb(), Targets(), {1620.0}, "w").status().field(), "w");
  EXPECT_EQ(CheckMeasuredWeighings(Kb(), Targets(), {0, 13380.0}, "w").status().field(), "w[0]");
}

// Golden sets whose acceptance values R computed from USP <905>'s formulas
// (tests/oracles/usp905_reference.R).
TEST(CapsuleWeightVariation, MatchesTheROracleOnEveryGoldenSet) {
  std::ifstream in(std::filesystem::path(LDN_SOURCE_DIR) / "tests" / "golden" / "pharmacy" / "usp905.json");
  ASSERT_TRUE(in) << "tests/golden/pharmacy/usp905.json";
  const nlohmann::json cases = nlohmann::json::parse(in);
  ASSERT_EQ(cases.size(), 6u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const auto v = CapsuleWeightVariation(c["weights_mg"].get<std::vector<double>>(), c["assay_pct"].get<double>(),
                                          "qc.capsule_weights_mg");
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_NEAR(v->av, c["av"].get<double>(), 1e-9);
    EXPECT_NEAR(v->x_mean, c["x_mean_pct"].get<double>(), 1e-9);
    EXPECT_NEAR(v->s, c["s_pct"].get<double>(), 1e-9);
    EXPECT_NEAR(v->m, c["m_pct"].get<double>(), 1e-9);
    EXPECT_EQ(v->passes, c["passes"].get<bool>());
  }
}

TEST(CapsuleWeightVariation, SaysWhatToDoNextAndRefusesOtherCounts) {
  std::vector<double> loose = {256.4, 220.9, 249.2, 232.8, 257.0, 216.8, 226.5, 260.0, 217.1, 200.3};
  const auto v = CapsuleWeightVariation(loose, 100, "qc.capsule_weights_mg");
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->passes);
  EXPECT_THAT(v->verdict, HasSubstr("weigh 20 more"));
  EXPECT_EQ(CapsuleWeightVariation({250, 251}, 100, "qc.capsule_weights_mg").status().field(), "qc.capsule_weights_mg");
  loose[3] = -1;
  EXPECT_EQ(CapsuleWeightVariation(loose, 100, "qc.capsule_weights_mg").status().field(), "qc.capsule_weights_mg[3]");
  loose[3] = 250;
  EXPECT_EQ(CapsuleWeightVariation(loose, 20, "qc.capsule_weights_mg").status().field(), "assay_pct");
  // Identical capsules: s = 0, AV = 0.
  const auto same = CapsuleWeightVariation(std::vector<double>(10, 250.0), 100, "w");
  EXPECT_DOUBLE_EQ(same->av, 0.0);
  EXPECT_TRUE(same->passes);
}

}  // namespace
}  // namespace ldn::pharmacy
