// Electronic signatures of prescriptions (docs/clinic.md, "Signature").
//
// A prescriber signs an order by re-entering their password. Each prescriber has an Ed25519 key
// pair (libsodium crypto_sign); its secret half is stored sealed (crypto_secretbox) with a key
// derived from their password by Argon2id (crypto_pwhash, the INTERACTIVE preset; the tests' servers
// use the minimum, auth.h PasswordCost, and a key sealed at another cost simply does not open, so a
// new pair is made), so the server
// cannot sign for a prescriber who did not just type their password. When the password no longer
// opens the key (it was changed or reset), a new key pair is made and the old one retired; old
// signatures stay verifiable with their own public key.
//
// What is signed: the SHA-256 of the order's canonical text (CanonicalOrderText): its ids, its
// pharmacy, its prescriber and its full content (the stored formulation_json) and the signing
// time, as one JSON object with sorted keys and no spaces. The signature JSON stored with the
// prescription is {"alg": "Ed25519", "key_id", "public_key", "content_sha256", "signature"
// (hex), "signed_by", "signed_at"}; the audit trail records the same content_sha256 in the
// "prescription.signature" event, so that a changed order is found three ways: its hash no
// longer matches, its signature no longer verifies, and the audit chain holds another hash.
#ifndef LDN_SERVER_ORDER_SIGNING_H_
#define LDN_SERVER_ORDER_SIGNING_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "server/auth.h"
#include "store/store.h"

namespace ldn::server {

// The canonical text of `rx` signed at `signed_at` (which also goes into the text).
std::string CanonicalOrderText(const store::Prescription& rx, store::Instant signed_at);
// Lower-case hex SHA-256 of a text.
std::string Sha256Hex(std::string_view text);

// The signature of `rx` by `signer` (whose password is `password`, already verified by the
// caller against the account) at `now`: the signature JSON to store, and, when a new key pair
// had to be made, that key (to be stored in the same transaction with CreateSigningKey; its id is
// then filled into the signature by FinishSignature). Fails with kUnavailable when memory for
// Argon2id is short. REQUIRES: InitCrypto() succeeded.
struct PreparedSignature {
  nlohmann::json signature;                 // key_id is 0 when new_key is set
  std::optional<store::SigningKey> new_key;  // to store first
  std::string content_sha256;
};
Result<PreparedSignature> PrepareSignature(store::Store& store, const store::Prescription& rx,
                                           const store::User& signer, std::string_view password, store::Instant now,
                                           PasswordCost cost = PasswordCost::kInteractive);

// One signed prescription that no longer verifies.
struct SignatureProblem {
  store::Id patient_id = 0;
  store::Id prescription_id = 0;
  std::string problem;
};
struct SignatureReport {
  int64_t checked = 0;
  std::vector<SignatureProblem> problems;
};
// Checks every signed prescription: its content hash recomputes, its signature verifies with the
// stored key, that key belongs to the signer, and the audit trail recorded that hash. A non-OK
// result means the store could not be read.
Result<SignatureReport> VerifyOrderSignatures(store::Store& store);
// The same for one prescription: OK, or kConflict saying what no longer matches.
Status VerifyOrderSignature(store::Store& store, const store::Prescription& rx);
nlohmann::json SignatureReportToJson(const SignatureReport& report);

}  // namespace ldn::server

#endif  // LDN_SERVER_ORDER_SIGNING_H_
