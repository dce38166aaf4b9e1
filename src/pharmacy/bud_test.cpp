#include "pharmacy/bud.h"

#include <gtest/gtest.h>

namespace ldn::pharmacy {
namespace {

const CompoundingKnowledge& K() {
  return *LoadCompoundingKnowledge();
}

BudRequest Request(BudCategory c, Storage s) {
  BudRequest r;
  r.category = c;
  r.storage = s;
  r.prepared = date::year{2026} / 12 / 31;
  return r;
}

TEST(BudTest, CountsFromThePreparationDayAcrossYearAndLeapDay) {
  auto b = ComputeBud(K(), Request(BudCategory::kAqueousUnpreserved, Storage::kFridge));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(FormatDate(b->date), "2027-01-14");
  BudRequest r = Request(BudCategory::kAqueousPreserved, Storage::kRoom);
  r.prepared = date::year{2028} / 2 / 1;  // 2028 is a leap year: Feb has 29 days
  b = ComputeBud(K(), r);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(FormatDate(b->date), "2028-03-07");
}

TEST(BudTest, StudyOverridesOnlyTheCoveredPreparation) {
  BudRequest r = Request(BudCategory::kAqueousPreserved, Storage::kFridge);
  r.formula = "fawcett-1997";
  r.preserved = true;
  r.concentration_per_ml = Dose::FromMicrogramsHcl(1000);
  auto b = ComputeBud(K(), r);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->days, 60);
  EXPECT_EQ(b->sources.size(), 2u);  // USP category and the study
  r.formula = "another-formula";     // same concentration, different vehicle: no study
  b = ComputeBud(K(), r);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->days, 35);
  EXPECT_FALSE(b->study.has_value());
}

TEST(BudTest, EarliestExpiryWinsRegardlessOfOrder) {
  BudRequest r = Request(BudCategory::kSolid, Storage::kRoom);
  r.component_expiries = {date::year{2027} / 3 / 1, date::year{2027} / 2 / 1, date::year{2028} / 1 / 1};
  auto b = ComputeBud(K(), r);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(FormatDate(b->date), "2027-02-01");
  EXPECT_TRUE(b->capped_by_component);
  EXPECT_NE(b->basis.find("earliest component expiry"), std::string::npos);
  const nlohmann::json j = BudToJson(*b);
  EXPECT_EQ(j["days"], 32);
  EXPECT_EQ(j["earliest_component_expiry"], "2027-02-01");
}

}  // namespace
}  // namespace ldn::pharmacy
