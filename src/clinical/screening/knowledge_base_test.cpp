#include "clinical/screening/knowledge_base.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/knowledge_files.h"

namespace ldn::clinical {
namespace {

const DrugKnowledgeBase& Kb() {
  auto kb = DrugKnowledgeBase::Embedded();
  EXPECT_TRUE(kb.ok()) << kb.status().ToString();
  return **kb;
}

TEST(NormalizeNameTest, KeepsLowercaseAlphanumericsAndFoldsAccents) {
  EXPECT_EQ(NormalizeName("CO-CODAMOL"), "cocodamol");
  EXPECT_EQ(NormalizeName("Tylenol #3"), "tylenol3");
  EXPECT_EQ(NormalizeName("Dafalgan Codéine"), "dafalgancodeine");
  EXPECT_EQ(NormalizeName("  "), "");
}

TEST(KnowledgeBaseTest, EmbeddedDataLoads) {
  const DrugKnowledgeBase& kb = Kb();
  EXPECT_FALSE(kb.drugs_version().empty());
  EXPECT_FALSE(kb.conditions_version().empty());
  EXPECT_FALSE(kb.jurisdictions_version().empty());
  EXPECT_GE(kb.product_versions().size(), 8u);
  EXPECT_EQ(kb.Washout(OpioidClass::kShortActing).days, 10);
  EXPECT_EQ(kb.Washout(OpioidClass::kMethadone).days, 14);
  EXPECT_EQ(kb.recent_opioid_window().days, 90);
}

// Acceptance (issue 11): at least 400 opioid product names (brands + generics) across the markets.
TEST(KnowledgeBaseTest, CoversAtLeast400OpioidProductNamesAcrossTheMarkets) {
  const DrugKnowledgeBase& kb = Kb();
  std::set<std::string> product_names;
  std::map<std::string, int> per_market;
  for (size_t i = 0; i < kb.products().size(); ++i) {
    const Product& p = kb.products()[i];
    if (!kb.EntryIsOpioid(EntryRef{EntryRef::Kind::kProduct, i})) continue;
    product_names.insert(NormalizeName(p.name));
    for (const std::string& a : p.aliases) product_names.insert(NormalizeName(a));
    for (const std::string& m : p.markets) ++per_market[m];
  }
  EXPECT_GE(product_names.size(), 400u);
  for (const char* m :
       {"us", "ca", "uk", "ie", "dk", "se", "no", "fi", "fr", "be", "de", "nl", "es", "it", "au", "nz"}) {
    EXPECT_GE(per_market[m], 10) << m;
  }
  std::cout << "opioid product names: " << product_names.size()
            << "; opioid names incl. ingredients: " << kb.OpioidNames().size() << "\n";
}

TEST(KnowledgeBaseTest, EveryRequiredOpioidIsRecognisedAsAnOpioid) {
  const DrugKnowledgeBase& kb = Kb();
  for (const char* name : {"morphine",
                           "codeine",
                           "dihydrocodeine",
                           "hydrocodone",
                           "oxycodone",
                           "hydromorphone",
                           "oxymorphone",
                           "fentanyl",
                           "sufentanil",
                           "alfentanil",
                           "remifentanil",
                           "pethidine",
                           "meperidine",
                           "tramadol",
                           "tapentadol",
                           "methadone",
                           "levomethadone",
                           "levorphanol",
                           "buprenorphine",
                           "butorphanol",
                           "nalbuphine",
                           "pentazocine",
                           "diamorphine",
                           "dipipanone",
                           "meptazinol",
                           "piritramide",
                           "tilidine",
                           "dextropropoxyphene",
                           "diphenoxylate",
                           "difenoxin",
                           "opium",
                           "paregoric",
                           "pholcodine",
                           "ethylmorphine",
                           "benzhydrocodone",
                           "oliceridine",
                           "eluxadoline",
                           "ketobemidone",
                           "tianeptine",
                           "kratom",
                           "mitragynine",
                           "7-hydroxymitragynine",
                           "7-OH",
                           "OxyContin",
                           "Percocet",
                           "Endocet",
                           "Roxicodone",
                           "Vicodin",
                           "Norco",
                           "Hysingla ER",
                           "MS Contin",
                           "Kadian",
                           "Oramorph",
                           "Zomorph",
                           "Duragesic",
                           "Durogesic",
                           "Fentora",
                           "Dilaudid",
                           "Ultram",
                           "Zydol",
                           "ConZip",
                           "Nucynta",
                           "Palexia",
                           "Dolophine",
                           "Physeptone",
                           "Suboxone",
                           "Sublocade",
                           "Butrans",
                           "Buvidal",
                           "Targin",
                           "Tylenol #3",
                           "Tylenol No. 1",
                           "Tylenol 2",
                           "co-codamol",
                           "Solpadeine",
                           "Nurofen Plus",
                           "co-dydramol",
                           "Ultracet",
                           "Tramacet",
                           "Zaldiar",
                           "codeine linctus",
                           "Robitussin AC",
                           "Tuzistra XR",
                           "Hycodan",
                           "Tussionex",
                           "Ketogan",
                           "Kodimagnyl",
                           "Pinex Forte",
                           "Panocod",
                           "Treo comp",
                           "Paralgin forte",
                           "Panacod",
                           "Dropizol",
                           "Dafalgan Codéine",
                           "Efferalgan codeine",
                           "Codoliprane",
                           "Lamaline",
                           "Ixprim",
                           "Skenan",
                           "Néo-Codion",
                           "Valoron N",
                           "Tramal",
                           "Oxygesic",
                           "L-Polamidon",
                           "Gelocatil Codeína",
                           "Adolonta",
                           "Tachidol",
                           "Depalgos",
                           "Panadeine Forte",
                           "Endone",
                           "Mersyndol",
                           "Embeda",
                           "Seglentis",
                           "Apadaz",
                           "Stablon",
                           "Ultiva",
                           "Sufenta",
                           "Dsuvia",
                           "Olinvyk",
                           "Kaolin and Morphine Mixture",
                           "Lomotil",
                           "co-phenotrope",
                           "Motofen",
                           "Viberzi",
                           "Atasol-30",
                           "Robaxacet-8",
                           "Fiorinal C 1/4"}) {
    const NameAnalysis a = kb.AnalyseMedication(name);
    EXPECT_TRUE(a.Opioid()) << name;
    EXPECT_TRUE(a.remainder.empty()) << name;
  }
}

TEST(KnowledgeBaseTest, ReadsOpioidsAnywhereInAName) {
  const DrugKnowledgeBase& kb = Kb();
  const NameAnalysis h = kb.AnalyseMedication("Hydrocodone/APAP 5/325");
  ASSERT_TRUE(h.Opioid());
  EXPECT_TRUE(h.remainder.empty());
  const NameAnalysis z = kb.AnalyseMedication("Zorbex with codeine");
  ASSERT_TRUE(z.Opioid());
  EXPECT_EQ(z.remainder, std::vector<std::string>{"Zorbex"});
  const NameAnalysis k = kb.AnalyseMedication("kratom powder");
  ASSERT_TRUE(k.Opioid());
  EXPECT_EQ(kb.WashoutFor(k)->opioid_class, OpioidClass::kLongActing);
  EXPECT_EQ(kb.WashoutFor(kb.AnalyseMedication("morphine ER 30 mg"))->opioid_class, OpioidClass::kLongActing);
  EXPECT_EQ(kb.WashoutFor(kb.AnalyseMedication("morphine 10 mg"))->opioid_class, OpioidClass::kShortActing);
  EXPECT_EQ(kb.WashoutFor(kb.AnalyseMedication("Methadone mixture 1mg/ml"))->opioid_class, OpioidClass::kMethadone);
  EXPECT_TRUE(kb.AnalyseMedication("remifentanil infusion").Opioid());
  EXPECT_TRUE(kb.AnalyseMedication("fentanyl PCA").Opioid());
  EXPECT_TRUE(kb.AnalyseMedication("morphine epidural").Opioid());
  EXPECT_FALSE(kb.AnalyseMedication("duloxetine 60 mg").Opioid());
  EXPECT_FALSE(kb.AnalyseMedication("oxycodine").Recognised());  // never a fuzzy match
  EXPECT_FALSE(kb.AnalyseMedication("5 mg").Recognised());
}

TEST(KnowledgeBaseTest, ADroppedNumberOrVariantWordIsAmbiguousNeverPlain) {
  const DrugKnowledgeBase& kb = Kb();
  EXPECT_TRUE(kb.AnalyseMedication("Tylenol").ambiguities.empty());
  EXPECT_FALSE(kb.AnalyseMedication("Tylenol").Opioid());
  EXPECT_TRUE(kb.AnalyseMedication("Tylenol 500 mg").ambiguities.empty());
  EXPECT_TRUE(kb.AnalyseMedication("Tylenol PM").ambiguities.empty());
  const NameAnalysis t5 = kb.AnalyseMedication("Tylenol #5");
  ASSERT_EQ(t5.ambiguities.size(), 1u);
  EXPECT_EQ(t5.ambiguities[0].dropped, "#5");
  EXPECT_FALSE(t5.ambiguities[0].opioid_members.empty());
  ASSERT_EQ(kb.AnalyseMedication("Nurofen Ultra").ambiguities.size(), 1u);
  ASSERT_EQ(kb.AnalyseMedication("Treo forte").ambiguities.size(), 1u);
  EXPECT_TRUE(kb.AnalyseMedication("Tylenol #2").Opioid());
  EXPECT_TRUE(kb.AnalyseMedication("Tylenol-1").Opioid());
}

TEST(KnowledgeBaseTest, ReadsConditionPatternsAndSeverityWords) {
  const DrugKnowledgeBase& kb = Kb();
  auto first = [&](std::string_view text) {
    const ConditionAnalysis a = kb.AnalyseCondition(text);
    return a.hits.empty() ? std::string() : a.hits[0].condition;
  };
  EXPECT_EQ(first("eGFR 25"), "severe_renal_impairment");
  EXPECT_EQ(first("eGFR of 45 mL/min"), "egfr_below_59");
  EXPECT_EQ(first("GFR > 60"), "egfr_59_or_more");
  EXPECT_EQ(first("ALT 4x ULN"), "liver_enzymes_above_2x_uln");
  EXPECT_EQ(first("ALT 1.5 x ULN"), "liver_enzymes_within_2x_uln");
  EXPECT_EQ(first("ALT 3 times the upper limit of normal"), "liver_enzymes_above_2x_uln");
  EXPECT_EQ(first("ALT 45 U/L (ULN 40)"), "liver_enzymes_value_without_uln");
  EXPECT_EQ(first("Child-Pugh C"), "liver_failure");
  EXPECT_EQ(first("Child-Pugh class B"), "liver_disease");
  EXPECT_EQ(first("CKD stage 4"), "severe_renal_impairment");
  EXPECT_EQ(first("CKD 3b"), "kidney_disease");
  EXPECT_EQ(first("PHQ-9 item 9: 2"), "suicidality");
  EXPECT_EQ(first("severe renal impairment"), "severe_renal_impairment");
  EXPECT_EQ(first("severe CKD"), "severe_renal_impairment");
  EXPECT_EQ(first("advanced liver disease"), "liver_failure");
  EXPECT_EQ(first("end stage kidney disease"), "severe_renal_impairment");
  EXPECT_EQ(first("Hashimoto's"), "thyroid_autoimmunity");
  EXPECT_EQ(first("hepatitis C"), "chronic_viral_hepatitis");
  const ConditionAnalysis never = kb.AnalyseCondition("PHQ-9 item 9 never");
  ASSERT_FALSE(never.hits.empty());
  EXPECT_EQ(never.hits[0].condition, "phq9_item9_never");
  EXPECT_FALSE(never.negated);
  const ConditionAnalysis transplant = kb.AnalyseCondition("kidney transplant");
  std::vector<std::string> ids;
  for (const ConditionHit& h : transplant.hits) ids.push_back(h.condition);
  EXPECT_EQ(ids, (std::vector<std::string>{"kidney_transplant", "immunosuppression", "kidney_disease"}));
  const ConditionAnalysis methadone = kb.AnalyseCondition("on methadone");
  EXPECT_EQ(methadone.opioid_mentions.size(), 1u);
  const ConditionAnalysis oud = kb.AnalyseCondition("opioid use disorder on buprenorphine");
  EXPECT_EQ(oud.hits[0].condition, "opioid_use_disorder");
  EXPECT_EQ(oud.opioid_mentions.size(), 1u);
  EXPECT_TRUE(kb.AnalyseCondition("history of opioid use disorder").past);
}

// One source of truth for the washout classes: every modified-release or transdermal product names
// its short-acting opioids with the long-acting class.
TEST(KnowledgeBaseDataTest, ModifiedReleaseProductsCarryTheLongActingClass) {
  const DrugKnowledgeBase& kb = Kb();
  for (const Product& p : kb.products()) {
    bool release = false;
    for (const char* w : {"prolonged", "extended", "modified", "sustained", "controlled", "transdermal", "patch",
                          "once daily", "once-daily"}) {
      release = release || p.form.find(w) != std::string::npos;
    }
    if (!release) continue;
    for (const ProductIngredient& pi : p.ingredients) {
      EXPECT_NE(pi.opioid_class, OpioidClass::kShortActing) << p.file << " " << p.id << " " << pi.ingredient;
    }
  }
}

TEST(KnowledgeBaseDataTest, EveryEntryCitesASourceAndEveryMarketIsKnown) {
  const DrugKnowledgeBase& kb = Kb();
  for (const Ingredient& i : kb.ingredients()) EXPECT_FALSE(i.source.empty()) << i.id;
  for (const Product& p : kb.products()) {
    EXPECT_FALSE(p.source.empty()) << p.id;
    for (const std::string& m : p.markets) EXPECT_NE(kb.FindJurisdiction(m), nullptr) << p.id << " " << m;
  }
  for (const ConditionEntry& c : kb.conditions()) {
    EXPECT_FALSE(c.source.empty()) << c.id;
    for (const LabelRule& r : c.label_rules) EXPECT_FALSE(r.source.empty()) << c.id;
  }
  for (const ConditionPattern& p : kb.condition_patterns()) EXPECT_FALSE(p.source.empty()) << p.id;
  EXPECT_EQ(kb.Condition("thyroid_autoimmunity")->recommended_protocol, "sensitive");
  for (const char* id : {"acute_hepatitis", "liver_failure", "severe_renal_impairment"}) {
    const ConditionEntry* c = kb.Condition(id);
    ASSERT_NE(c, nullptr) << id;
    EXPECT_EQ(c->label_rules.size(), 3u) << id;  // UK and EU contraindicate, the US warns
  }
}

// Loader errors name the file and the entry.
struct MiniKb {
  std::string drugs =
      R"({"version":"1","description":"d","washout_classes":[)"
      R"({"id":"short_acting","label":"s","days":10,"source":"x"},)"
      R"({"id":"long_acting","label":"l","days":14,"source":"x"},)"
      R"({"id":"methadone","label":"m","days":14,"source":"x"},)"
      R"({"id":"buprenorphine","label":"b","days":14,"source":"x"}],)"
      R"("recent_opioid_window":{"days":90,"source":"x"},"entries":[)"
      R"({"id":"codeine","name":"codeine","category":"opioid","action":"agonist",)"
      R"("opioid_class":"short_acting","finding":"f","source":"s"},)"
      R"({"id":"paracetamol","name":"paracetamol","category":"no_interaction","finding":"f","source":"s"}]})";
  std::string conditions = R"({"version":"1","description":"d","entries":[],"patterns":[]})";
  std::string jurisdictions =
      R"({"version":"1","description":"d","entries":[{"id":"uk","name":"UK","label":"uk","label_name":"L","source":"s"}]})";
  Result<DrugKnowledgeBase> Load(const std::string& products) const {
    KnowledgeDocuments docs;
    docs.drugs = drugs;
    docs.conditions = conditions;
    docs.jurisdictions = jurisdictions;
    docs.products.emplace_back("products_x.json", products);
    return DrugKnowledgeBase::FromDocuments(docs);
  }
};

std::string Products(const std::string& entries) {
  return R"({"version":"1","description":"d","entries":[)" + entries + "]}";
}

TEST(KnowledgeBaseLoaderTest, RejectsBadProductsNamingTheEntry) {
  const MiniKb mini;
  const std::string ok =
      R"({"id":"a","name":"Cocomol","ingredients":[{"inn":"codeine","class":"short_acting"},{"inn":"paracetamol"}],)"
      R"("markets":["uk"],"source":"s"})";
  ASSERT_TRUE(mini.Load(Products(ok)).ok()) << mini.Load(Products(ok)).status().ToString();
  // Same name, same ingredients: merge them.
  auto dup = mini.Load(Products(ok + "," +
                                R"({"id":"b","name":"COCOMOL","ingredients":[{"inn":"codeine","class":)"
                                R"("short_acting"},{"inn":"paracetamol"}],"markets":["uk"],"source":"s"})"));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("merge"), std::string::npos) << dup.status().ToString();
  // Same name, other ingredients (another market's product): allowed, both readings kept.
  EXPECT_TRUE(mini.Load(Products(ok + "," +
                                 R"({"id":"b","name":"Cocomol","ingredients":[{"inn":"paracetamol"}],)"
                                 R"("markets":["uk"],"source":"s"})"))
                  .ok());
  auto unknown =
      mini.Load(Products(R"({"id":"a","name":"A","ingredients":[{"inn":"zz"}],"markets":["uk"],"source":"s"})"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().field(), "products_x.json entries[0].ingredients[0].inn");
  auto no_class =
      mini.Load(Products(R"({"id":"a","name":"A","ingredients":[{"inn":"codeine"}],"markets":["uk"],"source":"s"})"));
  ASSERT_FALSE(no_class.ok());
  EXPECT_EQ(no_class.status().field(), "products_x.json entries[0].ingredients[0].class");
  auto market = mini.Load(
      Products(R"({"id":"a","name":"A","ingredients":[{"inn":"paracetamol"}],"markets":["xx"],"source":"s"})"));
  ASSERT_FALSE(market.ok());
  EXPECT_EQ(market.status().field(), "products_x.json entries[0].markets[0]");
  auto no_source =
      mini.Load(Products(R"({"id":"a","name":"A","ingredients":[{"inn":"paracetamol"}],"markets":["uk"]})"));
  ASSERT_FALSE(no_source.ok());
  EXPECT_EQ(no_source.status().field(), "products_x.json entries[0].source");
  auto number_only = mini.Load(Products(R"({"id":"a","name":"222 tablets","ingredients":[{"inn":"paracetamol"}],)"
                                        R"("markets":["uk"],"source":"s"})"));
  ASSERT_FALSE(number_only.ok());
  EXPECT_NE(number_only.status().message().find("no word"), std::string::npos);
}

}  // namespace
}  // namespace ldn::clinical
