-- Down path of 0004_authentication.sql: back to schema version 3. A second factor, a recovery
-- code, an account lock, a password its owner must still replace and the instance's settings are
-- security state that an ldn at version 3 cannot keep, so this path runs only while there is none.
-- With any stored, the named CHECK below fails, the transaction rolls back and the database stays
-- where it was with nothing lost (store_migration_test.cpp). Unlocked throttle counts are
-- short-lived and are dropped.
CREATE TEMP TABLE authentication_down_guard (
  records INTEGER CONSTRAINT "authentication records exist (two-step login, recovery codes, locked accounts, forced password changes, instance settings): version 4 kept so that none is lost"
    CHECK (records = 0)
);
INSERT INTO authentication_down_guard
  SELECT (SELECT count(*) FROM users WHERE totp_secret IS NOT NULL OR totp_pending_secret IS NOT NULL OR
                                           must_change_password = 1) +
         (SELECT count(*) FROM recovery_codes) + (SELECT count(*) FROM login_throttle WHERE locked = 1) +
         (SELECT count(*) FROM instance_settings);
DROP TABLE authentication_down_guard;

DROP TABLE instance_settings;
DROP INDEX login_throttle_last;
DROP TABLE login_throttle;
CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
  at INTEGER NOT NULL
) STRICT;
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);
DROP TABLE recovery_codes;
ALTER TABLE users DROP COLUMN totp_last_step;
ALTER TABLE users DROP COLUMN totp_pending_secret;
ALTER TABLE users DROP COLUMN totp_secret;
ALTER TABLE users DROP COLUMN password_changed_at;
ALTER TABLE users DROP COLUMN must_change_password;
