-- 0012_plan_acknowledgments: the plan each patient last said they had seen (issue 15 item 2c;
-- docs/api.md "Plan changes"). When the clinic changes the plan, Today shows what changed until
-- the patient taps "Got it", which stores the snapshot of the plan they saw (server/plan_notice.h)
-- and its SHA-256. One row per patient, replaced at each acknowledgment; each acknowledgment is
-- also in the audit trail. Part of the patient's record and moves its revision (0008).
CREATE TABLE plan_acknowledgments (
  patient_id INTEGER PRIMARY KEY REFERENCES patients (id),
  snapshot_id TEXT NOT NULL CHECK (length(snapshot_id) = 64),
  snapshot_json TEXT NOT NULL CHECK (json_valid(snapshot_json) AND json_type(snapshot_json) = 'object'),
  acknowledged_by INTEGER NOT NULL REFERENCES users (id),
  acknowledged_at INTEGER NOT NULL
) STRICT;

CREATE TRIGGER plan_acknowledgments_revision_ins AFTER INSERT ON plan_acknowledgments BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER plan_acknowledgments_revision_upd AFTER UPDATE ON plan_acknowledgments BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER plan_acknowledgments_revision_del AFTER DELETE ON plan_acknowledgments BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
