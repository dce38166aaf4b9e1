// Passwords, session tokens and the reading of credentials from a request.
//
// Passwords are stored as Argon2id hashes in libsodium's encoded form (crypto_pwhash_str: the
// salt and the cost parameters travel inside the string). Session and CSRF tokens are 32 random
// bytes (randombytes_buf) sent to the client in base64url; only their SHA-256 (lower-case hex) is
// stored, so a copy of the database does not let anyone log in.
#ifndef LDN_SERVER_AUTH_H_
#define LDN_SERVER_AUTH_H_

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "server/http_types.h"

namespace ldn::server {

// Initialises libsodium (idempotent, thread-safe). Fails with kInternal when it cannot.
Status InitCrypto();

// Argon2id cost. kInteractive is libsodium's INTERACTIVE preset (2 passes, 64 MiB): the
// documented choice for online logins. kModerate is its MODERATE preset (3 passes, 256 MiB).
// kTestMinimum is its MIN limits (1 pass, 8 KiB) and protects nothing: only the server tests
// choose it (tests/server/server_fixture.h), so that some 600 in-process servers, each creating and
// logging in its accounts, do not spend most of their time in Argon2. `ldn serve` cannot select it
// (ApiOptions defaults to kInteractive; no flag or file sets the cost).
enum class PasswordCost { kInteractive, kModerate, kTestMinimum };

// The rules for a new password are in password_policy.h (CheckNewPassword).

// The encoded Argon2id hash of `password`. Fails with kUnavailable when memory for the hash
// cannot be allocated. REQUIRES: InitCrypto() succeeded.
Result<std::string> HashPassword(std::string_view password, PasswordCost cost = PasswordCost::kInteractive);

// True when `password` matches `encoded_hash` (constant-time in the password). A malformed hash
// is simply false.
bool VerifyPassword(std::string_view password, const std::string& encoded_hash);

// Spends about the time of one VerifyPassword of a hash of `cost`, for a login with an unknown
// username, so that response times do not tell which usernames exist.
void VerifyPasswordDummy(std::string_view password, PasswordCost cost = PasswordCost::kInteractive);

// A new random token: 32 bytes from randombytes_buf in unpadded base64url (43 characters).
std::string NewToken();

// Lower-case hex SHA-256 of `token` (64 characters): what the store keeps.
std::string TokenHash(std::string_view token);

// Constant-time comparison of two strings of equal length (false when lengths differ).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Names of the cookies the server sets: over plain HTTP, and behind HTTPS, where the __Host-
// prefix makes the browser refuse them unless Secure, Path=/ and without Domain, so that no
// other host or plain-HTTP page can plant one (RFC 6265bis §4.1.3.2; ASVS 3.4.4).
inline constexpr std::string_view kSessionCookie = "ldn_session";
inline constexpr std::string_view kCsrfCookie = "ldn_csrf";
inline constexpr std::string_view kSecureSessionCookie = "__Host-ldn_session";
inline constexpr std::string_view kSecureCsrfCookie = "__Host-ldn_csrf";
// The header that must echo the CSRF token on unsafe methods of a cookie session.
inline constexpr std::string_view kCsrfHeader = "x-csrf-token";

// Where a request's credentials came from.
enum class CredentialSource { kNone, kBearer, kCookie };

struct Credentials {
  CredentialSource source = CredentialSource::kNone;
  std::string token;  // the raw session token
};

// Reads the credentials of a request: "Authorization: Bearer <token>" wins over the session
// cookie (named `session_cookie`: the server's one name, the other is ignored). Fails with kUnauthenticated when an Authorization header is present but is
// not a Bearer token of the right form (no fallback to the cookie in that case). A request with
// neither gives source kNone.
Result<Credentials> ReadCredentials(const HttpRequest& request, std::string_view session_cookie = kSessionCookie);

// The value of cookie `name` in a Cookie header value, if present.
std::optional<std::string> CookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace ldn::server

#endif  // LDN_SERVER_AUTH_H_
