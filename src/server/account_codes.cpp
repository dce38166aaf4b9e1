#include "server/account_codes.h"

#include <sodium.h>

#include "server/auth.h"

namespace ldn::server {
namespace {

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kCodeBytes = 15;  // 120 bits -> 24 base32 characters
constexpr size_t kCodeChars = kCodeBytes * 8 / 5;

std::string NewCode() {
  unsigned char bytes[kCodeBytes];
  randombytes_buf(bytes, sizeof bytes);
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kCrockford[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return out;
}

std::string Grouped(const std::string& code) {
  std::string out;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back('-');
    out.push_back(code[i]);
  }
  return out;
}

}  // namespace

std::string NormalizeCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'I' || c == 'L') c = '1';
    if (c == 'O') c = '0';
    if (std::string_view(kCrockford).find(c) == std::string_view::npos) return "";
    out.push_back(c);
    if (out.size() > kCodeChars) return "";
  }
  return out.size() == kCodeChars ? out : "";
}

std::string CodeHash(std::string_view normalized) {
  return TokenHash(normalized);
}

std::string CodeUnusableReason(const store::AccountCode& code, store::Instant now) {
  if (code.used_at) return "used";
  if (code.revoked_at) return "replaced";
  if (code.expires_at <= now) return "expired";
  return "";
}

Result<IssuedCode> IssueAccountCode(store::Store& store, store::AccountCodePurpose purpose,
                                    std::optional<store::Id> patient_id, std::optional<store::Id> user_id,
                                    store::Id created_by, store::Instant now) {
  IssuedCode out;
  const std::string code = NewCode();
  out.code = Grouped(code);
  store::AccountCode c;
  c.code_hash = CodeHash(code);
  c.purpose = purpose;
  c.patient_id = patient_id;
  c.user_id = user_id;
  c.created_by = created_by;
  c.created_at = now;
  c.expires_at =
      now + (purpose == store::AccountCodePurpose::kInvitation ? kInvitationLifetime : kPasswordCodeLifetime);
  LDN_ASSIGN_OR_RETURN(out.stored, store.CreateAccountCode(c));
  out.link = std::string(purpose == store::AccountCodePurpose::kInvitation ? "/#/invite/" : "/#/password/") + out.code;
  return out;
}

}  // namespace ldn::server
