#include "pharmacy/twin.h"

#include <gtest/gtest.h>

#include "pharmacy/capsules.h"
#include "pharmacy/liquid.h"

namespace ldn::pharmacy {
namespace {

const CompoundingKnowledge& K() {
  return *LoadCompoundingKnowledge();
}

CapsuleRequest Active() {
  CapsuleRequest r;
  r.strength = Dose::FromMicrogramsHcl(4500);
  r.count = 100;
  r.source = DrugSource::kApi;
  r.coa = Coa{99.5, 1.0};
  r.capsule_size = "3";
  r.fill_weight_mg = 200;
  r.dispensing.prepared = date::year{2026} / 11 / 22;
  r.dispensing.patient = "P-0042";
  return r;
}

std::vector<std::string> WithoutCode(const Label& l, const std::string& code) {
  std::vector<std::string> lines = LabelLines(l);
  for (std::string& s : lines) {
    for (size_t at = s.find(code); at != std::string::npos; at = s.find(code)) s.replace(at, code.size(), "<CODE>");
  }
  return lines;
}

struct Pair {
  CapsuleBatch active, twin;
  LinkRecord link;
};

Pair MakePair(CapsuleRequest active_request) {
  CapsuleRequest twin_request = active_request;
  twin_request.placebo = true;
  auto a = CompoundCapsules(K(), active_request);
  auto t = CompoundCapsules(K(), twin_request);
  EXPECT_TRUE(a.ok() && t.ok());
  Pair p{*a, *t, {}};
  auto link = BlindPair(K(), p.active.prep, p.twin.prep, "N1-042-A7", "N1-042-Q3");
  EXPECT_TRUE(link.ok()) << link.status().ToString();
  p.link = *link;
  return p;
}

TEST(TwinTest, TwinIsTheSameFormulationWithoutApi) {
  Pair p = MakePair(Active());
  EXPECT_EQ(p.twin.total_powder_ug, p.active.total_powder_ug);
  EXPECT_EQ(p.twin.fill_weight_ug, p.active.fill_weight_ug);
  EXPECT_EQ(p.twin.filler_ug, p.active.total_powder_ug);
  EXPECT_EQ(p.twin.prep.api_ug, 0);
  EXPECT_EQ(p.twin.filler.id, p.active.filler.id);
  EXPECT_NE(p.twin.prep.batch_id, p.active.prep.batch_id);
}

TEST(TwinTest, BlindedLabelsAreIdenticalExceptTheCode) {
  Pair p = MakePair(Active());
  EXPECT_EQ(WithoutCode(p.active.prep.label, "N1-042-A7"), WithoutCode(p.twin.prep.label, "N1-042-Q3"));
  for (const Preparation* prep : {&p.active.prep, &p.twin.prep}) {
    const std::string all = nlohmann::json(LabelLines(prep->label)).dump();
    EXPECT_EQ(all.find(p.active.prep.batch_id), std::string::npos) << "no batch id on a blinded label";
    EXPECT_EQ(all.find(p.twin.prep.batch_id), std::string::npos);
    EXPECT_NE(all.find("or placebo"), std::string::npos);
    EXPECT_NE(all.find("opioid"), std::string::npos) << "the pack may contain naltrexone: the warning stays";
    EXPECT_TRUE(prep->label.blinded);
    EXPECT_TRUE(LabelToJson(prep->label)["strength_mg_hcl"].is_null());
  }
  // The label JSON too differs only by the code.
  std::string a = LabelToJson(p.active.prep.label).dump(), t = LabelToJson(p.twin.prep.label).dump();
  for (size_t at = a.find("N1-042-A7"); at != std::string::npos; at = a.find("N1-042-A7")) a.replace(at, 9, "X");
  for (size_t at = t.find("N1-042-Q3"); at != std::string::npos; at = t.find("N1-042-Q3")) t.replace(at, 9, "X");
  EXPECT_EQ(a, t);
}

TEST(TwinTest, BothPacksGetTheEarlierBud) {
  CapsuleRequest a = Active();
  CapsuleRequest t = Active();
  t.placebo = true;
  t.dispensing.component_expiries = {date::year{2027} / 1 / 10};  // e.g. the placebo's capsule shells
  auto active = CompoundCapsules(K(), a);
  auto twin = CompoundCapsules(K(), t);
  ASSERT_TRUE(active.ok() && twin.ok());
  ASSERT_NE(active->prep.bud.date, twin->prep.bud.date);
  auto link = BlindPair(K(), active->prep, twin->prep, "K1", "K2");
  ASSERT_TRUE(link.ok());
  EXPECT_EQ(active->prep.label.bud, "2027-01-10");
  EXPECT_EQ(twin->prep.label.bud, "2027-01-10");
  EXPECT_EQ(active->prep.bud.days, 49);
  EXPECT_EQ(link->shared_bud, "2027-01-10");
}

TEST(TwinTest, LinkRecordIsForThePharmacyOnly) {
  Pair p = MakePair(Active());
  const nlohmann::json j = LinkRecordToJson(p.link);
  EXPECT_EQ(j["visibility"], "pharmacy-only");
  EXPECT_EQ(j["readable_by"], nlohmann::json::array({"pharmacist"}));
  EXPECT_EQ(j["active"]["batch_id"], p.active.prep.batch_id);
  EXPECT_EQ(j["placebo"]["batch_id"], p.twin.prep.batch_id);
  EXPECT_EQ(j["placebo"]["blinding_code"], "N1-042-Q3");
  EXPECT_NE(p.twin.prep.confidentiality.find("PHARMACY ONLY"), std::string::npos);
}

TEST(TwinTest, RefusesCodesThatWouldUnblind) {
  for (auto [a, t, field] :
       std::vector<std::tuple<std::string, std::string, std::string>>{{"", "B", "--blinding-code"},
                                                                      {"A", "", "--twin-blinding-code"},
                                                                      {"A", "A", "--twin-blinding-code"},
                                                                      {"PLACEBO-1", "B", "--blinding-code"},
                                                                      {"A", "x-Placebo", "--twin-blinding-code"},
                                                                      {"Active7", "B", "--blinding-code"},
                                                                      {"A B", "C", "--blinding-code"}}) {
    CapsuleRequest tr = Active();
    tr.placebo = true;
    auto active = CompoundCapsules(K(), Active());
    auto twin = CompoundCapsules(K(), tr);
    ASSERT_TRUE(active.ok() && twin.ok());
    auto link = BlindPair(K(), active->prep, twin->prep, a, t);
    ASSERT_FALSE(link.ok()) << a << "/" << t;
    EXPECT_EQ(link.status().field(), field) << a << "/" << t;
  }
}

TEST(TwinTest, LiquidTwinWarnsAboutTaste) {
  LiquidRequest r;
  r.concentration_per_ml = Dose::FromMicrogramsHcl(1000);
  r.volume_ml = 100;
  r.source = DrugSource::kTablets;
  r.dispensing.prepared = date::year{2026} / 11 / 22;
  LiquidRequest tr = r;
  tr.placebo = true;
  auto a = CompoundLiquid(K(), r);
  auto t = CompoundLiquid(K(), tr);
  ASSERT_TRUE(a.ok() && t.ok());
  EXPECT_EQ(t->prep.api_ug, 0);
  EXPECT_EQ(t->prep.ingredients.size(), a->prep.ingredients.size() - 1);
  ASSERT_TRUE(BlindPair(K(), a->prep, t->prep, "C-1", "C-2").ok());
  EXPECT_EQ(WithoutCode(a->prep.label, "C-1"), WithoutCode(t->prep.label, "C-2"));
  const std::string w = nlohmann::json(t->prep.warnings).dump();
  EXPECT_NE(w.find("bitter"), std::string::npos);
}

}  // namespace
}  // namespace ldn::pharmacy
