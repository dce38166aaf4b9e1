#include "server/totp.h"

#include <gtest/gtest.h>

#include "server/auth.h"

namespace ldn::server {
namespace {

std::vector<uint8_t> Bytes(std::string_view s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

class TotpTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

TEST_F(TotpTest, Base32MatchesRfc4648Section10) {
  // RFC 4648 §10 test vectors (without the '=' padding, which otpauth:// secrets omit).
  const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "MY"},         {"fo", "MZXQ"},
                                                         {"foo", "MZXW6"}, {"foob", "MZXW6YQ"}, {"fooba", "MZXW6YTB"},
                                                         {"foobar", "MZXW6YTBOI"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base32Encode(Bytes(plain)), encoded) << plain;
    EXPECT_EQ(*Base32Decode(encoded), Bytes(plain)) << encoded;
  }
  EXPECT_EQ(*Base32Decode("mzxw 6ytb oi======"), Bytes("foobar"));  // case, spaces, padding
  EXPECT_EQ(Base32Decode("MZXW1").status().field(), "secret");       // 1 is not base32
}

TEST_F(TotpTest, HotpMatchesRfc4226AppendixD) {
  const auto key = Bytes("12345678901234567890");
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t c = 0; c < 10; ++c) EXPECT_EQ(Hotp(key, c), expected[c]) << "counter " << c;
}

TEST_F(TotpTest, TotpMatchesRfc6238AppendixB) {
  // RFC 6238 Appendix B: 8-digit codes, T0 = 0, X = 30, the three hash functions with their seeds.
  const auto sha1 = Bytes("12345678901234567890");
  const auto sha256 = Bytes("12345678901234567890123456789012");
  const auto sha512 = Bytes("1234567890123456789012345678901234567890123456789012345678901234");
  struct Vector {
    int64_t time;
    const char *s1, *s256, *s512;
  };
  const Vector vectors[] = {{59, "94287082", "46119246", "90693936"},
                            {1111111109, "07081804", "68084774", "25091201"},
                            {1111111111, "14050471", "67062674", "99943326"},
                            {1234567890, "89005924", "91819424", "93441116"},
                            {2000000000, "69279037", "90698825", "38618901"},
                            {20000000000, "65353130", "77737706", "47863826"}};
  for (const Vector& v : vectors) {
    const int64_t step = TotpStep(v.time);
    EXPECT_EQ(TotpCode(sha1, step, 8, OtpHash::kSha1), v.s1) << v.time;
    EXPECT_EQ(TotpCode(sha256, step, 8, OtpHash::kSha256), v.s256) << v.time;
    EXPECT_EQ(TotpCode(sha512, step, 8, OtpHash::kSha512), v.s512) << v.time;
  }
  // The step of the RFC's T = 1111111109 is 0x23523EC (its table's "Value of T (hex)").
  EXPECT_EQ(TotpStep(1111111109), 0x23523EC);
}

TEST_F(TotpTest, MatchAcceptsOneStepEitherSideOnly) {
  const auto key = Bytes("12345678901234567890");
  const int64_t now = TotpStep(1234567890);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now), now), now);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now - 1), now), now - 1);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now + 1), now), now + 1);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now - 2), now), std::nullopt);
  EXPECT_EQ(MatchTotp(key, TotpCode(key, now + 2), now), std::nullopt);
  EXPECT_EQ(MatchTotp(key, "12345", now), std::nullopt);
  EXPECT_EQ(MatchTotp(Bytes("another key 12345678"), TotpCode(key, now), now), std::nullopt);
}

TEST_F(TotpTest, OtpauthUriFollowsTheKeyUriFormat) {
  EXPECT_EQ(OtpauthUri("ldn", "dr bob@clinic", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/ldn:dr%20bob%40clinic?secret=JBSWY3DPEHPK3PXP&issuer=ldn&algorithm=SHA1&digits=6&"
            "period=30");
  const auto s = NewTotpSecret();
  EXPECT_EQ(s.size(), 20u);
  EXPECT_NE(s, NewTotpSecret());
}

TEST_F(TotpTest, SealedSecretsOpenOnlyWithTheKeyAndForTheUser) {
  auto sealer = SecretSealer::WithKey(std::string(32, 'k'));
  ASSERT_TRUE(sealer.ok());
  const auto secret = Bytes("12345678901234567890");
  const std::string sealed = sealer->Seal(secret, 7);
  EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
  EXPECT_EQ(sealed.find(Base32Encode(secret)), std::string::npos);
  EXPECT_NE(sealed, sealer->Seal(secret, 7));  // a fresh nonce each time
  EXPECT_EQ(*sealer->Open(sealed, 7), secret);
  EXPECT_EQ(sealer->Open(sealed, 8).status().code(), Code::kInternal);  // bound to the user
  auto other = SecretSealer::WithKey(std::string(32, 'x'));
  EXPECT_EQ(other->Open(sealed, 7).status().code(), Code::kInternal);
  EXPECT_EQ(SecretSealer::WithKey("short").status().field(), "key");
}

TEST_F(TotpTest, KeyFileIsCreatedPrivateAndReadBack) {
  char tmpl[] = "/tmp/ldn-key-test-XXXXXX";
  const std::filesystem::path dir = ::mkdtemp(tmpl);
  const auto path = dir / "ldn.db.key";
  auto first = SecretSealer::LoadOrCreateKeyFile(path, "--key-file");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->size(), 32u);
  EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(*SecretSealer::LoadOrCreateKeyFile(path, "--key-file"), *first);
  std::filesystem::permissions(path, std::filesystem::perms::group_read, std::filesystem::perm_options::add);
  EXPECT_EQ(SecretSealer::LoadOrCreateKeyFile(path, "--key-file").status().field(), "--key-file");
  std::filesystem::remove_all(dir);
}

TEST_F(TotpTest, RecoveryCodesAreHashedAndNormalised) {
  auto issued = IssueRecoveryCodes(store::Instant{}, 3);
  ASSERT_TRUE(issued.ok());
  ASSERT_EQ(issued->codes.size(), 3u);
  const std::string& code = issued->codes[0];
  EXPECT_EQ(code.size(), 19u);  // xxxx-xxxx-xxxx-xxxx
  auto normalised = NormaliseRecoveryCode(" " + code.substr(0, 9) + " " + code.substr(9) + " ");
  ASSERT_TRUE(normalised);
  EXPECT_EQ(RecoveryCodeLookup(*normalised), issued->stored[0].lookup);
  EXPECT_TRUE(VerifyPassword(*normalised, issued->stored[0].code_hash));
  EXPECT_EQ(issued->stored[0].code_hash.find(*normalised), std::string::npos);
  std::string upper = *normalised;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(NormaliseRecoveryCode(upper), normalised);
  EXPECT_EQ(NormaliseRecoveryCode("too-short"), std::nullopt);
  EXPECT_EQ(NormaliseRecoveryCode("0000-0000-0000-0000"), std::nullopt);  // 0 is not in the alphabet
}

}  // namespace
}  // namespace ldn::server
