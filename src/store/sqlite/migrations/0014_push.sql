-- 0014_push: Web Push reminders (issue 15 item 2b; docs/api.md "Push reminders").
-- push_subscriptions: a browser's PushSubscription (RFC 8030 endpoint; RFC 8291 p256dh and auth
-- keys, base64url) that a patient turned on; revoked_at when the patient turns it off or the push
-- service answers 404/410 (gone). Rows are kept so the patient sees which devices were reminded.
-- Part of the patient's record and moves its revision (0008).
-- push_deliveries: one row per (subscription, kind, occasion) claimed before sending, so a reminder
-- is sent at most once even with several servers (the primary key is the claim); status is the
-- push service's HTTP status (0 until it answers; -1 when it could not be reached).
-- server_keys: the server's own key pairs by name ("vapid": RFC 8292), the secret sealed by the
-- server's key file (totp.h SecretSealer) so that a copy of the database does not reveal it.
CREATE TABLE push_subscriptions (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  endpoint TEXT NOT NULL CHECK (length(endpoint) BETWEEN 8 AND 2048),
  p256dh TEXT NOT NULL CHECK (length(p256dh) BETWEEN 80 AND 100),
  auth TEXT NOT NULL CHECK (length(auth) BETWEEN 20 AND 30),
  created_by INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  revoked_at INTEGER CHECK (revoked_at IS NULL OR revoked_at >= created_at),
  revoke_reason TEXT NOT NULL DEFAULT '',
  UNIQUE (patient_id, id)
) STRICT;
CREATE INDEX push_subscriptions_patient ON push_subscriptions (patient_id, id);
CREATE INDEX push_subscriptions_live ON push_subscriptions (endpoint) WHERE revoked_at IS NULL;

CREATE TABLE push_deliveries (
  subscription_id INTEGER NOT NULL REFERENCES push_subscriptions (id),
  kind TEXT NOT NULL CHECK (length(kind) BETWEEN 1 AND 40),
  occasion TEXT NOT NULL CHECK (length(occasion) BETWEEN 1 AND 80),
  claimed_at INTEGER NOT NULL,
  status INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (subscription_id, kind, occasion)
) STRICT;

CREATE TABLE server_keys (
  name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 40),
  public_key TEXT NOT NULL,
  sealed_secret TEXT NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TRIGGER push_subscriptions_revision_ins AFTER INSERT ON push_subscriptions BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER push_subscriptions_revision_upd AFTER UPDATE ON push_subscriptions BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT NEW.patient_id, 1 WHERE NEW.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
CREATE TRIGGER push_subscriptions_revision_del AFTER DELETE ON push_subscriptions BEGIN
  INSERT INTO patient_revisions (patient_id, revision) SELECT OLD.patient_id, 1 WHERE OLD.patient_id IS NOT NULL
    ON CONFLICT (patient_id) DO UPDATE SET revision = patient_revisions.revision + 1;
END;
