// The clinician's panel in SQL (issue 13, item 5; store.h has the contract): the cheap columns of
// every visible patient, one query each, whatever the number of patients.
#include <string>
#include <utility>
#include <vector>

#include "store/sql_helpers.h"
#include "store/sql_store.h"
#include "store/validation.h"

namespace ldn::store::internal {
namespace {

// The ids of the patients user $1 may see, with $2 bound to false (users.disabled). The same rule
// as SqlStore::ListVisiblePatients (sql_store.cpp): a patient their own record; a clinician or
// pharmacist the patients of their care teams; a pharmacist also the patients of the signed orders
// routed to their pharmacy. Kept beside that query's text: change both together.
#define LDN_VISIBLE_PATIENT_IDS                                                               \
  "SELECT u.patient_id FROM users u"                                                          \
  "  WHERE u.id = $1 AND u.role = 'patient' AND u.disabled = $2 AND u.patient_id IS NOT NULL" \
  "  UNION"                                                                                   \
  "  SELECT t.patient_id FROM care_team_patients t"                                           \
  "  JOIN care_team_members m ON m.care_team_id = t.care_team_id"                             \
  "  JOIN users u ON u.id = m.user_id"                                                        \
  "  WHERE m.user_id = $1 AND u.role IN ('clinician', 'pharmacist') AND u.disabled = $2"      \
  "  UNION"                                                                                   \
  "  SELECT rx.patient_id FROM prescriptions rx"                                              \
  "  JOIN pharmacy_staff s ON s.pharmacy_id = rx.pharmacy_id"                                 \
  "  JOIN users u ON u.id = s.user_id"                                                        \
  "  WHERE s.user_id = $1 AND u.role = 'pharmacist' AND u.disabled = $2 AND rx.signed_at IS NOT NULL"

Result<std::pair<Id, LocalDate>> ReadPatientDay(const Row& row) {
  RowReader r(row);
  std::pair<Id, LocalDate> out;
  out.first = r.Int();
  out.second = r.Date();
  LDN_RETURN_IF_ERROR(r.status());
  return out;
}

Result<std::pair<Id, int64_t>> ReadPatientRevision(const Row& row) {
  RowReader r(row);
  std::pair<Id, int64_t> out;
  out.first = r.Int();
  out.second = r.Int();
  LDN_RETURN_IF_ERROR(r.status());
  return out;
}

}  // namespace

Result<std::vector<std::pair<Id, LocalDate>>> SqlStore::ListLatestDiaryDates(Id user_id) {
  return RunOutside<Result<std::vector<std::pair<Id, LocalDate>>>>(
      Mode::kSnapshot, [&](Connection& c) -> Result<std::vector<std::pair<Id, LocalDate>>> {
        LDN_RETURN_IF_ERROR(UserMustExist(c, user_id, "user_id"));
        // One index probe per patient: diary_entries' primary key (patient_id, local_date) answers
        // MAX of one patient from its last entry (a GROUP BY over the whole table read every row).
        return Query<std::pair<Id, LocalDate>>(
            c,
            "SELECT * FROM (SELECT v.patient_id, (SELECT MAX(d.local_date) FROM "
            "diary_entries d WHERE d.patient_id = v.patient_id) AS last FROM (" LDN_VISIBLE_PATIENT_IDS
            ") v) x WHERE x.last IS NOT NULL ORDER BY x.patient_id",
            {user_id, Param::Bool(false)}, &ReadPatientDay);
      });
}

Result<std::vector<Course>> SqlStore::ListVisibleOpenCourses(Id user_id) {
  return RunOutside<Result<std::vector<Course>>>(Mode::kSnapshot, [&](Connection& c) -> Result<std::vector<Course>> {
    LDN_RETURN_IF_ERROR(UserMustExist(c, user_id, "user_id"));
    return Query<Course>(
        c,
        "SELECT id, patient_id, protocol, plan, status, start_date, recorded_by, recorded_at, updated_at "
        "FROM courses WHERE status IN ('active', 'paused') AND patient_id IN (" LDN_VISIBLE_PATIENT_IDS
        ") ORDER BY patient_id, id",
        {user_id, Param::Bool(false)}, &ReadCourse);
  });
}

Result<std::vector<std::pair<Id, LocalDate>>> SqlStore::ListTakenDoseDays(Id user_id, LocalDate from, LocalDate to) {
  LDN_RETURN_IF_ERROR(CheckDate(from, "from"));
  LDN_RETURN_IF_ERROR(CheckDate(to, "to"));
  if (to < from) return Status::InvalidArgument("to", "must not be before from");
  return RunOutside<Result<std::vector<std::pair<Id, LocalDate>>>>(
      Mode::kSnapshot, [&](Connection& c) -> Result<std::vector<std::pair<Id, LocalDate>>> {
        LDN_RETURN_IF_ERROR(UserMustExist(c, user_id, "user_id"));
        // dose_log_date (patient_id, local_date, id) serves the range per patient.
        return Query<std::pair<Id, LocalDate>>(
            c,
            "SELECT DISTINCT l.patient_id, l.local_date FROM (" LDN_VISIBLE_PATIENT_IDS
            ") v JOIN dose_log l ON l.patient_id = v.patient_id AND l.local_date >= $3 AND l.local_date <= $4 "
            "WHERE l.taken = $5 AND l.dose_micrograms_hcl > 0 ORDER BY l.patient_id, l.local_date",
            {user_id, Param::Bool(false), Day(from), Day(to), Param::Bool(true)}, &ReadPatientDay);
      });
}

Result<std::vector<std::pair<Id, int64_t>>> SqlStore::ListPatientRevisions(Id user_id) {
  return RunOutside<Result<std::vector<std::pair<Id, int64_t>>>>(
      Mode::kSnapshot, [&](Connection& c) -> Result<std::vector<std::pair<Id, int64_t>>> {
        LDN_RETURN_IF_ERROR(UserMustExist(c, user_id, "user_id"));
        return Query<std::pair<Id, int64_t>>(
            c,
            "SELECT v.patient_id, COALESCE((SELECT r.revision FROM patient_revisions r WHERE r.patient_id = "
            "v.patient_id), 0) FROM (" LDN_VISIBLE_PATIENT_IDS ") v ORDER BY v.patient_id",
            {user_id, Param::Bool(false)}, &ReadPatientRevision);
      });
}

#undef LDN_VISIBLE_PATIENT_IDS

}  // namespace ldn::store::internal
