-- 0011_diary_settings: what each patient's diary asks (issue 15 item 1; docs/api.md "What each
-- patient tracks"): the non-core items chosen with the clinician and the patient's own items, as
-- the JSON of analysis::DiarySettingsToJson (checked by the domain before it is stored). One row
-- per patient, written whole; `version` counts the saves (If-Match). No row = the defaults (every
-- item asked, no own items). Part of the patient's record and moves its revision (0008).
CREATE TABLE diary_settings (
  patient_id INTEGER PRIMARY KEY REFERENCES patients (id),
  settings_json TEXT NOT NULL CHECK (json_valid(settings_json) AND json_type(settings_json) = 'object'),
  version INTEGER NOT NULL CHECK (version >= 1),
  updated_by INTEGER NOT NULL REFERENCES users (id),
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TRIGGER diary_settings_revision_ins AFTER INSERT ON diary_settings BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER diary_settings_revision_upd AFTER UPDATE ON diary_settings BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER diary_settings_revision_del AFTER DELETE ON diary_settings BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
