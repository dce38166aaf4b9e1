#include "pharmacy/capsules.h"

#include <gtest/gtest.h>

namespace ldn::pharmacy {
namespace {

const CompoundingKnowledge& K() {
  return *LoadCompoundingKnowledge();
}

CapsuleRequest WorkedExample() {
  CapsuleRequest r;
  r.strength = Dose::FromMicrogramsHcl(4500);
  r.count = 100;
  r.source = DrugSource::kApi;
  r.coa = Coa{99.5, 1.0};
  r.capsule_size = "3";
  r.fill_weight_mg = 200;
  r.dispensing.prepared = date::year{2026} / 11 / 22;
  return r;
}

TEST(CapsulesTest, MassBalanceHolds) {
  auto b = CompoundCapsules(K(), WorkedExample());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->drug_powder_ug + b->filler_ug, b->total_powder_ug);
  EXPECT_EQ(b->api_hcl_ug, 450'000);
  EXPECT_EQ(b->drug_powder_ug, 456'830);
  EXPECT_EQ(b->prep.api_ug, 456'830);
  EXPECT_EQ(b->prep.weighings.size(), 2u);
  EXPECT_FALSE(b->prep.solid_aliquot.has_value());
}

TEST(CapsulesTest, LabelCarriesSaltBaseFormQuantityBudStorageStatementAndDirections) {
  CapsuleRequest r = WorkedExample();
  r.dispensing.patient = "Ada Lovelace";
  r.dispensing.when = "at bedtime";
  auto b = CompoundCapsules(K(), r);
  ASSERT_TRUE(b.ok());
  const Label& l = b->prep.label;
  EXPECT_EQ(l.product, "Naltrexone HCl 4.5 mg capsules");
  EXPECT_EQ(l.strength, "Each capsule: naltrexone hydrochloride 4.5 mg (= 4.07 mg naltrexone base)");
  EXPECT_EQ(l.quantity, "100 capsules");
  EXPECT_EQ(l.bud, "2027-05-21");
  EXPECT_NE(l.directions.find("at bedtime"), std::string::npos);
  EXPECT_NE(l.compounded_statement.find("compounded"), std::string::npos);
  ASSERT_FALSE(l.warnings.empty());
  EXPECT_NE(l.warnings[0].find("opioid"), std::string::npos);
  const std::vector<std::string> lines = LabelLines(l);
  EXPECT_NE(lines[0].find(b->prep.batch_id), std::string::npos);
  EXPECT_EQ(lines[1], "Patient: Ada Lovelace");
}

TEST(CapsulesTest, BatchIdIsStableAndDependsOnTheRequest) {
  auto a = CompoundCapsules(K(), WorkedExample());
  auto b = CompoundCapsules(K(), WorkedExample());
  CapsuleRequest other = WorkedExample();
  other.count = 60;
  auto c = CompoundCapsules(K(), other);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->prep.batch_id, b->prep.batch_id);
  EXPECT_NE(a->prep.batch_id, c->prep.batch_id);
  EXPECT_EQ(a->prep.batch_id.rfind("LDN-20261122-", 0), 0u);
  CapsuleRequest named = WorkedExample();
  named.dispensing.batch_id = "B-2026/1";
  EXPECT_EQ(CompoundCapsules(K(), named).status().field(), "--batch-id");
}

TEST(CapsulesTest, LabelTextMustBeUtf8) {
  // Found by fuzz_compound: a lone continuation byte reached the JSON writer, which threw.
  CapsuleRequest r = WorkedExample();
  r.dispensing.patient =
      "Ann\x82"
      "e";
  EXPECT_EQ(CompoundCapsules(K(), r).status().field(), "--patient");
  r = WorkedExample();
  r.dispensing.directions = "Take \xc3";
  EXPECT_EQ(CompoundCapsules(K(), r).status().field(), "--directions");
  r = WorkedExample();
  r.dispensing.patient = "Ann\xc3\xa6 S\xc3\xb8rensen";  // æ, ø
  EXPECT_TRUE(CompoundCapsules(K(), r).ok());
}

TEST(CapsulesTest, RejectsMisplacedOptions) {
  CapsuleRequest r = WorkedExample();
  r.tablet_weight_mg = 250;
  EXPECT_EQ(CompoundCapsules(K(), r).status().field(), "--tablet-weight");
  r = WorkedExample();
  r.source = DrugSource::kTablets;
  r.tablet_weight_mg = 250;
  EXPECT_EQ(CompoundCapsules(K(), r).status().field(), "--assay");
  r = WorkedExample();
  r.coa.reset();
  EXPECT_EQ(CompoundCapsules(K(), r).status().field(), "--assay");
  r = WorkedExample();
  r.coa = Coa{99.5, 50};
  EXPECT_EQ(CompoundCapsules(K(), r).status().field(), "--water");
  r = WorkedExample();
  r.overage_pct = 30;
  EXPECT_EQ(CompoundCapsules(K(), r).status().field(), "--overage");
  r = WorkedExample();
  r.strength = Dose::FromMicrogramsHcl(50'001);
  EXPECT_EQ(CompoundCapsules(K(), r).status().field(), "--strength");
}

TEST(CapsulesTest, TinyBatchTooSmallForTheAliquotMethod) {
  CapsuleRequest r = WorkedExample();
  r.strength = Dose::FromMicrogramsHcl(500);
  r.count = 1;
  r.capsule_size = "5";
  r.fill_weight_mg = 80;
  auto b = CompoundCapsules(K(), r);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().field(), "--count");
  r.balance = "analytical";  // MWQ 4 mg: 0.5 mg still below, but the aliquot fits the capsule
  b = CompoundCapsules(K(), r);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE(b->prep.solid_aliquot.has_value());
  EXPECT_EQ(b->prep.solid_aliquot->factor, 8);
}

}  // namespace
}  // namespace ldn::pharmacy
