-- 0010_calendar_tokens: the patient's calendar subscription (issue 15 item 2a; docs/web.md,
-- "Reminders in the phone's calendar"). A phone's calendar fetches the feed by its URL alone, so
-- the URL carries a secret token; only its SHA-256 is stored (as for sessions), so a copy of the
-- database does not open anyone's calendar. At most one live token per patient: a new one replaces
-- it, and revoking deletes the row (the old URL then answers 404). Part of the patient's record and
-- moves its revision (0008).
CREATE TABLE calendar_tokens (
  patient_id INTEGER PRIMARY KEY REFERENCES patients (id),
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_by INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL
) STRICT;

CREATE TRIGGER calendar_tokens_revision_ins AFTER INSERT ON calendar_tokens BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER calendar_tokens_revision_upd AFTER UPDATE ON calendar_tokens BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER calendar_tokens_revision_del AFTER DELETE ON calendar_tokens BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
