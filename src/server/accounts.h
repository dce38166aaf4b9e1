// Creating accounts: shared by POST /api/v1/users, `ldn user add` and the demo seed, so that all
// three apply the same rules.
#ifndef LDN_SERVER_ACCOUNTS_H_
#define LDN_SERVER_ACCOUNTS_H_

#include <optional>
#include <string>

#include "core/result.h"
#include "server/auth.h"
#include "store/store.h"

namespace ldn::server {

// A patient record to create together with a patient user.
struct NewPatient {
  std::string display_name;
  std::string time_zone;  // IANA zone
};

struct NewAccount {
  std::string username;
  store::Role role = store::Role::kPatient;
  std::string password;  // plain text; hashed here with Argon2id, never stored
  // The password was chosen by someone other than the account's owner (an administrator): the
  // owner must choose their own at the first login (issue 17, M5).
  bool must_change_password = false;
  // For role kPatient exactly one of these: link an existing patient, or create one.
  std::optional<store::Id> patient_id;
  std::optional<NewPatient> new_patient;
  // Issue 13: no password yet (the owner sets it with a one-time password code, account_codes.h;
  // `password` is then ignored), and the pharmacy of a pharmacist.
  bool password_later = false;
  std::optional<store::Id> pharmacy_id;
};

// Creates the account (and, for a new patient, the patient record) in one transaction.
// Fails with kInvalidArgument naming the field: "password" (CheckNewPassword of password_policy.h,
// with the username, unless password_later), "patient" (a patient role without exactly one of
// patient_id / new_patient, or another role with either), "pharmacy_id" (given for a role other
// than pharmacist),
// "time_zone" / "display_name" / "username" (store rules); kNotFound "patient_id" for a missing
// patient, "pharmacy_id" for a missing pharmacy; kConflict when the username is taken or the
// patient already has a user.
// REQUIRES: InitCrypto() succeeded.
Result<store::User> CreateAccount(store::Store& store, const NewAccount& account, store::Instant now,
                                  PasswordCost cost = PasswordCost::kInteractive);

// Whether the role must log in with a second factor (TOTP): clinicians, pharmacists and
// administrators, who see or control other people's data (NIST SP 800-63B AAL2: two factors, which
// OWASP ASVS 4.0.3 level 2 follows, V2 introduction). Optional for
// patients (their own record) and researchers (de-identified summaries only).
bool TotpRequired(store::Role role);

}  // namespace ldn::server

#endif  // LDN_SERVER_ACCOUNTS_H_
