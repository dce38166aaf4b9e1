-- Down path of 0002_diary_scale_v2.sql: back to scale version 1 (mood 0 = very low, 10 = very good),
-- mood = 10 - v in every stored entry and revision, whenever it was written. diary_scale_changes
-- stays (an ldn at schema version 1 ignores it) and records this change too, so going up again
-- and down again never loses what happened.
INSERT INTO diary_scale_changes (patient_id, local_date, revision, item, from_scale, to_scale, old_value, new_value,
                                 changed_at)
  SELECT patient_id, local_date, revision, 'mood', 2, 1, json_extract(items, '$.mood'),
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

UPDATE diary_entries SET items = (
    SELECT r.items FROM diary_revisions r
    WHERE r.patient_id = diary_entries.patient_id AND r.local_date = diary_entries.local_date
      AND r.revision = diary_entries.revision)
  WHERE json_type(items, '$.mood') = 'integer';
