#include "server/web_push.h"

#include <array>
#include <cassert>
#include <charconv>
#include <memory>
#include <utility>

#include <boost/url/parse.hpp>
#include <nlohmann/json.hpp>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

namespace ldn::server::webpush {
namespace {

constexpr char kBase64UrlAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
// The AES-128-GCM key, nonce and tag sizes of the aes128gcm coding (RFC 8188 §2.2, §2.3, §2).
constexpr size_t kCekBytes = 16;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
// The padding delimiter of the last (here the only) record (RFC 8188 §2; RFC 8291 §4).
constexpr uint8_t kLastRecordDelimiter = 0x02;
// The IKM that combines the ECDH and authentication secrets is 32 octets (L_key = 32, RFC 8291 §3.4).
constexpr size_t kIkmBytes = 32;

struct BnFree {
  void operator()(BIGNUM* p) const { BN_clear_free(p); }
};
struct BnCtxFree {
  void operator()(BN_CTX* p) const { BN_CTX_free(p); }
};
struct GroupFree {
  void operator()(EC_GROUP* p) const { EC_GROUP_free(p); }
};
struct PointFree {
  void operator()(EC_POINT* p) const { EC_POINT_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct ParamBldFree {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* p) const { EVP_CIPHER_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct KdfFree {
  void operator()(EVP_KDF* p) const { EVP_KDF_free(p); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* p) const { EVP_KDF_CTX_free(p); }
};
struct SigFree {
  void operator()(ECDSA_SIG* p) const { ECDSA_SIG_free(p); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// Secret bytes wiped when they go out of scope.
class SecretBytes {
 public:
  explicit SecretBytes(size_t n) : bytes_(n) {}
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }
  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  std::span<const uint8_t> span() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

// An OpenSSL failure that no input of ours should cause. The error queue is emptied so that a
// later, unrelated call does not report it.
Status OpensslFailure(std::string_view what) {
  const unsigned long e = ERR_get_error();
  std::array<char, 256> text{};
  if (e != 0) ERR_error_string_n(e, text.data(), text.size());
  ERR_clear_error();
  return Status::Internal("OpenSSL: " + std::string(what) + (e != 0 ? std::string(": ") + text.data() : ""));
}

std::unique_ptr<EC_GROUP, GroupFree> P256() {
  std::unique_ptr<EC_GROUP, GroupFree> group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  assert(group != nullptr && "OpenSSL lacks P-256");
  return group;
}

// True when `point` is a 65-byte uncompressed point 0x04 || X || Y on P-256.
bool IsP256Point(std::span<const uint8_t> point) {
  if (point.size() != kPublicKeyBytes || point[0] != 0x04) return false;
  auto group = P256();
  std::unique_ptr<EC_POINT, PointFree> p(EC_POINT_new(group.get()));
  const bool ok = p != nullptr && EC_POINT_oct2point(group.get(), p.get(), point.data(), point.size(), nullptr) == 1 &&
                  EC_POINT_is_on_curve(group.get(), p.get(), nullptr) == 1;
  ERR_clear_error();  // a point off the curve is an input error, not an OpenSSL failure
  return ok;
}

// An EVP_PKEY for a P-256 public key, or a private key too when `private_key` is not empty.
// REQUIRES: `public_key` is a point on P-256 (IsP256Point), and matches `private_key` if given.
Result<Pkey> MakePkey(std::span<const uint8_t> public_key, std::span<const uint8_t> private_key) {
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldFree> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr) return OpensslFailure("OSSL_PARAM_BLD_new");
  Bn d;
  if (!private_key.empty()) {
    d.reset(BN_bin2bn(private_key.data(), static_cast<int>(private_key.size()), nullptr));
    if (d == nullptr) return OpensslFailure("BN_bin2bn");
  }
  if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, SN_X9_62_prime256v1, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, public_key.data(), public_key.size()) != 1 ||
      (d != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1)) {
    return OpensslFailure("OSSL_PARAM_BLD_push");
  }
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld.get()));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, d != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return OpensslFailure("EVP_PKEY_fromdata");
  }
  return Pkey(raw);
}

// The EVP_PKEY of a key pair, after checking that its public key is the one its private key
// derives. kInvalidArgument `field` otherwise.
Result<Pkey> PairPkey(const KeyPair& keys, std::string_view field) {
  Result<KeyPair> derived = KeyPairFromPrivate(keys.private_key);
  if (!derived.ok() || derived->public_key != keys.public_key) {
    return Status::InvalidArgument(std::string(field), "is not a P-256 key pair");
  }
  return MakePkey(keys.public_key, keys.private_key);
}

// HKDF-SHA-256 (RFC 5869): Extract with `salt` over `ikm`, then Expand with `info` to `length`.
Status Hkdf(std::span<const uint8_t> salt, std::span<const uint8_t> ikm, std::span<const uint8_t> info, uint8_t* out,
            size_t length) {
  std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_HKDF, nullptr));
  if (kdf == nullptr) return OpensslFailure("EVP_KDF_fetch HKDF");
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (ctx == nullptr) return OpensslFailure("EVP_KDF_CTX_new");
  char digest[] = "SHA256";
  // OSSL_PARAM takes non-const pointers; OpenSSL only reads these buffers.
  auto bytes = [](std::span<const uint8_t> s) { return const_cast<uint8_t*>(s.data()); };
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, bytes(ikm), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, bytes(salt), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, bytes(info), info.size()),
      OSSL_PARAM_construct_end(),
  };
  if (EVP_KDF_derive(ctx.get(), out, length, params) != 1) return OpensslFailure("EVP_KDF_derive");
  return Status::Ok();
}

std::vector<uint8_t> Bytes(std::string_view s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

// The raw 64-byte r || s of an ES256 signature (RFC 7518 §3.4) over `data`.
Result<std::vector<uint8_t>> SignEs256(EVP_PKEY* key, std::string_view data) {
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  size_t der_length = 0;
  if (md == nullptr || EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
      EVP_DigestSign(md.get(), nullptr, &der_length, reinterpret_cast<const uint8_t*>(data.data()), data.size()) != 1) {
    return OpensslFailure("EVP_DigestSignInit");
  }
  std::vector<uint8_t> der(der_length);
  if (EVP_DigestSign(md.get(), der.data(), &der_length, reinterpret_cast<const uint8_t*>(data.data()), data.size()) !=
      1) {
    return OpensslFailure("EVP_DigestSign");
  }
  // OpenSSL writes the DER ECDSA-Sig-Value SEQUENCE { r INTEGER, s INTEGER }; JWS wants each
  // integer as 32 big-endian bytes.
  const uint8_t* p = der.data();
  std::unique_ptr<ECDSA_SIG, SigFree> sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_length)));
  if (sig == nullptr) return OpensslFailure("d2i_ECDSA_SIG");
  std::vector<uint8_t> raw(64);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), 32) != 32 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + 32, 32) != 32) {
    return OpensslFailure("BN_bn2binpad");
  }
  return raw;
}

std::string Base64UrlText(std::string_view text) {
  return Base64Url(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string Base64Url(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out.push_back(kBase64UrlAlphabet[(v >> 18) & 63]);
    out.push_back(kBase64UrlAlphabet[(v >> 12) & 63]);
    out.push_back(kBase64UrlAlphabet[(v >> 6) & 63]);
    out.push_back(kBase64UrlAlphabet[v & 63]);
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    const uint32_t v = (uint32_t{bytes[i]} << 16) | (rest == 2 ? uint32_t{bytes[i + 1]} << 8 : 0);
    out.push_back(kBase64UrlAlphabet[(v >> 18) & 63]);
    out.push_back(kBase64UrlAlphabet[(v >> 12) & 63]);
    if (rest == 2) out.push_back(kBase64UrlAlphabet[(v >> 6) & 63]);
  }
  return out;
}

Result<std::vector<uint8_t>> FromBase64Url(std::string_view text, std::string_view field) {
  size_t length = text.size();
  while (length > 0 && text[length - 1] == '=') --length;
  const size_t padding = text.size() - length;
  if (length % 4 == 1 || (padding > 0 && (text.size() % 4 != 0 || padding > 2))) {
    return Status::InvalidArgument(std::string(field), "is not base64url: wrong length or padding");
  }
  std::vector<uint8_t> out;
  out.reserve(length * 3 / 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < length; ++i) {
    const char c = text[i];
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    if (c >= '0' && c <= '9') v = c - '0' + 52;
    if (c == '-') v = 62;
    if (c == '_') v = 63;
    if (v < 0) return Status::InvalidArgument(std::string(field), "is not base64url (A-Z a-z 0-9 - _)");
    buffer = (buffer << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(buffer >> bits));
      buffer &= (1u << bits) - 1;
    }
  }
  if (buffer != 0) return Status::InvalidArgument(std::string(field), "is not base64url: stray bits at the end");
  return out;
}

KeyPair NewKeyPair() {
  Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  assert(key != nullptr && "EVP_PKEY_Q_keygen failed");
  BIGNUM* d_raw = nullptr;
  [[maybe_unused]] const int got_d = EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &d_raw);
  Bn d(d_raw);
  assert(got_d == 1);
  KeyPair pair;
  pair.private_key.resize(kPrivateKeyBytes);
  [[maybe_unused]] const int n = BN_bn2binpad(d.get(), pair.private_key.data(), kPrivateKeyBytes);
  assert(n == static_cast<int>(kPrivateKeyBytes));
  // OpenSSL's EC keys default to the uncompressed point format (POINT_CONVERSION_UNCOMPRESSED).
  pair.public_key.resize(kPublicKeyBytes);
  size_t length = 0;
  [[maybe_unused]] const int got_q = EVP_PKEY_get_octet_string_param(
      key.get(), OSSL_PKEY_PARAM_PUB_KEY, pair.public_key.data(), pair.public_key.size(), &length);
  assert(got_q == 1 && length == kPublicKeyBytes && pair.public_key[0] == 0x04);
  return pair;
}

Result<KeyPair> KeyPairFromPrivate(std::span<const uint8_t> private_key) {
  if (private_key.size() != kPrivateKeyBytes) {
    return Status::InvalidArgument("private_key", "must be 32 bytes");
  }
  auto group = P256();
  Bn d(BN_bin2bn(private_key.data(), static_cast<int>(private_key.size()), nullptr));
  if (d == nullptr) return OpensslFailure("BN_bin2bn");
  if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0) {
    return Status::InvalidArgument("private_key", "is not a P-256 scalar in [1, n-1]");
  }
  std::unique_ptr<BN_CTX, BnCtxFree> bn_ctx(BN_CTX_new());
  std::unique_ptr<EC_POINT, PointFree> q(EC_POINT_new(group.get()));
  KeyPair pair;
  pair.private_key.assign(private_key.begin(), private_key.end());
  pair.public_key.resize(kPublicKeyBytes);
  if (bn_ctx == nullptr || q == nullptr ||
      EC_POINT_mul(group.get(), q.get(), d.get(), nullptr, nullptr, bn_ctx.get()) != 1 ||
      EC_POINT_point2oct(group.get(), q.get(), POINT_CONVERSION_UNCOMPRESSED, pair.public_key.data(),
                         pair.public_key.size(), bn_ctx.get()) != kPublicKeyBytes) {
    return OpensslFailure("EC_POINT_mul");
  }
  return pair;
}

Status CheckSubscriptionKeys(std::string_view p256dh, std::string_view auth) {
  LDN_ASSIGN_OR_RETURN(std::vector<uint8_t> ua_public, FromBase64Url(p256dh, "keys.p256dh"));
  if (ua_public.size() != kPublicKeyBytes) {
    return Status::InvalidArgument("keys.p256dh", "must be a 65-byte uncompressed P-256 point");
  }
  if (!IsP256Point(ua_public)) return Status::InvalidArgument("keys.p256dh", "is not a point on P-256");
  LDN_ASSIGN_OR_RETURN(std::vector<uint8_t> auth_secret, FromBase64Url(auth, "keys.auth"));
  if (auth_secret.size() != kAuthSecretBytes) return Status::InvalidArgument("keys.auth", "must be 16 bytes");
  return Status::Ok();
}

Result<std::vector<uint8_t>> Encrypt(std::span<const uint8_t> plaintext, std::span<const uint8_t> ua_public,
                                     std::span<const uint8_t> auth_secret) {
  std::array<uint8_t, kSaltBytes> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) return OpensslFailure("RAND_bytes");
  // A fresh application-server key pair for every message (RFC 8291 §3.1).
  const KeyPair as_keys = NewKeyPair();
  return EncryptWith(plaintext, ua_public, auth_secret, as_keys, salt);
}

Result<std::vector<uint8_t>> EncryptWith(std::span<const uint8_t> plaintext, std::span<const uint8_t> ua_public,
                                         std::span<const uint8_t> auth_secret, const KeyPair& as_keys,
                                         std::span<const uint8_t> salt) {
  if (plaintext.size() > kMaxPlaintextBytes) {
    return Status::InvalidArgument("payload", "is longer than 3993 bytes, the most one push message carries");
  }
  if (!IsP256Point(ua_public)) {
    return Status::InvalidArgument("keys.p256dh", "is not a 65-byte uncompressed point on P-256");
  }
  if (auth_secret.size() != kAuthSecretBytes) return Status::InvalidArgument("keys.auth", "must be 16 bytes");
  if (salt.size() != kSaltBytes) return Status::InvalidArgument("salt", "must be 16 bytes");
  LDN_ASSIGN_OR_RETURN(Pkey as_key, PairPkey(as_keys, "as_keys"));
  LDN_ASSIGN_OR_RETURN(Pkey ua_key, MakePkey(ua_public, {}));

  // ecdh_secret = ECDH(as_private, ua_public): the 32-byte x coordinate (RFC 8291 §3.1).
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> dh(EVP_PKEY_CTX_new_from_pkey(nullptr, as_key.get(), nullptr));
  size_t secret_length = 32;
  SecretBytes ecdh_secret(secret_length);
  if (dh == nullptr || EVP_PKEY_derive_init(dh.get()) != 1 || EVP_PKEY_derive_set_peer(dh.get(), ua_key.get()) != 1 ||
      EVP_PKEY_derive(dh.get(), ecdh_secret.data(), &secret_length) != 1 || secret_length != 32) {
    return OpensslFailure("ECDH");
  }

  // RFC 8291 §3.4: IKM = HKDF(salt = auth_secret, ikm = ecdh_secret,
  //                           info = "WebPush: info" || 0x00 || ua_public || as_public, L = 32).
  std::vector<uint8_t> key_info = Bytes("WebPush: info");
  key_info.push_back(0x00);
  key_info.insert(key_info.end(), ua_public.begin(), ua_public.end());
  key_info.insert(key_info.end(), as_keys.public_key.begin(), as_keys.public_key.end());
  SecretBytes ikm(kIkmBytes);
  LDN_RETURN_IF_ERROR(Hkdf(auth_secret, ecdh_secret.span(), key_info, ikm.data(), ikm.size()));

  // RFC 8188 §2.2: CEK = HKDF(salt, IKM, "Content-Encoding: aes128gcm" || 0x00, 16);
  // §2.3: NONCE = HKDF(salt, IKM, "Content-Encoding: nonce" || 0x00, 12), XORed with the record
  // sequence number, which is 0 for the one record, so the nonce is used as is.
  std::vector<uint8_t> cek_info = Bytes("Content-Encoding: aes128gcm");
  cek_info.push_back(0x00);
  std::vector<uint8_t> nonce_info = Bytes("Content-Encoding: nonce");
  nonce_info.push_back(0x00);
  SecretBytes cek(kCekBytes);
  SecretBytes nonce(kNonceBytes);
  LDN_RETURN_IF_ERROR(Hkdf(salt, ikm.span(), cek_info, cek.data(), cek.size()));
  LDN_RETURN_IF_ERROR(Hkdf(salt, ikm.span(), nonce_info, nonce.data(), nonce.size()));

  // The header of RFC 8188 §2.1: salt(16) || rs(uint32, network order) || idlen(uint8) || keyid,
  // where the keyid is the application server's public key (RFC 8291 §4).
  std::vector<uint8_t> body;
  body.reserve(kSaltBytes + 4 + 1 + kPublicKeyBytes + plaintext.size() + 1 + kTagBytes);
  body.insert(body.end(), salt.begin(), salt.end());
  for (int shift = 24; shift >= 0; shift -= 8) body.push_back(static_cast<uint8_t>(kRecordSize >> shift));
  body.push_back(static_cast<uint8_t>(kPublicKeyBytes));
  body.insert(body.end(), as_keys.public_key.begin(), as_keys.public_key.end());

  // The one record: AES-128-GCM(CEK, NONCE, plaintext || 0x02) || tag (RFC 8188 §2, RFC 8291 §4).
  std::vector<uint8_t> record(plaintext.begin(), plaintext.end());
  record.push_back(kLastRecordDelimiter);
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> aes(EVP_CIPHER_CTX_new());
  const size_t header_size = body.size();
  body.resize(header_size + record.size() + kTagBytes);
  int written = 0;
  int final_written = 0;
  if (aes == nullptr || EVP_EncryptInit_ex(aes.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(aes.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kNonceBytes), nullptr) != 1 ||
      EVP_EncryptInit_ex(aes.get(), nullptr, nullptr, cek.data(), nonce.data()) != 1 ||
      EVP_EncryptUpdate(aes.get(), body.data() + header_size, &written, record.data(),
                        static_cast<int>(record.size())) != 1 ||
      EVP_EncryptFinal_ex(aes.get(), body.data() + header_size + written, &final_written) != 1 ||
      static_cast<size_t>(written + final_written) != record.size() ||
      EVP_CIPHER_CTX_ctrl(aes.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          body.data() + header_size + record.size()) != 1) {
    return OpensslFailure("AES-128-GCM");
  }
  OPENSSL_cleanse(record.data(), record.size());
  return body;
}

Result<std::string> EndpointOrigin(std::string_view endpoint) {
  // A URI with a scheme (RFC 3986 §3); the fragment, which absolute-URI forbids, is allowed and
  // dropped.
  auto url = boost::urls::parse_uri(endpoint);
  if (!url) return Status::InvalidArgument("endpoint", "is not an absolute URL");
  const auto scheme = url->scheme_id();
  if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https) {
    return Status::InvalidArgument("endpoint", "is not an http or https URL");
  }
  if (!url->has_authority() || url->encoded_host().empty()) {
    return Status::InvalidArgument("endpoint", "has no host");
  }
  std::string origin = scheme == boost::urls::scheme::https ? "https://" : "http://";
  for (char c : url->encoded_host()) origin.push_back(Lower(c));
  const std::string_view port = url->port();
  if (!port.empty()) {
    unsigned number = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (error != std::errc() || end != port.data() + port.size() || number > 65535) {
      return Status::InvalidArgument("endpoint", "has a bad port");
    }
    const unsigned default_port = scheme == boost::urls::scheme::https ? 443 : 80;
    if (number != default_port) origin += ":" + std::to_string(number);
  }
  return origin;
}

Result<std::string> VapidAuthorization(std::string_view endpoint, const KeyPair& vapid, std::string_view subject,
                                       int64_t now_unix_seconds) {
  LDN_ASSIGN_OR_RETURN(std::string audience, EndpointOrigin(endpoint));
  if (!subject.starts_with("mailto:") && !subject.starts_with("https:")) {
    return Status::InvalidArgument("subject", "must be a mailto: or https: URL");
  }
  LDN_ASSIGN_OR_RETURN(Pkey key, PairPkey(vapid, "vapid"));
  // RFC 8292 §2: aud is the origin of the push resource, exp at most 24 hours ahead, sub a contact.
  const nlohmann::json claims = {
      {"aud", audience}, {"exp", now_unix_seconds + kVapidLifetimeSeconds}, {"sub", std::string(subject)}};
  const std::string signing_input =
      Base64UrlText(R"({"typ":"JWT","alg":"ES256"})") + "." +
      Base64UrlText(claims.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  LDN_ASSIGN_OR_RETURN(std::vector<uint8_t> signature, SignEs256(key.get(), signing_input));
  // RFC 8292 §3: the "vapid" scheme with parameters t (the JWT) and k (the public key, §3.2).
  return "vapid t=" + signing_input + "." + Base64Url(signature) + ", k=" + Base64Url(vapid.public_key);
}

}  // namespace ldn::server::webpush
