#include "clinical/screening/tokens.h"

#include <gtest/gtest.h>

namespace ldn::clinical {
namespace {

std::vector<std::string> Texts(std::string_view name) {
  std::vector<std::string> out;
  for (const Token& t : Tokenize(name)) out.push_back(t.text);
  return out;
}

TEST(TokenizeTest, ProductNumbersAreOneKeyHoweverWritten) {
  for (const char* name : {"Tylenol No. 3", "Tylenol #3", "tylenol3", "TYLENOL 3", "Tylenol-3", "Tylenol Nr 3",
                           "Tylenol n° 3", "Tylenol No.3"}) {
    EXPECT_EQ(KeyOf(name), "tylenol3") << name;
  }
  const std::vector<Token> t = Tokenize("Tylenol No. 3");
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[1].role, NumberRole::kMarker);
  EXPECT_EQ(Tokenize("Tylenol #3")[1].role, NumberRole::kMarker);
  EXPECT_EQ(Tokenize("Tylenol 3")[1].role, NumberRole::kBare);
}

TEST(TokenizeTest, StrengthsAreStrengths) {
  const std::vector<Token> ratio = Tokenize("Hydrocodone/APAP 5/325");
  ASSERT_EQ(ratio.size(), 4u);
  EXPECT_EQ(ratio[2].role, NumberRole::kStrength);
  EXPECT_EQ(ratio[3].role, NumberRole::kStrength);
  const std::vector<Token> mg = Tokenize("tramadol ODT 50 mg");
  ASSERT_EQ(mg.size(), 4u);
  EXPECT_EQ(mg[2].role, NumberRole::kStrength);
  EXPECT_EQ(mg[3].word_class, WordClass::kUnit);
  EXPECT_EQ(Texts("morphine 0,5 mg/ml"), (std::vector<std::string>{"morphine", "0.5", "mg", "ml"}));
  EXPECT_EQ(Tokenize("oxycodone 10mg")[1].role, NumberRole::kStrength);
  EXPECT_EQ(Tokenize("fentanyl 0.5%")[1].role, NumberRole::kStrength);
}

TEST(TokenizeTest, FoldsAccentsAndSplitsLettersFromDigits) {
  EXPECT_EQ(FoldToAscii("Codéine Dafalgan Codéïne Smørrebrød Straße µg"),
            "Codeine Dafalgan Codeine Smorrebrod Strasse ug");
  EXPECT_EQ(Texts("Codéine"), (std::vector<std::string>{"codeine"}));
  EXPECT_EQ(Texts("5mg"), (std::vector<std::string>{"5", "mg"}));
  EXPECT_EQ(KeyOf("CO-CODAMOL"), "cocodamol");
  EXPECT_EQ(KeyOf("co codamol 30/500"), "cocodamol30500");
  // Invalid UTF-8 and other scripts separate words; nothing crashes.
  EXPECT_EQ(Texts("oxy\xff\xfe"
                  "codone"),
            (std::vector<std::string>{"oxy", "codone"}));
  EXPECT_EQ(Texts("モルヒネ morphine"), (std::vector<std::string>{"morphine"}));
  EXPECT_TRUE(Tokenize("").empty());
  EXPECT_TRUE(Tokenize("#/ - .").empty());
}

TEST(ClassifyWordTest, FormRouteReleaseAndFillerWords) {
  for (const char* w : {"mixture", "linctus", "syrup", "solution", "odt", "iv", "infusion", "pca", "epidural",
                        "tablets", "drops", "injection", "spray", "lozenge"}) {
    EXPECT_EQ(ClassifyWord(w), WordClass::kForm) << w;
  }
  for (const char* w : {"er", "sr", "xr", "mr", "cr", "retard", "depot", "patch", "transdermal", "contin", "lp"}) {
    EXPECT_EQ(ClassifyWord(w), WordClass::kRelease) << w;
  }
  for (const char* w : {"hcl", "phosphate", "sulfate", "bitartrate", "citrate"})
    EXPECT_EQ(ClassifyWord(w), WordClass::kSalt) << w;
  for (const char* w : {"mg", "mcg", "ml", "ug"}) EXPECT_EQ(ClassifyWord(w), WordClass::kUnit) << w;
  for (const char* w : {"with", "daily", "prn", "bedtime", "w"}) EXPECT_EQ(ClassifyWord(w), WordClass::kFiller) << w;
  for (const char* w : {"plus", "forte", "comp", "extra"}) EXPECT_EQ(ClassifyWord(w), WordClass::kSoft) << w;
  for (const char* w : {"codeine", "apap", "tylenol", "kratom"}) EXPECT_EQ(ClassifyWord(w), WordClass::kContent) << w;
}

}  // namespace
}  // namespace ldn::clinical
