// Checks of the Store's input structs, shared by both backends so that a malformed field is
// refused with kInvalidArgument naming it before any SQL runs (the database's own CHECK
// constraints are the second line). Internal to ldn_store.
#ifndef LDN_STORE_VALIDATION_H_
#define LDN_STORE_VALIDATION_H_

#include <cstddef>
#include <string_view>

#include "store/store.h"

namespace ldn::store::internal {

// Valid UTF-8 without NUL characters, min..max characters (code points) long. (Names and notes
// are checked more strictly with core/text.h: no control characters.)
Status CheckText(std::string_view value, std::string_view field, size_t min_chars, size_t max_chars);
// One JSON document (any value), at most 1 MiB.
Status CheckJson(std::string_view value, std::string_view field);
// A valid date with a four-digit year, 1900..2200.
Status CheckDate(LocalDate d, std::string_view field);
// id > 0.
Status CheckId(Id id, std::string_view field);
// True when both texts are JSON documents with equal values (key order and spacing ignored).
bool JsonEqual(std::string_view a, std::string_view b);

Status ValidateUser(const User& user);
Status ValidatePatient(const Patient& patient);  // research_id may be empty (assigned later)
Status ValidateCareTeam(const CareTeam& team);
Status ValidateSession(const Session& session);
Status ValidateLoginKey(std::string_view key);
Status ValidateMedication(const Medication& medication);
Status ValidateCondition(const Condition& condition);
Status ValidateScreening(const Screening& screening);
Status ValidateCourse(const Course& course);
Status ValidatePlanAdjustment(const PlanAdjustment& adjustment);
Status ValidatePrescription(const Prescription& prescription);
Status ValidateDoseLogEntry(const DoseLogEntry& entry);
Status ValidateDiaryEntry(const DiaryEntry& entry);
Status ValidateInstrumentResponse(const InstrumentResponse& response);
Status ValidateAdverseEvent(const AdverseEvent& event);
Status ValidateAuditEvent(const AuditEvent& event);

}  // namespace ldn::store::internal

#endif  // LDN_STORE_VALIDATION_H_
