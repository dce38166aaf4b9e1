// One-time account codes (docs/clinic.md, "Invitations and accounts"): an invitation with which a
// patient makes their own account, and a password code with which a user sets a password (a new
// staff account, or a reset by the admin). Nobody but the person it is for ever sees a password.
//
// A code is 120 random bits (libsodium randombytes_buf) written as 24 Crockford base32 characters
// in groups of four ("7K2M-...") for reading aloud or typing; it is accepted in any case, with or
// without dashes and spaces, and with I/L read as 1 and O as 0 (Crockford). Only the SHA-256 of
// the normalised code is stored. It works once (UseAccountCode), only until it expires, and only
// while it is the newest code for its person (a new one revokes the earlier ones). Lifetimes:
// invitations 7 days, password codes 24 hours -- short, single-use and stored hashed as the OWASP
// Forgot Password Cheat Sheet asks of reset tokens; the invitation lives longer because it is
// handed over at a visit and used at home.
#ifndef LDN_SERVER_ACCOUNT_CODES_H_
#define LDN_SERVER_ACCOUNT_CODES_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/store.h"

namespace ldn::server {

inline constexpr std::chrono::hours kInvitationLifetime{24 * 7};
inline constexpr std::chrono::hours kPasswordCodeLifetime{24};

// What a password_hash holds for an account whose owner has not set a password yet: no Argon2id
// hash ever matches it, so nobody can log in until the password code is used.
inline constexpr std::string_view kNoPasswordYet = "!password-not-set";

struct IssuedCode {
  std::string code;  // shown once to the person who issued it; never stored
  std::string link;  // the web app's page for it: "/#/invite/<code>" or "/#/password/<code>"
  store::AccountCode stored;
};

// Makes and stores a code for a patient (invitation) or a user (password), revoking earlier open
// ones. Fails with the store's status. REQUIRES: InitCrypto() succeeded.
Result<IssuedCode> IssueAccountCode(store::Store& store, store::AccountCodePurpose purpose,
                                    std::optional<store::Id> patient_id, std::optional<store::Id> user_id,
                                    store::Id created_by, store::Instant now);

// The code as stored for comparison: upper case, no dashes or spaces, I/L -> 1, O -> 0. Empty when
// it holds a character outside Crockford base32 or has the wrong length.
std::string NormalizeCode(std::string_view code);

// The stored hash of a normalised code.
std::string CodeHash(std::string_view normalized);

// Why a found code cannot be used at `now` (empty when it can): "used", "replaced", "expired".
std::string CodeUnusableReason(const store::AccountCode& code, store::Instant now);

}  // namespace ldn::server

#endif  // LDN_SERVER_ACCOUNT_CODES_H_
