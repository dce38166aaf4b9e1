-- 0010_calendar_tokens: the patient's calendar subscription (issue 15 item 2a; docs/web.md,
-- "Reminders in the phone's calendar"). A phone's calendar fetches the feed by its URL alone, so
-- the URL carries a secret token; only its SHA-256 is stored (as for sessions), so a copy of the
-- database does not open anyone's calendar. At most one live token per patient: a new one replaces
-- it, and revoking deletes the row (the old URL then answers 404). Part of the patient's record and
-- moves its revision (0008).
CREATE TABLE calendar_tokens (
  patient_id BIGINT PRIMARY KEY REFERENCES patients (id),
  token_hash TEXT NOT NULL UNIQUE CHECK (length(token_hash) = 64),
  created_by BIGINT NOT NULL REFERENCES users (id),
  created_at BIGINT NOT NULL
);

CREATE TRIGGER calendar_tokens_revision AFTER INSERT OR UPDATE OR DELETE ON calendar_tokens
  FOR EACH ROW EXECUTE FUNCTION ldn_bump_patient_revision('patient_id');
