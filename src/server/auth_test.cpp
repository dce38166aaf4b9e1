#include "server/auth.h"

#include <gtest/gtest.h>

#include "server/api.h"

namespace ldn::server {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

TEST_F(AuthTest, Argon2idHashVerifiesOnlyTheRightPassword) {
  auto h = HashPassword("correct horse battery");
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(VerifyPassword("correct horse battery", *h));
  EXPECT_FALSE(VerifyPassword("correct horse batterY", *h));
  EXPECT_FALSE(VerifyPassword("", *h));
  EXPECT_FALSE(VerifyPassword("correct horse battery", "not a hash"));
  EXPECT_FALSE(VerifyPassword("correct horse battery", ""));
  // Salted: the same password hashes differently each time.
  EXPECT_NE(*h, *HashPassword("correct horse battery"));
}

// The cost travels in the encoded hash (m = KiB of memory, t = passes). The production default is
// libsodium's INTERACTIVE preset, and the API uses it unless a test lowers it (server_fixture.h).
TEST_F(AuthTest, PasswordsAreHashedAtTheInteractiveCostUnlessATestLowersIt) {
  auto interactive = HashPassword("correct horse battery");
  ASSERT_TRUE(interactive.ok());
  EXPECT_NE(interactive->find("$m=65536,t=2,p=1$"), std::string::npos) << *interactive;
  auto moderate = HashPassword("correct horse battery", PasswordCost::kModerate);
  ASSERT_TRUE(moderate.ok());
  EXPECT_NE(moderate->find("$m=262144,t=3,p=1$"), std::string::npos) << *moderate;
  auto minimum = HashPassword("correct horse battery", PasswordCost::kTestMinimum);
  ASSERT_TRUE(minimum.ok());
  EXPECT_NE(minimum->find("$m=8,t=1,p=1$"), std::string::npos) << *minimum;
  EXPECT_TRUE(VerifyPassword("correct horse battery", *minimum));
  EXPECT_FALSE(VerifyPassword("correct horse batterY", *minimum));
  EXPECT_EQ(ApiOptions{}.password_cost, PasswordCost::kInteractive);
}

TEST_F(AuthTest, TokensAreRandomBase64UrlAndStoredAsSha256) {
  const std::string a = NewToken(), b = NewToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), std::string::npos);
  // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
  EXPECT_EQ(TokenHash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST_F(AuthTest, CookieValues) {
  EXPECT_EQ(CookieValue("a=1; ldn_session=xyz; b=2", "ldn_session"), "xyz");
  EXPECT_EQ(CookieValue("ldn_session=xyz", "ldn_session"), "xyz");
  EXPECT_EQ(CookieValue("xldn_session=1", "ldn_session"), std::nullopt);
  EXPECT_EQ(CookieValue("", "ldn_session"), std::nullopt);
}

HttpRequest With(std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest r;
  r.headers = std::move(headers);
  return r;
}

TEST_F(AuthTest, BearerWinsOverCookieAndMalformedIsRefused) {
  const std::string t1 = NewToken(), t2 = NewToken();
  auto c = ReadCredentials(With({{"cookie", "ldn_session=" + t2}, {"authorization", "Bearer " + t1}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->source, CredentialSource::kBearer);
  EXPECT_EQ(c->token, t1);
  c = ReadCredentials(With({{"cookie", "ldn_session=" + t2}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->source, CredentialSource::kCookie);
  // Behind HTTPS only the __Host- cookie counts (a plain one could be planted by another host).
  c = ReadCredentials(With({{"cookie", "ldn_session=" + t2}}), kSecureSessionCookie);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->source, CredentialSource::kNone);
  c = ReadCredentials(With({{"cookie", "__Host-ldn_session=" + t2}}), kSecureSessionCookie);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->token, t2);
  EXPECT_EQ(ReadCredentials(With({})).value().source, CredentialSource::kNone);
  EXPECT_EQ(ReadCredentials(With({{"authorization", "Basic abc"}})).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(ReadCredentials(With({{"authorization", "Bearer short"}})).status().code(), Code::kUnauthenticated);
  // A malformed Authorization header does not fall back to a valid cookie.
  EXPECT_FALSE(ReadCredentials(With({{"authorization", "Bearer x"}, {"cookie", "ldn_session=" + t2}})).ok());
  EXPECT_FALSE(ReadCredentials(With({{"cookie", "ldn_session=' OR 1=1"}})).ok());
}

}  // namespace
}  // namespace ldn::server
