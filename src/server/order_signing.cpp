#include "server/order_signing.h"

#include <array>

#include <fmt/format.h>
#include <sodium.h>

#include "core/calendar.h"
#include "core/json_reader.h"
#include "server/auth.h"

namespace ldn::server {
namespace {

constexpr std::string_view kContext = "ldn-order-v1:";

std::string Hex(const unsigned char* data, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

template <size_t N>
bool FromHex(std::string_view hex, std::array<unsigned char, N>& out) {
  size_t len = 0;
  return hex.size() == 2 * N &&
         sodium_hex2bin(out.data(), N, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 && len == N;
}

// The secretbox key for a prescriber's password and a key's salt (Argon2id, INTERACTIVE).
Result<std::array<unsigned char, crypto_secretbox_KEYBYTES>> SealingKey(
    std::string_view password, const std::array<unsigned char, crypto_pwhash_SALTBYTES>& salt, PasswordCost cost) {
  std::array<unsigned char, crypto_secretbox_KEYBYTES> key{};
  const bool minimum = cost == PasswordCost::kTestMinimum;  // tests only (auth.h)
  if (crypto_pwhash(key.data(), key.size(), password.data(), password.size(), salt.data(),
                    minimum ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                    minimum ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Unavailable("not enough memory to derive the signing key");
  }
  return key;
}

std::string Base64(const unsigned char* data, size_t size) {
  std::string out(sodium_base64_ENCODED_LEN(size, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

// Opens a stored key with the password: the 64-byte Ed25519 secret key, or nullopt when the
// password does not open it (changed since) or the stored value is malformed.
std::optional<std::array<unsigned char, crypto_sign_SECRETKEYBYTES>> OpenKey(const store::SigningKey& k,
                                                                             std::string_view password,
                                                                             PasswordCost cost, Status& failure) {
  std::array<unsigned char, crypto_pwhash_SALTBYTES> salt{};
  std::array<unsigned char, crypto_secretbox_NONCEBYTES> nonce{};
  if (!FromHex(k.salt, salt) || !FromHex(k.nonce, nonce)) return std::nullopt;
  std::vector<unsigned char> sealed(k.sealed_secret.size());
  size_t sealed_len = 0;
  if (sodium_base642bin(sealed.data(), sealed.size(), k.sealed_secret.data(), k.sealed_secret.size(), nullptr,
                        &sealed_len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      sealed_len != crypto_sign_SECRETKEYBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  auto key = SealingKey(password, salt, cost);
  if (!key.ok()) {
    failure = key.status();
    return std::nullopt;
  }
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  const int opened = crypto_secretbox_open_easy(secret.data(), sealed.data(), sealed_len, nonce.data(), key->data());
  sodium_memzero(key->data(), key->size());
  if (opened != 0) return std::nullopt;
  return secret;
}

nlohmann::json StoredOrNull(const std::string& text) {
  auto j = ParseJson(text);
  return j.ok() ? std::move(j).value() : nlohmann::json();
}

// The message that is signed: a context string and the content hash.
std::string SignedMessage(std::string_view sha256) {
  return std::string(kContext) + std::string(sha256);
}

}  // namespace

std::string Sha256Hex(std::string_view text) {
  unsigned char hash[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(hash, reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return Hex(hash, sizeof hash);
}

std::string CanonicalOrderText(const store::Prescription& rx, store::Instant signed_at) {
  // nlohmann::json keeps object keys sorted, and dump() without indent writes no spaces: the
  // same order always gives the same text.
  const nlohmann::json doc = {
      {"v", 1},
      {"prescription_id", rx.id},
      {"patient_id", rx.patient_id},
      {"course_id", rx.course_id},
      {"pharmacy_id", rx.pharmacy_id ? nlohmann::json(*rx.pharmacy_id) : nlohmann::json()},
      {"pharmacy", rx.pharmacy},
      {"prescriber_user_id", rx.recorded_by},
      {"issued_at", FormatUtcInstant(rx.recorded_at)},
      {"signed_at", FormatUtcInstant(signed_at)},
      {"order", StoredOrNull(rx.formulation_json)},
  };
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<PreparedSignature> PrepareSignature(store::Store& store, const store::Prescription& rx,
                                           const store::User& signer, std::string_view password, store::Instant now,
                                           PasswordCost cost) {
  PreparedSignature out;
  std::optional<std::array<unsigned char, crypto_sign_SECRETKEYBYTES>> secret;
  std::string public_key;
  store::Id key_id = 0;
  auto active = store.GetActiveSigningKey(signer.id);
  if (!active.ok() && active.status().code() != Code::kNotFound) return active.status();
  if (active.ok()) {
    Status failure = Status::Ok();
    secret = OpenKey(*active, password, cost, failure);
    if (!failure.ok()) return failure;
    if (secret) {
      public_key = active->public_key;
      key_id = active->id;
    }
  }
  if (!secret) {
    // No key yet, or the password changed since the key was sealed: a new key pair.
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> sk{};
    crypto_sign_keypair(pk.data(), sk.data());
    std::array<unsigned char, crypto_pwhash_SALTBYTES> salt{};
    std::array<unsigned char, crypto_secretbox_NONCEBYTES> nonce{};
    randombytes_buf(salt.data(), salt.size());
    randombytes_buf(nonce.data(), nonce.size());
    LDN_ASSIGN_OR_RETURN(auto sealing, SealingKey(password, salt, cost));
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES + crypto_secretbox_MACBYTES> sealed{};
    crypto_secretbox_easy(sealed.data(), sk.data(), sk.size(), nonce.data(), sealing.data());
    sodium_memzero(sealing.data(), sealing.size());
    store::SigningKey k;
    k.user_id = signer.id;
    k.public_key = Hex(pk.data(), pk.size());
    k.sealed_secret = Base64(sealed.data(), sealed.size());
    k.salt = Hex(salt.data(), salt.size());
    k.nonce = Hex(nonce.data(), nonce.size());
    k.created_at = now;
    out.new_key = k;
    public_key = k.public_key;
    secret = sk;
    sodium_memzero(sk.data(), sk.size());
  }
  out.content_sha256 = Sha256Hex(CanonicalOrderText(rx, now));
  const std::string message = SignedMessage(out.content_sha256);
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret->data());
  sodium_memzero(secret->data(), secret->size());
  out.signature = {{"alg", "Ed25519"},
                   {"key_id", key_id},
                   {"public_key", public_key},
                   {"content_sha256", out.content_sha256},
                   {"signature", Hex(sig.data(), sig.size())},
                   {"signed_by", signer.id},
                   {"signed_at", FormatUtcInstant(now)}};
  return out;
}

Status VerifyOrderSignature(store::Store& store, const store::Prescription& rx) {
  if (!rx.signed_at) return Status::Conflict("the prescription is not signed");
  const nlohmann::json sig = StoredOrNull(rx.signature_json);
  if (!sig.is_object() || !sig.contains("content_sha256") || !sig.contains("signature") || !sig.contains("key_id") ||
      !sig.contains("signed_by") || !sig["content_sha256"].is_string() || !sig["signature"].is_string() ||
      !sig["key_id"].is_number_integer() || !sig["signed_by"].is_number_integer()) {
    return Status::Conflict("the stored signature is malformed");
  }
  const std::string stored_hash = sig["content_sha256"];
  const std::string actual = Sha256Hex(CanonicalOrderText(rx, *rx.signed_at));
  if (actual != stored_hash) {
    return Status::Conflict("the order's content changed after it was signed (its SHA-256 no longer matches)");
  }
  if (sig["signed_by"].get<store::Id>() != rx.recorded_by) {
    return Status::Conflict("the signature names another prescriber than the order");
  }
  auto key = store.GetSigningKey(sig["key_id"].get<store::Id>());
  if (!key.ok()) {
    if (key.status().code() == Code::kNotFound) return Status::Conflict("the signing key is missing");
    return key.status();
  }
  if (key->user_id != rx.recorded_by) return Status::Conflict("the signing key belongs to another user");
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  if (!FromHex(key->public_key, pk) || !FromHex(sig["signature"].get<std::string>(), signature)) {
    return Status::Conflict("the stored key or signature is malformed");
  }
  const std::string message = SignedMessage(stored_hash);
  if (crypto_sign_verify_detached(signature.data(), reinterpret_cast<const unsigned char*>(message.data()),
                                  message.size(), pk.data()) != 0) {
    return Status::Conflict("the signature does not verify with the prescriber's key");
  }
  // The audit trail holds the hash that was signed.
  store::AuditQuery q;
  q.patient_id = rx.patient_id;
  q.limit = 10000;
  const std::string expected = fmt::format("prescription {} sha256={}", rx.id, stored_hash);
  bool recorded = false;
  while (!recorded) {
    LDN_ASSIGN_OR_RETURN(auto events, store.ListAudit(q));
    for (const auto& e : events) recorded = recorded || (e.action == "prescription.signature" && e.detail == expected);
    if (events.size() < static_cast<size_t>(q.limit)) break;
    q.after_seq = events.back().seq;
  }
  if (!recorded) return Status::Conflict("the audit trail has no record of this signature's hash");
  return Status::Ok();
}

Result<SignatureReport> VerifyOrderSignatures(store::Store& store) {
  LDN_RETURN_IF_ERROR(InitCrypto());  // the CLI's `ldn audit verify` calls this without a server
  SignatureReport report;
  LDN_ASSIGN_OR_RETURN(auto signed_rx, store.ListSignedPrescriptions());
  for (const store::Prescription& rx : signed_rx) {
    ++report.checked;
    const Status s = VerifyOrderSignature(store, rx);
    if (s.ok()) continue;
    if (s.code() != Code::kConflict) return s;
    report.problems.push_back({rx.patient_id, rx.id, s.message()});
  }
  return report;
}

nlohmann::json SignatureReportToJson(const SignatureReport& report) {
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : report.problems) {
    problems.push_back({{"patient_id", p.patient_id}, {"prescription_id", p.prescription_id}, {"problem", p.problem}});
  }
  return {{"ok", report.problems.empty()}, {"checked", report.checked}, {"problems", std::move(problems)}};
}

}  // namespace ldn::server
