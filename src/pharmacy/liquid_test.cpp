#include "pharmacy/liquid.h"

#include <gtest/gtest.h>

namespace ldn::pharmacy {
namespace {

const CompoundingKnowledge& K() {
  return *LoadCompoundingKnowledge();
}
const LocalDate kDay = date::year{2026} / 11 / 22;

LiquidRequest Fawcett() {
  LiquidRequest r;
  r.concentration_per_ml = Dose::FromMicrogramsHcl(1000);
  r.volume_ml = 100;
  r.source = DrugSource::kTablets;
  r.dispensing.prepared = kDay;
  return r;
}

TEST(LiquidTest, DoseVolumeRoundsHalfUpLikeThePlan) {
  const Dose c = Dose::FromMicrogramsHcl(1000);
  EXPECT_EQ(DoseVolumeCentiMl(Dose::FromMicrogramsHcl(4500), c), 450);  // 4.5 mg = 4.5 mL
  EXPECT_EQ(DoseVolumeCentiMl(Dose::FromMicrogramsHcl(5), c), 1);       // 0.005 mL -> 0.01 (half up)
  EXPECT_EQ(DoseVolumeCentiMl(Dose::FromMicrogramsHcl(4), c), 0);
  EXPECT_EQ(DoseVolumeCentiMl(Dose::FromMicrogramsHcl(1000), Dose::FromMicrogramsHcl(3000)), 33);
}

TEST(LiquidTest, TheVehicleScalesWithVolumeNotConcentration) {
  LiquidRequest r = Fawcett();
  r.concentration_per_ml = Dose::FromMicrogramsHcl(5000);
  r.volume_ml = 30;
  auto b = CompoundLiquid(K(), r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->tablets, 3);
  ASSERT_EQ(b->prep.ingredients.size(), 5u);
  EXPECT_EQ(*b->prep.ingredients[1].amount_ug, 150'000);   // ascorbic acid 0.5 g / 100 mL
  EXPECT_EQ(*b->prep.ingredients[2].amount_ug, 30'000);    // sodium benzoate 0.1 g / 100 mL
  EXPECT_DOUBLE_EQ(*b->prep.ingredients[3].amount_ml, 6);  // glycerol 20 mL / 100 mL
}

TEST(LiquidTest, PartialTabletErrorSuggestsVolumes) {
  LiquidRequest r = Fawcett();
  r.concentration_per_ml = Dose::FromMicrogramsHcl(4500);
  r.volume_ml = 50;
  auto b = CompoundLiquid(K(), r);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().field(), "--volume");
  EXPECT_NE(b.status().message().find("4 tablets make 44.44 mL"), std::string::npos) << b.status().message();
  EXPECT_NE(b.status().message().find("5 tablets make 55.56 mL"), std::string::npos) << b.status().message();
}

TEST(LiquidTest, StepsAfterTheBudAreFlagged) {
  LiquidRequest r = Fawcett();
  r.storage = Storage::kRoom;  // 30 days (Fawcett 1997)
  r.volume_ml = 200;
  r.doses = {{Dose::FromMicrogramsHcl(1000), kDay, AddDays(kDay, 29)},
             {Dose::FromMicrogramsHcl(2000), AddDays(kDay, 30), AddDays(kDay, 31)},
             {Dose::FromMicrogramsHcl(3000), AddDays(kDay, 32), std::nullopt}};
  auto b = CompoundLiquid(K(), r);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->dose_volumes[0].after_bud);
  EXPECT_FALSE(b->dose_volumes[1].after_bud);  // starts on the BUD day itself
  EXPECT_TRUE(b->dose_volumes[2].after_bud);
  ASSERT_TRUE(b->supply_until.has_value());
  EXPECT_EQ(FormatDate(*b->supply_until), "2026-12-22");
  EXPECT_EQ(b->supply_limited_by, "bud");
  EXPECT_EQ(b->prep.label.directions.find("3 mL"), std::string::npos) << "no step after the BUD on the label";
}

TEST(LiquidTest, RejectsBadInputNamingTheField) {
  LiquidRequest r = Fawcett();
  r.volume_ml = 0;
  EXPECT_EQ(CompoundLiquid(K(), r).status().field(), "--volume");
  r = Fawcett();
  r.concentration_per_ml = Dose::FromMicrogramsHcl(0);
  EXPECT_EQ(CompoundLiquid(K(), r).status().field(), "--concentration");
  r = Fawcett();
  r.coa = Coa{100, 0};
  EXPECT_EQ(CompoundLiquid(K(), r).status().field(), "--assay");
  r = Fawcett();
  r.formula = "syrup";
  EXPECT_EQ(CompoundLiquid(K(), r).status().field(), "--formula");
  HomeDilutionRequest h;
  h.dispensing.prepared = kDay;
  h.water_ml = 5;
  EXPECT_EQ(PrepareHomeDilution(K(), h).status().field(), "--volume");
}

TEST(LiquidTest, HomeDilutionListsEveryRiskWithItsSource) {
  HomeDilutionRequest h;
  h.dispensing.prepared = kDay;
  auto d = PrepareHomeDilution(K(), h);
  ASSERT_TRUE(d.ok());
  EXPECT_GE(d->risks.size(), 6u);
  for (const Risk& r : d->risks) EXPECT_FALSE(r.source.empty()) << r.id;
  EXPECT_NE(d->prep.label.compounded_statement.find("NOT a compounded preparation"), std::string::npos);
  EXPECT_EQ(d->prep.bud.days, 14);
  EXPECT_EQ(d->prep.bud.storage, Storage::kFridge);
}

}  // namespace
}  // namespace ldn::pharmacy
