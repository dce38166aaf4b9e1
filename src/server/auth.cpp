#include "server/auth.h"

#include <algorithm>
#include <mutex>

#include <sodium.h>

namespace ldn::server {

Status InitCrypto() {
  if (sodium_init() < 0) return Status::Internal("libsodium could not be initialised");
  return Status::Ok();
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  char out[crypto_pwhash_STRBYTES];
  unsigned long long ops = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  size_t mem = crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (cost == PasswordCost::kModerate) {
    ops = crypto_pwhash_OPSLIMIT_MODERATE;
    mem = crypto_pwhash_MEMLIMIT_MODERATE;
  } else if (cost == PasswordCost::kTestMinimum) {
    ops = crypto_pwhash_OPSLIMIT_MIN;
    mem = crypto_pwhash_MEMLIMIT_MIN;
  }
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops, mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Unavailable("not enough memory to hash the password");
  }
  return std::string(out);
}

bool VerifyPassword(std::string_view password, const std::string& encoded_hash) {
  if (encoded_hash.empty() || encoded_hash.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded_hash.c_str(), password.data(), password.size()) == 0;
}

void VerifyPasswordDummy(std::string_view password, PasswordCost cost) {
  static std::once_flag once[3];
  static std::string dummy[3];
  const auto i = static_cast<size_t>(cost);
  std::call_once(once[i], [i, cost] {
    auto h = HashPassword("ldn-dummy-password-for-timing", cost);
    dummy[i] = h.ok() ? *h : "";
  });
  (void)VerifyPassword(password, dummy[i]);
}

std::string NewToken() {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char out[sodium_base64_ENCODED_LEN(sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(out, sizeof out, bytes, sizeof bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(out);
}

std::string TokenHash(std::string_view token) {
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, hash, sizeof hash);
  return std::string(hex);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

// A token as NewToken makes it: 43 characters of the base64url alphabet.
bool WellFormedToken(std::string_view t) {
  return t.size() == 43 && std::all_of(t.begin(), t.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

}  // namespace

std::optional<std::string> CookieValue(std::string_view header, std::string_view name) {
  size_t i = 0;
  while (i < header.size()) {
    while (i < header.size() && (header[i] == ' ' || header[i] == ';')) ++i;
    size_t end = header.find(';', i);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(i, end - i);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    i = end + 1;
  }
  return std::nullopt;
}

Result<Credentials> ReadCredentials(const HttpRequest& request, std::string_view session_cookie) {
  Credentials c;
  if (auto auth = request.Header("authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (auth->size() <= kBearer.size() || auth->substr(0, kBearer.size()) != kBearer ||
        !WellFormedToken(auth->substr(kBearer.size()))) {
      return Status::Unauthenticated("the Authorization header must be 'Bearer <session token>'");
    }
    c.source = CredentialSource::kBearer;
    c.token = std::string(auth->substr(kBearer.size()));
    return c;
  }
  for (const auto& [k, v] : request.headers) {
    if (k != "cookie") continue;
    if (auto token = CookieValue(v, session_cookie)) {
      if (!WellFormedToken(*token)) return Status::Unauthenticated("the session cookie is malformed");
      c.source = CredentialSource::kCookie;
      c.token = *token;
      return c;
    }
  }
  return c;
}

}  // namespace ldn::server
