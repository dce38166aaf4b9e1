#include "server/password_policy.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace ldn::server {
namespace {

std::string Why(std::string_view password, std::string_view username = "alice") {
  const Status s = CheckNewPassword(password, username, "password");
  return s.ok() ? "ok" : s.field() + ": " + s.message();
}

TEST(PasswordPolicyTest, TwelveCharactersCountedInCodePoints) {
  EXPECT_EQ(Utf8Length("abc"), 3);
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98\x80"), 1);  // U+1F600, 4 bytes
  EXPECT_EQ(Utf8Length("\xC3\xA6\xC3\xB8\xC3\xA5"), 3);
  EXPECT_EQ(Utf8Length("\xC0\xAF"), -1);      // overlong '/'
  EXPECT_EQ(Utf8Length("\xED\xA0\x80"), -1);  // a surrogate
  // "😀😀" is 8 bytes but 2 characters (issue 17, M4); six of them are 24 bytes and 6 characters.
  EXPECT_NE(Why("\xF0\x9F\x98\x80\xF0\x9F\x98\x80").find("at least 12 characters"), std::string::npos);
  EXPECT_NE(Why("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x81\xF0\x9F\x98\x82")
                .find("at least 12"),
            std::string::npos);
  EXPECT_NE(Why("eleven char").find("at least 12"), std::string::npos);
  EXPECT_EQ(Why("twelve chars"), "ok");
  // Twelve characters of which some are multi-byte: accepted, spaces and emoji included (ASVS 2.1.4).
  EXPECT_EQ(Why("bl\xC3\xA5"
                "b\xC3\xA6"
                "r sy \xF0\x9F\x98\x80!"),
            "ok");
  std::string too_long(129, 'q');
  too_long.push_back('z');
  EXPECT_NE(Why(too_long).find("at most 128"), std::string::npos);
  EXPECT_EQ(CheckNewPassword(std::string(1025, 'x'), "alice", "new_password").field(), "new_password");
  EXPECT_NE(Why(std::string("twelve\0chars", 12)).find("control"), std::string::npos);
  EXPECT_NE(Why("twelve\tchars").find("control"), std::string::npos);
  EXPECT_NE(Why("twelve chars\xFF").find("UTF-8"), std::string::npos);
}

TEST(PasswordPolicyTest, CommonAndBreachedPasswordsAreRefused) {
  EXPECT_TRUE(IsCommonPassword("password"));
  EXPECT_TRUE(IsCommonPassword("PASSWORD"));
  EXPECT_TRUE(IsCommonPassword("qwertyuiop"));
  EXPECT_FALSE(IsCommonPassword("correct horse battery staple 42"));
  EXPECT_GE(CommonPasswordsText().size(), 200000u);
  // Listed and 12 characters or more as they stand.
  EXPECT_NE(Why("1qaz2wsx3edc").find("too common"), std::string::npos);
  EXPECT_NE(Why("leavemealone").find("too common"), std::string::npos);
  // A listed password stretched with digits and symbols, or repeated.
  EXPECT_NE(Why("Password2024!").find("too common"), std::string::npos);
  EXPECT_NE(Why("qwertyuiop123").find("too common"), std::string::npos);
  EXPECT_NE(Why("!!dragon123456").find("too common"), std::string::npos);
  EXPECT_NE(Why("monkeymonkey").find("too common"), std::string::npos);
  EXPECT_NE(Why("naltrexone2025").find("too common"), std::string::npos);
  EXPECT_NE(Why("abcabcabcabc").find("too common"), std::string::npos);
  // Ordinary passphrases pass.
  EXPECT_EQ(Why("correct horse battery"), "ok");
  EXPECT_EQ(Why("purple elephants dance"), "ok");
  EXPECT_EQ(Why("84729105637281"), "ok");
}

TEST(PasswordPolicyTest, RepeatsRunsAndTheUsernameAreRefused) {
  EXPECT_NE(Why("aaaaaaaaaaaaaa").find("repeated"), std::string::npos);
  EXPECT_NE(Why("abcdefghijklm").find("run"), std::string::npos);
  EXPECT_NE(Why("123456789012").find("run"), std::string::npos);
  EXPECT_NE(Why("987654321098").find("run"), std::string::npos);
  EXPECT_NE(Why("drbob-drbob-drbob", "drbob").find("username"), std::string::npos);
  EXPECT_NE(Why("my name is DrBob!!", "drbob").find("username"), std::string::npos);
  EXPECT_NE(Why("a.long.username@x", "a.long.username@x").find("username"), std::string::npos);
  // A username of one or two characters is too short to search for; equality still counts.
  EXPECT_EQ(Why("jo likes long walks", "jo"), "ok");
  EXPECT_NE(Why("abcdefghijkl-x", "abcdefghijkl-x").find("username"), std::string::npos);
}

}  // namespace
}  // namespace ldn::server
