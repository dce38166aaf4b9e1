#include "pharmacy/order.h"

#include <gtest/gtest.h>

namespace ldn::pharmacy {
namespace {

LocalDate D(const char* text) {
  return *ParseDate(text, "date");
}

Dose Mg(double mg) {
  return *Dose::FromMilligramsHcl(mg, "mg");
}

// The LDN Research Trust standard titration (data/protocols.json, ldnrt-standard): 1, 2, 3, 4 mg
// for 7 days each, then 4.5 mg, at bedtime, from 2026-12-01.
std::vector<OrderStep> Standard() {
  std::vector<OrderStep> steps;
  LocalDate d = D("2026-12-01");
  for (double mg : {1.0, 2.0, 3.0, 4.0}) {
    steps.push_back({d, AddDays(d, 6), Mg(mg), "bedtime"});
    d = AddDays(d, 7);
  }
  steps.push_back({d, std::nullopt, Mg(4.5), "bedtime"});
  return steps;
}

OrderRequest Liquid() {
  OrderRequest r;
  r.form = OrderForm::kLiquid;
  r.strength = Mg(1);
  r.steps = Standard();
  r.start = D("2026-12-01");
  r.days_supply = 28;
  r.bud_days = 60;
  return r;
}

TEST(OrderTest, LiquidQuantityIsThePlansDosesOverTheConcentration) {
  auto o = BuildOrder(Liquid());
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  // 7 x (1 + 2 + 3 + 4) mg = 70 mg in 28 days at 1 mg/mL: 70 mL.
  ASSERT_EQ(o->fills.size(), 1u);
  EXPECT_EQ(o->fills[0].quantity, 70);
  EXPECT_EQ(o->fills[0].dosing_days, 28);
  EXPECT_EQ(FormatDate(o->fills[0].to), "2026-12-28");
  ASSERT_EQ(o->lines.size(), 4u);  // the 4.5 mg step starts on day 29, after this fill
  EXPECT_EQ(LineText(*o, o->lines[2]), "2026-12-15 to 2026-12-21: 3 mg = 3 mL by mouth once daily at bedtime");
  // Four dated steps do not fit on a dispensing label (200 characters); the label's text does.
  EXPECT_GT(DirectionsText(*o).size(), kLabelDirectionsMax);
  EXPECT_EQ(LabelDirectionsText(*o),
            "Take by mouth once daily at bedtime: 1 mg = 1 mL from 2026-12-01, rising step by step to 4 mg = 4 mL from "
            "2026-12-22, as on the dated schedule.");
  EXPECT_LE(LabelDirectionsText(*o).size(), kLabelDirectionsMax);
}

TEST(OrderTest, RenewalsCoverLaterStepsAndRoundUpToWholeMillilitres) {
  OrderRequest r = Liquid();
  r.renewals = 2;
  r.renewal_interval_days = 28;
  auto o = BuildOrder(r);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  ASSERT_EQ(o->fills.size(), 3u);
  // Fills 2 and 3: 28 days of 4.5 mg = 126 mg -> 126 mL.
  EXPECT_EQ(o->fills[1].quantity, 126);
  EXPECT_EQ(FormatDate(o->fills[1].from), "2026-12-29");
  EXPECT_EQ(FormatDate(o->fills[2].to), "2027-02-22");  // 84 days from 1 Dec, inclusive
  EXPECT_EQ(o->lines.back().dose.micrograms_hcl(), 4500);
  // 0.75 mg/mL: 4.5 mg = 6 mL; 1 mg = 1.333 mL -> shown 1.33 mL, the total rounded up.
  r.strength = Mg(0.75);
  r.renewals = 0;
  o = BuildOrder(r);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->fills[0].quantity, 94);  // 70 mg / 0.75 = 93.33 -> 94 mL
  EXPECT_EQ(AmountText(*o, o->lines[0]), "1 mg = 1.33 mL");
}

TEST(OrderTest, CapsulesMustDivideEveryStep) {
  OrderRequest r = Liquid();
  r.form = OrderForm::kCapsule;
  r.strength = Mg(1.5);
  r.bud_days = 180;
  auto o = BuildOrder(r);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().field(), "formulation.strength_mg");
  EXPECT_NE(o.status().message().find("1 mg"), std::string::npos) << o.status().message();
  r.strength = Mg(0.5);
  r.days_supply = 35;
  o = BuildOrder(r);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  // 7 x (2 + 4 + 6 + 8) + 7 x 9 capsules of 0.5 mg = 140 + 63 = 203.
  EXPECT_EQ(o->fills[0].quantity, 203);
  EXPECT_EQ(o->unit, "capsules");
  EXPECT_EQ(AmountText(*o, o->lines[4]), "4.5 mg = 9 capsules");
}

TEST(OrderTest, SupplyIsBoundByTheBeyondUseDate) {
  OrderRequest r = Liquid();
  r.days_supply = 61;
  auto o = BuildOrder(r);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().field(), "days_supply");
  r.days_supply = 60;
  EXPECT_TRUE(BuildOrder(r).ok());
  r.renewals = 1;
  r.renewal_interval_days = 30;  // shorter than the supply: overlapping stock
  o = BuildOrder(r);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().field(), "renewals.interval_days");
  r.renewals = 13;
  r.renewal_interval_days = 60;
  EXPECT_EQ(BuildOrder(r).status().field(), "renewals.number");
  r.renewals = 7;  // 7 x 60 = 420 days: past a year
  EXPECT_EQ(BuildOrder(r).status().field(), "renewals.interval_days");
}

TEST(OrderTest, StartBeforeThePlanCountsOnlyDosingDays) {
  OrderRequest r = Liquid();
  r.start = D("2026-11-24");  // a week before the first dose
  auto o = BuildOrder(r);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->fills[0].dosing_days, 21);
  EXPECT_EQ(o->fills[0].quantity, 42);  // 7 x (1 + 2 + 3)
  r.start = D("2026-10-01");
  r.days_supply = 30;
  o = BuildOrder(r);
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().field(), "start");
}

TEST(OrderTest, BudOfTheFormulationComesFromTheKnowledgeBase) {
  const CompoundingKnowledge& k = *LoadCompoundingKnowledge();
  auto liquid = OrderBud(k, OrderForm::kLiquid, Mg(1), D("2026-12-01"));
  ASSERT_TRUE(liquid.ok());
  EXPECT_EQ(liquid->days, 60);  // Fawcett 1997, refrigerated (data/bud.json)
  auto capsules = OrderBud(k, OrderForm::kCapsule, Mg(0.5), D("2026-12-01"));
  ASSERT_TRUE(capsules.ok());
  EXPECT_EQ(capsules->days, 180);  // USP <795> solid
  auto json = OrderToJson(*BuildOrder(Liquid()));
  EXPECT_EQ(json["quantity"], 70);
  EXPECT_EQ(json["unit"], "mL");
  EXPECT_EQ(json["lines"].size(), 4u);
}

}  // namespace
}  // namespace ldn::pharmacy
