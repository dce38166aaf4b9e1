-- 0009_kits: placebo-twin kits for blinded N-of-1 trials (issue 14 item 5; docs/pharmacy.md).
-- A kit pairs two batches the pharmacy made for one order -- one active, one placebo twin (the same
-- form, count and unit; the master formulas share shell, filler and fill weight) -- as pack A and
-- pack B under a kit code that is all the labels show. Which pack is active is the blind: the link
-- (kit -> batches) is read only by the pharmacy's pharmacists (the server's rule; the matrix test
-- checks that a clinician or patient never reads it). Every unblinding is recorded
-- (kit_unblindings, append-only) besides the audit event. Both tables are part of the patient's
-- record and move their revision (0008).
CREATE TABLE kits (
  id INTEGER PRIMARY KEY,
  pharmacy_id INTEGER NOT NULL REFERENCES pharmacies (id),
  kit_code TEXT NOT NULL CHECK (length(kit_code) BETWEEN 4 AND 40),
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  prescription_id INTEGER NOT NULL,
  pack_a_batch_id INTEGER NOT NULL UNIQUE REFERENCES batches (id),
  pack_b_batch_id INTEGER NOT NULL UNIQUE REFERENCES batches (id),
  created_by INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  UNIQUE (pharmacy_id, kit_code),
  CHECK (pack_a_batch_id <> pack_b_batch_id),
  FOREIGN KEY (patient_id, prescription_id) REFERENCES prescriptions (patient_id, id)
) STRICT;
CREATE INDEX kits_patient ON kits (patient_id, id);

CREATE TABLE kit_unblindings (
  id INTEGER PRIMARY KEY,
  kit_id INTEGER NOT NULL REFERENCES kits (id),
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  unblinded_by INTEGER NOT NULL REFERENCES users (id),
  unblinded_at INTEGER NOT NULL,
  reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000)
) STRICT;
CREATE INDEX kit_unblindings_kit ON kit_unblindings (kit_id, id);

CREATE TRIGGER kits_no_update BEFORE UPDATE ON kits
BEGIN
  SELECT RAISE(ABORT, 'kits is append-only');
END;
CREATE TRIGGER kit_unblindings_no_update BEFORE UPDATE ON kit_unblindings
BEGIN
  SELECT RAISE(ABORT, 'kit_unblindings is append-only');
END;
CREATE TRIGGER kits_revision_ins AFTER INSERT ON kits BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER kits_revision_upd AFTER UPDATE ON kits BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER kits_revision_del AFTER DELETE ON kits BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER kit_unblindings_revision_ins AFTER INSERT ON kit_unblindings BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER kit_unblindings_revision_upd AFTER UPDATE ON kit_unblindings BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER kit_unblindings_revision_del AFTER DELETE ON kit_unblindings BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
