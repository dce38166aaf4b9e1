#include "store/validation.h"

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace ldn::store::internal {
namespace {

constexpr size_t kMaxJsonBytes = 1 << 20;

bool IsUsernameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '@' || c == '-';
}

Status CheckRecorded(Id patient_id, Id recorded_by) {
  LDN_RETURN_IF_ERROR(CheckId(patient_id, "patient_id"));
  return CheckId(recorded_by, "recorded_by");
}

}  // namespace

Status CheckText(std::string_view value, std::string_view field, size_t min_chars, size_t max_chars) {
  const long n = ldn::Utf8Length(value);
  if (n < 0) return Status::InvalidArgument(std::string(field), "must be UTF-8 text without NUL characters");
  if (static_cast<size_t>(n) < min_chars || static_cast<size_t>(n) > max_chars) {
    if (min_chars == 1 && n == 0) return Status::InvalidArgument(std::string(field), "must not be empty");
    return Status::InvalidArgument(std::string(field), "must be " + std::to_string(min_chars) + " to " +
                                                           std::to_string(max_chars) + " characters long");
  }
  return Status::Ok();
}

Status CheckJson(std::string_view value, std::string_view field) {
  if (value.size() > kMaxJsonBytes) {
    return Status::InvalidArgument(std::string(field), "is larger than 1 MiB");
  }
  if (ldn::Utf8Length(value) < 0 || !nlohmann::json::accept(value)) {
    return Status::InvalidArgument(std::string(field), "must be one JSON document");
  }
  return Status::Ok();
}

// Dates are stored as 'YYYY-MM-DD', so the year must have four digits; the range is core's
// ParseDate range.
Status CheckDate(LocalDate d, std::string_view field) {
  if (!d.ok() || d.year() < date::year(1900) || d.year() > date::year(2200)) {
    return Status::InvalidArgument(std::string(field), "must be a calendar date from 1900 to 2200");
  }
  return Status::Ok();
}

Status CheckId(Id id, std::string_view field) {
  if (id <= 0) return Status::InvalidArgument(std::string(field), "must be a positive id");
  return Status::Ok();
}

bool JsonEqual(std::string_view a, std::string_view b) {
  const nlohmann::json ja = nlohmann::json::parse(a, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json jb = nlohmann::json::parse(b, nullptr, /*allow_exceptions=*/false);
  if (ja.is_discarded() || jb.is_discarded()) return false;
  return ja == jb;
}

Status ValidateUser(const User& user) {
  LDN_RETURN_IF_ERROR(store::CheckUsername(user.username));
  LDN_RETURN_IF_ERROR(CheckText(user.password_hash, "password_hash", 1, 1000));
  if (user.role == Role::kPatient) {
    if (!user.patient_id) return Status::InvalidArgument("patient_id", "is required for a patient user");
    LDN_RETURN_IF_ERROR(CheckId(*user.patient_id, "patient_id"));
  } else if (user.patient_id) {
    return Status::InvalidArgument("patient_id", "is only for a user with role patient");
  }
  return Status::Ok();
}

Status ValidatePatient(const Patient& patient) {
  LDN_RETURN_IF_ERROR(ldn::CheckLine(patient.display_name, "display_name", kMaxNameChars));
  LDN_RETURN_IF_ERROR(CheckText(patient.time_zone, "time_zone", 1, 64));
  Result<TimeZone> tz = TimeZone::Named(patient.time_zone, "time_zone");
  if (!tz.ok()) return tz.status();
  if (!patient.research_id.empty()) {
    LDN_RETURN_IF_ERROR(CheckText(patient.research_id, "research_id", 1, 64));
    for (char c : patient.research_id) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
      if (!ok) return Status::InvalidArgument("research_id", "may hold only letters, digits and -");
    }
  }
  return Status::Ok();
}

Status ValidateCareTeam(const CareTeam& team) {
  return ldn::CheckLine(team.name, "name", kMaxNameChars);
}

Status ValidateSession(const Session& session) {
  LDN_RETURN_IF_ERROR(CheckText(session.token_hash, "token_hash", 1, 128));
  LDN_RETURN_IF_ERROR(CheckId(session.user_id, "user_id"));
  if (session.csrf_token_hash) LDN_RETURN_IF_ERROR(CheckText(*session.csrf_token_hash, "csrf_token_hash", 1, 128));
  if (session.expires_at < session.created_at) {
    return Status::InvalidArgument("expires_at", "must not be before created_at");
  }
  return Status::Ok();
}

Status ValidateLoginKey(std::string_view key) {
  return CheckText(key, "key", 1, 200);
}

Status ValidateMedication(const Medication& medication) {
  LDN_RETURN_IF_ERROR(CheckRecorded(medication.patient_id, medication.recorded_by));
  LDN_RETURN_IF_ERROR(ldn::CheckLine(medication.name, "name", kMaxNameChars));
  return CheckJson(medication.details_json, "details_json");
}

Status ValidateCondition(const Condition& condition) {
  LDN_RETURN_IF_ERROR(CheckRecorded(condition.patient_id, condition.recorded_by));
  LDN_RETURN_IF_ERROR(ldn::CheckLine(condition.name, "name", kMaxNameChars));
  return CheckJson(condition.details_json, "details_json");
}

Status ValidateScreening(const Screening& screening) {
  LDN_RETURN_IF_ERROR(CheckRecorded(screening.patient_id, screening.recorded_by));
  LDN_RETURN_IF_ERROR(CheckJson(screening.input_json, "input_json"));
  LDN_RETURN_IF_ERROR(CheckJson(screening.result_json, "result_json"));
  return CheckText(screening.verdict, "verdict", 1, 64);
}

Status ValidateCourse(const Course& course) {
  LDN_RETURN_IF_ERROR(CheckRecorded(course.patient_id, course.recorded_by));
  LDN_RETURN_IF_ERROR(CheckText(course.protocol, "protocol", 1, 64));
  if (course.start_date) LDN_RETURN_IF_ERROR(CheckDate(*course.start_date, "start_date"));
  return CheckJson(course.plan_json, "plan_json");
}

Status ValidatePlanAdjustment(const PlanAdjustment& adjustment) {
  LDN_RETURN_IF_ERROR(CheckRecorded(adjustment.patient_id, adjustment.recorded_by));
  LDN_RETURN_IF_ERROR(CheckId(adjustment.course_id, "course_id"));
  LDN_RETURN_IF_ERROR(ldn::CheckText(adjustment.reason, "reason", 1, kMaxNoteChars));
  return CheckJson(adjustment.plan_json, "plan_json");
}

Status ValidatePrescription(const Prescription& prescription) {
  LDN_RETURN_IF_ERROR(CheckRecorded(prescription.patient_id, prescription.recorded_by));
  LDN_RETURN_IF_ERROR(CheckId(prescription.course_id, "course_id"));
  LDN_RETURN_IF_ERROR(ldn::CheckLine(prescription.pharmacy, "pharmacy", kMaxNameChars));
  if (prescription.pharmacist_user_id) {
    LDN_RETURN_IF_ERROR(CheckId(*prescription.pharmacist_user_id, "pharmacist_user_id"));
  }
  return CheckJson(prescription.formulation_json, "formulation_json");
}

Status ValidateDoseLogEntry(const DoseLogEntry& entry) {
  LDN_RETURN_IF_ERROR(CheckRecorded(entry.patient_id, entry.recorded_by));
  if (entry.course_id) LDN_RETURN_IF_ERROR(CheckId(*entry.course_id, "course_id"));
  LDN_RETURN_IF_ERROR(CheckDate(entry.local_date, "local_date"));
  if (entry.local_time && (entry.local_time->minutes < 0 || entry.local_time->minutes > 1439)) {
    return Status::InvalidArgument("local_time", "must be 00:00 to 23:59");
  }
  if (entry.dose_micrograms_hcl < 0) {
    return Status::InvalidArgument("dose_micrograms_hcl", "must not be negative");
  }
  if (entry.client_id) LDN_RETURN_IF_ERROR(CheckText(*entry.client_id, "client_id", 1, 64));
  return ldn::CheckText(entry.note, "note", 0, kMaxNoteChars);
}

Status ValidateDiaryEntry(const DiaryEntry& entry) {
  LDN_RETURN_IF_ERROR(CheckRecorded(entry.patient_id, entry.recorded_by));
  LDN_RETURN_IF_ERROR(CheckDate(entry.local_date, "local_date"));
  LDN_RETURN_IF_ERROR(CheckText(entry.client_id, "client_id", 1, 64));
  return CheckJson(entry.items_json, "items_json");
}

Status ValidateInstrumentResponse(const InstrumentResponse& response) {
  LDN_RETURN_IF_ERROR(CheckRecorded(response.patient_id, response.recorded_by));
  LDN_RETURN_IF_ERROR(CheckText(response.instrument, "instrument", 1, 64));
  LDN_RETURN_IF_ERROR(CheckDate(response.local_date, "local_date"));
  LDN_RETURN_IF_ERROR(CheckJson(response.answers_json, "answers_json"));
  LDN_RETURN_IF_ERROR(CheckJson(response.scores_json, "scores_json"));
  if (response.client_id) LDN_RETURN_IF_ERROR(CheckText(*response.client_id, "client_id", 1, 64));
  return Status::Ok();
}

Status ValidateAdverseEvent(const AdverseEvent& event) {
  LDN_RETURN_IF_ERROR(CheckRecorded(event.patient_id, event.recorded_by));
  if (event.course_id) LDN_RETURN_IF_ERROR(CheckId(*event.course_id, "course_id"));
  LDN_RETURN_IF_ERROR(CheckDate(event.onset_date, "onset_date"));
  LDN_RETURN_IF_ERROR(ldn::CheckText(event.description, "description", 1, kMaxNoteChars));
  return CheckJson(event.details_json, "details_json");
}

Status ValidateAuditEvent(const AuditEvent& event) {
  if (event.actor_user_id) LDN_RETURN_IF_ERROR(CheckId(*event.actor_user_id, "actor_user_id"));
  if (event.patient_id) LDN_RETURN_IF_ERROR(CheckId(*event.patient_id, "patient_id"));
  LDN_RETURN_IF_ERROR(CheckText(event.role, "role", 1, 32));
  LDN_RETURN_IF_ERROR(CheckText(event.action, "action", 1, 64));
  LDN_RETURN_IF_ERROR(CheckText(event.object, "object", 0, 200));
  LDN_RETURN_IF_ERROR(CheckText(event.outcome, "outcome", 1, 32));
  return CheckText(event.detail, "detail", 0, 500);
}

}  // namespace ldn::store::internal

namespace ldn::store {

Status CheckUsername(std::string_view username) {
  LDN_RETURN_IF_ERROR(internal::CheckText(username, "username", 1, 64));
  for (char c : username) {
    if (!internal::IsUsernameChar(c)) {
      return Status::InvalidArgument("username", "may hold only letters, digits and . _ @ -");
    }
  }
  return Status::Ok();
}

}  // namespace ldn::store
