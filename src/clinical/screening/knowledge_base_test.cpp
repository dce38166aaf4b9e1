#include "clinical/screening/knowledge_base.h"

#include <algorithm>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "core/knowledge_files.h"

namespace ldn::clinical {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

const DrugKnowledgeBase& Kb() {
  auto kb = DrugKnowledgeBase::Embedded();
  EXPECT_TRUE(kb.ok()) << kb.status().ToString();
  return **kb;
}

TEST(NormalizeNameTest, KeepsLowerCaseAlphanumericsOnly) {
  EXPECT_EQ(NormalizeName("Tylenol #3"), "tylenol3");
  EXPECT_EQ(NormalizeName("tylenol3"), "tylenol3");
  EXPECT_EQ(NormalizeName("CO-CODAMOL"), "cocodamol");
  EXPECT_EQ(NormalizeName("co codamol"), "cocodamol");
  EXPECT_EQ(NormalizeName("  -- "), "");
  EXPECT_EQ(NormalizeName("Hashimoto\xE2\x80\x99s"), "hashimotos");  // UTF-8 apostrophe dropped
}

TEST(StripStrengthAndFormTest, DropsUnitsSaltsAndForms) {
  EXPECT_EQ(StripStrengthAndForm("Oxycodone HCl 5 mg tablets", true), "oxycodone");
  EXPECT_EQ(StripStrengthAndForm("Morphine sulfate 10mg/5ml oral solution", true), "morphine");
  EXPECT_EQ(StripStrengthAndForm("Tylenol #4 tablets", true), "tylenol4");  // bare number kept in pass 1
  EXPECT_EQ(StripStrengthAndForm("Tylenol #4 tablets", false), "tylenol");
  EXPECT_EQ(StripStrengthAndForm("co-codamol 30/500", false), "cocodamol");
  EXPECT_EQ(StripStrengthAndForm("5 mg tablets", false), "");
}

TEST(HasExtendedReleaseMarkerTest, RecognisesModifiedReleaseWords) {
  EXPECT_TRUE(HasExtendedReleaseMarker("morphine ER 30 mg"));
  EXPECT_TRUE(HasExtendedReleaseMarker("Buprenorphine 10 mcg/h patch"));
  EXPECT_TRUE(HasExtendedReleaseMarker("tramadol MR"));
  EXPECT_FALSE(HasExtendedReleaseMarker("Oxycodone HCl 5 mg tablets"));
  EXPECT_FALSE(HasExtendedReleaseMarker("Percocet"));  // "per" must not be read as a marker
}

TEST(EditDistanceTest, Levenshtein) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("abc", ""), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("oxycodine", "oxycodone"), 1);
}

TEST(LookupDrugTest, BrandsCaseAndSpacing) {
  const DrugKnowledgeBase& kb = Kb();
  for (const char* name : {"Tylenol #3", "tylenol3", "TYLENOL 3", "Tylenol with codeine"}) {
    auto m = kb.LookupDrug(name);
    ASSERT_TRUE(m.has_value()) << name;
    EXPECT_EQ(m->entry_id, "tylenol_codeine") << name;
    EXPECT_FALSE(m->after_stripping) << name;
  }
  for (const char* name : {"CO-CODAMOL", "co codamol", "Co-Codamol"}) {
    auto m = kb.LookupDrug(name);
    ASSERT_TRUE(m.has_value()) << name;
    EXPECT_EQ(m->entry_id, "co_codamol");
  }
  auto oxy = kb.LookupDrug("Oxycodone HCl 5 mg tablets");
  ASSERT_TRUE(oxy.has_value());
  EXPECT_EQ(oxy->entry_id, "oxycodone");
  EXPECT_TRUE(oxy->after_stripping);
  EXPECT_EQ(oxy->matched_key, "oxycodone");
  auto t4 = kb.LookupDrug("Tylenol #4 tablets");
  ASSERT_TRUE(t4.has_value());
  EXPECT_EQ(t4->entry_id, "tylenol_codeine");            // not plain paracetamol
  EXPECT_FALSE(kb.LookupDrug("oxycodine").has_value());  // never a fuzzy match
  EXPECT_FALSE(kb.LookupDrug("5 mg").has_value());
}

TEST(LookupDrugTest, FreeFunctionUsesEmbeddedData) {
  auto found = LookupDrug("Percocet");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->first->id, "percocet");
  EXPECT_THAT(found->first->components, ElementsAre("oxycodone"));
  EXPECT_FALSE(LookupDrug("no such drug xyz").has_value());
}

TEST(SuggestTest, ClosestNamesOnePerEntry) {
  const DrugKnowledgeBase& kb = Kb();
  auto s = kb.SuggestDrugs("oxycodine", 3);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], "oxycodone");
  auto t = kb.SuggestDrugs("Tramadoll 50 mg", 3);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0], "tramadol");
  auto c = kb.SuggestConditions("pregnacy", 3);
  ASSERT_FALSE(c.empty());
  EXPECT_EQ(c[0], "pregnancy");
  EXPECT_EQ(std::set<std::string>(s.begin(), s.end()).size(), s.size());
}

TEST(WashoutForTest, ClassesAndCombinations) {
  const DrugKnowledgeBase& kb = Kb();
  auto days = [&](const char* name) {
    auto m = kb.LookupDrug(name);
    EXPECT_TRUE(m.has_value()) << name;
    auto w = kb.WashoutFor(*m);
    EXPECT_TRUE(w.has_value()) << name;
    return w ? w->days : -1;
  };
  EXPECT_EQ(days("codeine"), 10);
  EXPECT_EQ(days("tramadol"), 10);
  EXPECT_EQ(days("OxyContin"), 14);
  EXPECT_EQ(days("morphine ER"), 14);  // extended-release marker on a short-acting generic
  EXPECT_EQ(days("methadone"), 14);
  EXPECT_EQ(days("Suboxone"), 14);
  EXPECT_EQ(days("kratom"), 14);
  EXPECT_FALSE(kb.WashoutFor(*kb.LookupDrug("duloxetine")).has_value());
}

TEST(KnowledgeBaseDataTest, DrugsFileHasAtLeast60SourcedEntries) {
  auto text = KnowledgeFileText("drugs.json");
  ASSERT_TRUE(text.ok());
  const auto doc = nlohmann::json::parse(*text);
  EXPECT_FALSE(doc.at("version").get<std::string>().empty());
  ASSERT_GE(doc.at("entries").size(), 60u);
  for (const auto& e : doc.at("entries")) {
    ASSERT_TRUE(e.contains("source")) << e.dump();
    EXPECT_FALSE(e.at("source").get<std::string>().empty()) << e.at("id");
    EXPECT_FALSE(e.at("finding").get<std::string>().empty()) << e.at("id");
  }
  EXPECT_GE(Kb().drugs().size(), 60u);
}

TEST(KnowledgeBaseDataTest, EveryRequiredOpioidIsKnownAsAnOpioid) {
  const DrugKnowledgeBase& kb = Kb();
  for (const char* name : {"morphine",      "codeine",       "dihydrocodeine",  "hydrocodone",
                           "oxycodone",     "hydromorphone", "oxymorphone",     "fentanyl",
                           "sufentanil",    "alfentanil",    "remifentanil",    "pethidine",
                           "meperidine",    "tramadol",      "tapentadol",      "methadone",
                           "levomethadone", "levorphanol",   "buprenorphine",   "butorphanol",
                           "nalbuphine",    "pentazocine",   "diamorphine",     "dipipanone",
                           "meptazinol",    "piritramide",   "tilidine",        "dextropropoxyphene",
                           "diphenoxylate", "difenoxin",     "opium",           "paregoric",
                           "pholcodine",    "ethylmorphine", "benzhydrocodone", "oliceridine",
                           "eluxadoline",   "kratom",        "mitragynine",     "OxyContin",
                           "Percocet",      "Percodan",      "Endocet",         "Roxicodone",
                           "Vicodin",       "Norco",         "Lortab",          "Hysingla",
                           "Zohydro",       "MS Contin",     "Kadian",          "Oramorph",
                           "Sevredol",      "Zomorph",       "MST Continus",    "Duragesic",
                           "Durogesic",     "Actiq",         "Fentora",         "Abstral",
                           "Dilaudid",      "Exalgo",        "Opana",           "Demerol",
                           "Ultram",        "Zydol",         "ConZip",          "Nucynta",
                           "Palexia",       "Dolophine",     "Methadose",       "Physeptone",
                           "Subutex",       "Suboxone",      "Zubsolv",         "Sublocade",
                           "Butrans",       "Belbuca",       "Temgesic",        "Transtec",
                           "Buvidal",       "Targin",        "OxyNorm",         "Longtec",
                           "Talwin",        "Lomotil",       "Motofen",         "Tylenol #3",
                           "Tylenol #4",    "co-codamol",    "Solpadeine",      "Zapain",
                           "Tylex",         "Kapake",        "co-dydramol",     "Ultracet",
                           "Tramacet",      "Zaldiar",       "codeine linctus", "Robitussin AC",
                           "Tuzistra",      "Tuxarin",       "Hycodan",         "Tussionex"}) {
    auto m = kb.LookupDrug(name);
    ASSERT_TRUE(m.has_value()) << name;
    EXPECT_TRUE(kb.Drug(m->entry_id)->IsOpioid()) << name;
  }
  auto lop = kb.LookupDrug("loperamide");
  ASSERT_TRUE(lop.has_value());
  EXPECT_EQ(kb.Drug(lop->entry_id)->category, DrugCategory::kOpioidTheoretical);
}

TEST(KnowledgeBaseDataTest, RejectsDuplicateNamesAndBadComponents) {
  const std::string conditions = R"({"version":"1","description":"d","entries":[]})";
  const std::string classes = R"("washout_classes":[{"id":"short_acting","label":"s","days":10,"source":"x"},)"
                              R"({"id":"long_acting","label":"l","days":14,"source":"x"},)"
                              R"({"id":"methadone","label":"m","days":14,"source":"x"},)"
                              R"({"id":"buprenorphine","label":"b","days":14,"source":"x"}])";
  const std::string head = R"({"version":"1","description":"d",)" + classes;
  const std::string dup =
      head + R"(,"entries":[)"
             R"({"id":"a","name":"A","aliases":["X-1"],"category":"no_interaction","finding":"f","source":"s"},)"
             R"({"id":"b","name":"B","aliases":["x 1"],"category":"no_interaction","finding":"f","source":"s"}]})";
  auto r = DrugKnowledgeBase::FromJsonText(dup, conditions);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'a'"), std::string::npos) << r.status().ToString();
  const std::string bad_component =
      head + R"(,"entries":[)"
             R"({"id":"p","name":"P","category":"opioid_product","components":["zz"],"finding":"f","source":"s"}]})";
  EXPECT_FALSE(DrugKnowledgeBase::FromJsonText(bad_component, conditions).ok());
  const std::string no_source =
      head + R"(,"entries":[{"id":"a","name":"A","category":"no_interaction","finding":"f"}]})";
  auto ns = DrugKnowledgeBase::FromJsonText(no_source, conditions);
  ASSERT_FALSE(ns.ok());
  EXPECT_EQ(ns.status().field(), "drugs.json.entries[0].source");
}

TEST(KnowledgeBaseDataTest, ConditionsCoverTheScreeningList) {
  const DrugKnowledgeBase& kb = Kb();
  for (const char* id : {"liver_disease", "pregnancy", "breastfeeding", "thyroid_replacement", "immunosuppression",
                         "opioid_use_disorder", "suicidality", "acute_opioid_withdrawal", "naltrexone_hypersensitivity",
                         "kidney_disease", "substance_use", "positive_urine_opioid_screen"}) {
    ASSERT_NE(kb.Condition(id), nullptr) << id;
    EXPECT_FALSE(kb.Condition(id)->source.empty());
  }
  EXPECT_EQ(kb.Condition("naltrexone_hypersensitivity")->severity, "not_eligible");
  EXPECT_EQ(kb.Condition("pregnancy")->severity, "review");
}

}  // namespace
}  // namespace ldn::clinical
