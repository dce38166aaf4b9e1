#include "core/dose.h"

#include <gtest/gtest.h>

namespace ldn {
namespace {

TEST(DoseTest, MilligramsToMicrograms) {
  EXPECT_EQ(Dose::FromMilligramsHcl(4.5, "dose")->micrograms_hcl(), 4500);
  EXPECT_EQ(Dose::FromMilligramsHcl(0.1, "dose")->micrograms_hcl(), 100);
  EXPECT_EQ(Dose::FromMilligramsHcl(0.001, "dose")->micrograms_hcl(), 1);
  EXPECT_EQ(Dose::FromMilligramsHcl(0, "dose")->micrograms_hcl(), 0);
}

TEST(DoseTest, RefusesFinerThanAMicrogramNegativeAndNonFinite) {
  auto fine = Dose::FromMilligramsHcl(1.0005, "dose_mg");
  ASSERT_FALSE(fine.ok());
  EXPECT_EQ(fine.status().field(), "dose_mg");
  EXPECT_FALSE(Dose::FromMilligramsHcl(-1, "d").ok());
  EXPECT_FALSE(Dose::FromMilligramsHcl(std::numeric_limits<double>::quiet_NaN(), "d").ok());
}

// pharmacology-facts.md A2: "4.5 mg HCl = 4.07 mg base"; 50 mg HCl = 45.2 mg base.
TEST(DoseTest, SaltToBase) {
  EXPECT_NEAR(Dose::FromMicrogramsHcl(4500).milligrams_base(), 4.07, 0.005);
  EXPECT_NEAR(Dose::FromMicrogramsHcl(50000).milligrams_base(), 45.17, 0.01);
}

TEST(DoseTest, Formatting) {
  EXPECT_EQ(Dose::FromMicrogramsHcl(4500).FormatMg(), "4.5");
  EXPECT_EQ(Dose::FromMicrogramsHcl(6000).FormatMg(), "6");
  EXPECT_EQ(Dose::FromMicrogramsHcl(250).ToString(), "0.25 mg naltrexone HCl");
}

}  // namespace
}  // namespace ldn
