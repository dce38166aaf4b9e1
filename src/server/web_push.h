// Web Push message crypto: the encryption of a push message for one browser subscription
// (RFC 8291, over the RFC 8188 "aes128gcm" content coding) and the VAPID Authorization header
// that identifies this server to the push service (RFC 8292). Pure functions over OpenSSL 3: no
// I/O, no clock (the caller passes the time). Every function is thread-safe.
#ifndef LDN_SERVER_WEB_PUSH_H_
#define LDN_SERVER_WEB_PUSH_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ldn::server::webpush {

// ---- Sizes ---------------------------------------------------------------------------------------

// A P-256 private key is a 32-byte big-endian scalar; a public key is the 65-byte uncompressed
// point 0x04 || X || Y (RFC 8291 §3.1: P-256 keys in the uncompressed form of X9.62).
inline constexpr size_t kPrivateKeyBytes = 32;
inline constexpr size_t kPublicKeyBytes = 65;
// The authentication secret of a subscription is 16 octets (RFC 8291 §3.2).
inline constexpr size_t kAuthSecretBytes = 16;
// The salt of the aes128gcm header is 16 octets (RFC 8188 §2.1).
inline constexpr size_t kSaltBytes = 16;
// The record size this server writes (RFC 8291 §4: a push message carries one record of at most
// 4096 octets, and the push service need not accept more).
inline constexpr uint32_t kRecordSize = 4096;
// The largest plaintext Encrypt accepts: 4096 octets less the 86-octet header (16 salt + 4 rs +
// 1 idlen + 65 key), the 16-octet AEAD tag and the 1-octet padding delimiter (RFC 8291 §4).
inline constexpr size_t kMaxPlaintextBytes = 3993;
// VAPID tokens expire 12 hours after they are made; RFC 8292 §2 forbids more than 24 hours.
inline constexpr int64_t kVapidLifetimeSeconds = 12 * 60 * 60;

// ---- base64url (RFC 4648 §5) ---------------------------------------------------------------------

// The base64url encoding of `bytes`, without '=' padding (as RFC 8291 and RFC 8292 use it).
std::string Base64Url(std::span<const uint8_t> bytes);
// Decodes base64url with or without '=' padding. kInvalidArgument naming `field` when `text` has a
// character outside the alphabet ('+' and '/' included), a length that is 1 mod 4, padding that is
// not at the end, or non-zero bits after the last whole byte.
Result<std::vector<uint8_t>> FromBase64Url(std::string_view text, std::string_view field);

// ---- P-256 keys ----------------------------------------------------------------------------------

// A P-256 key pair: `private_key` the 32-byte big-endian scalar, `public_key` the 65-byte
// uncompressed point. Holds a secret: do not log it.
struct KeyPair {
  std::vector<uint8_t> private_key;
  std::vector<uint8_t> public_key;
};

// A fresh random key pair from OpenSSL's CSPRNG. Aborts (assert) only if OpenSSL cannot make a
// P-256 key, which is a broken installation rather than an input.
KeyPair NewKeyPair();
// The key pair of a private scalar (the public key is derived). kInvalidArgument "private_key"
// unless `private_key` is 32 bytes holding a scalar in [1, n-1], n the order of P-256.
Result<KeyPair> KeyPairFromPrivate(std::span<const uint8_t> private_key);

// ---- Subscriptions -------------------------------------------------------------------------------

// Checks a subscription's keys as the browser's PushSubscription JSON gives them (base64url, with
// or without padding): `p256dh` must decode to a 65-byte uncompressed P-256 point that lies on the
// curve, `auth` to 16 bytes. kInvalidArgument naming "keys.p256dh" or "keys.auth" otherwise.
Status CheckSubscriptionKeys(std::string_view p256dh, std::string_view auth);

// ---- Message encryption (RFC 8291, RFC 8188) -----------------------------------------------------

// Encrypts `plaintext` for the subscription whose public key is `ua_public` (65 bytes, decoded
// p256dh) and authentication secret `auth_secret` (16 bytes, decoded auth), with a fresh
// application-server key pair and a fresh random salt. Returns the whole HTTP request body, to be
// sent with "Content-Encoding: aes128gcm":
//   salt(16) || rs(4, big-endian, 4096) || idlen(1) = 65 || as_public(65) || ciphertext
// where the ciphertext is one record: AES-128-GCM(plaintext || 0x02) and its 16-byte tag (no
// further padding). Its size is plaintext.size() + 103.
// kInvalidArgument "payload" when plaintext is longer than kMaxPlaintextBytes; "keys.p256dh" when
// `ua_public` is not a 65-byte point on P-256; "keys.auth" when `auth_secret` is not 16 bytes.
// kInternal if OpenSSL fails.
Result<std::vector<uint8_t>> Encrypt(std::span<const uint8_t> plaintext, std::span<const uint8_t> ua_public,
                                     std::span<const uint8_t> auth_secret);
// Encrypt with the application-server key pair `as_keys` and the 16-byte `salt` given instead of
// random ones: deterministic, for tests (RFC 8291 §5 and Appendix A reproduce exactly). Never reuse
// a salt with the same keys in production. Besides Encrypt's failures: kInvalidArgument "salt" when
// `salt` is not 16 bytes, "as_keys" when `as_keys` is not a valid P-256 pair (its public key must be
// the one its private key derives).
Result<std::vector<uint8_t>> EncryptWith(std::span<const uint8_t> plaintext, std::span<const uint8_t> ua_public,
                                         std::span<const uint8_t> auth_secret, const KeyPair& as_keys,
                                         std::span<const uint8_t> salt);

// ---- VAPID (RFC 8292) ----------------------------------------------------------------------------

// The origin of a push endpoint URL: "scheme://host[:port]" (RFC 6454 §6.2: scheme and host lower
// case, the port only when it is not the scheme's default, no user info, path or query), e.g.
// "https://push.example.net" for "https://push.example.net/wpush/v2/abc?x=1".
// kInvalidArgument "endpoint" unless `endpoint` is an absolute http or https URL with a host.
Result<std::string> EndpointOrigin(std::string_view endpoint);

// The value of the Authorization header of a push to `endpoint` (RFC 8292 §3):
//   "vapid t=<JWT>, k=<base64url of vapid.public_key>"
// The JWT (RFC 7515 compact form) has the header {"typ":"JWT","alg":"ES256"} and the claims
// {"aud": EndpointOrigin(endpoint), "exp": now_unix_seconds + kVapidLifetimeSeconds, "sub": subject},
// signed with ES256 (ECDSA P-256 SHA-256; the signature is the raw 64-byte r || s, RFC 7518 §3.4).
// kInvalidArgument "endpoint" as EndpointOrigin; "subject" unless `subject` starts with "mailto:" or
// "https:" (RFC 8292 §2.1); "vapid" when `vapid` is not a valid key pair. kInternal if OpenSSL fails.
// The signature is randomised: two calls give different headers, each valid.
Result<std::string> VapidAuthorization(std::string_view endpoint, const KeyPair& vapid, std::string_view subject,
                                       int64_t now_unix_seconds);

}  // namespace ldn::server::webpush

#endif  // LDN_SERVER_WEB_PUSH_H_
