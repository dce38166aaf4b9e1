#include "server/totp.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include "server/auth.h"

namespace ldn::server {
namespace {

constexpr char kBase32Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
// Recovery codes: digits and lower-case letters without 0 o 1 i l (read aloud or copied by hand).
constexpr std::string_view kRecoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";
constexpr size_t kRecoveryLength = 16;
constexpr size_t kRecoveryLookupLength = 4;

std::string PercentEncode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

std::string AssociatedData(store::Id user_id) {
  return "ldn-totp-secret:" + std::to_string(user_id);
}

}  // namespace

std::string Base32Encode(std::span<const uint8_t> bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Alphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

Result<std::vector<uint8_t>> Base32Decode(std::string_view text) {
  std::vector<uint8_t> out;
  uint32_t buffer = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    if (c == ' ') continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    if (padding) return Status::InvalidArgument("secret", "characters after the '=' padding");
    int v = -1;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    if (c >= 'a' && c <= 'z') v = c - 'a';
    if (c >= '2' && c <= '7') v = c - '2' + 26;
    if (v < 0) return Status::InvalidArgument("secret", "is not base32 (A-Z and 2-7)");
    buffer = (buffer << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<uint8_t>((buffer >> (bits - 8)) & 0xFF));
      bits -= 8;
    }
  }
  return out;
}

std::string Hotp(std::span<const uint8_t> key, uint64_t counter, int digits, OtpHash hash) {
  // RFC 4226 §5.3: HS = HMAC(K, C) with C as 8 big-endian bytes; dynamic truncation; mod 10^digits.
  uint8_t message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<uint8_t>(counter & 0xFF);
    counter >>= 8;
  }
  const EVP_MD* md = hash == OtpHash::kSha1 ? EVP_sha1() : hash == OtpHash::kSha256 ? EVP_sha256() : EVP_sha512();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), message, sizeof message, mac, &mac_len);
  const unsigned offset = mac[mac_len - 1] & 0x0F;
  const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7F) << 24) |
                          (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                          (static_cast<uint32_t>(mac[offset + 2]) << 8) | static_cast<uint32_t>(mac[offset + 3]);
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  return fmt::format("{:0{}}", binary % modulus, digits);
}

int64_t TotpStep(int64_t unix_seconds) {
  return unix_seconds / kTotpPeriodSeconds;
}

std::string TotpCode(std::span<const uint8_t> key, int64_t step, int digits, OtpHash hash) {
  return Hotp(key, static_cast<uint64_t>(step), digits, hash);
}

std::optional<int64_t> MatchTotp(std::span<const uint8_t> key, std::string_view code, int64_t now_step) {
  if (code.size() != 6) return std::nullopt;
  std::optional<int64_t> found;
  // Every candidate is computed and compared, so the time taken does not tell which one matched.
  for (int64_t step = now_step - 1; step <= now_step + 1; ++step) {
    if (step < 0) continue;
    if (ConstantTimeEquals(TotpCode(key, step), code) && !found) found = step;
  }
  return found;
}

std::vector<uint8_t> NewTotpSecret() {
  std::vector<uint8_t> secret(20);
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string OtpauthUri(std::string_view issuer, std::string_view account, std::string_view base32_secret) {
  const std::string i = PercentEncode(issuer);
  return fmt::format("otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits=6&period={}", i,
                     PercentEncode(account), base32_secret, i, kTotpPeriodSeconds);
}

// ---- Sealing -------------------------------------------------------------------------------------

Result<SecretSealer> SecretSealer::WithKey(std::string_view key) {
  SecretSealer s;
  if (key.empty()) {
    s.key_.resize(kKeyBytes);
    randombytes_buf(s.key_.data(), kKeyBytes);
    return s;
  }
  if (key.size() != kKeyBytes) return Status::InvalidArgument("key", "must be 32 bytes");
  s.key_ = std::string(key);
  return s;
}

Result<std::string> SecretSealer::LoadOrCreateKeyFile(const std::filesystem::path& path, std::string_view field) {
  const std::string f(field);
  // Create it if missing: O_EXCL, so that two servers starting together agree on one key.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    unsigned char key[kKeyBytes];
    randombytes_buf(key, sizeof key);
    char b64[sodium_base64_ENCODED_LEN(kKeyBytes, sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, key, sizeof key, sodium_base64_VARIANT_ORIGINAL);
    const std::string line = std::string(b64) + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
    ::close(fd);
    sodium_memzero(key, sizeof key);
    if (!written) return Status::Unavailable(fmt::format("{}: could not write {}", f, path.string()));
  } else if (errno != EEXIST) {
    return Status::Unavailable(fmt::format("{}: cannot create {}: {}", f, path.string(), std::strerror(errno)));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Status::Unavailable(fmt::format("{}: cannot read {}: {}", f, path.string(), std::strerror(errno)));
  }
  if ((st.st_mode & 077) != 0) {
    return Status::InvalidArgument(
        f, fmt::format("{} can be read by other users (mode {:o}): chmod 600 it", path.string(), st.st_mode & 0777));
  }
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return Status::Unavailable(fmt::format("{}: cannot read {}", f, path.string()));
  }
  unsigned char key[kKeyBytes];
  size_t len = 0;
  if (sodium_base642bin(key, sizeof key, line.data(), line.size(), " \r", &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len != kKeyBytes) {
    return Status::InvalidArgument(f, fmt::format("{} does not hold a base64 key of 32 bytes", path.string()));
  }
  std::string out(reinterpret_cast<const char*>(key), kKeyBytes);
  sodium_memzero(key, sizeof key);
  return out;
}

std::string SecretSealer::Seal(std::span<const uint8_t> secret, store::Id user_id) const {
  const std::string ad = AssociatedData(user_id);
  std::vector<unsigned char> out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + secret.size() +
                                 crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned char* nonce = out.data();
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
                                             secret.data(), secret.size(),
                                             reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
                                             nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  std::string b64(sodium_base64_ENCODED_LEN(out.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(b64.data(), b64.size(), out.data(), out.size(), sodium_base64_VARIANT_ORIGINAL);
  b64.resize(std::strlen(b64.c_str()));
  return "v1:" + b64;
}

Result<std::vector<uint8_t>> SecretSealer::Open(std::string_view sealed, store::Id user_id) const {
  if (sealed.substr(0, 3) != "v1:") return Status::Internal("a sealed secret of an unknown version");
  sealed.remove_prefix(3);
  std::vector<unsigned char> bytes(sealed.size());
  size_t len = 0;
  if (sodium_base642bin(bytes.data(), bytes.size(), sealed.data(), sealed.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Status::Internal("a sealed secret is malformed");
  }
  const std::string ad = AssociatedData(user_id);
  std::vector<uint8_t> secret(len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES -
                              crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          secret.data(), &mlen, nullptr, bytes.data() + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, reinterpret_cast<const unsigned char*>(ad.data()),
          ad.size(), bytes.data(), reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return Status::Internal(
        "a TOTP secret cannot be opened with this server's key file (a different key, or altered data)");
  }
  secret.resize(mlen);
  return secret;
}

// ---- Recovery codes ------------------------------------------------------------------------------

Result<IssuedRecoveryCodes> IssueRecoveryCodes(store::Instant now, int count, PasswordCost cost) {
  IssuedRecoveryCodes out;
  while (static_cast<int>(out.codes.size()) < count) {
    std::string code;
    for (size_t i = 0; i < kRecoveryLength; ++i) {
      code.push_back(kRecoveryAlphabet[randombytes_uniform(static_cast<uint32_t>(kRecoveryAlphabet.size()))]);
    }
    const std::string lookup = RecoveryCodeLookup(code);
    bool clash = false;
    for (const auto& s : out.stored) clash = clash || s.lookup == lookup;
    if (clash) continue;  // lookups are unique per user
    LDN_ASSIGN_OR_RETURN(std::string hash, HashPassword(code, cost));
    out.stored.push_back({lookup, hash, now, std::nullopt});
    out.codes.push_back(fmt::format("{}-{}-{}-{}", code.substr(0, 4), code.substr(4, 4), code.substr(8, 4),
                                    code.substr(12, 4)));
  }
  return out;
}

std::optional<std::string> NormaliseRecoveryCode(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == ' ' || c == '-') continue;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (kRecoveryAlphabet.find(c) == std::string_view::npos) return std::nullopt;
    out.push_back(c);
    if (out.size() > kRecoveryLength) return std::nullopt;
  }
  if (out.size() != kRecoveryLength) return std::nullopt;
  return out;
}

std::string RecoveryCodeLookup(std::string_view normalised) {
  return std::string(normalised.substr(0, kRecoveryLookupLength));
}

}  // namespace ldn::server
