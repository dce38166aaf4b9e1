// The clinic's workspace in SQL (issue 13; store.h has the contract): demographics, pharmacies and
// their staff, prescriber profiles, signing keys, order events, one-time account codes, messages.
#include <algorithm>
#include <cctype>
#include <string>

#include "store/sql_helpers.h"
#include "store/sql_store.h"
#include "store/validation.h"

namespace ldn::store::internal {
namespace {

// ---- Validation ------------------------------------------------------------------------------

bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAsciiAlnum(char c) {
  return IsAsciiAlpha(c) || (c >= '0' && c <= '9');
}

// BCP 47 in its common shape: a 2-3 letter primary language, then subtags of 1-8 letters or
// digits ("nb", "en-GB", "zh-Hant-TW"). RFC 5646 section 2.1.
bool IsLanguageTag(std::string_view tag) {
  size_t start = 0;
  bool first = true;
  while (start <= tag.size()) {
    const size_t end = std::min(tag.find('-', start), tag.size());
    const std::string_view sub = tag.substr(start, end - start);
    if (first) {
      if (sub.size() < 2 || sub.size() > 3 || !std::all_of(sub.begin(), sub.end(), IsAsciiAlpha)) return false;
    } else if (sub.empty() || sub.size() > 8 || !std::all_of(sub.begin(), sub.end(), IsAsciiAlnum)) {
      return false;
    }
    first = false;
    if (end == tag.size()) break;
    start = end + 1;
  }
  return true;
}

// ISO 3166-1 alpha-2 in capitals, optionally "-" and an ISO 3166-2 subdivision of 1-3 capitals or
// digits ("NO", "GB", "US-CA").
bool IsJurisdiction(std::string_view j) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto upper_or_digit = [&](char c) { return upper(c) || (c >= '0' && c <= '9'); };
  if (j.size() < 2 || !upper(j[0]) || !upper(j[1])) return false;
  if (j.size() == 2) return true;
  if (j[2] != '-' || j.size() < 4 || j.size() > 6) return false;
  return std::all_of(j.begin() + 3, j.end(), upper_or_digit);
}

bool IsHex(std::string_view s, size_t size) {
  return s.size() == size && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

Status ValidateDemographics(const PatientDemographics& d) {
  LDN_RETURN_IF_ERROR(CheckId(d.patient_id, "patient_id"));
  LDN_RETURN_IF_ERROR(CheckId(d.updated_by, "updated_by"));
  if (d.date_of_birth) LDN_RETURN_IF_ERROR(CheckDate(*d.date_of_birth, "date_of_birth"));
  if (d.sex_at_birth && *d.sex_at_birth != "female" && *d.sex_at_birth != "male" && *d.sex_at_birth != "unknown") {
    return Status::InvalidArgument("sex_at_birth", "must be female, male or unknown");
  }
  if (d.language && !IsLanguageTag(*d.language)) {
    return Status::InvalidArgument("language", "must be a BCP 47 language tag such as nb, en or en-GB");
  }
  if (d.jurisdiction && !IsJurisdiction(*d.jurisdiction)) {
    return Status::InvalidArgument("jurisdiction",
                                   "must be an ISO 3166 country code, optionally with a subdivision: NO, GB, US-CA");
  }
  if (d.address) LDN_RETURN_IF_ERROR(CheckText(*d.address, "address", 1, 500));
  return Status::Ok();
}

Status ValidatePharmacy(const Pharmacy& p) {
  LDN_RETURN_IF_ERROR(CheckText(p.name, "name", 1, 200));
  LDN_RETURN_IF_ERROR(CheckText(p.address, "address", 1, 500));
  return CheckText(p.phone, "phone", 1, 50);
}

Status ValidateProfile(const PrescriberProfile& p) {
  LDN_RETURN_IF_ERROR(CheckId(p.user_id, "user_id"));
  LDN_RETURN_IF_ERROR(CheckText(p.full_name, "full_name", 1, 200));
  LDN_RETURN_IF_ERROR(CheckText(p.profession, "profession", 1, 100));
  LDN_RETURN_IF_ERROR(CheckText(p.registration_number, "registration_number", 1, 100));
  LDN_RETURN_IF_ERROR(CheckText(p.address, "address", 1, 500));
  return CheckText(p.phone, "phone", 0, 50);
}

Status ValidateSigningKey(const SigningKey& k) {
  LDN_RETURN_IF_ERROR(CheckId(k.user_id, "user_id"));
  if (!IsHex(k.public_key, 64)) return Status::InvalidArgument("public_key", "must be 64 lower-case hex characters");
  LDN_RETURN_IF_ERROR(CheckText(k.sealed_secret, "sealed_secret", 1, 400));
  if (!IsHex(k.salt, 32)) return Status::InvalidArgument("salt", "must be 32 lower-case hex characters");
  if (!IsHex(k.nonce, 48)) return Status::InvalidArgument("nonce", "must be 48 lower-case hex characters");
  return Status::Ok();
}

Status ValidatePrescriptionEvent(const PrescriptionEvent& e) {
  LDN_RETURN_IF_ERROR(CheckId(e.patient_id, "patient_id"));
  LDN_RETURN_IF_ERROR(CheckId(e.prescription_id, "prescription_id"));
  LDN_RETURN_IF_ERROR(CheckId(e.actor_user_id, "actor_user_id"));
  static constexpr std::string_view kKinds[] = {"created", "signed", "verified", "dispensed", "cancelled"};
  if (std::find(std::begin(kKinds), std::end(kKinds), e.kind) == std::end(kKinds)) {
    return Status::InvalidArgument("kind", "must be created, signed, verified, dispensed or cancelled");
  }
  return CheckText(e.note, "note", 0, 2000);
}

Status ValidateAccountCode(const AccountCode& code) {
  if (!IsHex(code.code_hash, 64)) return Status::InvalidArgument("code_hash", "must be 64 lower-case hex characters");
  LDN_RETURN_IF_ERROR(CheckId(code.created_by, "created_by"));
  if (code.purpose == AccountCodePurpose::kInvitation) {
    if (!code.patient_id) return Status::InvalidArgument("patient_id", "an invitation names the patient");
    if (code.user_id) return Status::InvalidArgument("user_id", "an invitation makes a new user: no user_id");
    LDN_RETURN_IF_ERROR(CheckId(*code.patient_id, "patient_id"));
  } else {
    if (!code.user_id) return Status::InvalidArgument("user_id", "a password code names the user");
    if (code.patient_id) return Status::InvalidArgument("patient_id", "a password code names a user, not a patient");
    LDN_RETURN_IF_ERROR(CheckId(*code.user_id, "user_id"));
  }
  if (code.expires_at <= code.created_at) return Status::InvalidArgument("expires_at", "must be after created_at");
  return Status::Ok();
}

Status ValidateMessage(const Message& m) {
  LDN_RETURN_IF_ERROR(CheckId(m.patient_id, "patient_id"));
  LDN_RETURN_IF_ERROR(CheckId(m.sender_user_id, "sender_user_id"));
  LDN_RETURN_IF_ERROR(CheckText(m.body, "body", 1, 5000));
  if (m.client_id) LDN_RETURN_IF_ERROR(CheckText(*m.client_id, "client_id", 1, 64));
  return Status::Ok();
}

Instant At(int64_t seconds) {
  return Instant(std::chrono::seconds(seconds));
}
std::optional<Instant> OptAt(const std::optional<int64_t>& seconds) {
  if (!seconds) return std::nullopt;
  return At(*seconds);
}

// ---- Row readers --------------------------------------------------------------------------------

constexpr const char* kDemographicsCols =
    "patient_id, date_of_birth, sex_at_birth, language, jurisdiction, address, updated_by, updated_at";
Result<PatientDemographics> ReadDemographics(const Row& row) {
  RowReader r(row);
  PatientDemographics d;
  d.patient_id = r.Int();
  d.date_of_birth = r.OptDate();
  d.sex_at_birth = r.OptText();
  d.language = r.OptText();
  d.jurisdiction = r.OptText();
  d.address = r.OptText();
  d.updated_by = r.Int();
  d.updated_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return d;
}

constexpr const char* kAllergyCols = "id, patient_id, substance, active, details, recorded_by, recorded_at";
Result<Allergy> ReadAllergy(const Row& row) {
  RowReader r(row);
  Allergy a;
  a.id = r.Int();
  a.patient_id = r.Int();
  a.substance = r.Text();
  a.active = r.Bool();
  a.details_json = r.Text();
  a.recorded_by = r.Int();
  a.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return a;
}

Status ValidateAllergy(const Allergy& a) {
  LDN_RETURN_IF_ERROR(CheckId(a.patient_id, "patient_id"));
  LDN_RETURN_IF_ERROR(CheckId(a.recorded_by, "recorded_by"));
  LDN_RETURN_IF_ERROR(CheckText(a.substance, "substance", 1, 200));
  return CheckJson(a.details_json, "details_json");
}

constexpr const char* kPharmacyCols = "id, name, address, phone, created_at";
Result<Pharmacy> ReadPharmacy(const Row& row) {
  RowReader r(row);
  Pharmacy p;
  p.id = r.Int();
  p.name = r.Text();
  p.address = r.Text();
  p.phone = r.Text();
  p.created_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return p;
}

constexpr const char* kProfileCols = "user_id, full_name, profession, registration_number, address, phone, updated_at";
Result<PrescriberProfile> ReadProfile(const Row& row) {
  RowReader r(row);
  PrescriberProfile p;
  p.user_id = r.Int();
  p.full_name = r.Text();
  p.profession = r.Text();
  p.registration_number = r.Text();
  p.address = r.Text();
  p.phone = r.Text();
  p.updated_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return p;
}

constexpr const char* kKeyCols = "id, user_id, public_key, sealed_secret, salt, nonce, created_at, retired_at";
Result<SigningKey> ReadKey(const Row& row) {
  RowReader r(row);
  SigningKey k;
  k.id = r.Int();
  k.user_id = r.Int();
  k.public_key = r.Text();
  k.sealed_secret = r.Text();
  k.salt = r.Text();
  k.nonce = r.Text();
  k.created_at = r.Time();
  k.retired_at = OptAt(r.OptInt());
  LDN_RETURN_IF_ERROR(r.status());
  return k;
}

constexpr const char* kEventCols = "id, patient_id, prescription_id, kind, actor_user_id, at, note";
Result<PrescriptionEvent> ReadEvent(const Row& row) {
  RowReader r(row);
  PrescriptionEvent e;
  e.id = r.Int();
  e.patient_id = r.Int();
  e.prescription_id = r.Int();
  e.kind = r.Text();
  e.actor_user_id = r.Int();
  e.at = r.Time();
  e.note = r.Text();
  LDN_RETURN_IF_ERROR(r.status());
  return e;
}

Result<AccountCodePurpose> ParsePurpose(std::string_view text, std::string_view field) {
  if (text == "invitation") return AccountCodePurpose::kInvitation;
  if (text == "password") return AccountCodePurpose::kPassword;
  return Status::InvalidArgument(std::string(field), "unknown account code purpose");
}

constexpr const char* kCodeCols =
    "id, code_hash, purpose, patient_id, user_id, created_by, created_at, expires_at, used_at, used_by, revoked_at";
Result<AccountCode> ReadCode(const Row& row) {
  RowReader r(row);
  AccountCode c;
  c.id = r.Int();
  c.code_hash = r.Text();
  c.purpose = r.Enum<AccountCodePurpose>(&ParsePurpose);
  c.patient_id = r.OptInt();
  c.user_id = r.OptInt();
  c.created_by = r.Int();
  c.created_at = r.Time();
  c.expires_at = r.Time();
  c.used_at = OptAt(r.OptInt());
  c.used_by = r.OptInt();
  c.revoked_at = OptAt(r.OptInt());
  LDN_RETURN_IF_ERROR(r.status());
  return c;
}

constexpr const char* kMessageCols = "id, patient_id, sender_user_id, body, sent_at, client_id";
Result<Message> ReadMessage(const Row& row) {
  RowReader r(row);
  Message m;
  m.id = r.Int();
  m.patient_id = r.Int();
  m.sender_user_id = r.Int();
  m.body = r.Text();
  m.sent_at = r.Time();
  m.client_id = r.OptText();
  LDN_RETURN_IF_ERROR(r.status());
  return m;
}

Result<MessageRead> ReadReceipt(const Row& row) {
  RowReader r(row);
  MessageRead m;
  m.patient_id = r.Int();
  m.message_id = r.Int();
  m.user_id = r.Int();
  m.read_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return m;
}

Result<std::string> RoleOf(Connection& c, Id user_id, std::string_view field) {
  LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT role FROM users WHERE id = $1", {user_id}));
  if (rows.rows.empty()) {
    return Status::NotFound(std::string(field) + ": user " + std::to_string(user_id) + " does not exist");
  }
  RowReader r(rows.rows.front());
  std::string role = r.Text();
  LDN_RETURN_IF_ERROR(r.status());
  return role;
}

Status PharmacyMustExist(Connection& c, Id pharmacy_id) {
  return MustExist(c, "SELECT 1 FROM pharmacies WHERE id = $1", {pharmacy_id},
                   "pharmacy_id: pharmacy " + std::to_string(pharmacy_id) + " does not exist");
}

}  // namespace

// ---- Demographics --------------------------------------------------------------------------------

Result<PatientDemographics> SqlStore::GetPatientDemographics(Id patient_id) {
  return RunOutside<Result<PatientDemographics>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<PatientDemographics>(
        c, std::string("SELECT ") + kDemographicsCols + " FROM patient_demographics WHERE patient_id = $1",
        {patient_id}, &ReadDemographics, "no demographics recorded for patient " + std::to_string(patient_id));
  });
}

Status SqlStore::PutPatientDemographics(const PatientDemographics& d) {
  LDN_RETURN_IF_ERROR(ValidateDemographics(d));
  return RunOutside<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, d.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, d.updated_by, "updated_by"));
    const std::optional<std::string> dob =
        d.date_of_birth ? std::optional<std::string>(Day(*d.date_of_birth)) : std::nullopt;
    LDN_RETURN_IF_ERROR(c.Exec("DELETE FROM patient_demographics WHERE patient_id = $1", {d.patient_id}).status());
    return c
        .Exec("INSERT INTO patient_demographics (patient_id, date_of_birth, sex_at_birth, language, jurisdiction, "
              "address, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
              {d.patient_id, dob, d.sex_at_birth, d.language, d.jurisdiction, d.address, d.updated_by,
               Secs(d.updated_at)})
        .status();
  });
}

// ---- Allergies -----------------------------------------------------------------------------------

Result<Allergy> SqlStore::CreateAllergy(const Allergy& allergy) {
  LDN_RETURN_IF_ERROR(ValidateAllergy(allergy));
  return RunOutside<Result<Allergy>>(Mode::kWrite, [&](Connection& c) -> Result<Allergy> {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, allergy.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, allergy.recorded_by, "recorded_by"));
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO allergies (patient_id, substance, active, details, recorded_by, "
                                "recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                {allergy.patient_id, allergy.substance, Param::Bool(allergy.active),
                                 allergy.details_json, allergy.recorded_by, Secs(allergy.recorded_at)}));
    Allergy stored = allergy;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<Allergy> SqlStore::GetAllergy(Id patient_id, Id allergy_id) {
  return RunOutside<Result<Allergy>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Allergy>(c,
                             std::string("SELECT ") + kAllergyCols +
                                 " FROM allergies WHERE patient_id = $1 AND id = $2",
                             {patient_id, allergy_id}, &ReadAllergy,
                             "allergy " + std::to_string(allergy_id) + " not found");
  });
}

Result<std::vector<Allergy>> SqlStore::ListAllergies(Id patient_id) {
  return RunOutside<Result<std::vector<Allergy>>>(Mode::kRead, [&](Connection& c) {
    return Query<Allergy>(
        c, std::string("SELECT ") + kAllergyCols + " FROM allergies WHERE patient_id = $1 ORDER BY id", {patient_id},
        &ReadAllergy);
  });
}

Status SqlStore::UpdateAllergy(const Allergy& allergy) {
  LDN_RETURN_IF_ERROR(ValidateAllergy(allergy));
  return RunOutside<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("UPDATE allergies SET substance = $3, active = $4, details = $5 "
                                "WHERE patient_id = $1 AND id = $2",
                                {allergy.patient_id, allergy.id, allergy.substance, Param::Bool(allergy.active),
                                 allergy.details_json}));
    return AffectedOne(rows, "allergy " + std::to_string(allergy.id) + " not found");
  });
}

// ---- Pharmacies ----------------------------------------------------------------------------------

Result<Pharmacy> SqlStore::CreatePharmacy(const Pharmacy& pharmacy) {
  LDN_RETURN_IF_ERROR(ValidatePharmacy(pharmacy));
  return RunOutside<Result<Pharmacy>>(Mode::kWrite, [&](Connection& c) -> Result<Pharmacy> {
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO pharmacies (name, address, phone, created_at) VALUES ($1, $2, $3, $4) "
                                "RETURNING id",
                                {pharmacy.name, pharmacy.address, pharmacy.phone, Secs(pharmacy.created_at)}));
    Pharmacy stored = pharmacy;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<Pharmacy> SqlStore::GetPharmacy(Id pharmacy_id) {
  return RunOutside<Result<Pharmacy>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Pharmacy>(c, std::string("SELECT ") + kPharmacyCols + " FROM pharmacies WHERE id = $1",
                              {pharmacy_id}, &ReadPharmacy,
                              "pharmacy " + std::to_string(pharmacy_id) + " does not exist");
  });
}

Result<std::vector<Pharmacy>> SqlStore::ListPharmacies() {
  return RunOutside<Result<std::vector<Pharmacy>>>(Mode::kRead, [&](Connection& c) {
    return Query<Pharmacy>(c, std::string("SELECT ") + kPharmacyCols + " FROM pharmacies ORDER BY id", {},
                           &ReadPharmacy);
  });
}

Status SqlStore::UpdatePharmacy(const Pharmacy& pharmacy) {
  LDN_RETURN_IF_ERROR(ValidatePharmacy(pharmacy));
  return RunOutside<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("UPDATE pharmacies SET name = $2, address = $3, phone = $4 WHERE id = $1",
                                           {pharmacy.id, pharmacy.name, pharmacy.address, pharmacy.phone}));
    return AffectedOne(rows, "pharmacy " + std::to_string(pharmacy.id) + " does not exist");
  });
}

Status SqlStore::SetUserPharmacy(Id user_id, std::optional<Id> pharmacy_id, Instant at) {
  return RunOutside<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(std::string role, RoleOf(c, user_id, "user_id"));
    if (role != "pharmacist") {
      return Status::InvalidArgument("user_id", "user " + std::to_string(user_id) + " is a " + role +
                                                    "; only pharmacists work for a pharmacy");
    }
    if (pharmacy_id) LDN_RETURN_IF_ERROR(PharmacyMustExist(c, *pharmacy_id));
    LDN_RETURN_IF_ERROR(c.Exec("DELETE FROM pharmacy_staff WHERE user_id = $1", {user_id}).status());
    if (!pharmacy_id) return Status::Ok();
    return c
        .Exec("INSERT INTO pharmacy_staff (user_id, pharmacy_id, added_at) VALUES ($1, $2, $3)",
              {user_id, *pharmacy_id, Secs(at)})
        .status();
  });
}

Result<std::optional<Id>> SqlStore::GetUserPharmacy(Id user_id) {
  return RunOutside<Result<std::optional<Id>>>(Mode::kRead, [&](Connection& c) -> Result<std::optional<Id>> {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT pharmacy_id FROM pharmacy_staff WHERE user_id = $1", {user_id}));
    if (rows.rows.empty()) return std::optional<Id>();
    RowReader r(rows.rows.front());
    const Id id = r.Int();
    LDN_RETURN_IF_ERROR(r.status());
    return std::optional<Id>(id);
  });
}

Result<std::vector<Id>> SqlStore::ListPharmacyStaff(Id pharmacy_id) {
  return RunOutside<Result<std::vector<Id>>>(Mode::kRead, [&](Connection& c) {
    return Query<Id>(c, "SELECT user_id FROM pharmacy_staff WHERE pharmacy_id = $1 ORDER BY user_id", {pharmacy_id},
                     +[](const Row& row) -> Result<Id> {
                       RowReader r(row);
                       const Id id = r.Int();
                       LDN_RETURN_IF_ERROR(r.status());
                       return id;
                     });
  });
}

// ---- Prescriber profiles and signing keys ----------------------------------------------------------

Status SqlStore::PutPrescriberProfile(const PrescriberProfile& profile) {
  LDN_RETURN_IF_ERROR(ValidateProfile(profile));
  return RunOutside<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(std::string role, RoleOf(c, profile.user_id, "user_id"));
    if (role != "clinician") {
      return Status::InvalidArgument("user_id", "user " + std::to_string(profile.user_id) + " is a " + role +
                                                    "; only clinicians prescribe");
    }
    LDN_RETURN_IF_ERROR(c.Exec("DELETE FROM prescriber_profiles WHERE user_id = $1", {profile.user_id}).status());
    return c
        .Exec("INSERT INTO prescriber_profiles (user_id, full_name, profession, registration_number, address, phone, "
              "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
              {profile.user_id, profile.full_name, profile.profession, profile.registration_number, profile.address,
               profile.phone, Secs(profile.updated_at)})
        .status();
  });
}

Result<PrescriberProfile> SqlStore::GetPrescriberProfile(Id user_id) {
  return RunOutside<Result<PrescriberProfile>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<PrescriberProfile>(
        c, std::string("SELECT ") + kProfileCols + " FROM prescriber_profiles WHERE user_id = $1", {user_id},
        &ReadProfile, "user " + std::to_string(user_id) + " has no prescriber profile");
  });
}

Result<SigningKey> SqlStore::CreateSigningKey(const SigningKey& key) {
  LDN_RETURN_IF_ERROR(ValidateSigningKey(key));
  return RunOutside<Result<SigningKey>>(Mode::kWrite, [&](Connection& c) -> Result<SigningKey> {
    LDN_RETURN_IF_ERROR(UserMustExist(c, key.user_id, "user_id"));
    LDN_RETURN_IF_ERROR(c.Exec("UPDATE signing_keys SET retired_at = $2 WHERE user_id = $1 AND retired_at IS NULL",
                               {key.user_id, Secs(key.created_at)})
                            .status());
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO signing_keys (user_id, public_key, sealed_secret, salt, nonce, created_at) "
                                "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                {key.user_id, key.public_key, key.sealed_secret, key.salt, key.nonce,
                                 Secs(key.created_at)}));
    SigningKey stored = key;
    stored.retired_at.reset();
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<SigningKey> SqlStore::GetActiveSigningKey(Id user_id) {
  return RunOutside<Result<SigningKey>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<SigningKey>(
        c,
        std::string("SELECT ") + kKeyCols +
            " FROM signing_keys WHERE user_id = $1 AND retired_at IS NULL ORDER BY id DESC LIMIT 1",
        {user_id}, &ReadKey, "user " + std::to_string(user_id) + " has no signing key");
  });
}

Result<SigningKey> SqlStore::GetSigningKey(Id key_id) {
  return RunOutside<Result<SigningKey>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<SigningKey>(c, std::string("SELECT ") + kKeyCols + " FROM signing_keys WHERE id = $1", {key_id},
                                &ReadKey, "signing key " + std::to_string(key_id) + " does not exist");
  });
}

// ---- Prescription events ---------------------------------------------------------------------------

Result<PrescriptionEvent> SqlStore::AddPrescriptionEvent(const PrescriptionEvent& event) {
  LDN_RETURN_IF_ERROR(ValidatePrescriptionEvent(event));
  return RunOutside<Result<PrescriptionEvent>>(Mode::kWrite, [&](Connection& c) -> Result<PrescriptionEvent> {
    LDN_RETURN_IF_ERROR(MustExist(c, "SELECT 1 FROM prescriptions WHERE patient_id = $1 AND id = $2",
                                  {event.patient_id, event.prescription_id},
                                  "prescription_id: prescription " + std::to_string(event.prescription_id) +
                                      " of patient " + std::to_string(event.patient_id) + " does not exist"));
    LDN_RETURN_IF_ERROR(UserMustExist(c, event.actor_user_id, "actor_user_id"));
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO prescription_events (patient_id, prescription_id, kind, actor_user_id, "
                                "at, note) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                                {event.patient_id, event.prescription_id, event.kind, event.actor_user_id,
                                 Secs(event.at), event.note}));
    PrescriptionEvent stored = event;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<std::vector<PrescriptionEvent>> SqlStore::ListPrescriptionEvents(Id patient_id) {
  return RunOutside<Result<std::vector<PrescriptionEvent>>>(Mode::kRead, [&](Connection& c) {
    return Query<PrescriptionEvent>(
        c, std::string("SELECT ") + kEventCols + " FROM prescription_events WHERE patient_id = $1 ORDER BY id",
        {patient_id}, &ReadEvent);
  });
}

// ---- Account codes -----------------------------------------------------------------------------------

Result<AccountCode> SqlStore::CreateAccountCode(const AccountCode& code) {
  LDN_RETURN_IF_ERROR(ValidateAccountCode(code));
  return RunOutside<Result<AccountCode>>(Mode::kWrite, [&](Connection& c) -> Result<AccountCode> {
    LDN_RETURN_IF_ERROR(UserMustExist(c, code.created_by, "created_by"));
    if (code.patient_id) LDN_RETURN_IF_ERROR(PatientMustExist(c, *code.patient_id));
    if (code.user_id) LDN_RETURN_IF_ERROR(UserMustExist(c, *code.user_id, "user_id"));
    LDN_ASSIGN_OR_RETURN(bool taken, Exists(c, "SELECT 1 FROM account_codes WHERE code_hash = $1", {code.code_hash}));
    if (taken) return Status::Conflict("an account code with this hash exists");
    // Only the newest code of a target works: earlier open ones are revoked.
    if (code.patient_id) {
      LDN_RETURN_IF_ERROR(c.Exec("UPDATE account_codes SET revoked_at = $2 WHERE patient_id = $1 AND purpose = $3 "
                                 "AND used_at IS NULL AND revoked_at IS NULL",
                                 {*code.patient_id, Secs(code.created_at), AccountCodePurposeName(code.purpose)})
                              .status());
    } else {
      LDN_RETURN_IF_ERROR(c.Exec("UPDATE account_codes SET revoked_at = $2 WHERE user_id = $1 AND purpose = $3 "
                                 "AND used_at IS NULL AND revoked_at IS NULL",
                                 {*code.user_id, Secs(code.created_at), AccountCodePurposeName(code.purpose)})
                              .status());
    }
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO account_codes (code_hash, purpose, patient_id, user_id, created_by, "
                                "created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                                {code.code_hash, AccountCodePurposeName(code.purpose), code.patient_id, code.user_id,
                                 code.created_by, Secs(code.created_at), Secs(code.expires_at)}));
    AccountCode stored = code;
    stored.used_at.reset();
    stored.used_by.reset();
    stored.revoked_at.reset();
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<AccountCode> SqlStore::FindAccountCode(std::string_view code_hash) {
  return RunOutside<Result<AccountCode>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<AccountCode>(c, std::string("SELECT ") + kCodeCols + " FROM account_codes WHERE code_hash = $1",
                                 {code_hash}, &ReadCode, "no such account code");
  });
}

Status SqlStore::UseAccountCode(Id code_id, Id used_by, Instant at) {
  return RunOutside<Status>(Mode::kWrite, [&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(UserMustExist(c, used_by, "used_by"));
    // One statement: of two concurrent uses, exactly one finds the code open.
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("UPDATE account_codes SET used_at = $2, used_by = $3 WHERE id = $1 AND used_at IS NULL "
                                "AND revoked_at IS NULL AND expires_at > $2",
                                {code_id, Secs(at), used_by}));
    if (rows.affected == 1) return Status::Ok();
    LDN_RETURN_IF_ERROR(MustExist(c, "SELECT 1 FROM account_codes WHERE id = $1", {code_id},
                                  "account code " + std::to_string(code_id) + " does not exist"));
    return Status::Conflict("the code was already used, was replaced by a newer one, or has expired");
  });
}

Result<std::vector<AccountCode>> SqlStore::ListAccountCodes(std::optional<Id> patient_id, std::optional<Id> user_id) {
  return RunOutside<Result<std::vector<AccountCode>>>(Mode::kRead, [&](Connection& c) -> Result<std::vector<AccountCode>> {
    if (patient_id) {
      return Query<AccountCode>(
          c, std::string("SELECT ") + kCodeCols + " FROM account_codes WHERE patient_id = $1 ORDER BY id",
          {*patient_id}, &ReadCode);
    }
    if (user_id) {
      return Query<AccountCode>(c,
                                std::string("SELECT ") + kCodeCols + " FROM account_codes WHERE user_id = $1 ORDER BY id",
                                {*user_id}, &ReadCode);
    }
    return std::vector<AccountCode>();
  });
}

// ---- Messages ----------------------------------------------------------------------------------------

Result<Message> SqlStore::CreateMessage(const Message& message) {
  LDN_RETURN_IF_ERROR(ValidateMessage(message));
  return RunOutside<Result<Message>>(Mode::kWrite, [&](Connection& c) -> Result<Message> {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, message.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, message.sender_user_id, "sender_user_id"));
    if (message.client_id) {
      LDN_ASSIGN_OR_RETURN(std::vector<Message> found,
                           Query<Message>(c,
                                          std::string("SELECT ") + kMessageCols +
                                              " FROM messages WHERE patient_id = $1 AND client_id = $2",
                                          {message.patient_id, *message.client_id}, &ReadMessage));
      if (!found.empty()) {
        if (found.front().sender_user_id != message.sender_user_id || found.front().body != message.body) {
          return Status::Conflict("client_id: '" + *message.client_id + "' was already used for another message");
        }
        return found.front();
      }
    }
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("INSERT INTO messages (patient_id, sender_user_id, body, sent_at, client_id) "
                                "VALUES ($1, $2, $3, $4, $5) RETURNING id",
                                {message.patient_id, message.sender_user_id, message.body, Secs(message.sent_at),
                                 message.client_id}));
    Message stored = message;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<std::vector<Message>> SqlStore::ListMessages(Id patient_id, Id after_id, int limit) {
  if (limit < 1 || limit > 1000) return Status::InvalidArgument("limit", "must be 1-1000");
  return RunOutside<Result<std::vector<Message>>>(Mode::kRead, [&](Connection& c) {
    return Query<Message>(c,
                          std::string("SELECT ") + kMessageCols +
                              " FROM messages WHERE patient_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                          {patient_id, after_id, static_cast<int64_t>(limit)}, &ReadMessage);
  });
}

Result<int64_t> SqlStore::MarkMessagesRead(Id patient_id, Id user_id, Id up_to_id, Instant at) {
  return RunOutside<Result<int64_t>>(Mode::kWrite, [&](Connection& c) -> Result<int64_t> {
    LDN_RETURN_IF_ERROR(UserMustExist(c, user_id, "user_id"));
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec("INSERT INTO message_reads (patient_id, message_id, user_id, read_at) "
               "SELECT m.patient_id, m.id, CAST($2 AS BIGINT), CAST($4 AS BIGINT) FROM messages m "
               "WHERE m.patient_id = $1 AND m.id <= $3 AND m.sender_user_id <> $2 AND NOT EXISTS ("
               "  SELECT 1 FROM message_reads r WHERE r.patient_id = m.patient_id AND r.message_id = m.id "
               "  AND r.user_id = $2)",
               {patient_id, user_id, up_to_id, Secs(at)}));
    return rows.affected;
  });
}

Result<std::vector<MessageRead>> SqlStore::ListMessageReads(Id patient_id) {
  return RunOutside<Result<std::vector<MessageRead>>>(Mode::kRead, [&](Connection& c) {
    return Query<MessageRead>(c,
                              "SELECT patient_id, message_id, user_id, read_at FROM message_reads "
                              "WHERE patient_id = $1 ORDER BY message_id, user_id",
                              {patient_id}, &ReadReceipt);
  });
}

}  // namespace ldn::store::internal
