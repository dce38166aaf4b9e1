-- 0008_patient_revisions: a counter per patient that every change to the patient's record
-- moves on, written by triggers so that no writer (the server, the CLI, another server on the same
-- database) can forget it. The clinician's panel keeps each patient's computed flags while the
-- counter and the patient's local date are unchanged (issue 13, item 5: a panel of 1,000 patients
-- that opens fast, sorted by flags); store_revisions_test.cpp checks that every table with a
-- patient_id column moves it, except audit_events (every read is audited: it is not the record).
CREATE TABLE patient_revisions (
  patient_id BIGINT PRIMARY KEY,
  revision BIGINT NOT NULL
);
CREATE FUNCTION ldn_bump_patient_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  id BIGINT;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    id := (to_jsonb(OLD) ->> TG_ARGV[0])::BIGINT;
    IF id IS NOT NULL THEN
      INSERT INTO patient_revisions (patient_id, revision) VALUES (id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
    END IF;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    id := (to_jsonb(NEW) ->> TG_ARGV[0])::BIGINT;
    IF id IS NOT NULL THEN
      INSERT INTO patient_revisions (patient_id, revision) VALUES (id, 1)
        ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER account_codes_revision AFTER INSERT OR UPDATE OR DELETE ON account_codes
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER adverse_events_revision AFTER INSERT OR UPDATE OR DELETE ON adverse_events
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER allergies_revision AFTER INSERT OR UPDATE OR DELETE ON allergies
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER batch_orders_revision AFTER INSERT OR UPDATE OR DELETE ON batch_orders
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER care_team_patients_revision AFTER INSERT OR UPDATE OR DELETE ON care_team_patients
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER conditions_revision AFTER INSERT OR UPDATE OR DELETE ON conditions
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER course_decisions_revision AFTER INSERT OR UPDATE OR DELETE ON course_decisions
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER courses_revision AFTER INSERT OR UPDATE OR DELETE ON courses
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER diary_entries_revision AFTER INSERT OR UPDATE OR DELETE ON diary_entries
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER diary_revisions_revision AFTER INSERT OR UPDATE OR DELETE ON diary_revisions
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER diary_scale_changes_revision AFTER INSERT OR UPDATE OR DELETE ON diary_scale_changes
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER dispensings_revision AFTER INSERT OR UPDATE OR DELETE ON dispensings
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER dose_deviations_revision AFTER INSERT OR UPDATE OR DELETE ON dose_deviations
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER dose_log_revision AFTER INSERT OR UPDATE OR DELETE ON dose_log
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER flag_acknowledgements_revision AFTER INSERT OR UPDATE OR DELETE ON flag_acknowledgements
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER instrument_responses_revision AFTER INSERT OR UPDATE OR DELETE ON instrument_responses
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER medications_revision AFTER INSERT OR UPDATE OR DELETE ON medications
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER message_reads_revision AFTER INSERT OR UPDATE OR DELETE ON message_reads
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER messages_revision AFTER INSERT OR UPDATE OR DELETE ON messages
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER patient_demographics_revision AFTER INSERT OR UPDATE OR DELETE ON patient_demographics
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER plan_adjustments_revision AFTER INSERT OR UPDATE OR DELETE ON plan_adjustments
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER prescription_events_revision AFTER INSERT OR UPDATE OR DELETE ON prescription_events
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER prescriptions_revision AFTER INSERT OR UPDATE OR DELETE ON prescriptions
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER screenings_revision AFTER INSERT OR UPDATE OR DELETE ON screenings
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER task_resolutions_revision AFTER INSERT OR UPDATE OR DELETE ON task_resolutions
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER users_revision AFTER INSERT OR UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
CREATE TRIGGER patients_revision AFTER INSERT OR UPDATE OR DELETE ON patients
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('id');
INSERT INTO patient_revisions (patient_id, revision) SELECT id, 1 FROM patients;
