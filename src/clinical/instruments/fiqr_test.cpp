#include "clinical/instruments/fiqr.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ldn::clinical {
namespace {

using nlohmann::json;

json Full() {
  return {{"function", {1, 2, 3, 4, 5, 6, 7, 8, 9}}, {"impact", {4, 5}}, {"symptoms", {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}}};
}

Status ReadError(const json& input) {
  auto r = ReadFiqrAnswers(input);
  return r.status();
}

// Each severity band's name is a key of the web app's catalogs (web/js/patient.js FIQR_SEVERITY),
// so that the patient reads it in their language.
TEST(FiqrTest, EverySeverityNameIsInTheMessageCatalog) {
  std::ifstream file(std::string(LDN_SOURCE_DIR) + "/web/locales/en.json");
  ASSERT_TRUE(file.good());
  const nlohmann::json catalog = nlohmann::json::parse(file);
  for (const FiqrSeverity s : {FiqrSeverity::kRemission, FiqrSeverity::kMild, FiqrSeverity::kModerate,
                               FiqrSeverity::kSevere, FiqrSeverity::kVerySevere}) {
    EXPECT_TRUE(catalog.contains(std::string(FiqrSeverityName(s)))) << FiqrSeverityName(s);
  }
}

TEST(FiqrTest, ScoresFullQuestionnaire) {
  auto a = ReadFiqrAnswers(Full());
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto s = ScoreFiqr(*a);
  ASSERT_TRUE(s.ok());
  // Bennett 2009: 45/3 + 9 + 10/2 = 15 + 9 + 5 = 29.
  EXPECT_DOUBLE_EQ(s->function, 15);
  EXPECT_DOUBLE_EQ(s->impact, 9);
  EXPECT_DOUBLE_EQ(s->symptoms, 5);
  EXPECT_DOUBLE_EQ(s->total, 29);
  EXPECT_EQ(s->severity, FiqrSeverity::kMild);
  EXPECT_FALSE(s->prorated);
}

TEST(FiqrTest, WrongLengthNamesTheDomain) {
  json in = Full();
  in["function"] = {1, 2, 3};
  Status st = ReadError(in);
  EXPECT_EQ(st.code(), Code::kInvalidArgument);
  EXPECT_EQ(st.field(), "function");
  EXPECT_NE(st.message().find("expected 9 items, got 3"), std::string::npos);
}

TEST(FiqrTest, OutOfRangeNamesTheItem) {
  json in = Full();
  in["function"][3] = 11;
  EXPECT_EQ(ReadError(in).field(), "function[3]");
  in["function"][3] = -1;
  EXPECT_EQ(ReadError(in).field(), "function[3]");
}

TEST(FiqrTest, NonIntegerAndWrongTypeNameTheItem) {
  json in = Full();
  in["symptoms"][9] = 2.5;
  EXPECT_EQ(ReadError(in).field(), "symptoms[9]");
  in = Full();
  in["impact"][1] = "5";
  EXPECT_EQ(ReadError(in).field(), "impact[1]");
  in = Full();
  in["impact"] = 5;
  EXPECT_EQ(ReadError(in).field(), "impact");
}

TEST(FiqrTest, UnknownAndMissingKeysAreErrors) {
  json in = Full();
  in["extra"] = 1;
  EXPECT_EQ(ReadError(in).field(), "extra");
  in = Full();
  in.erase("symptoms");
  Status st = ReadError(in);
  EXPECT_EQ(st.field(), "symptoms");
  EXPECT_NE(st.message().find("required"), std::string::npos);
  EXPECT_EQ(ReadError(json::array()).field(), "input");
}

TEST(FiqrTest, SeverityBandsUseLowerBoundsInclusive) {
  EXPECT_EQ(FiqrSeverityFor(0), FiqrSeverity::kRemission);
  EXPECT_EQ(FiqrSeverityFor(23.99), FiqrSeverity::kRemission);
  EXPECT_EQ(FiqrSeverityFor(24), FiqrSeverity::kMild);
  EXPECT_EQ(FiqrSeverityFor(40.99), FiqrSeverity::kMild);
  EXPECT_EQ(FiqrSeverityFor(41), FiqrSeverity::kModerate);
  EXPECT_EQ(FiqrSeverityFor(63.5), FiqrSeverity::kModerate);
  EXPECT_EQ(FiqrSeverityFor(64), FiqrSeverity::kSevere);
  EXPECT_EQ(FiqrSeverityFor(82.9), FiqrSeverity::kSevere);
  EXPECT_EQ(FiqrSeverityFor(83), FiqrSeverity::kVerySevere);
  EXPECT_EQ(FiqrSeverityName(FiqrSeverity::kVerySevere), "very severe");
}

TEST(FiqrTest, PublishedRuleIsDefaultAndLenientIsOptIn) {
  json in = Full();
  in["symptoms"][0] = nullptr;
  auto a = ReadFiqrAnswers(in);
  ASSERT_TRUE(a.ok());
  auto strict = ScoreFiqr(*a);
  ASSERT_FALSE(strict.ok());
  EXPECT_EQ(strict.status().field(), "symptoms");
  FiqrOptions lenient;
  lenient.lenient_missing = true;
  auto loose = ScoreFiqr(*a, lenient);
  ASSERT_TRUE(loose.ok()) << loose.status().ToString();
  // 9 answered ones: 9 * 10/9 = 10, /2 = 5.
  EXPECT_DOUBLE_EQ(loose->symptoms, 5);
  EXPECT_TRUE(loose->prorated);
  EXPECT_NE(loose->missing_rule.find("ldn's own rule"), std::string::npos);
}

}  // namespace
}  // namespace ldn::clinical
