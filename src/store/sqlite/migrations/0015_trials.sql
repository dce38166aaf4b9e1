-- 0015_trials: blinded N-of-1 trials of LDN against placebo (issue 16; docs/nof1.md "In the clinic").
-- trials: one trial of a patient, designed by a clinician on an order at a stable dose. The protocol
-- is the canonical JSON of src/analysis/nof1_protocol.h with its SHA-256; while the trial is
-- 'designed' the clinician may replace it, from 'started' on it is frozen (the trigger refuses a
-- change of the protocol or its hash) and its hash is in the audit chain. A patient has at most one
-- trial that is designed or started.
-- trial_kits: the placebo-twin kit (0009) the pharmacy gave each pair: pack A is taken in the
-- pair's first period, pack B in its second, so the kit's random pack letters are the pair's
-- allocation; only the pharmacy reads which pack is active. Append-only.
-- trial_answers: the patient's answers at the end of a period ("which do you think you took?" and
-- the PGIC), one per period, append-only.
-- All three are part of the patient's record and move its revision (0008).
CREATE TABLE trials (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  prescription_id INTEGER NOT NULL,
  protocol_json TEXT NOT NULL CHECK (length(protocol_json) BETWEEN 2 AND 8000),
  protocol_sha256 TEXT NOT NULL CHECK (length(protocol_sha256) = 64),
  status TEXT NOT NULL CHECK (status IN ('designed', 'started', 'ended', 'cancelled')),
  start_date TEXT CHECK (start_date IS NULL OR start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  designed_by INTEGER NOT NULL REFERENCES users (id),
  designed_at INTEGER NOT NULL,
  started_by INTEGER REFERENCES users (id),
  started_at INTEGER,
  ended_by INTEGER REFERENCES users (id),
  ended_at INTEGER,
  end_reason TEXT NOT NULL DEFAULT '' CHECK (length(end_reason) <= 2000),
  unblinded_by INTEGER REFERENCES users (id),
  unblinded_at INTEGER,
  unblind_reason TEXT NOT NULL DEFAULT '' CHECK (length(unblind_reason) <= 2000),
  emergency_unblinding INTEGER NOT NULL DEFAULT 0 CHECK (emergency_unblinding IN (0, 1)),
  UNIQUE (patient_id, id),
  CHECK ((status IN ('designed', 'cancelled')) OR (start_date IS NOT NULL AND started_at IS NOT NULL)),
  FOREIGN KEY (patient_id, prescription_id) REFERENCES prescriptions (patient_id, id)
) STRICT;
CREATE INDEX trials_patient ON trials (patient_id, id);
CREATE UNIQUE INDEX trials_one_open ON trials (patient_id) WHERE status IN ('designed', 'started');

CREATE TABLE trial_kits (
  trial_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  pair INTEGER NOT NULL CHECK (pair BETWEEN 1 AND 12),
  kit_id INTEGER NOT NULL UNIQUE REFERENCES kits (id),
  assigned_by INTEGER NOT NULL REFERENCES users (id),
  assigned_at INTEGER NOT NULL,
  PRIMARY KEY (trial_id, pair),
  FOREIGN KEY (patient_id, trial_id) REFERENCES trials (patient_id, id)
) STRICT;

CREATE TABLE trial_answers (
  trial_id INTEGER NOT NULL,
  patient_id INTEGER NOT NULL,
  period INTEGER NOT NULL CHECK (period BETWEEN 1 AND 24),
  guess TEXT NOT NULL CHECK (guess IN ('ldn', 'placebo', 'dont_know')),
  pgic INTEGER CHECK (pgic IS NULL OR pgic BETWEEN 1 AND 7),
  answered_by INTEGER NOT NULL REFERENCES users (id),
  answered_at INTEGER NOT NULL,
  PRIMARY KEY (trial_id, period),
  FOREIGN KEY (patient_id, trial_id) REFERENCES trials (patient_id, id)
) STRICT;

CREATE TRIGGER trials_frozen BEFORE UPDATE OF protocol_json, protocol_sha256, patient_id, prescription_id ON trials
  WHEN OLD.status <> 'designed'
BEGIN
  SELECT RAISE(ABORT, 'the protocol of a started trial is frozen');
END;
CREATE TRIGGER trial_kits_no_update BEFORE UPDATE ON trial_kits
BEGIN
  SELECT RAISE(ABORT, 'trial_kits is append-only');
END;
CREATE TRIGGER trial_answers_no_update BEFORE UPDATE ON trial_answers
BEGIN
  SELECT RAISE(ABORT, 'trial_answers is append-only');
END;
CREATE TRIGGER trials_revision_ins AFTER INSERT ON trials BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER trials_revision_upd AFTER UPDATE ON trials BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id <> NEW.patient_id
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER trials_revision_del AFTER DELETE ON trials BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER trial_kits_revision_ins AFTER INSERT ON trial_kits BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER trial_kits_revision_upd AFTER UPDATE ON trial_kits BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id <> NEW.patient_id
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER trial_kits_revision_del AFTER DELETE ON trial_kits BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER trial_answers_revision_ins AFTER INSERT ON trial_answers BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER trial_answers_revision_upd AFTER UPDATE ON trial_answers BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id <> NEW.patient_id
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER trial_answers_revision_del AFTER DELETE ON trial_answers BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
