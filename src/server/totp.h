// The second factor: time-based one-time passwords (TOTP, RFC 6238) as authenticator apps make
// them (HMAC-SHA-1, 30-second steps, 6 digits), one-time recovery codes, and the sealing of TOTP
// secrets at rest. docs/security.md (V2.7, V2.8) maps them to OWASP ASVS 4.0.3.
#ifndef LDN_SERVER_TOTP_H_
#define LDN_SERVER_TOTP_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "server/auth.h"
#include "store/store.h"

namespace ldn::server {

// ---- Base32 (RFC 4648 §6), the alphabet of otpauth:// secrets --------------------------------

// Upper case, without padding.
std::string Base32Encode(std::span<const uint8_t> bytes);
// Accepts either case, spaces and trailing '='. kInvalidArgument "secret" otherwise.
Result<std::vector<uint8_t>> Base32Decode(std::string_view text);

// ---- HOTP (RFC 4226) and TOTP (RFC 6238) -------------------------------------------------------

enum class OtpHash { kSha1, kSha256, kSha512 };

// HOTP(K, C) truncated to `digits` decimal digits (RFC 4226 §5.3; RFC 6238 §1.2 for SHA-256 and
// SHA-512), zero-padded. REQUIRES: 6 <= digits <= 8.
std::string Hotp(std::span<const uint8_t> key, uint64_t counter, int digits = 6, OtpHash hash = OtpHash::kSha1);

// The TOTP time step of `unix_seconds`: floor((t - T0) / X) with T0 = 0 and X = 30 s (RFC 6238
// §4.2). REQUIRES: unix_seconds >= 0.
inline constexpr int64_t kTotpPeriodSeconds = 30;
int64_t TotpStep(int64_t unix_seconds);

// The code of `step` (HOTP with the step as counter).
std::string TotpCode(std::span<const uint8_t> key, int64_t step, int digits = 6, OtpHash hash = OtpHash::kSha1);

// The step in [now_step - 1, now_step + 1] whose 6-digit SHA-1 code is `code`, or nullopt. One step
// either side allows for clock drift and typing time (RFC 6238 §5.2). Constant-time comparison.
// The caller must still claim the step once (Store::ClaimTotpStep): a code is good only once.
std::optional<int64_t> MatchTotp(std::span<const uint8_t> key, std::string_view code, int64_t now_step);

// A new random secret of 20 bytes (160 bits: RFC 4226 §4 R6 recommends 160, requires 128).
std::vector<uint8_t> NewTotpSecret();

// The otpauth:// URI that authenticator apps read from a QR code (the Key Uri Format of Google
// Authenticator): otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&
// digits=6&period=30, with issuer and account percent-encoded.
std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view base32_secret);

// ---- Sealing secrets at rest -------------------------------------------------------------------

// Encrypts TOTP secrets with XChaCha20-Poly1305 (libsodium crypto_aead_xchacha20poly1305_ietf)
// under a 32-byte key kept outside the database, bound to the user id (associated data), so that
// a copy of the database (a backup) does not reveal them (ASVS 2.8.2, 6.4.1). Thread-safe.
class SecretSealer {
 public:
  static constexpr size_t kKeyBytes = 32;
  // A sealer with `key` (exactly 32 bytes), or a random key when `key` is empty (tests: secrets
  // then do not survive the process). kInvalidArgument "key" for another length.
  static Result<SecretSealer> WithKey(std::string_view key);
  // Reads the key file (base64 of 32 bytes, one line), creating it with a new random key and mode
  // 0600 when it does not exist. kInvalidArgument naming `field` when the file is malformed or
  // can be read by group or others; kUnavailable when it cannot be read or created.
  static Result<std::string> LoadOrCreateKeyFile(const std::filesystem::path& path, std::string_view field);

  // "v1:" + base64(nonce || ciphertext).
  std::string Seal(std::span<const uint8_t> secret, store::Id user_id) const;
  // kInternal when the text was not sealed by this key for this user (a different key file).
  Result<std::vector<uint8_t>> Open(std::string_view sealed, store::Id user_id) const;

 private:
  std::string key_;
};

// ---- Recovery codes ----------------------------------------------------------------------------

// One-time codes for a lost authenticator (NIST 800-63B §5.1.2 look-up secrets): 16 characters of
// an alphabet without look-alikes (23456789abcdefghjkmnpqrstuvwxyz), shown as "xxxx-xxxx-xxxx-
// xxxx". The first 4 characters find the row (the lookup, stored in clear); the other 12 carry 60
// random bits, and the whole code is stored as an Argon2id hash (§5.1.2.2: fewer than 112 bits,
// so a salted key-derivation function, plus throttling).
inline constexpr int kRecoveryCodeCount = 10;
struct IssuedRecoveryCodes {
  std::vector<std::string> codes;          // to show once
  std::vector<store::RecoveryCode> stored;  // to store
};
// Hashed at `cost` (the API's password cost). kUnavailable when memory for hashing runs out.
// REQUIRES: InitCrypto() succeeded.
Result<IssuedRecoveryCodes> IssueRecoveryCodes(store::Instant now, int count = kRecoveryCodeCount,
                                               PasswordCost cost = PasswordCost::kInteractive);
// The code as typed, normalised (lower case, without spaces and dashes), or nullopt when it is not
// 16 characters of the alphabet.
std::optional<std::string> NormaliseRecoveryCode(std::string_view typed);
// The lookup of a normalised code (its first 4 characters).
std::string RecoveryCodeLookup(std::string_view normalised);

}  // namespace ldn::server

#endif  // LDN_SERVER_TOTP_H_
