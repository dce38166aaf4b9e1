-- Diary scale version 2 (issue 12; data/diary_items.json "scale_version": 2): every 0-10 item runs
-- 0 = best, 10 = worst for the patient, as the FIQR symptom items do. On scale version 1, mood ran
-- 0 = very low, 10 = very good; it becomes 10 - v in every stored entry and every revision.
-- Every value changed is recorded in diary_scale_changes, which the down path
-- (down/0002_diary_scale_v2.sql) keeps and adds its own rows to: the history of the numbers is never
-- lost. diary_revisions is append-only (a trigger); this migration lifts the trigger for its one
-- update and puts it back in the same transaction.
CREATE TABLE IF NOT EXISTS diary_scale_changes (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL,
  local_date TEXT NOT NULL,
  revision INTEGER NOT NULL,
  item TEXT NOT NULL,
  from_scale INTEGER NOT NULL,
  to_scale INTEGER NOT NULL,
  old_value INTEGER NOT NULL,
  new_value INTEGER NOT NULL,
  changed_at INTEGER NOT NULL,
  UNIQUE (patient_id, id)
) STRICT;
CREATE INDEX IF NOT EXISTS diary_scale_changes_day ON diary_scale_changes (patient_id, local_date, revision);

INSERT INTO diary_scale_changes (patient_id, local_date, revision, item, from_scale, to_scale, old_value, new_value,
                                 changed_at)
  SELECT patient_id, local_date, revision, 'mood', 1, 2, json_extract(items, '$.mood'),
         10 - json_extract(items, '$.mood'), unixepoch()
  FROM diary_revisions
  WHERE json_type(items, '$.mood') = 'integer'
  ORDER BY patient_id, local_date, revision;

DROP TRIGGER diary_revisions_no_update;
UPDATE diary_revisions SET items = json_set(items, '$.mood', 10 - json_extract(items, '$.mood'))
  WHERE json_type(items, '$.mood') = 'integer';
CREATE TRIGGER diary_revisions_no_update BEFORE UPDATE ON diary_revisions
BEGIN
  SELECT RAISE(ABORT, 'diary_revisions is append-only');
END;

-- The current entry of a day is its current revision.
UPDATE diary_entries SET items = (
    SELECT r.items FROM diary_revisions r
    WHERE r.patient_id = diary_entries.patient_id AND r.local_date = diary_entries.local_date
      AND r.revision = diary_entries.revision)
  WHERE json_type(items, '$.mood') = 'integer';
