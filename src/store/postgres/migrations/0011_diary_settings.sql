-- 0011_diary_settings: what each patient's diary asks (issue 15 item 1; docs/api.md "What each
-- patient tracks"): the non-core items chosen with the clinician and the patient's own items, as
-- the JSON of analysis::DiarySettingsToJson (checked by the domain before it is stored). One row
-- per patient, written whole; `version` counts the saves (If-Match). No row = the defaults (every
-- item asked, no own items). Part of the patient's record and moves its revision (0008).
CREATE TABLE diary_settings (
  patient_id BIGINT PRIMARY KEY REFERENCES patients (id),
  settings_json TEXT NOT NULL CHECK (json_typeof(settings_json::json) = 'object'),
  version INTEGER NOT NULL CHECK (version >= 1),
  updated_by BIGINT NOT NULL REFERENCES users (id),
  updated_at BIGINT NOT NULL
);

CREATE TRIGGER diary_settings_revision AFTER INSERT OR UPDATE OR DELETE ON diary_settings
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
