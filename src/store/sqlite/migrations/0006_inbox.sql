-- Schema version 6 of the SQLite store: the clinician's inbox (issue 13; docs/clinic.md "Tasks",
-- docs/storage.md). The tasks themselves are computed from the record (unanswered messages,
-- unacknowledged flags, unsigned prescriptions, overdue questionnaires, missing diaries); what is
-- stored is how each was settled: marked done (with an optional note) or dismissed with a reason,
-- by whom and when. One row per task of a patient; a record, kept as written.
CREATE TABLE task_resolutions (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  task_key TEXT NOT NULL CHECK (length(task_key) BETWEEN 1 AND 200),
  kind TEXT NOT NULL CHECK (kind IN ('message', 'flag', 'prescription_to_sign', 'questionnaire_overdue',
                                     'diary_missing')),
  resolution TEXT NOT NULL CHECK (resolution IN ('done', 'dismissed')),
  note TEXT NOT NULL CHECK (length(note) <= 2000),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  UNIQUE (patient_id, task_key),
  CHECK (resolution = 'done' OR length(note) >= 1)
) STRICT;
CREATE INDEX task_resolutions_recorded ON task_resolutions (recorded_at);

CREATE TRIGGER task_resolutions_no_update BEFORE UPDATE ON task_resolutions
BEGIN
  SELECT RAISE(ABORT, 'task_resolutions is append-only');
END;
