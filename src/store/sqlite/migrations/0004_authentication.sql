-- Schema version 4 of the SQLite store: authentication to OWASP ASVS 4.0.3 level 2
-- (docs/security.md, docs/storage.md). Forced password change, TOTP second factor (RFC 6238) with
-- one-time recovery codes, login throttling with progressive delays, and instance settings.

-- must_change_password: the password was set by an administrator (or `ldn user add`): the owner
-- must choose their own at the next login before doing anything else.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));
-- When the password was last set (NULL: before this schema version).
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;
-- TOTP: the shared secret as sealed by the server (XChaCha20-Poly1305 under a key kept outside the
-- database, src/server/totp.h), an enrolment begun but not confirmed, and the last time step
-- accepted (a code is accepted once: RFC 6238 section 5.2, ASVS 2.8.4).
ALTER TABLE users ADD COLUMN totp_secret TEXT CHECK (totp_secret IS NULL OR length(totp_secret) BETWEEN 1 AND 200);
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT
  CHECK (totp_pending_secret IS NULL OR length(totp_pending_secret) BETWEEN 1 AND 200);
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

-- One-time recovery codes: a short lookup prefix and the Argon2id hash of the whole code.
CREATE TABLE recovery_codes (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  lookup TEXT NOT NULL CHECK (length(lookup) BETWEEN 1 AND 16),
  code_hash TEXT NOT NULL CHECK (length(code_hash) BETWEEN 1 AND 1000),
  created_at INTEGER NOT NULL,
  used_at INTEGER,
  PRIMARY KEY (user_id, lookup)
) STRICT;

-- Login throttling replaces the per-failure rows of schema 1: one row per key (an account, an
-- address, or both) with its count of failed attempts, when the next attempt is allowed, and
-- whether the key is locked (only an administrator unlocks it).
DROP TABLE login_failures;
CREATE TABLE login_throttle (
  key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 200),
  failures INTEGER NOT NULL CHECK (failures >= 0),
  first_failure_at INTEGER NOT NULL,
  last_failure_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1))
) STRICT;
CREATE INDEX login_throttle_last ON login_throttle (last_failure_at);

-- Settings of this database as a whole ("demo" marks a database seeded by `ldn serve --demo`).
CREATE TABLE instance_settings (
  key TEXT PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 64),
  value TEXT NOT NULL CHECK (length(value) <= 1000)
) STRICT;
