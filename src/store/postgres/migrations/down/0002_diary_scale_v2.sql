-- Down path of 0002_diary_scale_v2.sql: back to scale version 1 (mood 0 = very low, 10 = very good),
-- mood = 10 - v in every stored entry and revision, whenever it was written. diary_scale_changes
-- stays (an ldn at schema version 1 ignores it) and records this change too, so going up again
-- and down again never loses what happened.
INSERT INTO diary_scale_changes (patient_id, local_date, revision, item, from_scale, to_scale, old_value, new_value,
                                 changed_at)
  SELECT patient_id, local_date, revision, 'mood', 2, 1, (items->>'mood')::int, 10 - (items->>'mood')::int,
         EXTRACT(EPOCH FROM now())::bigint
  FROM diary_revisions
  WHERE json_typeof(items->'mood') = 'number'
  ORDER BY patient_id, local_date, revision;

ALTER TABLE diary_revisions DISABLE TRIGGER diary_revisions_append_only;
UPDATE diary_revisions r SET items = (
    SELECT json_object_agg(t.key, CASE WHEN t.key = 'mood' THEN to_json(10 - (t.value::text)::int) ELSE t.value END
                           ORDER BY t.ord)
    FROM json_each(r.items) WITH ORDINALITY AS t(key, value, ord))
  WHERE json_typeof(r.items->'mood') = 'number';
ALTER TABLE diary_revisions ENABLE TRIGGER diary_revisions_append_only;

UPDATE diary_entries e SET items = r.items
  FROM diary_revisions r
  WHERE r.patient_id = e.patient_id AND r.local_date = e.local_date AND r.revision = e.revision
    AND json_typeof(e.items->'mood') = 'number';
