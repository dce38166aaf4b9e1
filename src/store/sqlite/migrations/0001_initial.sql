-- Schema version 1 of the SQLite store (docs/storage.md explains every table).
-- Conventions: STRICT tables; instants are INTEGER Unix seconds (UTC); local dates are TEXT
-- 'YYYY-MM-DD'; JSON documents are TEXT checked with json_valid(); booleans are INTEGER 0/1.
-- Every patient-owned table carries patient_id (the distribution key on a sharded PostgreSQL).

CREATE TABLE patients (
  id INTEGER PRIMARY KEY,
  display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  time_zone TEXT NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
  research_id TEXT NOT NULL UNIQUE CHECK (length(research_id) BETWEEN 1 AND 64),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL CHECK (length(username) BETWEEN 1 AND 64),
  role TEXT NOT NULL CHECK (role IN ('patient', 'clinician', 'pharmacist', 'researcher', 'admin')),
  patient_id INTEGER UNIQUE REFERENCES patients (id),
  password_hash TEXT NOT NULL CHECK (length(password_hash) >= 1),
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  created_at INTEGER NOT NULL,
  CHECK ((role = 'patient') = (patient_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));

CREATE TABLE care_teams (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE care_team_members (
  care_team_id INTEGER NOT NULL REFERENCES care_teams (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (care_team_id, user_id)
) STRICT;
CREATE INDEX care_team_members_user ON care_team_members (user_id);

CREATE TABLE care_team_patients (
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  care_team_id INTEGER NOT NULL REFERENCES care_teams (id) ON DELETE CASCADE,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (patient_id, care_team_id)
) STRICT;
CREATE INDEX care_team_patients_team ON care_team_patients (care_team_id);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY CHECK (length(token_hash) BETWEEN 1 AND 128),
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  csrf_token_hash TEXT CHECK (csrf_token_hash IS NULL OR length(csrf_token_hash) BETWEEN 1 AND 128)
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);

CREATE TABLE medications (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  details TEXT NOT NULL CHECK (json_valid(details)),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  UNIQUE (patient_id, id)
) STRICT;

CREATE TABLE conditions (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  details TEXT NOT NULL CHECK (json_valid(details)),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  UNIQUE (patient_id, id)
) STRICT;

CREATE TABLE screenings (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  input TEXT NOT NULL CHECK (json_valid(input)),
  result TEXT NOT NULL CHECK (json_valid(result)),
  verdict TEXT NOT NULL CHECK (length(verdict) BETWEEN 1 AND 64),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  UNIQUE (patient_id, id)
) STRICT;

CREATE TABLE courses (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  protocol TEXT NOT NULL CHECK (length(protocol) BETWEEN 1 AND 64),
  plan TEXT NOT NULL CHECK (json_valid(plan)),
  status TEXT NOT NULL CHECK (status IN ('planned', 'active', 'paused', 'completed', 'stopped')),
  start_date TEXT CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (patient_id, id)
) STRICT;

CREATE TABLE plan_adjustments (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
  plan TEXT NOT NULL CHECK (json_valid(plan)),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  FOREIGN KEY (patient_id, course_id) REFERENCES courses (patient_id, id)
) STRICT;
CREATE INDEX plan_adjustments_course ON plan_adjustments (patient_id, course_id, id);

CREATE TABLE prescriptions (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL,
  course_id INTEGER NOT NULL,
  pharmacy TEXT NOT NULL CHECK (length(pharmacy) BETWEEN 1 AND 200),
  pharmacist_user_id INTEGER REFERENCES users (id),
  formulation TEXT NOT NULL CHECK (json_valid(formulation)),
  status TEXT NOT NULL CHECK (status IN ('issued', 'verified', 'dispensed', 'cancelled')),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (patient_id, id),
  FOREIGN KEY (patient_id, course_id) REFERENCES courses (patient_id, id)
) STRICT;
CREATE INDEX prescriptions_pharmacy ON prescriptions (pharmacy, id);

CREATE TABLE dose_log (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  course_id INTEGER,
  local_date TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  local_time_minutes INTEGER CHECK (local_time_minutes IS NULL OR local_time_minutes BETWEEN 0 AND 1439),
  dose_micrograms_hcl INTEGER NOT NULL CHECK (dose_micrograms_hcl >= 0),
  taken INTEGER NOT NULL CHECK (taken IN (0, 1)),
  client_id TEXT CHECK (client_id IS NULL OR length(client_id) BETWEEN 1 AND 64),
  note TEXT NOT NULL CHECK (length(note) <= 2000),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  UNIQUE (patient_id, client_id),
  FOREIGN KEY (patient_id, course_id) REFERENCES courses (patient_id, id)
) STRICT;
CREATE INDEX dose_log_date ON dose_log (patient_id, local_date, id);

CREATE TABLE diary_entries (
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  local_date TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  items TEXT NOT NULL CHECK (json_valid(items)),
  client_id TEXT NOT NULL CHECK (length(client_id) BETWEEN 1 AND 64),
  revision INTEGER NOT NULL CHECK (revision >= 1),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (patient_id, local_date)
) STRICT;

-- Every revision of every diary day, the current one included; never updated or deleted.
CREATE TABLE diary_revisions (
  patient_id INTEGER NOT NULL,
  local_date TEXT NOT NULL,
  revision INTEGER NOT NULL CHECK (revision >= 1),
  items TEXT NOT NULL CHECK (json_valid(items)),
  client_id TEXT NOT NULL CHECK (length(client_id) BETWEEN 1 AND 64),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  PRIMARY KEY (patient_id, local_date, revision),
  UNIQUE (patient_id, client_id),
  FOREIGN KEY (patient_id, local_date) REFERENCES diary_entries (patient_id, local_date)
) STRICT;

CREATE TABLE instrument_responses (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  instrument TEXT NOT NULL CHECK (length(instrument) BETWEEN 1 AND 64),
  local_date TEXT NOT NULL CHECK (local_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  answers TEXT NOT NULL CHECK (json_valid(answers)),
  scores TEXT NOT NULL CHECK (json_valid(scores)),
  client_id TEXT CHECK (client_id IS NULL OR length(client_id) BETWEEN 1 AND 64),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  UNIQUE (patient_id, id),
  UNIQUE (patient_id, client_id)
) STRICT;
CREATE INDEX instrument_responses_date ON instrument_responses (patient_id, local_date, id);

CREATE TABLE adverse_events (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  course_id INTEGER,
  onset_date TEXT NOT NULL CHECK (onset_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  description TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  severity TEXT NOT NULL CHECK (severity IN ('mild', 'moderate', 'severe', 'life_threatening')),
  serious INTEGER NOT NULL CHECK (serious IN (0, 1)),
  details TEXT NOT NULL CHECK (json_valid(details)),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  UNIQUE (patient_id, id),
  FOREIGN KEY (patient_id, course_id) REFERENCES courses (patient_id, id)
) STRICT;

-- The audit trail: append-only and hash-chained (store.h, AuditEvent). No foreign keys, so that
-- the trail outlives the rows it speaks of.
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY CHECK (seq >= 1),
  at INTEGER NOT NULL,
  actor_user_id INTEGER,
  role TEXT NOT NULL,
  patient_id INTEGER,
  action TEXT NOT NULL,
  object TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  hash TEXT NOT NULL CHECK (length(hash) = 64)
) STRICT;
CREATE INDEX audit_events_patient ON audit_events (patient_id, seq);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id, seq);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER diary_revisions_no_update BEFORE UPDATE ON diary_revisions
BEGIN
  SELECT RAISE(ABORT, 'diary_revisions is append-only');
END;
