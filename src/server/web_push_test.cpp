#include "server/web_push.h"

#include <cstring>
#include <memory>
#include <optional>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>

namespace ldn::server::webpush {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes B64(std::string_view text) {
  Result<Bytes> bytes = FromBase64Url(text, "test");
  EXPECT_TRUE(bytes.ok()) << text;
  return bytes.ok() ? *bytes : Bytes{};
}

Bytes Text(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// RFC 8291 §5 (the example message) and Appendix A (its intermediate values): the inputs and the
// resulting body, all base64url.
constexpr std::string_view kRfcPlaintext = "When I grow up, I want to be a watermelon";
constexpr std::string_view kRfcAsPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw";
constexpr std::string_view kRfcAsPublic =
    "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";
constexpr std::string_view kRfcUaPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94";
constexpr std::string_view kRfcUaPublic =
    "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
constexpr std::string_view kRfcAuthSecret = "BTBZMqHH6r4Tts7J_aSIgg";
constexpr std::string_view kRfcSalt = "DGv6ra1nlYgDCS1FRnbzlw";
constexpr std::string_view kRfcBody =
    "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A"
    "_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN";

// ---- An independent receiver: the user agent's side of RFC 8291 §3.4 ------------------------------
// Written from the RFC's pseudo-code with HMAC-SHA-256 (RFC 5869 spelled out), not the EVP_KDF
// HKDF the sender uses, so that a shared mistake is unlikely.

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

Bytes Hmac(const Bytes& key, const Bytes& data) {
  Bytes out(32);
  size_t length = 0;
  EXPECT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(), data.data(), data.size(),
                      out.data(), out.size(), &length),
            nullptr);
  return out;
}

Bytes Cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// An EVP_PKEY from a public point and (if not empty) a private scalar; null if they are not a key.
Pkey MakeKey(const Bytes& public_key, const Bytes& private_key) {
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  BIGNUM* d = private_key.empty() ? nullptr : BN_bin2bn(private_key.data(), private_key.size(), nullptr);
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, public_key.data(), public_key.size());
  if (d != nullptr) OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d);
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  EVP_PKEY* key = nullptr;
  EVP_PKEY_fromdata_init(ctx);
  EVP_PKEY_fromdata(ctx, &key, d != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  BN_free(d);
  OSSL_PARAM_BLD_free(bld);
  return Pkey(key);  // null for a point off the curve
}

// Decrypts a body the way a browser does; nullopt when it does not authenticate or is malformed.
std::optional<Bytes> Decrypt(const Bytes& body, const KeyPair& ua, const Bytes& auth_secret) {
  // RFC 8188 §2.1 header: salt(16) rs(4) idlen(1) keyid(idlen).
  if (body.size() < 21) return std::nullopt;
  const Bytes salt(body.begin(), body.begin() + 16);
  const uint32_t rs = (uint32_t{body[16]} << 24) | (uint32_t{body[17]} << 16) | (uint32_t{body[18]} << 8) | body[19];
  const size_t idlen = body[20];
  if (idlen != 65 || body.size() < 21 + idlen + 17) return std::nullopt;
  const Bytes as_public(body.begin() + 21, body.begin() + 21 + idlen);
  const Bytes record(body.begin() + 21 + idlen, body.end());
  if (record.size() > rs) return std::nullopt;  // one record only (RFC 8291 §4)

  // ecdh_secret = ECDH(ua_private, as_public)
  Pkey mine = MakeKey(ua.public_key, ua.private_key);
  Pkey theirs = MakeKey(as_public, {});
  if (mine == nullptr || theirs == nullptr) return std::nullopt;
  EVP_PKEY_CTX* dh = EVP_PKEY_CTX_new_from_pkey(nullptr, mine.get(), nullptr);
  Bytes ecdh_secret(32);
  size_t length = ecdh_secret.size();
  const bool derived = EVP_PKEY_derive_init(dh) == 1 && EVP_PKEY_derive_set_peer(dh, theirs.get()) == 1 &&
                       EVP_PKEY_derive(dh, ecdh_secret.data(), &length) == 1;
  EVP_PKEY_CTX_free(dh);
  if (!derived) return std::nullopt;

  // RFC 8291 §3.4, line by line.
  const Bytes prk_key = Hmac(auth_secret, ecdh_secret);
  const Bytes key_info = Cat(Cat(Cat(Text("WebPush: info"), {0x00}), ua.public_key), as_public);
  const Bytes ikm = Hmac(prk_key, Cat(key_info, {0x01}));
  const Bytes prk = Hmac(salt, ikm);
  Bytes cek = Hmac(prk, Cat(Text("Content-Encoding: aes128gcm"), {0x00, 0x01}));
  cek.resize(16);
  Bytes nonce = Hmac(prk, Cat(Text("Content-Encoding: nonce"), {0x00, 0x01}));
  nonce.resize(12);

  // AES-128-GCM; the last 16 bytes of the record are the tag.
  const size_t ciphertext_size = record.size() - 16;
  Bytes padded(ciphertext_size);
  EVP_CIPHER_CTX* aes = EVP_CIPHER_CTX_new();
  int out = 0;
  int final_out = 0;
  const bool opened =
      EVP_DecryptInit_ex(aes, EVP_aes_128_gcm(), nullptr, cek.data(), nonce.data()) == 1 &&
      EVP_DecryptUpdate(aes, padded.data(), &out, record.data(), ciphertext_size) == 1 &&
      EVP_CIPHER_CTX_ctrl(aes, EVP_CTRL_GCM_SET_TAG, 16, const_cast<uint8_t*>(record.data() + ciphertext_size)) == 1 &&
      EVP_DecryptFinal_ex(aes, padded.data() + out, &final_out) == 1;
  EVP_CIPHER_CTX_free(aes);
  if (!opened) return std::nullopt;
  // Strip the padding: zeros after the last record's 0x02 delimiter (RFC 8188 §2).
  while (!padded.empty() && padded.back() == 0x00) padded.pop_back();
  if (padded.empty() || padded.back() != 0x02) return std::nullopt;
  padded.pop_back();
  return padded;
}

KeyPair RfcUa() {
  return KeyPair{B64(kRfcUaPrivate), B64(kRfcUaPublic)};
}

// ---- Tests ---------------------------------------------------------------------------------------

TEST(WebPushTest, Rfc8291AppendixAReproducesExactly) {
  const KeyPair as_keys{B64(kRfcAsPrivate), B64(kRfcAsPublic)};
  Result<Bytes> body = EncryptWith(Text(kRfcPlaintext), B64(kRfcUaPublic), B64(kRfcAuthSecret), as_keys, B64(kRfcSalt));
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(Base64Url(*body), kRfcBody);
  EXPECT_EQ(body->size(), kRfcPlaintext.size() + 103);
}

TEST(WebPushTest, KeyPairFromPrivateDerivesTheRfcPublicKeys) {
  Result<KeyPair> ua = KeyPairFromPrivate(B64(kRfcUaPrivate));
  ASSERT_TRUE(ua.ok());
  EXPECT_EQ(Base64Url(ua->public_key), kRfcUaPublic);
  Result<KeyPair> as = KeyPairFromPrivate(B64(kRfcAsPrivate));
  ASSERT_TRUE(as.ok());
  EXPECT_EQ(Base64Url(as->public_key), kRfcAsPublic);
  EXPECT_EQ(as->private_key, B64(kRfcAsPrivate));
}

TEST(WebPushTest, KeyPairFromPrivateRejectsBadScalars) {
  for (const Bytes& bad : {Bytes(32, 0x00), Bytes(32, 0xff), Bytes(31, 0x01), Bytes{}}) {
    Result<KeyPair> pair = KeyPairFromPrivate(bad);
    ASSERT_FALSE(pair.ok());
    EXPECT_EQ(pair.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(pair.status().field(), "private_key");
  }
}

TEST(WebPushTest, NewKeyPairHasTheRightShapesAndIsFresh) {
  const KeyPair a = NewKeyPair();
  const KeyPair b = NewKeyPair();
  ASSERT_EQ(a.private_key.size(), 32u);
  ASSERT_EQ(a.public_key.size(), 65u);
  EXPECT_EQ(a.public_key[0], 0x04);
  EXPECT_NE(a.private_key, b.private_key);
  Result<KeyPair> again = KeyPairFromPrivate(a.private_key);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key, a.public_key);
}

TEST(WebPushTest, TheTestDecryptorOpensTheRfcBody) {
  // Checks the receiver below against the RFC before it is trusted with our own messages.
  std::optional<Bytes> plaintext = Decrypt(B64(kRfcBody), RfcUa(), B64(kRfcAuthSecret));
  ASSERT_TRUE(plaintext.has_value());
  EXPECT_EQ(*plaintext, Text(kRfcPlaintext));
}

TEST(WebPushTest, RoundTripAndAnyChangedByteFailsAuthentication) {
  const KeyPair ua = NewKeyPair();
  const Bytes auth = B64("AAECAwQFBgcICQoLDA0ODw");  // 16 bytes
  const Bytes message = Text(R"({"kind":"dose_reminder","title":"LDN 1.5 mg at bedtime"})");
  Result<Bytes> body = Encrypt(message, ua.public_key, auth);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  ASSERT_EQ(body->size(), message.size() + 103);
  EXPECT_EQ((*body)[20], 65);
  std::optional<Bytes> plaintext = Decrypt(*body, ua, auth);
  ASSERT_TRUE(plaintext.has_value());
  EXPECT_EQ(*plaintext, message);

  // Each message has its own salt and key pair.
  Result<Bytes> second = Encrypt(message, ua.public_key, auth);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(Bytes(second->begin(), second->begin() + 86), Bytes(body->begin(), body->begin() + 86));

  // A changed byte in the salt, the sender's key or the record, or the wrong secret: no plaintext.
  for (size_t at : {size_t{0}, size_t{40}, size_t{86}, body->size() - 1}) {
    Bytes changed = *body;
    changed[at] ^= 0x01;
    EXPECT_FALSE(Decrypt(changed, ua, auth).has_value()) << "byte " << at;
  }
  Bytes other_auth = auth;
  other_auth[0] ^= 0x80;
  EXPECT_FALSE(Decrypt(*body, ua, other_auth).has_value());
  EXPECT_FALSE(Decrypt(*body, NewKeyPair(), auth).has_value());
}

TEST(WebPushTest, PlaintextLimitIs3993Bytes) {
  const KeyPair ua = NewKeyPair();
  const Bytes auth(16, 7);
  Result<Bytes> largest = Encrypt(Bytes(3993, 'x'), ua.public_key, auth);
  ASSERT_TRUE(largest.ok());
  EXPECT_EQ(largest->size(), 4096u);  // RFC 8291 §4: a push service need accept no more
  EXPECT_EQ(Decrypt(*largest, ua, auth), Bytes(3993, 'x'));
  Result<Bytes> too_long = Encrypt(Bytes(3994, 'x'), ua.public_key, auth);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(too_long.status().field(), "payload");
  Result<Bytes> empty = Encrypt({}, ua.public_key, auth);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(Decrypt(*empty, ua, auth), Bytes{});
}

TEST(WebPushTest, EncryptRejectsBadKeys) {
  const KeyPair ua = NewKeyPair();
  Result<Bytes> short_auth = Encrypt(Text("x"), ua.public_key, Bytes(15, 1));
  ASSERT_FALSE(short_auth.ok());
  EXPECT_EQ(short_auth.status().field(), "keys.auth");
  Bytes off_curve = ua.public_key;
  off_curve[64] ^= 0x01;
  Result<Bytes> bad_point = Encrypt(Text("x"), off_curve, Bytes(16, 1));
  ASSERT_FALSE(bad_point.ok());
  EXPECT_EQ(bad_point.status().field(), "keys.p256dh");
  KeyPair mismatched = NewKeyPair();
  mismatched.public_key = ua.public_key;
  Result<Bytes> bad_pair = EncryptWith(Text("x"), ua.public_key, Bytes(16, 1), mismatched, Bytes(16, 0));
  ASSERT_FALSE(bad_pair.ok());
  EXPECT_EQ(bad_pair.status().field(), "as_keys");
  Result<Bytes> bad_salt = EncryptWith(Text("x"), ua.public_key, Bytes(16, 1), NewKeyPair(), Bytes(15, 0));
  ASSERT_FALSE(bad_salt.ok());
  EXPECT_EQ(bad_salt.status().field(), "salt");
}

TEST(WebPushTest, Base64UrlEncodesWithoutPaddingAndDecodesBoth) {
  EXPECT_EQ(Base64Url(Text("")), "");
  EXPECT_EQ(Base64Url(Text("f")), "Zg");
  EXPECT_EQ(Base64Url(Text("fo")), "Zm8");
  EXPECT_EQ(Base64Url(Text("foo")), "Zm9v");
  EXPECT_EQ(Base64Url(Bytes{0xfb, 0xff, 0xbf}), "-_-_");  // RFC 4648 §5: '-' and '_', not '+' and '/'
  EXPECT_EQ(B64("Zg"), Text("f"));
  EXPECT_EQ(B64("Zg=="), Text("f"));
  EXPECT_EQ(B64("Zm8="), Text("fo"));
  EXPECT_EQ(B64("-_-_"), (Bytes{0xfb, 0xff, 0xbf}));
  for (std::string_view bad : {"Z", "Zg=", "Z===", "Zg==Zg", "+/+/", "Zh", "Zm9v!", "Zm 9v"}) {
    Result<Bytes> r = FromBase64Url(bad, "keys.auth");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().field(), "keys.auth");
  }
}

TEST(WebPushTest, CheckSubscriptionKeysNamesTheBadField) {
  EXPECT_TRUE(CheckSubscriptionKeys(kRfcUaPublic, kRfcAuthSecret).ok());
  EXPECT_TRUE(CheckSubscriptionKeys(std::string(kRfcUaPublic) + "=", std::string(kRfcAuthSecret) + "==").ok());

  auto field_of = [](std::string_view p256dh, std::string_view auth) {
    Status s = CheckSubscriptionKeys(p256dh, auth);
    EXPECT_EQ(s.code(), Code::kInvalidArgument);
    return s.field();
  };
  Bytes point = B64(kRfcUaPublic);
  // Wrong length: 64 bytes, and the 33-byte compressed form.
  EXPECT_EQ(field_of(Base64Url(std::span(point).first(64)), kRfcAuthSecret), "keys.p256dh");
  Bytes compressed(point.begin(), point.begin() + 33);
  compressed[0] = 0x02 | (point[64] & 1);
  EXPECT_EQ(field_of(Base64Url(compressed), kRfcAuthSecret), "keys.p256dh");
  // Off the curve: Y changed.
  Bytes off = point;
  off[64] ^= 0x01;
  EXPECT_EQ(field_of(Base64Url(off), kRfcAuthSecret), "keys.p256dh");
  // Not an uncompressed point.
  Bytes prefix = point;
  prefix[0] = 0x05;
  EXPECT_EQ(field_of(Base64Url(prefix), kRfcAuthSecret), "keys.p256dh");
  EXPECT_EQ(field_of("not base64url!", kRfcAuthSecret), "keys.p256dh");
  // auth of 15 and 17 bytes, and not base64url.
  EXPECT_EQ(field_of(kRfcUaPublic, Base64Url(Bytes(15, 1))), "keys.auth");
  EXPECT_EQ(field_of(kRfcUaPublic, Base64Url(Bytes(17, 1))), "keys.auth");
  EXPECT_EQ(field_of(kRfcUaPublic, "BTBZMqHH6r4Tts7J+aSIgg"), "keys.auth");
}

TEST(WebPushTest, EndpointOriginIsSchemeHostAndPort) {
  auto origin = [](std::string_view endpoint) {
    Result<std::string> r = EndpointOrigin(endpoint);
    return r.ok() ? *r : "error: " + r.status().ToString();
  };
  EXPECT_EQ(origin("https://fcm.googleapis.com/fcm/send/abc:def"), "https://fcm.googleapis.com");
  EXPECT_EQ(origin("https://updates.push.services.mozilla.com/wpush/v2/gAAA?x=1#f"),
            "https://updates.push.services.mozilla.com");
  EXPECT_EQ(origin("http://127.0.0.1:8765/push/xyz"), "http://127.0.0.1:8765");
  EXPECT_EQ(origin("HTTPS://Push.Example.NET:443/a"), "https://push.example.net");
  EXPECT_EQ(origin("http://push.example.net:80"), "http://push.example.net");
  EXPECT_EQ(origin("https://push.example.net:8443"), "https://push.example.net:8443");
  EXPECT_EQ(origin("http://[::1]:9000/p"), "http://[::1]:9000");
  for (std::string_view bad : {"ftp://x", "ftp://x/push", "/push/abc", "push.example.net/x", "https:/x", "https://",
                               "mailto:a@b", "", "https://x:99999/", "https://exa mple.net/"}) {
    Result<std::string> r = EndpointOrigin(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(r.status().field(), "endpoint");
  }
}

// Verifies an ES256 JWS signature given as raw r || s against a 65-byte public key.
bool VerifyEs256(std::string_view signing_input, const Bytes& raw_signature, const Bytes& public_key) {
  if (raw_signature.size() != 64) return false;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(raw_signature.data(), 32, nullptr), BN_bin2bn(raw_signature.data() + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_length = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  Pkey key = MakeKey(public_key, {});
  EXPECT_NE(key, nullptr);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  const bool ok = der_length > 0 && key != nullptr &&
                  EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
                  EVP_DigestVerify(md, der, der_length, reinterpret_cast<const uint8_t*>(signing_input.data()),
                                   signing_input.size()) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  return ok;
}

TEST(WebPushTest, VapidHeaderCarriesASignedJwtForTheEndpointsOrigin) {
  const KeyPair vapid = NewKeyPair();
  constexpr int64_t kNow = 1'790'000'000;
  Result<std::string> header = VapidAuthorization("https://push.example.net:8443/wpush/v2/abc?q=1", vapid,
                                                  "mailto:pharmacy@ldn.example.org", kNow);
  ASSERT_TRUE(header.ok()) << header.status().ToString();

  // "vapid t=<JWT>, k=<key>" (RFC 8292 §3).
  const std::string& h = *header;
  ASSERT_TRUE(h.starts_with("vapid t=")) << h;
  const size_t comma = h.find(", k=");
  ASSERT_NE(comma, std::string::npos);
  const std::string jwt = h.substr(8, comma - 8);
  EXPECT_EQ(B64(h.substr(comma + 4)), vapid.public_key);

  const size_t dot1 = jwt.find('.');
  const size_t dot2 = jwt.rfind('.');
  ASSERT_NE(dot1, std::string::npos);
  ASSERT_NE(dot1, dot2);
  const Bytes header_json = B64(jwt.substr(0, dot1));
  const Bytes claims_json = B64(jwt.substr(dot1 + 1, dot2 - dot1 - 1));
  const nlohmann::json jose = nlohmann::json::parse(header_json);
  EXPECT_EQ(jose, nlohmann::json::parse(R"({"typ":"JWT","alg":"ES256"})"));
  const nlohmann::json claims = nlohmann::json::parse(claims_json);
  EXPECT_EQ(claims.at("aud"), "https://push.example.net:8443");
  EXPECT_EQ(claims.at("exp"), kNow + 43200);
  EXPECT_EQ(claims.at("sub"), "mailto:pharmacy@ldn.example.org");
  EXPECT_EQ(claims.size(), 3u);

  const Bytes signature = B64(jwt.substr(dot2 + 1));
  ASSERT_EQ(signature.size(), 64u);
  EXPECT_TRUE(VerifyEs256(jwt.substr(0, dot2), signature, vapid.public_key));
  // A changed claim, or another key, does not verify.
  std::string forged = jwt.substr(0, dot2);
  forged[dot1 + 2] ^= 0x01;
  EXPECT_FALSE(VerifyEs256(forged, signature, vapid.public_key));
  EXPECT_FALSE(VerifyEs256(jwt.substr(0, dot2), signature, NewKeyPair().public_key));
}

TEST(WebPushTest, VapidRejectsBadEndpointSubjectAndKeys) {
  const KeyPair vapid = NewKeyPair();
  Result<std::string> ftp = VapidAuthorization("ftp://x", vapid, "mailto:a@b.org", 0);
  ASSERT_FALSE(ftp.ok());
  EXPECT_EQ(ftp.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ftp.status().field(), "endpoint");
  Result<std::string> subject = VapidAuthorization("https://push.example.net/x", vapid, "a@b.org", 0);
  ASSERT_FALSE(subject.ok());
  EXPECT_EQ(subject.status().field(), "subject");
  EXPECT_TRUE(VapidAuthorization("https://push.example.net/x", vapid, "https://ldn.example.org/", 0).ok());
  KeyPair broken = vapid;
  broken.public_key = NewKeyPair().public_key;
  Result<std::string> pair = VapidAuthorization("https://push.example.net/x", broken, "mailto:a@b.org", 0);
  ASSERT_FALSE(pair.ok());
  EXPECT_EQ(pair.status().field(), "vapid");
}

}  // namespace
}  // namespace ldn::server::webpush
