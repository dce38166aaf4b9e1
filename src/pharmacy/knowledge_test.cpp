#include "pharmacy/knowledge.h"

#include <string>

#include <gtest/gtest.h>

#include "core/knowledge_files.h"

namespace ldn::pharmacy {
namespace {

std::string File(const char* name) {
  auto t = KnowledgeFileText(name);
  EXPECT_TRUE(t.ok()) << name;
  return t.ok() ? std::string(*t) : std::string();
}

TEST(CompoundingKnowledgeTest, EmbeddedFilesLoad) {
  const auto& k = LoadCompoundingKnowledge();
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_EQ(k->capsule_sizes.size(), 8u);
  EXPECT_EQ(k->bud_rules.size(), 4u);
  EXPECT_EQ(DefaultFiller(*k).id, "microcrystalline-cellulose");
  EXPECT_EQ(k->tablet.strength.micrograms_hcl(), 50'000);
  EXPECT_NE(k->versions.find("bud.json 20"), std::string::npos);
  // The #3 capsule: 0.30 mL holding ~84-150 mg of MCC (loose 0.28 to tapped 0.50 g/mL, Avicel
  // technical data; issue 11, 6c), not the 200-225 mg quoted for lactose.
  auto c3 = FindCapsuleSize(*k, "#3", "--capsule-size");
  ASSERT_TRUE(c3.ok());
  EXPECT_DOUBLE_EQ(c3->volume_ml, 0.30);
  EXPECT_NEAR(c3->typical_fill_low_mg, 84, 0.5);
  EXPECT_NEAR(c3->typical_fill_high_mg, 150, 0.5);
  // Class A: sensitivity 6 mg, MWQ 6 / 5% = 120 mg (USP <1176>).
  auto a = FindBalance(*k, "class-a", "--balance");
  ASSERT_TRUE(a.ok());
  EXPECT_DOUBLE_EQ(a->mwq_mg, a->sensitivity_mg / (k->weighing_error_pct / 100));
}

TEST(CompoundingKnowledgeTest, LookupsNameTheFieldAndListValidValues) {
  const CompoundingKnowledge& k = *LoadCompoundingKnowledge();
  auto size = FindCapsuleSize(k, "6", "--capsule-size");
  ASSERT_FALSE(size.ok());
  EXPECT_EQ(size.status().field(), "--capsule-size");
  EXPECT_NE(size.status().message().find("000, 00, 0, 1, 2, 3, 4, 5"), std::string::npos);
  auto filler = FindFiller(k, "Calcium Carbonate", "--filler");
  ASSERT_TRUE(filler.ok());  // found, but refused: the caller reports the reason
  EXPECT_FALSE(filler->allowed);
  EXPECT_NE(filler->reason.find("absorption"), std::string::npos);
  EXPECT_EQ(FindFiller(k, "AVICEL", "--filler")->id, "microcrystalline-cellulose");
  auto unknown = FindFiller(k, "talc", "--filler");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message().find("calcium"), std::string::npos) << "refused fillers are not offered";
  EXPECT_EQ(FindBalance(k, "kitchen", "--balance").status().field(), "--balance");
}

TEST(CompoundingKnowledgeTest, MalformedFilesAreRejectedWithFileAndField) {
  const std::string caps = File("capsules.json"), exc = File("excipients.json"), form = File("formulations.json"),
                    bud = File("bud.json");
  ASSERT_TRUE(ParseCompoundingKnowledge(caps, exc, form, bud).ok());
  // An unknown key.
  std::string bad = bud;
  bad.replace(bad.find("\"days\": 14"), 10, "\"dayz\": 14");
  auto r = ParseCompoundingKnowledge(caps, exc, form, bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field().rfind("bud.json: entries[0]", 0), 0u) << r.status().ToString();
  // A missing category.
  bad = bud;
  bad.replace(bad.find("\"id\": \"solid\""), 13, "\"id\": \"xsolid\"");
  r = ParseCompoundingKnowledge(caps, exc, form, bad);
  ASSERT_FALSE(r.ok());
  // Not JSON at all.
  r = ParseCompoundingKnowledge("{", exc, form, bud);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "capsules.json");
}

TEST(CompoundingKnowledgeTest, ParsesEnumsStrictly) {
  EXPECT_EQ(*ParseStorage("fridge", "--storage"), Storage::kFridge);
  EXPECT_EQ(ParseStorage("cold", "--storage").status().field(), "--storage");
  EXPECT_EQ(*ParseBudCategory("nonaqueous-liquid", "--type"), BudCategory::kNonAqueousLiquid);
  EXPECT_FALSE(ParseBudCategory("Solid", "--type").ok());
  for (BudCategory c : {BudCategory::kAqueousUnpreserved, BudCategory::kAqueousPreserved,
                        BudCategory::kNonAqueousLiquid, BudCategory::kSolid}) {
    EXPECT_EQ(*ParseBudCategory(BudCategoryId(c), "x"), c);
  }
}

}  // namespace
}  // namespace ldn::pharmacy
