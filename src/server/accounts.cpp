#include "server/accounts.h"

#include "server/account_codes.h"
#include "server/password_policy.h"

namespace ldn::server {

Result<store::User> CreateAccount(store::Store& store, const NewAccount& account, store::Instant now,
                                  PasswordCost cost) {
  if (!account.password_later) LDN_RETURN_IF_ERROR(CheckNewPassword(account.password, account.username, "password"));
  const bool is_patient = account.role == store::Role::kPatient;
  const int links = (account.patient_id ? 1 : 0) + (account.new_patient ? 1 : 0);
  if (is_patient && links != 1) {
    return Status::InvalidArgument("patient",
                                   "a patient user needs either a new patient record or an existing patient_id");
  }
  if (!is_patient && links != 0) {
    return Status::InvalidArgument("patient", "only a patient user is linked to a patient record");
  }
  if (account.pharmacy_id && account.role != store::Role::kPharmacist) {
    return Status::InvalidArgument("pharmacy_id", "only a pharmacist works for a pharmacy");
  }
  // Hash outside the transaction: Argon2id takes tens of milliseconds by design.
  std::string hash(kNoPasswordYet);
  if (!account.password_later) {
    LDN_ASSIGN_OR_RETURN(hash, HashPassword(account.password, cost));
  }
  store::User created;
  const Status s = store.RunInTransaction([&](store::Store& tx) -> Status {
    store::User u;
    u.username = account.username;
    u.role = account.role;
    u.password_hash = hash;
    u.created_at = now;
    u.must_change_password = account.must_change_password;
    u.password_changed_at = now;
    u.patient_id = account.patient_id;
    if (account.new_patient) {
      store::Patient p;
      p.display_name = account.new_patient->display_name;
      p.time_zone = account.new_patient->time_zone;
      p.created_at = now;
      LDN_ASSIGN_OR_RETURN(store::Patient stored, tx.CreatePatient(p));
      u.patient_id = stored.id;
    }
    LDN_ASSIGN_OR_RETURN(created, tx.CreateUser(u));
    if (account.pharmacy_id) LDN_RETURN_IF_ERROR(tx.SetUserPharmacy(created.id, account.pharmacy_id, now));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return created;
}

bool TotpRequired(store::Role role) {
  return role == store::Role::kClinician || role == store::Role::kPharmacist || role == store::Role::kAdmin;
}

}  // namespace ldn::server
