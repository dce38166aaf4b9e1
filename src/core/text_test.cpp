#include "core/text.h"

#include <string>

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

}  // namespace
}  // namespace ldn
