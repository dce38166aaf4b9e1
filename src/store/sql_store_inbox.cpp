// The clinician's inbox in SQL (issue 13; store.h has the contract): how each computed task was
// settled, in task_resolutions (migration 0006).
#include <string>

#include "store/sql_helpers.h"
#include "store/sql_store.h"
#include "store/validation.h"

namespace ldn::store::internal {
namespace {

Result<TaskResolution> ReadResolution(const Row& row) {
  RowReader r(row);
  TaskResolution t;
  t.id = r.Int();
  t.patient_id = r.Int();
  t.task_key = r.Text();
  t.kind = r.Text();
  t.resolution = r.Text();
  t.note = r.Text();
  t.recorded_by = r.Int();
  t.recorded_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return t;
}

Status ValidateResolution(const TaskResolution& t) {
  LDN_RETURN_IF_ERROR(CheckId(t.patient_id, "patient_id"));
  LDN_RETURN_IF_ERROR(CheckText(t.task_key, "task_key", 1, 200));
  if (t.kind != "message" && t.kind != "flag" && t.kind != "prescription_to_sign" &&
      t.kind != "questionnaire_overdue" && t.kind != "diary_missing") {
    return Status::InvalidArgument(
        "kind", "expected message, flag, prescription_to_sign, questionnaire_overdue or diary_missing");
  }
  if (t.resolution != "done" && t.resolution != "dismissed") {
    return Status::InvalidArgument("resolution", "expected done or dismissed");
  }
  return CheckText(t.note, "note", t.resolution == "dismissed" ? 1 : 0, 2000);
}

}  // namespace

Result<TaskResolution> SqlStore::CreateTaskResolution(const TaskResolution& t) {
  LDN_RETURN_IF_ERROR(ValidateResolution(t));
  return RunOutside<Result<TaskResolution>>(Mode::kWrite, [&](Connection& c) -> Result<TaskResolution> {
    LDN_RETURN_IF_ERROR(PatientMustExist(c, t.patient_id));
    LDN_RETURN_IF_ERROR(UserMustExist(c, t.recorded_by, "recorded_by"));
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec("INSERT INTO task_resolutions (patient_id, task_key, kind, resolution, note, "
               "recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
               "ON CONFLICT (patient_id, task_key) DO NOTHING RETURNING id",
               {t.patient_id, t.task_key, t.kind, t.resolution, t.note, t.recorded_by, Secs(t.recorded_at)}));
    if (rows.rows.empty()) return Status::Conflict("task_key: task '" + t.task_key + "' is settled already");
    TaskResolution stored = t;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<std::vector<TaskResolution>> SqlStore::ListTaskResolutions(Id patient_id) {
  return RunOutside<Result<std::vector<TaskResolution>>>(Mode::kRead, [&](Connection& c) {
    return Query<TaskResolution>(
        c,
        "SELECT id, patient_id, task_key, kind, resolution, note, recorded_by, recorded_at FROM task_resolutions "
        "WHERE patient_id = $1 ORDER BY id",
        {patient_id}, &ReadResolution);
  });
}

}  // namespace ldn::store::internal
