-- Down path of 0005_clinic.sql: back to schema version 4. Demographics, allergies, pharmacies and
-- their staff, prescribers' details, signing keys, signed orders and their events, invitation and
-- password codes and messages are part of the record an ldn at version 4 cannot keep, so this path
-- runs only while there is none. With any stored it raises, the transaction rolls back and the
-- database stays where it was with nothing lost (store_migration_test.cpp).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM patient_demographics) OR EXISTS (SELECT 1 FROM allergies) OR
     EXISTS (SELECT 1 FROM pharmacies) OR EXISTS (SELECT 1 FROM pharmacy_staff) OR
     EXISTS (SELECT 1 FROM prescriber_profiles) OR EXISTS (SELECT 1 FROM signing_keys) OR
     EXISTS (SELECT 1 FROM prescription_events) OR EXISTS (SELECT 1 FROM account_codes) OR
     EXISTS (SELECT 1 FROM messages) OR EXISTS (SELECT 1 FROM message_reads) OR
     EXISTS (SELECT 1 FROM prescriptions WHERE pharmacy_id IS NOT NULL OR signed_at IS NOT NULL OR
                                                signature IS NOT NULL OR cancel_reason IS NOT NULL) THEN
    RAISE EXCEPTION 'clinic records exist (demographics, allergies, pharmacies, prescribers, signed orders, account codes, messages): version 5 kept so that none is lost';
  END IF;
END
$$;

DROP TABLE message_reads;
DROP TABLE messages;
DROP TABLE account_codes;
DROP TABLE prescription_events;
ALTER TABLE prescriptions DROP COLUMN cancel_reason, DROP COLUMN signature, DROP COLUMN signed_at,
  DROP COLUMN pharmacy_id;
DROP TABLE signing_keys;
DROP TABLE prescriber_profiles;
DROP TABLE pharmacy_staff;
DROP TABLE pharmacies;
DROP TABLE allergies;
DROP TABLE patient_demographics;
