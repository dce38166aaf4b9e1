#include "clinical/instruments/acr.h"

#include <gtest/gtest.h>

namespace ldn::clinical {
namespace {

using nlohmann::json;

json Base() {
  return {{"pain_areas", {"neck"}}, {"fatigue", 1},       {"waking_unrefreshed", 1},
          {"cognitive", 1},         {"headaches", false}, {"lower_abdominal_pain", false},
          {"depression", false},    {"symptom_months", 4}};
}

TEST(AcrTest, NineteenAreas) {
  EXPECT_EQ(AcrPainAreaNames().size(), 19u);
}

TEST(AcrTest, FieldErrors) {
  json in = Base();
  in["fatigue"] = 4;
  EXPECT_EQ(ReadAcrAnswers(in).status().field(), "fatigue");
  in = Base();
  in["headaches"] = 1;
  EXPECT_EQ(ReadAcrAnswers(in).status().field(), "headaches");
  in = Base();
  in["pain_areas"] = {"neck", 3};
  EXPECT_EQ(ReadAcrAnswers(in).status().field(), "pain_areas[1]");
  in = Base();
  in["wpi"] = 3;
  EXPECT_EQ(ReadAcrAnswers(in).status().field(), "wpi");
  in = Base();
  in["symptom_months"] = -1;
  EXPECT_EQ(ReadAcrAnswers(in).status().field(), "symptom_months");
  in = Base();
  in["pain_areas"] = {"left_kne"};
  Status st = ReadAcrAnswers(in).status();
  EXPECT_EQ(st.field(), "pain_areas[0]");
  EXPECT_NE(st.message().find("unknown pain area 'left_kne'"), std::string::npos) << st.message();
}

TEST(AcrTest, SuggestionIsTheNearestName) {
  json in = Base();
  in["pain_areas"] = {"upperback"};
  EXPECT_NE(ReadAcrAnswers(in).status().message().find("did you mean 'upper_back'"), std::string::npos);
}

TEST(AcrTest, PsdCategoryBoundaries) {
  EXPECT_EQ(PsdCategory(0), "none");
  EXPECT_EQ(PsdCategory(3), "none");
  EXPECT_EQ(PsdCategory(4), "mild");
  EXPECT_EQ(PsdCategory(7), "mild");
  EXPECT_EQ(PsdCategory(8), "moderate");
  EXPECT_EQ(PsdCategory(11), "moderate");
  EXPECT_EQ(PsdCategory(12), "severe");
  EXPECT_EQ(PsdCategory(19), "severe");
  EXPECT_EQ(PsdCategory(20), "very severe");
  EXPECT_EQ(PsdCategory(31), "very severe");
}

TEST(AcrTest, VersionNotesAreExplicit) {
  auto a = ReadAcrAnswers(Base());
  ASSERT_TRUE(a.ok());
  auto s2011 = ScoreAcr(*a, AcrVersion::k2011);
  ASSERT_TRUE(s2011.ok());
  bool has_clinician_note = false;
  for (const auto& n : s2011->notes) has_clinician_note |= n.find("clinician judgement") != std::string::npos;
  EXPECT_TRUE(has_clinician_note);
  auto s2016 = ScoreAcr(*a, AcrVersion::k2016);
  ASSERT_TRUE(s2016.ok());
  bool has_irrespective = false;
  for (const auto& n : s2016->notes) has_irrespective |= n.find("irrespective of other diagnoses") != std::string::npos;
  EXPECT_TRUE(has_irrespective);
}

}  // namespace
}  // namespace ldn::clinical
