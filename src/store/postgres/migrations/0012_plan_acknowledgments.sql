-- 0012_plan_acknowledgments: the plan each patient last said they had seen (issue 15 item 2c;
-- docs/api.md "Plan changes"). When the clinic changes the plan, Today shows what changed until
-- the patient taps "Got it", which stores the snapshot of the plan they saw (server/plan_notice.h)
-- and its SHA-256. One row per patient, replaced at each acknowledgment; each acknowledgment is
-- also in the audit trail. Part of the patient's record and moves its revision (0008).
CREATE TABLE plan_acknowledgments (
  patient_id BIGINT PRIMARY KEY REFERENCES patients (id),
  snapshot_id TEXT NOT NULL CHECK (length(snapshot_id) = 64),
  snapshot_json TEXT NOT NULL CHECK (json_typeof(snapshot_json::json) = 'object'),
  acknowledged_by BIGINT NOT NULL REFERENCES users (id),
  acknowledged_at BIGINT NOT NULL
);

CREATE TRIGGER plan_acknowledgments_revision AFTER INSERT OR UPDATE OR DELETE ON plan_acknowledgments
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
