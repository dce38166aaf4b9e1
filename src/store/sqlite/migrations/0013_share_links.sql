-- 0013_share_links: a patient's time-limited, read-only links to their visit report, for an
-- appointment elsewhere (issue 15 item 4; docs/api.md "Share links"). The URL carries a secret
-- token; only its SHA-256 is stored (as for sessions and calendar links). A link answers until it
-- expires or is revoked (revoked_at set; rows are kept, so the patient sees what they shared and
-- when it stopped). Part of the patient's record and moves its revision (0008).
CREATE TABLE share_links (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_by INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL CHECK (expires_at > created_at),
  revoked_at INTEGER CHECK (revoked_at IS NULL OR revoked_at >= created_at),
  UNIQUE (patient_id, id)
) STRICT;
CREATE INDEX share_links_patient ON share_links (patient_id, id);

CREATE TRIGGER share_links_revision_ins AFTER INSERT ON share_links BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER share_links_revision_upd AFTER UPDATE ON share_links BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER share_links_revision_del AFTER DELETE ON share_links BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
