-- Schema version 3 of the SQLite store: the safety interlocks of issue 12 (docs/safety.md,
-- docs/storage.md). Three append-only records beside the tables they are about:
--   course_decisions       every gated create / activate / resume and every discard of a course,
--                          with the gate's evaluation, the overrides (each with its written reason)
--                          and the screening it relied on;
--   dose_deviations        the patient's confirmation of a logged dose that differs from the plan;
--   flag_acknowledgements  a clinician's acknowledgement of one flag occurrence (its stable code).

-- The composite key that dose_deviations refers to (dose_log's id is unique on its own already).
CREATE UNIQUE INDEX dose_log_patient_id ON dose_log (patient_id, id);

CREATE TABLE course_decisions (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('create', 'activate', 'resume', 'discard')),
  screening_id INTEGER,
  evaluation TEXT NOT NULL CHECK (json_valid(evaluation)),
  overrides TEXT NOT NULL CHECK (json_valid(overrides)),
  reason TEXT NOT NULL CHECK (length(reason) <= 2000),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  FOREIGN KEY (patient_id, course_id) REFERENCES courses (patient_id, id),
  FOREIGN KEY (patient_id, screening_id) REFERENCES screenings (patient_id, id)
) STRICT;
CREATE INDEX course_decisions_patient ON course_decisions (patient_id, id);

CREATE TABLE dose_deviations (
  patient_id INTEGER NOT NULL,
  dose_id INTEGER NOT NULL,
  planned_micrograms_hcl INTEGER CHECK (planned_micrograms_hcl IS NULL OR planned_micrograms_hcl >= 0),
  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (patient_id, dose_id),
  FOREIGN KEY (patient_id, dose_id) REFERENCES dose_log (patient_id, id)
) STRICT;

CREATE TABLE flag_acknowledgements (
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 200),
  note TEXT NOT NULL CHECK (length(note) <= 2000),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (patient_id, code)
) STRICT;

-- Records, not state: kept as written, like the audit trail.
CREATE TRIGGER course_decisions_no_update BEFORE UPDATE ON course_decisions
BEGIN
  SELECT RAISE(ABORT, 'course_decisions is append-only');
END;
CREATE TRIGGER dose_deviations_no_update BEFORE UPDATE ON dose_deviations
BEGIN
  SELECT RAISE(ABORT, 'dose_deviations is append-only');
END;
CREATE TRIGGER flag_acknowledgements_no_update BEFORE UPDATE ON flag_acknowledgements
BEGIN
  SELECT RAISE(ABORT, 'flag_acknowledgements is append-only');
END;
