// Store: the one storage interface of ldn, with an SQLite backend (the embedded default) and a
// PostgreSQL 15 backend (clinics), chosen by OpenStore() from a URL.
//
// What it promises (docs/storage.md has the schema and the reasoning):
// - Durability: a method that returned OK has committed. SQLite runs in WAL mode with
//   synchronous=FULL, so an acknowledged write survives a crash or power loss of the host;
//   PostgreSQL commits with its defaults (synchronous_commit=on).
// - Atomicity: every method is all-or-nothing. RunInTransaction() makes several calls one unit.
// - Isolation of patients: every patient-owned row carries patient_id, and every getter of a
//   patient-owned object takes the patient_id as well as the object id; an object of another
//   patient is kNotFound, exactly as an object that does not exist.
// - Errors are a closed set (src/core/result.h):
//     kInvalidArgument  a field of the input is malformed; field() names it ("username",
//                       "items_json", "local_date", ...).
//     kNotFound         the row asked for (or a row the input refers to: a patient, a course, a
//                       user) does not exist.
//     kConflict         a uniqueness rule or a stale expectation: the username is taken, a diary
//                       client_id was reused with different content, an expected revision is stale,
//                       a row still referenced cannot be deleted, a database schema is newer than
//                       this binary.
//     kUnavailable      the database cannot be reached, is locked past the busy timeout, or the
//                       disk is full; retrying may help.
//     kInternal         a broken invariant (a bug).
//   No method throws; library exceptions are caught inside the store.
//
// Representation rules:
// - Ids are 64-bit integers assigned by the store (> 0). A struct passed to a Create... method
//   has its id (and any other field documented as "set by the store") ignored.
// - Instants are UTC seconds (`Instant`); the caller supplies every timestamp (the server and CLI
//   own a Clock). The store reads the system clock only to stamp an applied migration.
// - Local dates (`LocalDate`) are calendar dates in the patient's time zone, stored as
//   "YYYY-MM-DD" text (SQLite) or DATE (PostgreSQL).
// - Fields named ..._json hold one JSON document as text, written by the domain/server layer. The
//   store checks only that it is valid JSON (kInvalidArgument naming the field otherwise) and
//   returns exactly the text it was given.
//
// Thread-safety: a Store is thread-safe; methods may be called concurrently from many threads
// (each backend keeps a small pool of connections; concurrent writes share a group commit, see
// RunInTransaction). The Store& handed to a RunInTransaction body is NOT: use it only inside the
// body, on the thread that runs it.
#ifndef LDN_STORE_STORE_H_
#define LDN_STORE_STORE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/calendar.h"
#include "core/result.h"

namespace ldn::store {

using Id = int64_t;
using Instant = std::chrono::sys_seconds;

// ---------------------------------------------------------------------------------------------
// Enumerations, each with its stored name ("patient", "active", ...) and a parser that fails with
// kInvalidArgument naming `field` for any other text.

enum class Role { kPatient, kClinician, kPharmacist, kResearcher, kAdmin };
std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view text, std::string_view field);

// Life of a treatment course: planned -> active <-> paused -> completed | stopped.
// The store does not police transitions; the domain does.
enum class CourseStatus { kPlanned, kActive, kPaused, kCompleted, kStopped };
std::string_view CourseStatusName(CourseStatus status);
Result<CourseStatus> ParseCourseStatus(std::string_view text, std::string_view field);

// Life of a prescription: issued (by a clinician) -> verified (by a pharmacist) -> dispensed;
// or cancelled at any point before dispensing.
enum class PrescriptionStatus { kIssued, kVerified, kDispensed, kCancelled };
std::string_view PrescriptionStatusName(PrescriptionStatus status);
Result<PrescriptionStatus> ParsePrescriptionStatus(std::string_view text, std::string_view field);

// Severity grades of an adverse event (CTCAE-style words: "mild", "moderate", "severe",
// "life_threatening").
enum class Severity { kMild, kModerate, kSevere, kLifeThreatening };
std::string_view SeverityName(Severity severity);
Result<Severity> ParseSeverity(std::string_view text, std::string_view field);

// ---------------------------------------------------------------------------------------------
// Accounts, patients, care teams, sessions.

// An account. username: 1-64 characters of [A-Za-z0-9._@-], unique ignoring case.
// patient_id: set exactly when role == kPatient (kInvalidArgument "patient_id" otherwise), and
// then names an existing patient (kNotFound) not linked to another user (kConflict).
// password_hash: an opaque non-empty string (the server stores an Argon2id encoded hash).
struct User {
  Id id = 0;  // set by the store
  std::string username;
  Role role = Role::kPatient;
  std::optional<Id> patient_id;
  std::string password_hash;
  bool disabled = false;
  Instant created_at{};
  // Schema 4 (authentication). must_change_password: the password was set by someone else (an
  // administrator) and the owner must choose their own before doing anything else.
  // password_changed_at: when the password was last set (nullopt: before schema 4).
  // totp_enabled is read-only here (set by EnableTotp / DisableTotp; CreateUser and UpdateUser
  // ignore it).
  bool must_change_password = false;
  std::optional<Instant> password_changed_at{};
  bool totp_enabled = false;
};

// Whether `username` follows User's rule (1-64 characters of [A-Za-z0-9._@-]): Ok, or
// kInvalidArgument naming "username". (Whether it is taken is the store's to say.)
Status CheckUsername(std::string_view username);

// A person whose health data is kept. research_id is the pseudonym researchers see: unique,
// [A-Za-z0-9-] 1-64 characters; when left empty on creation the store assigns a random one
// ("R-" + 16 lower-case hex digits). time_zone: an IANA zone name (checked against the tz
// database; kInvalidArgument "time_zone"). display_name: 1-200 characters.
struct Patient {
  Id id = 0;  // set by the store
  std::string display_name;
  std::string time_zone;
  std::string research_id;
  Instant created_at{};
};

// A group of clinicians and pharmacists who look after a set of patients. name: 1-200 chars.
struct CareTeam {
  Id id = 0;  // set by the store
  std::string name;
  Instant created_at{};
};

struct CareTeamMember {
  Id care_team_id = 0;
  Id user_id = 0;
  Instant added_at{};
};

// A login session. token_hash and csrf_token_hash are hashes computed by the server (the raw
// tokens are never stored): non-empty, at most 128 characters; token_hash is unique.
struct Session {
  std::string token_hash;
  Id user_id = 0;
  Instant created_at{};
  Instant expires_at{};
  std::optional<std::string> csrf_token_hash;
};

// A patient's calendar subscription (schema 10; issue 15 item 2a). token_hash is the lower-case hex
// SHA-256 of the secret token in the feed's URL (64 characters; the raw token is never stored).
struct CalendarToken {
  Id patient_id = 0;
  std::string token_hash;
  Id created_by = 0;  // the user who made the link (the patient, or their clinician)
  Instant created_at{};
};

// A session with its user (Store::FindSessionUser).
struct SessionUser {
  Session session;
  User user;
};

// Login throttling state of one key (Store::CountLoginAttempt): failed attempts counted since
// first_failure_at, the last one at last_failure_at; no attempt before next_attempt_at; a locked
// key allows none until cleared.
struct LoginThrottle {
  std::string key;
  int64_t failures = 0;
  Instant first_failure_at{};
  Instant last_failure_at{};
  Instant next_attempt_at{};
  bool locked = false;
};

// A user's TOTP (RFC 6238) state as the store keeps it: secrets sealed by the server.
struct TotpState {
  std::optional<std::string> secret;          // enrolled: TOTP is on
  std::optional<std::string> pending_secret;  // an enrolment begun and not yet confirmed
  std::optional<int64_t> last_step;           // the last time step accepted (replay guard)
};

// A one-time recovery code: its lookup prefix (kept in clear to find the row) and the hash of
// the whole code; used_at once spent.
struct RecoveryCode {
  std::string lookup;
  std::string code_hash;
  Instant created_at{};
  std::optional<Instant> used_at;
};

// ---------------------------------------------------------------------------------------------
// Clinical objects. Every one belongs to a patient (patient_id) and records who wrote it
// (recorded_by: a user id that must exist, kNotFound "recorded_by" otherwise) and when.

// A medication the patient takes or took (the screening's input). name: 1-200 chars.
// details_json: the domain's full description (dose, route, dates).
struct Medication {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::string name;
  bool active = true;
  std::string details_json = "{}";
  Id recorded_by = 0;
  Instant recorded_at{};
};

// A diagnosis or condition. name: 1-200 chars (code and system, if any, in details_json).
struct Condition {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::string name;
  bool active = true;
  std::string details_json = "{}";
  Id recorded_by = 0;
  Instant recorded_at{};
};

// One run of the eligibility screening: what went in, what came out, and the verdict word
// (1-64 chars, e.g. "eligible", "caution", "contraindicated").
struct Screening {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::string input_json;
  std::string result_json;
  std::string verdict;
  Id recorded_by = 0;
  Instant recorded_at{};
};

// A treatment course: the protocol it follows (1-64 chars), its current titration plan, and its
// status. plan_json is replaced by AdjustCourse, which keeps every earlier plan in
// PlanAdjustment rows. start_date is the first dosing day, when known.
struct Course {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::string protocol;
  std::string plan_json;
  CourseStatus status = CourseStatus::kPlanned;
  std::optional<LocalDate> start_date;
  Id recorded_by = 0;
  Instant recorded_at{};
  Instant updated_at{};  // set by the store: recorded_at, then the time of the last change
};

// One change to a course's plan, with its reason (1-2000 chars) and the plan it put in force.
struct PlanAdjustment {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  Id course_id = 0;
  std::string reason;
  std::string plan_json;
  Id recorded_by = 0;
  Instant recorded_at{};
};

// A prescription for a course, sent to a pharmacy (1-200 chars: the pharmacy's name as written
// on the order). formulation_json: the domain's order (strength, form, quantity, directions and,
// for an order, its steps, supply and renewals). pharmacist_user_id: the pharmacist who verified
// or dispensed it, when one has.
// An order (issue 13) is routed to pharmacy_id (a Pharmacy; kNotFound "pharmacy_id" otherwise)
// and is a draft until SignPrescription stores its signature; signed_at, signature_json and
// cancel_reason are set by SignPrescription and CancelPrescription only (ignored on creation).
struct Prescription {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  Id course_id = 0;  // a course of the same patient (kNotFound "course_id" otherwise)
  std::string pharmacy;
  std::optional<Id> pharmacist_user_id;
  std::string formulation_json;
  PrescriptionStatus status = PrescriptionStatus::kIssued;
  Id recorded_by = 0;  // the prescriber
  Instant recorded_at{};
  Instant updated_at{};  // set by the store
  std::optional<Id> pharmacy_id;
  std::optional<Instant> signed_at;
  std::string signature_json;  // empty while unsigned
  std::string cancel_reason;   // empty unless cancelled with a reason
};

// One dose taken (or skipped: dose_micrograms_hcl == 0 with taken == false). Doses are integer
// micrograms of naltrexone HCl (src/core/dose.h), >= 0. client_id, when given (1-64 chars), makes
// the write idempotent: a second AddDoseLogEntry with the same patient and client_id returns the
// stored entry unchanged.
struct DoseLogEntry {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::optional<Id> course_id;  // a course of the same patient, when given
  LocalDate local_date{};
  std::optional<TimeOfDay> local_time;
  int64_t dose_micrograms_hcl = 0;
  bool taken = true;
  std::optional<std::string> client_id;
  std::string note;  // 0-2000 chars
  Id recorded_by = 0;
  Instant recorded_at{};
};

// The daily diary: one entry per patient per local date. items_json holds the day's answers
// (the domain's diary items). revision counts from 1 and grows by one with each edit.
// client_id (1-64 chars) is the client-generated id of the write that produced this revision.
struct DiaryEntry {
  Id patient_id = 0;
  LocalDate local_date{};
  std::string items_json;
  std::string client_id;
  int revision = 0;       // set by the store
  Id recorded_by = 0;     // who wrote this revision
  Instant recorded_at{};  // when this revision was written
  Instant created_at{};   // set by the store: recorded_at of revision 1
};

// What one patient's diary asks (schema 11; issue 15 item 1): settings_json is the JSON of
// analysis::DiarySettingsToJson, checked by the domain before it reaches the store (the store only
// requires a JSON object of at most kMaxDiarySettingsBytes). version counts the saves (1 = first).
struct DiarySettingsRecord {
  Id patient_id = 0;
  std::string settings_json;
  int version = 0;    // set by the store
  Id updated_by = 0;  // who saved this version (the patient or their clinician)
  Instant updated_at{};
};
inline constexpr size_t kMaxDiarySettingsBytes = 16 * 1024;

// The plan a patient last acknowledged (schema 12; issue 15 item 2c): the snapshot the server
// showed (server/plan_notice.h, a JSON object) and its SHA-256 (64 lower-case hex characters).
struct PlanAcknowledgment {
  Id patient_id = 0;
  std::string snapshot_id;
  std::string snapshot_json;
  Id acknowledged_by = 0;
  Instant acknowledged_at{};
};

// A patient's read-only link to their visit report (schema 13; issue 15 item 4). token_hash is the
// lower-case hex SHA-256 of the secret token in the link's URL (the token is never stored).
struct ShareLink {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::string token_hash;
  Id created_by = 0;
  Instant created_at{};
  Instant expires_at{};
  std::optional<Instant> revoked_at;

  // Whether the link opens the report at `now`: not revoked and now < expires_at.
  bool LiveAt(Instant now) const { return !revoked_at && now < expires_at; }
};

// A browser's Web Push subscription for a patient (schema 14; issue 15 item 2b): the RFC 8030
// push endpoint (an absolute http(s) URL) and the RFC 8291 keys as base64url without padding
// (p256dh 87 characters: a P-256 point; auth 22: 16 bytes). The server checks them
// (server/web_push.h); the store keeps them as given.
struct PushSubscription {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::string endpoint;
  std::string p256dh;
  std::string auth;
  Id created_by = 0;
  Instant created_at{};
  std::optional<Instant> revoked_at;
  std::string revoke_reason;  // "" while live; why it stopped ("turned off", "gone (410)", ...)
};

// A key pair the server made for itself (schema 14), e.g. "vapid" (RFC 8292): public_key as the
// server writes it (base64url), the secret sealed by the server (server/totp.h SecretSealer).
struct ServerKey {
  std::string name;
  std::string public_key;
  std::string sealed_secret;
  Instant created_at{};
};

// What UpsertDiary did.
enum class DiaryUpsertOutcome {
  kCreated,   // no entry existed for the date; revision 1 was written
  kUpdated,   // an entry existed; a new revision was written and the old one kept in history
  kReplayed,  // the client_id was already stored for this date: nothing was written
};

struct DiaryUpsertResult {
  DiaryEntry entry;  // the entry as stored after the call (the current revision)
  DiaryUpsertOutcome outcome = DiaryUpsertOutcome::kCreated;
};

// A completed questionnaire (FIQR, PGIC, ...): instrument 1-64 chars, the raw answers and the
// computed scores. client_id as for DoseLogEntry.
struct InstrumentResponse {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::string instrument;
  LocalDate local_date{};
  std::string answers_json;
  std::string scores_json = "{}";
  std::optional<std::string> client_id;
  Id recorded_by = 0;
  Instant recorded_at{};
};

// An adverse event. description 1-2000 chars; details_json: anything else the domain records
// (action taken, outcome, causality).
struct AdverseEvent {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::optional<Id> course_id;  // a course of the same patient, when given
  LocalDate onset_date{};
  std::string description;
  Severity severity = Severity::kMild;
  bool serious = false;
  std::string details_json = "{}";
  Id recorded_by = 0;
  Instant recorded_at{};
};

// ---------------------------------------------------------------------------------------------
// Safety interlocks (issue 12; docs/safety.md). Append-only records: nothing here is updated.

// A gated decision about a course: "create", "activate" or "resume" (the course gate's
// evaluation, evaluation_json, with the overrides it applied, overrides_json = [{"code",
// "reason"}]) or "discard" (a planned course given up, with its reason). screening_id: the
// screening the gate read (a screening of the same patient: kNotFound "screening_id" otherwise).
// reason: 0-2000 chars.
struct CourseDecision {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  Id course_id = 0;  // a course of the same patient (kNotFound "course_id" otherwise)
  std::string action;
  std::optional<Id> screening_id;
  std::string evaluation_json = "{}";
  std::string overrides_json = "[]";
  std::string reason;
  Id recorded_by = 0;
  Instant recorded_at{};
};

// The patient's confirmation of a logged dose that differs from the plan's step for its day:
// the step's dose (absent when no step was in force) and the reason (1-500 chars). One per dose
// (dose_id: a dose log entry of the same patient, kNotFound "dose_id" otherwise).
struct DoseDeviation {
  Id patient_id = 0;
  Id dose_id = 0;
  std::optional<int64_t> planned_micrograms_hcl;
  std::string reason;
  Id recorded_by = 0;
  Instant recorded_at{};
};

// A clinician's acknowledgement of one flag occurrence: its stable code (1-200 chars) and a note
// (0-2000 chars). One per patient and code.
struct FlagAcknowledgement {
  Id patient_id = 0;
  std::string code;
  std::string note;
  Id recorded_by = 0;
  Instant recorded_at{};
};

// ---------------------------------------------------------------------------------------------
// Audit.

// One audited action: who (actor_user_id, absent for an anonymous or system action), in which
// role (a RoleName, or "anonymous" / "system"), about which patient (if any), did what
// (action: 1-64 chars, e.g. "diary.read"), to what (object: 0-200 chars, e.g.
// "diary/2026-11-01"), with what outcome (1-32 chars, e.g. "ok", "denied", "invalid"), and a
// free-text detail (0-500 chars) that must never carry diary content or passwords.
//
// seq, prev_hash and hash are set by AppendAudit: seq counts from 1 with no gaps; hash =
// lower-case hex SHA-256 of (prev_hash hex text || CanonicalAuditEvent(event)), and prev_hash is
// the previous event's hash (64 '0' characters for seq 1). Audit rows are append-only: both
// backends refuse UPDATE and DELETE with a trigger.
struct AuditEvent {
  int64_t seq = 0;  // set by the store
  Instant at{};
  std::optional<Id> actor_user_id;
  std::string role;
  std::optional<Id> patient_id;
  std::string action;
  std::string object;
  std::string outcome;
  std::string detail;
  std::string prev_hash;  // set by the store
  std::string hash;       // set by the store
};

// The text that is hashed for an event: a one-line JSON object with the keys, in this order,
// seq, at (RFC 3339 UTC), actor_user_id (number or null), role, patient_id (number or null),
// action, object, outcome, detail. Stable across versions: changing it breaks every chain.
std::string CanonicalAuditEvent(const AuditEvent& event);
// Lower-case hex SHA-256 of prev_hash followed by CanonicalAuditEvent(event).
std::string AuditHash(std::string_view prev_hash, const AuditEvent& event);
// 64 '0' characters: the prev_hash of the first event.
inline constexpr std::string_view kAuditGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Filter for ListAudit. Events come in ascending seq, those with seq > after_seq, at most limit
// (1..10000; kInvalidArgument "limit" otherwise).
struct AuditQuery {
  std::optional<Id> patient_id;
  std::optional<Id> actor_user_id;
  int64_t after_seq = 0;
  int limit = 1000;
};

// Result of VerifyAudit. ok is true when every event's seq follows the previous one by exactly
// one, its prev_hash equals the previous event's hash, and its hash recomputes. Otherwise
// first_bad_seq is the seq of the first event that fails (for a gap: the first seq after it) and
// problem says which check failed.
struct AuditVerification {
  bool ok = true;
  int64_t events_checked = 0;
  std::optional<int64_t> first_bad_seq;
  std::string problem;
};

// ---------------------------------------------------------------------------------------------
// The clinic's workspace (issue 13; docs/clinic.md): demographics, pharmacies, prescribers,
// signed orders, one-time account codes, messages.

// What the chart records about a patient beyond the name and time zone. Every field is optional
// (absent: not recorded). sex_at_birth: "female", "male" or "unknown" (US Core birth sex, FHIR
// R4). language: a BCP 47 tag ("nb", "en-GB"); jurisdiction: an ISO 3166-1 alpha-2 code with an
// optional subdivision ("NO", "GB", "US-CA"); address: 1-500 chars.
struct PatientDemographics {
  Id patient_id = 0;
  std::optional<LocalDate> date_of_birth;
  std::optional<std::string> sex_at_birth;
  std::optional<std::string> language;
  std::optional<std::string> jurisdiction;
  std::optional<std::string> address;
  Id updated_by = 0;
  Instant updated_at{};
};

// An allergy or intolerance. substance 1-200 chars; details_json: reaction, severity ("mild",
// "moderate", "severe", "unknown"), note -- the domain's description.
struct Allergy {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::string substance;
  bool active = true;
  std::string details_json = "{}";
  Id recorded_by = 0;
  Instant recorded_at{};
};

// A pharmacy: an organisation whose pharmacists alone see the orders routed to it.
// name 1-200, address 1-500, phone 1-50 characters.
struct Pharmacy {
  Id id = 0;  // set by the store
  std::string name;
  std::string address;
  std::string phone;
  Instant created_at{};
};

// What a prescription says about its prescriber: full name (1-200), profession (1-100, e.g.
// "physician"), registration number with its register (1-100, e.g. "HPR 1234567", "GMC
// 7654321"), practice address (1-500) and phone (0-50).
struct PrescriberProfile {
  Id user_id = 0;
  std::string full_name;
  std::string profession;
  std::string registration_number;
  std::string address;
  std::string phone;
  Instant updated_at{};
};

// A prescriber's Ed25519 signing key: public_key 64 hex characters; sealed_secret the secret key
// sealed with a key derived from the prescriber's password (base64, 1-400 chars); salt 32 and
// nonce 48 hex characters. The store keeps, and never interprets, them.
struct SigningKey {
  Id id = 0;  // set by the store
  Id user_id = 0;
  std::string public_key;
  std::string sealed_secret;
  std::string salt;
  std::string nonce;
  Instant created_at{};
  std::optional<Instant> retired_at;  // set by the store when a newer key replaces it
};

// One event in the life of an order: kind "created", "signed", "verified", "dispensed" or
// "cancelled"; note 0-2000 chars (a cancellation's reason).
struct PrescriptionEvent {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  Id prescription_id = 0;
  std::string kind;
  Id actor_user_id = 0;
  Instant at{};
  std::string note;
};

// A one-time code: its SHA-256 (64 lower-case hex characters; the code itself is never stored).
// purpose kInvitation makes a patient's account for patient_id; kPassword sets the password of
// user_id (a new account, or a reset). used_at/used_by/revoked_at are set by the store.
enum class AccountCodePurpose { kInvitation, kPassword };
std::string_view AccountCodePurposeName(AccountCodePurpose purpose);  // "invitation" / "password"
struct AccountCode {
  Id id = 0;  // set by the store
  std::string code_hash;
  AccountCodePurpose purpose = AccountCodePurpose::kInvitation;
  std::optional<Id> patient_id;
  std::optional<Id> user_id;
  Id created_by = 0;
  Instant created_at{};
  Instant expires_at{};
  std::optional<Instant> used_at;
  std::optional<Id> used_by;
  std::optional<Instant> revoked_at;
};

// One message of a patient's thread: sender_user_id is the patient's own user or a member of
// their care team (the server checks who may write). body 1-5000 characters. client_id, when
// given (1-64 chars), makes the write idempotent as for DoseLogEntry.
struct Message {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  Id sender_user_id = 0;
  std::string body;
  Instant sent_at{};
  std::optional<std::string> client_id;
};

// A read receipt: user_id read message_id at read_at.
struct MessageRead {
  Id patient_id = 0;
  Id message_id = 0;
  Id user_id = 0;
  Instant read_at{};
};

// How one task of the clinician's inbox was settled (issue 13; docs/clinic.md "Tasks"). Tasks are
// computed from the record; this is the record of a clinician marking one done (note optional) or
// dismissing it (note = the reason, required). task_key names the task within the patient
// (server/inbox.h: the flag code, "message.<id>", "prescription.<id>", ...); kind is one of
// "message", "flag", "prescription_to_sign", "questionnaire_overdue", "diary_missing".
struct TaskResolution {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  std::string task_key;    // 1-200 characters
  std::string kind;        // as above
  std::string resolution;  // "done" or "dismissed"
  std::string note;        // 0-2000 characters; 1-2000 when dismissed
  Id recorded_by = 0;
  Instant recorded_at{};
};

// The newest event of the chain (Store::GetAuditHead): seq 0 and kAuditGenesisHash when the trail
// is empty. Copied outside the database (the server's log, a backup's anchor file), it lets
// `ldn audit verify --anchor` detect a chain cut short or re-hashed (audit_anchor.h).
struct AuditHead {
  int64_t seq = 0;
  std::string hash = std::string(kAuditGenesisHash);
};

// ---- The compounding pharmacy's record (issue 14; docs/pharmacy.md) ----------------------------
// Amounts of a lot are integers in thousandths of the lot's unit ("milli" units), so that what
// batches take is exact.

// An ingredient lot a pharmacy received: the drug (tablets or API), a filler, capsules, a vehicle.
// ingredient and manufacturer 1-200 characters, lot 1-100; unit one of "mg", "g", "mL", "tablet",
// "capsule"; quantity_milli > 0 (at most 10^15).
struct IngredientLot {
  Id id = 0;  // set by the store
  Id pharmacy_id = 0;
  std::string ingredient;
  std::string manufacturer;
  std::string lot;
  LocalDate expiry{};
  std::string unit;
  int64_t quantity_milli = 0;
  int64_t remaining_milli = 0;  // set by the store: quantity_milli less what batches took
  Id received_by = 0;
  Instant received_at{};
};

// What a batch took of one lot (thousandths of the lot's unit, > 0).
struct BatchLotUse {
  Id lot_id = 0;
  int64_t amount_milli = 0;
};

// An order a batch fills.
struct BatchOrder {
  Id patient_id = 0;
  Id prescription_id = 0;
};

enum class BatchStatus { kPrepared, kReleased, kRejected };
std::string_view BatchStatusName(BatchStatus status);

// A compounding record (USP <795> 2023 §9): one batch a pharmacy prepared. form "capsule" (quantity
// in capsules, strength per capsule) or "oral_liquid" (quantity in mL, strength per mL);
// strength_micrograms_hcl 0 only for a placebo. master_formula_id/version name the master
// formulation record followed ("" and 0: none). record_json: the preparation as computed and
// measured (a JSON object: amounts, weighings, balance, calculations). deviation_reason (0-2000
// characters): why the quantity differs from the orders', empty when it does not. The store sets
// seq, batch_number (the pharmacy's own sequence) and, until the check, status kPrepared.
struct Batch {
  Id id = 0;  // set by the store
  Id pharmacy_id = 0;
  int64_t seq = 0;                 // set by the store
  std::string batch_number;        // set by the store: "<year prepared>-<seq, 5 digits>"
  std::vector<BatchOrder> orders;  // at least one
  std::string master_formula_id;
  int64_t master_formula_version = 0;
  std::string form;
  int64_t strength_micrograms_hcl = 0;
  bool placebo = false;
  int64_t quantity = 0;
  std::string quantity_unit;  // "capsule" or "mL", by form
  std::string deviation_reason;
  std::string record_json = "{}";
  LocalDate prepared_on{};
  LocalDate bud_date{};
  Id prepared_by = 0;
  Instant prepared_at{};
  std::vector<BatchLotUse> lots;  // at least one, each lot once
  BatchStatus status = BatchStatus::kPrepared;
  std::optional<Id> checked_by;
  std::optional<Instant> checked_at;
  std::string qc_json = "{}";   // the checker's QC results (a JSON object)
  std::string decision_reason;  // 0-2000; 1-2000 for a rejection
};

// One dispensing of a released batch against an order (the dispensing log). checklist_json: the
// checks made before release (a JSON object).
struct DispensingRecord {
  Id id = 0;  // set by the store
  Id batch_id = 0;
  Id patient_id = 0;
  Id prescription_id = 0;
  int64_t quantity = 0;  // in the batch's quantity_unit, > 0
  std::string checklist_json = "{}";
  Id dispensed_by = 0;
  Instant dispensed_at{};
};

// A placebo-twin kit (issue 14 item 5; migration 0009): two batches of one pharmacy made for one
// order, one active and one placebo of the same form, count and unit, labelled pack "A" and pack
// "B" under the kit code. Which pack is active is the blind: it follows from the batches (placebo),
// which only the pharmacy's pharmacists read. Append-only.
struct Kit {
  Id id = 0;  // set by the store
  Id pharmacy_id = 0;
  std::string kit_code;  // 4-40 of A-Z, 0-9 and '-', unique in the pharmacy
  Id patient_id = 0;
  Id prescription_id = 0;
  Id pack_a_batch_id = 0;
  Id pack_b_batch_id = 0;
  Id created_by = 0;
  Instant created_at{};
};

// One unblinding of a kit: who, when and why (append-only; a kit may be unblinded more than once,
// each time recorded).
struct KitUnblinding {
  Id id = 0;  // set by the store
  Id kit_id = 0;
  Id patient_id = 0;  // the kit's, set by the store
  Id unblinded_by = 0;
  Instant unblinded_at{};
  std::string reason;  // 1-2000 characters
};

// A blinded N-of-1 trial of LDN against placebo (issue 16; migration 0015; docs/nof1.md "In the
// clinic"). The protocol is src/analysis/nof1_protocol.h's canonical JSON and its SHA-256, written
// by the server; the store keeps them and refuses to change them once the trial has started.
enum class TrialStatus { kDesigned, kStarted, kEnded, kCancelled };
std::string_view TrialStatusName(TrialStatus s);  // "designed", "started", "ended", "cancelled"
Result<TrialStatus> ParseTrialStatus(std::string_view text);

struct Trial {
  Id id = 0;  // set by the store
  Id patient_id = 0;
  Id prescription_id = 0;  // the order at the stable dose whose kits the trial uses
  std::string protocol_json;
  std::string protocol_sha256;  // 64 lower-case hex digits
  TrialStatus status = TrialStatus::kDesigned;
  std::optional<LocalDate> start_date;  // trial day 1 (set when started)
  Id designed_by = 0;
  Instant designed_at{};
  std::optional<Id> started_by;
  std::optional<Instant> started_at;
  std::optional<Id> ended_by;
  std::optional<Instant> ended_at;
  std::string end_reason;  // 0-2000 characters
  std::optional<Id> unblinded_by;
  std::optional<Instant> unblinded_at;
  std::string unblind_reason;  // 0-2000 characters
  bool emergency_unblinding = false;
};

// The kit the pharmacy gave one pair of a trial: pack A in the pair's first period, pack B in its
// second. Append-only.
struct TrialKit {
  Id trial_id = 0;
  Id patient_id = 0;  // the trial's, set by the store
  int pair = 0;       // 1-12
  Id kit_id = 0;
  Id assigned_by = 0;
  Instant assigned_at{};
};

// The patient's answers at the end of one period: the blinding question and the PGIC (1-7, or none).
// Append-only.
struct TrialAnswer {
  Id trial_id = 0;
  Id patient_id = 0;  // the trial's, set by the store
  int period = 0;     // 1-24
  std::string guess;  // "ldn", "placebo" or "dont_know"
  std::optional<int> pgic;
  Id answered_by = 0;
  Instant answered_at{};
};

// ---------------------------------------------------------------------------------------------

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite" or "postgresql".
  virtual std::string_view backend() const = 0;

  // OK when the database answers a trivial query; kUnavailable otherwise. For /health.
  virtual Status Ping() = 0;

  // The highest migration applied (docs/storage.md lists them).
  virtual Result<int> SchemaVersion() = 0;

  // ---- Down migrations (issue 12: the diary scale migration 0002 is reversible) ----------------
  // Undoes the applied migrations above `target_version`, newest first, all in one transaction,
  // each with its down script (src/store/<backend>/migrations/down/NNNN_name.sql) and the removal
  // of its schema_migrations row. OK, doing nothing, when the database is at or below the target.
  // kInvalidArgument "version" when target_version < 1; kConflict naming the migration when one
  // to undo has no down path; the error of a down script whose guard finds records it would lose
  // (0003-0005: the message says which). Nothing is undone on any failure. Open the store with OpenOptions::migrate
  // = false, or the next open migrates up again.
  virtual Status MigrateDown(int target_version) = 0;

  // Runs `body` in one database transaction: every call it makes on the Store& it receives is
  // committed together when it returns OK, and rolled back together when it returns a non-OK
  // status (which is then returned) or when the commit fails (kUnavailable). Nested calls on the
  // transaction's Store run as a savepoint inside it. The Store& must not escape the body.
  // A method that fails inside the body leaves its own effects undone (a savepoint), so the body
  // may decide to carry on. The body must use the Store& it receives, never the outer store's
  // write methods (which would wait for the transaction's own commit).
  // Group commit (SQLite): concurrent write methods and RunInTransaction calls are committed
  // together, one durable commit for the group, each in its own savepoint; the call returns only
  // after the commit that holds its work (or with its own failure, which undid only its own
  // work). So the body may run on another thread (the group's leader) while the caller waits,
  // after other callers' bodies in the same transaction: it must not depend on thread identity,
  // must not wait for other threads, and should be short (writers are serialised while it runs).
  virtual Status RunInTransaction(const std::function<Status(Store&)>& body) = 0;

  // RunInTransaction without waiting, for a server whose threads must not sit out a disk flush:
  // returns at once; `body` runs later in a group commit, and `done` is called exactly once with
  // what RunInTransaction would have returned, after the commit. Both run on a thread of the
  // store (its committer) or of a caller leading a group at the time, so `done` must be short and
  // must not wait for the store (it may submit more). Every submission is answered before the
  // store's destructor returns. On the Store& of a RunInTransaction body it runs at once (a
  // savepoint) and calls `done` before returning.
  virtual void SubmitTransaction(std::function<Status(Store&)> body, std::function<void(Status)> done) = 0;

  // ---- Users ----------------------------------------------------------------------------------
  // Creates a user (see User for the rules). kConflict when the username is taken (ignoring
  // case) or the patient already has a user.
  virtual Result<User> CreateUser(const User& user) = 0;
  // kNotFound when there is no such user.
  virtual Result<User> GetUser(Id user_id) = 0;
  // Case-insensitive. kNotFound when there is no such user.
  virtual Result<User> GetUserByUsername(std::string_view username) = 0;
  // Every user, by id.
  virtual Result<std::vector<User>> ListUsers() = 0;
  // Replaces username, role, patient_id, password_hash and disabled of user.id (same rules as
  // CreateUser; created_at is kept). kNotFound when there is no such user.
  virtual Status UpdateUser(const User& user) = 0;
  // Deletes a user and their sessions and care-team memberships. kNotFound when absent;
  // kConflict when clinical rows name the user as their author (disable the user instead).
  virtual Status DeleteUser(Id user_id) = 0;

  // ---- Patients -------------------------------------------------------------------------------
  // kConflict when the research_id is taken.
  virtual Result<Patient> CreatePatient(const Patient& patient) = 0;
  // kNotFound when absent.
  virtual Result<Patient> GetPatient(Id patient_id) = 0;
  // kNotFound when absent.
  virtual Result<Patient> GetPatientByResearchId(std::string_view research_id) = 0;
  // Every patient, by id.
  virtual Result<std::vector<Patient>> ListPatients() = 0;
  // Replaces display_name and time_zone of patient.id (research_id and created_at are kept).
  virtual Status UpdatePatient(const Patient& patient) = 0;

  // ---- Care teams and the authorization query ------------------------------------------------
  virtual Result<CareTeam> CreateCareTeam(const CareTeam& team) = 0;
  virtual Result<CareTeam> GetCareTeam(Id care_team_id) = 0;
  virtual Result<std::vector<CareTeam>> ListCareTeams() = 0;
  // Adds a clinician or pharmacist to a team. kNotFound for a missing team or user;
  // kInvalidArgument "user_id" when the user's role is neither; kConflict when already a member.
  virtual Status AddCareTeamMember(Id care_team_id, Id user_id, Instant at) = 0;
  // kNotFound when the user is not a member.
  virtual Status RemoveCareTeamMember(Id care_team_id, Id user_id) = 0;
  virtual Result<std::vector<CareTeamMember>> ListCareTeamMembers(Id care_team_id) = 0;
  // Puts a patient in a team's care. kNotFound for a missing team or patient; kConflict when the
  // patient is already in the team.
  virtual Status AddCareTeamPatient(Id care_team_id, Id patient_id, Instant at) = 0;
  virtual Status RemoveCareTeamPatient(Id care_team_id, Id patient_id) = 0;
  // Patients of one team, by id.
  virtual Result<std::vector<Patient>> ListCareTeamPatients(Id care_team_id) = 0;
  // The authorization query: the patients whose data `user_id` may see, by id. A patient user:
  // their own patient record. A clinician or pharmacist: the patients of every care team they
  // belong to; a pharmacist also the patients of the signed orders routed to their pharmacy
  // (issue 13). A researcher or admin, or a disabled user: none. kNotFound for a missing user.
  virtual Result<std::vector<Patient>> ListVisiblePatients(Id user_id) = 0;
  // True exactly when ListVisiblePatients(user_id) would contain patient_id (one indexed query).
  // A missing user or patient is simply false.
  virtual Result<bool> CanSeePatient(Id user_id, Id patient_id) = 0;

  // ---- Sessions and login throttling ---------------------------------------------------------
  // kNotFound when the user is missing; kConflict when the token_hash exists.
  virtual Status CreateSession(const Session& session) = 0;
  // The session with this token hash if it exists and expires_at > now; kNotFound otherwise
  // (an expired session is indistinguishable from a missing one).
  virtual Result<Session> FindSession(std::string_view token_hash, Instant now) = 0;
  // FindSession and the session's user in one query (the server authenticates every request
  // with it). kNotFound as FindSession.
  virtual Result<SessionUser> FindSessionUser(std::string_view token_hash, Instant now) = 0;
  // Moves expires_at (sliding expiry). kNotFound when absent.
  virtual Status ExtendSession(std::string_view token_hash, Instant expires_at) = 0;
  // Logout. OK also when no such session exists (logout is idempotent).
  virtual Status DeleteSession(std::string_view token_hash) = 0;
  // Every session of a user (password change, disable). Returns how many were deleted.
  virtual Result<int64_t> DeleteSessionsOfUser(Id user_id) = 0;
  // Sessions with expires_at <= now. Returns how many were deleted.
  virtual Result<int64_t> DeleteExpiredSessions(Instant now) = 0;

  // Every session of a user but one (a password change keeps the session that made it). Returns
  // how many were deleted.
  virtual Result<int64_t> DeleteOtherSessionsOfUser(Id user_id, std::string_view keep_token_hash) = 0;
  // Deletes the oldest sessions of a user (by created_at, then token hash) so that at most `keep`
  // remain (0..1000; kInvalidArgument "keep" otherwise). Returns how many were deleted.
  virtual Result<int64_t> TrimSessionsOfUser(Id user_id, int keep) = 0;

  // ---- Calendar subscriptions (schema 10) ------------------------------------------------------
  // Makes `token` the patient's calendar token, replacing the one before (which stops opening the
  // feed at once). kInvalidArgument "token_hash" unless 64 lower-case hex characters; kNotFound
  // when the patient or created_by is missing; kConflict when another patient has this hash.
  virtual Status PutCalendarToken(const CalendarToken& token) = 0;
  // The token with this hash; kNotFound when there is none (never made, replaced or revoked).
  virtual Result<CalendarToken> FindCalendarToken(std::string_view token_hash) = 0;
  // The patient's token (to say whether a link exists); kNotFound when there is none.
  virtual Result<CalendarToken> GetCalendarTokenOfPatient(Id patient_id) = 0;
  // Revokes the patient's token. kNotFound when there is none.
  virtual Status DeleteCalendarToken(Id patient_id) = 0;

  // ---- Login throttling (schema 4) -----------------------------------------------------------
  // Attempts are counted per key (the server chooses them: an account, an address, or both; 1-200
  // chars, kInvalidArgument "key" otherwise). The server owns the policy (how long the next
  // attempt waits); the store makes counting atomic.
  //
  // Counts one attempt for `key` when one is allowed now: the key has no row, or it is not locked
  // and either its next_attempt_at <= at or its last failure is before `forget_before` (then the
  // count starts again at 1). The row is created or updated (failures + 1, last_failure_at = at,
  // first_failure_at = at when the count starts) in one statement, so concurrent callers are
  // counted one after another. Returns the row as updated, or nullopt when no attempt is allowed
  // (nothing changes). Inside RunInTransaction the row stays locked until the commit.
  virtual Result<std::optional<LoginThrottle>> CountLoginAttempt(std::string_view key, Instant at,
                                                                 Instant forget_before) = 0;
  // Sets when the next attempt of `key` is allowed, and whether the key is locked. kNotFound when
  // the key has no row.
  virtual Status SetLoginThrottleState(std::string_view key, Instant next_attempt_at, bool locked) = 0;
  // Takes back one counted attempt (an attempt that succeeded): failures - 1, never below 0. OK
  // when the key has no row.
  virtual Status UncountLoginAttempt(std::string_view key) = 0;
  // The row of `key`, or nullopt.
  virtual Result<std::optional<LoginThrottle>> GetLoginThrottle(std::string_view key) = 0;
  // Rows whose key starts with `key_prefix` and that are locked, by key.
  virtual Result<std::vector<LoginThrottle>> ListLockedLoginThrottles(std::string_view key_prefix) = 0;
  // Forgets the key (a successful login, an administrator's unlock). OK when absent.
  virtual Status ClearLoginThrottle(std::string_view key) = 0;
  // Forgets every unlocked key whose last failure is before `before`; returns how many.
  virtual Result<int64_t> DeleteLoginThrottlesBefore(Instant before) = 0;

  // ---- Second factor: TOTP and recovery codes (schema 4) -------------------------------------
  // Secrets are opaque text to the store (the server seals them; 1-200 chars, kInvalidArgument
  // "secret" otherwise). Every method: kNotFound when the user does not exist.
  virtual Result<TotpState> GetTotp(Id user_id) = 0;
  // Starts (or restarts) an enrolment: the pending secret. nullopt clears it.
  virtual Status SetPendingTotp(Id user_id, const std::optional<std::string>& sealed_secret) = 0;
  // Confirms an enrolment: the pending secret becomes the enrolled one (totp_enabled), the pending
  // one is cleared, and `step` is recorded as the last accepted. kConflict "code" when no
  // enrolment is pending.
  virtual Status EnableTotp(Id user_id, Instant at, int64_t step) = 0;
  // Turns TOTP off: clears both secrets, the last step and every recovery code.
  virtual Status DisableTotp(Id user_id) = 0;
  // The replay guard: records `step` as the last accepted one and returns true when it is greater
  // than the one recorded (or none is); false otherwise (nothing changes). One statement, so a
  // code is accepted once even by concurrent logins on several servers.
  virtual Result<bool> ClaimTotpStep(Id user_id, int64_t step) = 0;
  // Replaces every recovery code of the user with `codes` (lookup 1-16 chars, unique per user;
  // code_hash 1-1000 chars).
  virtual Status ReplaceRecoveryCodes(Id user_id, const std::vector<RecoveryCode>& codes) = 0;
  // The user's recovery codes, used or not, by lookup.
  virtual Result<std::vector<RecoveryCode>> ListRecoveryCodes(Id user_id) = 0;
  // Marks the unused code `lookup` used; true when it was unused (one statement: a code is used
  // once), false when it is used already or absent.
  virtual Result<bool> UseRecoveryCode(Id user_id, std::string_view lookup, Instant at) = 0;

  // ---- Instance settings (schema 4) ----------------------------------------------------------
  // Key 1-64 chars, value 0-1000 chars. GetSetting: nullopt when unset.
  virtual Result<std::optional<std::string>> GetSetting(std::string_view key) = 0;
  virtual Status PutSetting(std::string_view key, std::string_view value) = 0;

  // ---- Clinical objects ----------------------------------------------------------------------
  // Create...: kNotFound "patient_id" for a missing patient, "recorded_by" for a missing author,
  // "course_id" for a course that is not this patient's. Get...: kNotFound when absent or of
  // another patient. List...: by id (creation order), possibly empty; a missing patient gives an
  // empty list.
  virtual Result<Medication> CreateMedication(const Medication& medication) = 0;
  virtual Result<Medication> GetMedication(Id patient_id, Id medication_id) = 0;
  virtual Result<std::vector<Medication>> ListMedications(Id patient_id) = 0;
  // Replaces name, active and details_json. kNotFound when absent or of another patient.
  virtual Status UpdateMedication(const Medication& medication) = 0;

  virtual Result<Condition> CreateCondition(const Condition& condition) = 0;
  virtual Result<Condition> GetCondition(Id patient_id, Id condition_id) = 0;
  virtual Result<std::vector<Condition>> ListConditions(Id patient_id) = 0;
  // Replaces name, active and details_json.
  virtual Status UpdateCondition(const Condition& condition) = 0;

  virtual Result<Screening> CreateScreening(const Screening& screening) = 0;
  virtual Result<Screening> GetScreening(Id patient_id, Id screening_id) = 0;
  virtual Result<std::vector<Screening>> ListScreenings(Id patient_id) = 0;

  // updated_at is set to recorded_at.
  virtual Result<Course> CreateCourse(const Course& course) = 0;
  virtual Result<Course> GetCourse(Id patient_id, Id course_id) = 0;
  virtual Result<std::vector<Course>> ListCourses(Id patient_id) = 0;
  // Sets status (and start_date when given) and updated_at = at.
  virtual Status SetCourseStatus(Id patient_id, Id course_id, CourseStatus status, std::optional<LocalDate> start_date,
                                 Instant at) = 0;
  // In one transaction: stores the adjustment (reason, plan) and makes its plan_json the
  // course's plan (updated_at = adjustment.recorded_at). Returns the stored adjustment.
  // kNotFound "course_id" when the course is absent or of another patient.
  virtual Result<PlanAdjustment> AdjustCourse(const PlanAdjustment& adjustment) = 0;
  // Every adjustment of a course, oldest first.
  virtual Result<std::vector<PlanAdjustment>> ListPlanAdjustments(Id patient_id, Id course_id) = 0;

  // updated_at is set to recorded_at.
  virtual Result<Prescription> CreatePrescription(const Prescription& prescription) = 0;
  virtual Result<Prescription> GetPrescription(Id patient_id, Id prescription_id) = 0;
  virtual Result<std::vector<Prescription>> ListPrescriptions(Id patient_id) = 0;
  // Prescriptions sent to a pharmacy (exact name), by id; for the pharmacist's queue.
  virtual Result<std::vector<Prescription>> ListPrescriptionsForPharmacy(std::string_view pharmacy) = 0;
  // Sets status, the pharmacist (when given) and updated_at = at. kNotFound
  // "pharmacist_user_id" when that user is missing.
  virtual Status SetPrescriptionStatus(Id patient_id, Id prescription_id, PrescriptionStatus status,
                                       std::optional<Id> pharmacist_user_id, Instant at) = 0;

  // Idempotent on (patient_id, client_id) when client_id is given: a replay returns the stored
  // entry unchanged (kConflict "client_id" when the replay differs in date or dose).
  virtual Result<DoseLogEntry> AddDoseLogEntry(const DoseLogEntry& entry) = 0;
  // Entries with from <= local_date <= to, by date then id. kInvalidArgument "to" when to < from.
  virtual Result<std::vector<DoseLogEntry>> ListDoseLog(Id patient_id, LocalDate from, LocalDate to) = 0;

  // ---- Diary ---------------------------------------------------------------------------------
  // Writes the entry for (patient_id, local_date):
  // - client_id already stored for this patient (any revision of this date): nothing is written,
  //   the current entry is returned with kReplayed -- unless the replay's items differ (as JSON
  //   values) from that revision's items, or it names another date: kConflict "client_id".
  // - no entry for the date: revision 1, kCreated.
  // - otherwise: the current revision stays in history, the entry becomes revision n+1, kUpdated.
  // expected_revision, when given, must equal the current revision (0 = "no entry yet") or the
  // call fails with kConflict "expected_revision" (optimistic concurrency for If-Match); a replay
  // is recognised before this check. kNotFound "patient_id" / "recorded_by" for missing rows.
  virtual Result<DiaryUpsertResult> UpsertDiary(const DiaryEntry& entry,
                                                std::optional<int> expected_revision = std::nullopt) = 0;
  // Several upserts in one transaction, in order; the first failure rolls back all of them and is
  // returned with its field prefixed by "[i]".
  virtual Result<std::vector<DiaryUpsertResult>> UpsertDiaryBatch(const std::vector<DiaryEntry>& entries) = 0;
  // The current entry. kNotFound when there is none.
  virtual Result<DiaryEntry> GetDiary(Id patient_id, LocalDate local_date) = 0;
  // Current entries with from <= local_date <= to, by date. kInvalidArgument "to" when to < from.
  virtual Result<std::vector<DiaryEntry>> ListDiary(Id patient_id, LocalDate from, LocalDate to) = 0;
  // Every revision of one day, revision 1 first (the current one last). Empty when none.
  virtual Result<std::vector<DiaryEntry>> ListDiaryRevisions(Id patient_id, LocalDate local_date) = 0;

  // ---- Diary settings (schema 11) -------------------------------------------------------------
  // The patient's diary settings. kNotFound when never saved (the caller uses the defaults).
  virtual Result<DiarySettingsRecord> GetDiarySettings(Id patient_id) = 0;
  // Saves `record` whole as the next version (1 when none existed) and returns it as stored.
  // expected_version, when given, must equal the current version (0 = never saved) or the call
  // fails with kConflict "expected_version" and nothing is written. kInvalidArgument
  // "settings_json" unless a JSON object of at most kMaxDiarySettingsBytes; kNotFound when the
  // patient or updated_by is missing.
  virtual Result<DiarySettingsRecord> PutDiarySettings(const DiarySettingsRecord& record,
                                                       std::optional<int> expected_version) = 0;

  // ---- Plan acknowledgments (schema 12) --------------------------------------------------------
  // What the patient last acknowledged. kNotFound when never.
  virtual Result<PlanAcknowledgment> GetPlanAcknowledgment(Id patient_id) = 0;
  // Replaces the patient's acknowledgment. kInvalidArgument "snapshot_id" unless 64 lower-case hex
  // characters, "snapshot_json" unless a JSON object of at most kMaxDiarySettingsBytes; kNotFound
  // when the patient or acknowledged_by is missing.
  virtual Status PutPlanAcknowledgment(const PlanAcknowledgment& ack) = 0;

  // ---- Share links (schema 13) ----------------------------------------------------------------
  // Stores a new link and returns it with its id. kInvalidArgument "token_hash" unless 64
  // lower-case hex characters, "expires_at" unless after created_at; kNotFound when the patient or
  // created_by is missing; kConflict when the hash exists.
  virtual Result<ShareLink> CreateShareLink(const ShareLink& link) = 0;
  // The link with this hash, live or not (the caller checks LiveAt); kNotFound when none.
  virtual Result<ShareLink> FindShareLink(std::string_view token_hash) = 0;
  // The patient's links, newest first.
  virtual Result<std::vector<ShareLink>> ListShareLinks(Id patient_id) = 0;
  // Sets revoked_at of the patient's link `link_id` to `at`. kNotFound when the patient has no
  // such link; kConflict when it is already revoked (the first time is kept).
  virtual Status RevokeShareLink(Id patient_id, Id link_id, Instant at) = 0;

  // ---- Push reminders (schema 14) -------------------------------------------------------------
  // Stores a subscription and returns it with its id. A live subscription of this patient with
  // the same endpoint and keys is returned as it is (subscribing again is idempotent); any other
  // live subscription at the same endpoint (an older key, or another patient who used this
  // browser) is revoked first with reason "replaced", in the same transaction, so one browser
  // reminds one patient. kInvalidArgument naming "endpoint" (8-2048 characters), "keys.p256dh"
  // (80-100), "keys.auth" (20-30); kNotFound when the patient or created_by is missing.
  virtual Result<PushSubscription> AddPushSubscription(const PushSubscription& sub) = 0;
  // The patient's subscriptions, live and stopped, newest first.
  virtual Result<std::vector<PushSubscription>> ListPushSubscriptions(Id patient_id) = 0;
  // Every live subscription of every patient, by id (the reminder sender's work list).
  virtual Result<std::vector<PushSubscription>> ListLivePushSubscriptions() = 0;
  // Stops the patient's subscription `id` at `at` with `reason` (1-80 characters). kNotFound when
  // the patient has no such subscription; kConflict when it is already stopped.
  virtual Status RevokePushSubscription(Id patient_id, Id id, Instant at, std::string_view reason) = 0;
  // Claims the one sending of `kind` (1-40 characters) for `occasion` (1-80, e.g. a local date)
  // to subscription `id`: true when this call claimed it, false when it was claimed before (by
  // this or another server). kInvalidArgument naming "kind" / "occasion"; kNotFound when the
  // subscription is missing.
  virtual Result<bool> ClaimPushDelivery(Id subscription_id, std::string_view kind, std::string_view occasion,
                                         Instant at) = 0;
  // Records the push service's answer to a claimed sending (HTTP status; -1: not reached).
  // kNotFound when that sending was never claimed.
  virtual Status SetPushDeliveryStatus(Id subscription_id, std::string_view kind, std::string_view occasion,
                                       int status) = 0;
  // The server's key pair `candidate.name`: the stored one when it exists, else `candidate`, stored
  // (when two servers start at once, both get the first one stored). kInvalidArgument "name"
  // unless 1-40 characters.
  virtual Result<ServerKey> GetOrCreateServerKey(const ServerKey& candidate) = 0;

  // ---- Instruments and adverse events --------------------------------------------------------
  // Idempotent on (patient_id, client_id) like AddDoseLogEntry.
  virtual Result<InstrumentResponse> CreateInstrumentResponse(const InstrumentResponse& response) = 0;
  virtual Result<InstrumentResponse> GetInstrumentResponse(Id patient_id, Id response_id) = 0;
  // By local_date then id; instrument filters when non-empty.
  virtual Result<std::vector<InstrumentResponse>> ListInstrumentResponses(Id patient_id,
                                                                          std::string_view instrument = {}) = 0;

  virtual Result<AdverseEvent> CreateAdverseEvent(const AdverseEvent& event) = 0;
  virtual Result<AdverseEvent> GetAdverseEvent(Id patient_id, Id adverse_event_id) = 0;
  virtual Result<std::vector<AdverseEvent>> ListAdverseEvents(Id patient_id) = 0;

  // ---- Safety interlocks (issue 12; docs/safety.md) ------------------------------------------
  // kInvalidArgument naming the field for an unknown action, a malformed JSON document or a
  // reason out of range; kNotFound "course_id" / "screening_id" / "recorded_by".
  virtual Result<CourseDecision> CreateCourseDecision(const CourseDecision& decision) = 0;
  // Every decision of the patient, by id (oldest first).
  virtual Result<std::vector<CourseDecision>> ListCourseDecisions(Id patient_id) = 0;
  // Idempotent per dose: when the dose already has a deviation the stored one is returned
  // unchanged. kNotFound "dose_id" / "recorded_by"; kInvalidArgument "reason".
  virtual Result<DoseDeviation> RecordDoseDeviation(const DoseDeviation& deviation) = 0;
  // Every deviation of the patient, by dose id.
  virtual Result<std::vector<DoseDeviation>> ListDoseDeviations(Id patient_id) = 0;
  // kConflict "code" when the code is already acknowledged for this patient; kNotFound
  // "patient_id" / "recorded_by"; kInvalidArgument "code" / "note".
  virtual Result<FlagAcknowledgement> AcknowledgeFlag(const FlagAcknowledgement& acknowledgement) = 0;
  // Every acknowledgement of the patient, oldest first.
  virtual Result<std::vector<FlagAcknowledgement>> ListFlagAcknowledgements(Id patient_id) = 0;

  // ---- Audit ---------------------------------------------------------------------------------
  // Appends one event, computing seq, prev_hash and hash in the same transaction as the insert
  // (appends are serialised, so the chain has no forks). Returns the stored event.
  // kInvalidArgument naming the field for a malformed role/action/object/outcome/detail.
  virtual Result<AuditEvent> AppendAudit(const AuditEvent& event) = 0;
  // Several events in one transaction, in order.
  virtual Result<std::vector<AuditEvent>> AppendAuditBatch(const std::vector<AuditEvent>& events) = 0;
  virtual Result<std::vector<AuditEvent>> ListAudit(const AuditQuery& query) = 0;
  // Walks the whole chain from seq 1 (see AuditVerification). A broken chain is an OK Result with
  // ok == false; a non-OK Result means the database could not be read.
  virtual Result<AuditVerification> VerifyAudit() = 0;

  // ---- The clinic's workspace (issue 13) -----------------------------------------------------
  // Demographics: kNotFound when none were recorded (or the patient is missing).
  virtual Result<PatientDemographics> GetPatientDemographics(Id patient_id) = 0;
  // Creates or replaces the patient's demographics. kNotFound "patient_id" / "updated_by".
  virtual Status PutPatientDemographics(const PatientDemographics& demographics) = 0;

  // Allergies: as medications (Create/Get/List/Update with the same kNotFound rules).
  virtual Result<Allergy> CreateAllergy(const Allergy& allergy) = 0;
  virtual Result<Allergy> GetAllergy(Id patient_id, Id allergy_id) = 0;
  virtual Result<std::vector<Allergy>> ListAllergies(Id patient_id) = 0;
  // Replaces substance, active and details_json.
  virtual Status UpdateAllergy(const Allergy& allergy) = 0;

  virtual Result<Pharmacy> CreatePharmacy(const Pharmacy& pharmacy) = 0;
  virtual Result<Pharmacy> GetPharmacy(Id pharmacy_id) = 0;
  // Every pharmacy, by id.
  virtual Result<std::vector<Pharmacy>> ListPharmacies() = 0;
  // Replaces name, address and phone. kNotFound when absent.
  virtual Status UpdatePharmacy(const Pharmacy& pharmacy) = 0;
  // Makes a pharmacist a member of pharmacy_id (leaving any other), or of none (nullopt).
  // kNotFound "user_id" / "pharmacy_id"; kInvalidArgument "user_id" when the user is not a
  // pharmacist.
  virtual Status SetUserPharmacy(Id user_id, std::optional<Id> pharmacy_id, Instant at) = 0;
  // The pharmacy of a user: nullopt when they belong to none (or are missing).
  virtual Result<std::optional<Id>> GetUserPharmacy(Id user_id) = 0;
  // The pharmacists of a pharmacy, by user id.
  virtual Result<std::vector<Id>> ListPharmacyStaff(Id pharmacy_id) = 0;

  // Creates or replaces a clinician's prescriber profile. kNotFound "user_id";
  // kInvalidArgument "user_id" when the user is not a clinician.
  virtual Status PutPrescriberProfile(const PrescriberProfile& profile) = 0;
  // kNotFound when the user has none.
  virtual Result<PrescriberProfile> GetPrescriberProfile(Id user_id) = 0;

  // Stores a new signing key of key.user_id and retires (retired_at = key.created_at) every
  // earlier key of that user, in one transaction. kNotFound "user_id".
  virtual Result<SigningKey> CreateSigningKey(const SigningKey& key) = 0;
  // The user's key that is not retired; kNotFound when none.
  virtual Result<SigningKey> GetActiveSigningKey(Id user_id) = 0;
  // Any key, retired or not; kNotFound when absent.
  virtual Result<SigningKey> GetSigningKey(Id key_id) = 0;

  // Stores the signature of a draft: signed_at and signature_json (a JSON document). kNotFound
  // when the prescription is absent or of another patient; kConflict when it is already signed
  // or not issued.
  virtual Status SignPrescription(Id patient_id, Id prescription_id, Instant signed_at,
                                  const std::string& signature_json) = 0;
  // Sets status cancelled, the reason (1-2000 chars), the pharmacist (when given) and
  // updated_at = at. kNotFound as SignPrescription. (The server checks the transition.)
  virtual Status CancelPrescription(Id patient_id, Id prescription_id, const std::string& reason,
                                    std::optional<Id> pharmacist_user_id, Instant at) = 0;
  // Orders routed to a pharmacy (pharmacy_id), by id; drafts included (the server filters).
  virtual Result<std::vector<Prescription>> ListPharmacyOrders(Id pharmacy_id) = 0;
  // Every signed prescription of every patient, by id (for verifying signatures).
  virtual Result<std::vector<Prescription>> ListSignedPrescriptions() = 0;
  // kNotFound "prescription_id" when the prescription is not this patient's; "actor_user_id".
  virtual Result<PrescriptionEvent> AddPrescriptionEvent(const PrescriptionEvent& event) = 0;
  // Every event of every prescription of a patient, by id.
  virtual Result<std::vector<PrescriptionEvent>> ListPrescriptionEvents(Id patient_id) = 0;

  // Stores a one-time code. In the same transaction every earlier open code (not used, not
  // revoked) of the same purpose and target is revoked (revoked_at = code.created_at): only the
  // newest code works. kConflict when the hash exists; kNotFound "patient_id" / "user_id" /
  // "created_by"; kInvalidArgument "patient_id" / "user_id" for a target that does not match the
  // purpose, "expires_at" when it is not after created_at.
  virtual Result<AccountCode> CreateAccountCode(const AccountCode& code) = 0;
  // The code with this hash (used, revoked or expired included); kNotFound when none.
  virtual Result<AccountCode> FindAccountCode(std::string_view code_hash) = 0;
  // Marks the code used by `used_by` at `at`, exactly once: kConflict when it is already used or
  // revoked, or expired (expires_at <= at); kNotFound when absent.
  virtual Status UseAccountCode(Id code_id, Id used_by, Instant at) = 0;
  // Codes of a patient (invitations) or a user (password codes), by id.
  virtual Result<std::vector<AccountCode>> ListAccountCodes(std::optional<Id> patient_id,
                                                            std::optional<Id> user_id) = 0;

  // Idempotent on (patient_id, client_id) when client_id is given (kConflict "client_id" when a
  // replay differs in sender or body). kNotFound "patient_id" / "sender_user_id".
  virtual Result<Message> CreateMessage(const Message& message) = 0;
  // Messages of a patient with id > after_id, oldest first, at most limit (1..1000;
  // kInvalidArgument "limit").
  virtual Result<std::vector<Message>> ListMessages(Id patient_id, Id after_id, int limit) = 0;
  // Records that user_id has read every message of the patient's thread with id <= up_to_id that
  // another user sent and that user_id had not read yet. Returns how many receipts were written.
  virtual Result<int64_t> MarkMessagesRead(Id patient_id, Id user_id, Id up_to_id, Instant at) = 0;
  // Every read receipt of the patient's thread, by message then user.
  virtual Result<std::vector<MessageRead>> ListMessageReads(Id patient_id) = 0;

  // Replaces description, severity, serious, course_id and details_json of an adverse event.
  // kNotFound when absent or of another patient; kNotFound "course_id" as CreateAdverseEvent.
  virtual Status UpdateAdverseEvent(const AdverseEvent& event) = 0;
  // Every revision of the diary days from..to, by date then revision. kInvalidArgument "to".
  virtual Result<std::vector<DiaryEntry>> ListDiaryRevisionsBetween(Id patient_id, LocalDate from, LocalDate to) = 0;

  // ---- The clinician's inbox (issue 13) -------------------------------------------------------
  // Stores how a task was settled. kInvalidArgument naming the field (task_key, kind, resolution,
  // note: empty when dismissed); kNotFound "patient_id" / "recorded_by"; kConflict "task_key" when
  // the patient's task was settled already (the first word stands).
  virtual Result<TaskResolution> CreateTaskResolution(const TaskResolution& resolution) = 0;
  // The patient's settled tasks, oldest first.
  virtual Result<std::vector<TaskResolution>> ListTaskResolutions(Id patient_id) = 0;

  // ---- The compounding pharmacy's record (issue 14) -----------------------------------------
  // Stores a received lot with remaining_milli = quantity_milli. kInvalidArgument naming the field;
  // kNotFound "pharmacy_id" / "received_by".
  virtual Result<IngredientLot> CreateIngredientLot(const IngredientLot& lot) = 0;
  // kNotFound when absent.
  virtual Result<IngredientLot> GetIngredientLot(Id lot_id) = 0;
  // A pharmacy's lots, by id.
  virtual Result<std::vector<IngredientLot>> ListIngredientLots(Id pharmacy_id) = 0;
  // Stores a prepared batch in one transaction: the next number of the pharmacy's sequence, its
  // orders, and each lot's amount taken from what is left. kInvalidArgument naming the field
  // (form, quantity_unit, strength_micrograms_hcl, quantity, orders, lots[i].amount_milli,
  // deviation_reason, record_json, bud_date before prepared_on); kNotFound "pharmacy_id",
  // "prepared_by", "orders[i].prescription_id" (absent or not the patient's), "lots[i].lot_id"
  // (absent or another pharmacy's); kInvalidArgument "lots[i].lot_id" for a lot that expires before
  // prepared_on or a lot named twice; kConflict "lots[i].amount_milli" when the lot has less left.
  // Nothing is stored on any failure.
  virtual Result<Batch> CreateBatch(const Batch& batch) = 0;
  // kNotFound when absent.
  virtual Result<Batch> GetBatch(Id batch_id) = 0;
  // A pharmacy's batches, newest first.
  virtual Result<std::vector<Batch>> ListBatches(Id pharmacy_id) = 0;
  // The batches that fill an order, by id.
  virtual Result<std::vector<Batch>> ListBatchesForPrescription(Id prescription_id) = 0;
  // Records the one check of a prepared batch: status kReleased or kRejected, the checker, when, QC
  // (a JSON object) and the reason (1-2000 characters for a rejection). kNotFound when absent or
  // "checked_by"; kInvalidArgument "status", "reason", "qc"; kPermissionDenied when checked_by
  // prepared the batch; kConflict when it was checked already.
  virtual Status CheckBatch(Id batch_id, BatchStatus status, Id checked_by, Instant at, const std::string& qc_json,
                            const std::string& reason) = 0;
  // Appends to the dispensing log. kNotFound "batch_id" / "dispensed_by"; kInvalidArgument
  // "quantity", "checklist"; kConflict "batch_id" when the batch is not released or does not fill
  // this order, "quantity" when more would leave the batch than it holds.
  virtual Result<DispensingRecord> CreateDispensing(const DispensingRecord& record) = 0;
  // The dispensing log of a patient, oldest first.
  virtual Result<std::vector<DispensingRecord>> ListDispensings(Id patient_id) = 0;
  // The dispensings of a batch, oldest first.
  virtual Result<std::vector<DispensingRecord>> ListBatchDispensings(Id batch_id) = 0;

  // ---- Placebo-twin kits (issue 14 item 5) ----------------------------------------------------
  // Stores a kit. kInvalidArgument "kit_code" (4-40 of A-Z, 0-9, '-'); kNotFound "created_by";
  // kNotFound "pack_a_batch_id" / "pack_b_batch_id" for a batch that does not exist or is of
  // another pharmacy; kInvalidArgument "pack_b_batch_id" when both packs are one batch; kConflict
  // "pack_b_batch_id" unless exactly one pack is a placebo and both have the same form, quantity
  // and unit, or when a pack's batch was not prepared for the kit's order; kConflict
  // "pack_a_batch_id" / "pack_b_batch_id" when the batch is already in a kit; kConflict "kit_code"
  // when the pharmacy has that code. Nothing is stored on failure.
  virtual Result<Kit> CreateKit(const Kit& kit) = 0;
  // kNotFound when absent.
  virtual Result<Kit> GetKit(Id kit_id) = 0;
  // The kit a batch is a pack of. kNotFound when it is in none.
  virtual Result<Kit> GetKitOfBatch(Id batch_id) = 0;
  // A pharmacy's kits, newest first.
  virtual Result<std::vector<Kit>> ListKits(Id pharmacy_id) = 0;
  // Records an unblinding. kNotFound "kit_id" / "unblinded_by"; kInvalidArgument "reason" (1-2000).
  virtual Result<KitUnblinding> UnblindKit(const KitUnblinding& unblinding) = 0;
  // A kit's unblindings, oldest first.
  virtual Result<std::vector<KitUnblinding>> ListKitUnblindings(Id kit_id) = 0;

  // ---- Blinded N-of-1 trials (issue 16) -----------------------------------------------------
  // Stores a designed trial (status kDesigned; the other state fields are ignored). kNotFound
  // "patient_id" / "prescription_id" (not the patient's) / "designed_by"; kInvalidArgument
  // "protocol_json" (empty or over 8000 bytes) / "protocol_sha256" (not 64 hex digits); kConflict
  // "patient_id" when the patient has a trial that is designed or started.
  virtual Result<Trial> CreateTrial(const Trial& trial) = 0;
  // kNotFound when absent.
  virtual Result<Trial> GetTrial(Id trial_id) = 0;
  // A patient's trials, newest first.
  virtual Result<std::vector<Trial>> ListTrials(Id patient_id) = 0;
  // The trials whose order is routed to the pharmacy, newest first.
  virtual Result<std::vector<Trial>> ListPharmacyTrials(Id pharmacy_id) = 0;
  // Replaces the protocol of a designed trial. kNotFound "trial_id"; kConflict "status" unless it is
  // designed; kInvalidArgument as CreateTrial.
  virtual Result<Trial> ReplaceTrialProtocol(Id trial_id, const std::string& protocol_json,
                                             const std::string& protocol_sha256) = 0;
  // Moves a trial on: designed -> started (start_date, started_by, started_at), designed ->
  // cancelled or started -> ended (ended_by, ended_at, end_reason), all from `change`. kNotFound
  // "trial_id"; kConflict "status" for any other move (the message names both states).
  virtual Result<Trial> MoveTrial(Id trial_id, TrialStatus to, const Trial& change) = 0;
  // Records that the blind of a started or ended trial is broken (unblinded_by/at, unblind_reason
  // of 1-2000 characters, emergency_unblinding from `change`); the first unblinding is kept, a
  // later one is kConflict "trial_id". kNotFound "trial_id".
  virtual Result<Trial> UnblindTrial(Id trial_id, const Trial& change) = 0;
  // Gives a kit to a pair of a designed trial. kNotFound "trial_id" / "kit_id" / "assigned_by";
  // kConflict "status" unless the trial is designed; kConflict "kit_id" when the kit is of another
  // patient or order, or already given to a pair; kConflict "pair" when the pair has a kit;
  // kInvalidArgument "pair" outside 1-12.
  virtual Result<TrialKit> AssignTrialKit(const TrialKit& kit) = 0;
  // A trial's kits by pair.
  virtual Result<std::vector<TrialKit>> ListTrialKits(Id trial_id) = 0;
  // Records the answers of a period. kNotFound "trial_id" / "answered_by"; kConflict "status" unless
  // the trial is started; kConflict "period" when the period was answered; kInvalidArgument
  // "period" (1-24), "guess", "pgic" (1-7).
  virtual Result<TrialAnswer> RecordTrialAnswer(const TrialAnswer& answer) = 0;
  // A trial's answers by period.
  virtual Result<std::vector<TrialAnswer>> ListTrialAnswers(Id trial_id) = 0;

  // ---- Audit head and batched appends (issue 17) ----------------------------------------------
  // The newest event's seq and hash (AuditHead{} for an empty trail). One indexed read.
  virtual Result<AuditHead> GetAuditHead() = 0;
  // Appends `event` like AppendAudit without waiting: returns at once and calls `done` exactly
  // once, after the commit that holds the event (OK), or with the failure (the event is not
  // stored). Events submitted concurrently are appended in batches: SQLite in its group commit,
  // PostgreSQL by one appender per store that writes everything queued in one transaction under
  // the chain's lock (docs/storage.md, "The audit chain"). `done` runs on a store thread: short,
  // and it must not wait for the store. kInvalidArgument (at once) for a malformed event. Every
  // submission is answered before the store's destructor returns.
  virtual void SubmitAudit(AuditEvent event, std::function<void(Status)> done) = 0;

  // ---- The clinician's panel (issue 13, item 5; docs/api.md "GET /api/v1/patients") -----------
  // Each answers for every patient `user_id` may see (ListVisiblePatients' rule) in one query, so
  // that the panel's cheap columns cost a fixed number of queries whatever the care team's size.
  // kNotFound "user_id" when the user does not exist; an empty list when they see nobody.
  //
  // The latest diary date of each visible patient that has a diary entry, by patient id.
  virtual Result<std::vector<std::pair<Id, LocalDate>>> ListLatestDiaryDates(Id user_id) = 0;
  // The active and paused courses of the visible patients, by patient id then course id.
  virtual Result<std::vector<Course>> ListVisibleOpenCourses(Id user_id) = 0;
  // Each (patient, local date) from..to inclusive on which a visible patient logged a dose taken
  // (taken = true, dose > 0), once per day, by patient id then date. kInvalidArgument "to" when
  // to < from.
  virtual Result<std::vector<std::pair<Id, LocalDate>>> ListTakenDoseDays(Id user_id, LocalDate from, LocalDate to) = 0;
  // The revision of each visible patient's record, by patient id: a counter that every insert,
  // update or delete of a row of the patient's record moves on (triggers of migration 0008, so
  // every writer does; audit events are not the record and do not move it). Equal revisions mean
  // an unchanged record; the panel keeps computed flags while it is equal (server/flag_cache.h).
  virtual Result<std::vector<std::pair<Id, int64_t>>> ListPatientRevisions(Id user_id) = 0;

  // ---- Backup (SQLite) -------------------------------------------------------------------------
  // Copies the whole database to a new SQLite file at `path` with SQLite's online backup API
  // (the store stays usable meanwhile); the file is created 0600 and appears atomically (written
  // to path + ".tmp", then renamed). kConflict "path" when the file exists; kUnavailable when it
  // cannot be written. PostgreSQL: kInvalidArgument "db" (use pg_dump; docs/storage.md).
  // Restoring is not a Store method: it replaces the file while nothing has it open
  // (store/restore.h).
  virtual Status BackupTo(const std::string& path) = 0;
};

// Options of OpenStore, with their defaults.
struct OpenOptions {
  // Apply pending migrations on open. When false, a database whose schema is behind this binary
  // fails to open with kUnavailable ("run ldn migrate").
  bool migrate = true;
  // Connections kept by the store (readers run in parallel; SQLite serialises writers).
  // Ignored for sqlite::memory:, which has exactly one connection. 1..64.
  int pool_size = 4;
  // How long an SQLite connection waits for a lock before kUnavailable, milliseconds.
  int busy_timeout_ms = 5000;
  // When false (with migrate false), the schema version is not checked at all: the database opens
  // as it is, older or newer. For backup and restore, which copy a database whatever it holds;
  // other calls on such a store may fail.
  bool check_schema = true;
  // When false, a missing SQLite file is kNotFound "url" instead of being created (for verbs that
  // only read, so that a mistyped path does not leave an empty database behind).
  bool create = true;
  // Opens without ever writing (implies migrate = false and create = false): SQLite opens the
  // file read-only (SQLITE_OPEN_READONLY; a database nobody has open -- no -wal file -- is opened
  // immutable, so that no -wal or -shm file is created beside it), PostgreSQL sessions are
  // default_transaction_read_only. Write methods then fail (kUnavailable). For `ldn audit verify`
  // and `ldn audit head`, which must never change what they check.
  bool read_only = false;
};

// Opens (creating if needed) the store named by `url`:
//   sqlite:PATH              an SQLite file, created 0600 (its -wal and -shm files take the same
//                            mode). While the store is open it holds a shared lock (flock) on
//                            PATH.lock, so that `ldn restore` (store/restore.h), which takes it
//                            exclusively, refuses to run while a server or another command has
//                            the database open; an open during a restore fails (kUnavailable).
//   sqlite::memory:          a private in-memory SQLite database (tests)
//   postgresql://...         PostgreSQL (also postgres://); libpq URI syntax. "postgresql://" alone
//                            takes host, port, user, password and database from the PG*
//                            environment variables.
// kInvalidArgument "url" for another scheme or an empty path; kUnavailable when the database
// cannot be opened or reached; kConflict when its schema is newer than this binary.
Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const OpenOptions& options = {});

// The store URL a command uses when it is given none: $LDN_DB when set and not empty, else
// "sqlite:ldn.db" (a file in the working directory).
std::string DefaultStoreUrl();

// The newest schema version this binary knows. Both backends number their migrations alike.
int LatestSchemaVersion();

}  // namespace ldn::store

#endif  // LDN_STORE_STORE_H_
