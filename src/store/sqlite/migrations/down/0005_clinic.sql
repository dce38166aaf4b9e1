-- Down path of 0005_clinic.sql: back to schema version 4. Demographics, allergies, pharmacies and
-- their staff, prescribers' details, signing keys, signed orders and their events, invitation and
-- password codes and messages are part of the record an ldn at version 4 cannot keep, so this path
-- runs only while there is none. With any stored, the named CHECK below fails, the transaction
-- rolls back and the database stays where it was with nothing lost (store_migration_test.cpp).
CREATE TEMP TABLE clinic_down_guard (
  records INTEGER CONSTRAINT "clinic records exist (demographics, allergies, pharmacies, prescribers, signed orders, account codes, messages): version 5 kept so that none is lost"
    CHECK (records = 0)
);
INSERT INTO clinic_down_guard
  SELECT (SELECT count(*) FROM patient_demographics) + (SELECT count(*) FROM allergies) +
         (SELECT count(*) FROM pharmacies) + (SELECT count(*) FROM pharmacy_staff) +
         (SELECT count(*) FROM prescriber_profiles) + (SELECT count(*) FROM signing_keys) +
         (SELECT count(*) FROM prescription_events) + (SELECT count(*) FROM account_codes) +
         (SELECT count(*) FROM messages) + (SELECT count(*) FROM message_reads) +
         (SELECT count(*) FROM prescriptions WHERE pharmacy_id IS NOT NULL OR signed_at IS NOT NULL OR
                                                  signature IS NOT NULL OR cancel_reason IS NOT NULL);
DROP TABLE clinic_down_guard;

DROP TABLE message_reads;
DROP TABLE messages;
DROP TABLE account_codes;
DROP TABLE prescription_events;
DROP TABLE signing_keys;
DROP TABLE prescriber_profiles;
DROP TABLE pharmacy_staff;
-- prescriptions.pharmacy_id references pharmacies, which SQLite's DROP COLUMN cannot remove: the
-- table is rebuilt as version 1 made it (0001_initial.sql), rows and ids kept.
CREATE TABLE prescriptions_v4 (
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
INSERT INTO prescriptions_v4 (id, patient_id, course_id, pharmacy, pharmacist_user_id, formulation, status,
                              recorded_by, recorded_at, updated_at)
  SELECT id, patient_id, course_id, pharmacy, pharmacist_user_id, formulation, status, recorded_by, recorded_at,
         updated_at FROM prescriptions;
DROP TABLE prescriptions;
ALTER TABLE prescriptions_v4 RENAME TO prescriptions;
CREATE INDEX prescriptions_pharmacy ON prescriptions (pharmacy, id);
DROP TABLE pharmacies;
DROP TABLE allergies;
DROP TABLE patient_demographics;
