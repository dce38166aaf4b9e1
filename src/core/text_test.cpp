#include "core/text.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ldn {
namespace {

TEST(TextTest, Utf8LengthCountsCodePointsAndRefusesInvalidText) {
  EXPECT_EQ(Utf8Length(""), 0);
  EXPECT_EQ(Utf8Length("abc"), 3);
  EXPECT_EQ(Utf8Length("\xC3\xA6\xC3\xB8\xC3\xA5"), 3);  // æøå
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98\x80"), 1);          // one emoji, four bytes
  EXPECT_EQ(Utf8Length(std::string("a\0b", 3)), -1);
  EXPECT_EQ(Utf8Length("\xC0\xAF"), -1);          // overlong '/'
  EXPECT_EQ(Utf8Length("\xED\xA0\x80"), -1);      // a surrogate
  EXPECT_EQ(Utf8Length("\xF4\x90\x80\x80"), -1);  // past U+10FFFF
  EXPECT_EQ(Utf8Length("\xE2\x82"), -1);          // cut short
}

TEST(TextTest, LineAcceptsNamesInAnyScript) {
  for (const char* name : {"Pat Demo", "Åse Ødegård", "O'Brien-Smith", "\xE5\xB1\xB1\xE7\x94\xB0",  // 山田
                           "tramadol 50 mg", "\xF0\x9F\x98\x80 smile"}) {
    EXPECT_TRUE(CheckLine(name, "display_name").ok()) << name;
  }
}

TEST(TextTest, LineRefusesControlAndFormattingCharactersNamingTheField) {
  for (const std::string& bad : {std::string("Pat\nDemo"), std::string("Pat\rDemo"), std::string("Pat\tDemo"),
                                std::string("Pat\x1b[31mDemo"), std::string("Pat\x7f"), std::string("Pat\xC2\x85"),
                                std::string("Pat\xE2\x80\xA8"), std::string("\xE2\x80\xAEomeD taP")}) {
    const Status s = CheckLine(bad, "display_name");
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.field(), "display_name");
    EXPECT_NE(s.message().find("control or formatting"), std::string::npos) << s.message();
  }
  EXPECT_NE(CheckLine("Pat\nDemo", "x").message().find("U+000A at character 4"), std::string::npos);
}

TEST(TextTest, LineLengthIsInCodePointsAndBlankIsRefused) {
  EXPECT_TRUE(CheckLine(std::string(200, 'a'), "name").ok());
  EXPECT_FALSE(CheckLine(std::string(201, 'a'), "name").ok());
  std::string emoji;
  for (int i = 0; i < 200; ++i) emoji += "\xF0\x9F\x98\x80";  // 800 bytes, 200 characters
  EXPECT_TRUE(CheckLine(emoji, "name").ok());
  EXPECT_EQ(CheckLine("", "name").message(), "must not be empty");
  EXPECT_EQ(CheckLine("   ", "name").message(), "must not be blank");
  EXPECT_FALSE(CheckLine(std::string("a\0", 2), "name").ok());
}

TEST(TextTest, TextAllowsLineBreaksButNoOtherControls) {
  EXPECT_TRUE(CheckText("slept badly\nwoke at 3\r\n\tthen fine", "note", 0, 2000).ok());
  EXPECT_TRUE(CheckText("", "note", 0, 2000).ok());
  EXPECT_FALSE(CheckText("", "reason", 1, 2000).ok());
  EXPECT_FALSE(CheckText(" \n ", "reason", 1, 2000).ok());
  const Status bell = CheckText("a\x07", "note", 0, 2000);
  ASSERT_FALSE(bell.ok());
  EXPECT_EQ(bell.field(), "note");
  EXPECT_TRUE(CheckText(std::string(2000, 'x'), "note", 0, 2000).ok());
  const Status long_note = CheckText(std::string(2001, 'x'), "note", 0, 2000);
  ASSERT_FALSE(long_note.ok());
  EXPECT_EQ(long_note.message(), "must be at most 2000 characters (got 2001)");
}

// The textbook full-matrix distance (Wagner and Fischer, J. ACM 21(1):168-173, 1974), kept here as
// the oracle for the bit-parallel one.
size_t MatrixDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0u : 1u)});
    }
  }
  return d[a.size()][b.size()];
}

TEST(TextTest, EditDistanceOfKnownPairs) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("oxycodine", "oxycodone"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("tramadol", "tramadol"), 0u);
  EXPECT_EQ(EditDistance("flaw", "lawn"), 2u);
  EXPECT_EQ(EditDistance(std::string(64, 'a'), std::string(64, 'b')), 64u);
  EXPECT_EQ(EditDistance(std::string(65, 'a'), std::string(65, 'b')), 65u);
  EXPECT_EQ(EditDistance("\xC3\xA9", "e"), 2u);  // bytes, not characters
}

TEST(TextTest, EditDistanceMatchesTheFullMatrixOnRandomStrings) {
  // Lengths up to 150 take both paths (a pattern of at most 64 bytes, and longer); a small alphabet
  // makes shared prefixes, suffixes and runs common; bytes above 0x7F check the table's indexing.
  std::mt19937 rng(20261207);
  const std::string alphabet = "abc\x80\xFF";
  for (int trial = 0; trial < 4000; ++trial) {
    auto make = [&] {
      std::string s(std::uniform_int_distribution<size_t>(0, trial % 4 == 0 ? 150 : 70)(rng), ' ');
      for (char& c : s) c = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
      return s;
    };
    const std::string a = make();
    const std::string b = trial % 7 == 0 ? a.substr(0, a.size() / 2) + "c" + a.substr(a.size() / 2) : make();
    ASSERT_EQ(EditDistance(a, b), MatrixDistance(a, b)) << "trial " << trial;
    ASSERT_EQ(EditDistance(b, a), MatrixDistance(a, b)) << "trial " << trial;
  }
}

}  // namespace
}  // namespace ldn
