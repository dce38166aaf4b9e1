-- The clinic's workspace (issue 13; docs/clinic.md, docs/storage.md): demographics, pharmacies as
-- organisations, prescriber profiles, prescriptions as signed orders routed to a pharmacy, their
-- events, prescribers' signing keys, one-time account codes (invitations, password resets) and the
-- secure message thread of each patient with its read receipts.
-- Schema version 5 (0002 direction, 0003 interlocks, 0004 authentication come before it).

-- One row per patient at most: what the chart records beyond the name and time zone.
CREATE TABLE patient_demographics (
  patient_id INTEGER PRIMARY KEY REFERENCES patients (id),
  date_of_birth TEXT CHECK (date_of_birth IS NULL OR date_of_birth GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  sex_at_birth TEXT CHECK (sex_at_birth IS NULL OR sex_at_birth IN ('female', 'male', 'unknown')),
  language TEXT CHECK (language IS NULL OR length(language) BETWEEN 2 AND 35),
  jurisdiction TEXT CHECK (jurisdiction IS NULL OR length(jurisdiction) BETWEEN 2 AND 6),
  address TEXT CHECK (address IS NULL OR length(address) BETWEEN 1 AND 500),
  updated_by INTEGER NOT NULL REFERENCES users (id),
  updated_at INTEGER NOT NULL
) STRICT;

-- Allergies and intolerances: the substance, and in details the reaction, severity and note.
CREATE TABLE allergies (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  substance TEXT NOT NULL CHECK (length(substance) BETWEEN 1 AND 200),
  active INTEGER NOT NULL CHECK (active IN (0, 1)),
  details TEXT NOT NULL CHECK (json_valid(details)),
  recorded_by INTEGER NOT NULL REFERENCES users (id),
  recorded_at INTEGER NOT NULL,
  UNIQUE (patient_id, id)
) STRICT;

CREATE TABLE pharmacies (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  address TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 500),
  phone TEXT NOT NULL CHECK (length(phone) BETWEEN 1 AND 50),
  created_at INTEGER NOT NULL
) STRICT;

-- A pharmacist works for at most one pharmacy.
CREATE TABLE pharmacy_staff (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  pharmacy_id INTEGER NOT NULL REFERENCES pharmacies (id),
  added_at INTEGER NOT NULL
) STRICT;
CREATE INDEX pharmacy_staff_pharmacy ON pharmacy_staff (pharmacy_id);

-- What a prescription must say about its prescriber (docs/clinic.md, "The order's legal content").
CREATE TABLE prescriber_profiles (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  full_name TEXT NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
  profession TEXT NOT NULL CHECK (length(profession) BETWEEN 1 AND 100),
  registration_number TEXT NOT NULL CHECK (length(registration_number) BETWEEN 1 AND 100),
  address TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 500),
  phone TEXT NOT NULL CHECK (length(phone) <= 50),
  updated_at INTEGER NOT NULL
) STRICT;

-- A prescriber's Ed25519 key: the secret half sealed with a key derived from their password, so
-- that only a re-authenticated prescriber can sign. Earlier keys are retired, never deleted: old
-- signatures stay verifiable.
CREATE TABLE signing_keys (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  public_key TEXT NOT NULL CHECK (length(public_key) = 64),
  sealed_secret TEXT NOT NULL CHECK (length(sealed_secret) BETWEEN 1 AND 400),
  salt TEXT NOT NULL CHECK (length(salt) = 32),
  nonce TEXT NOT NULL CHECK (length(nonce) = 48),
  created_at INTEGER NOT NULL,
  retired_at INTEGER
) STRICT;
CREATE INDEX signing_keys_user ON signing_keys (user_id, id);

-- Orders: the pharmacy they are routed to, the signature over their content, and why one was
-- cancelled. A prescription without signed_at is a draft that no pharmacy sees.
ALTER TABLE prescriptions ADD COLUMN pharmacy_id INTEGER REFERENCES pharmacies (id);
ALTER TABLE prescriptions ADD COLUMN signed_at INTEGER;
ALTER TABLE prescriptions ADD COLUMN signature TEXT CHECK (signature IS NULL OR json_valid(signature));
ALTER TABLE prescriptions ADD COLUMN cancel_reason TEXT CHECK (cancel_reason IS NULL OR length(cancel_reason) BETWEEN 1 AND 2000);
CREATE INDEX prescriptions_pharmacy_id ON prescriptions (pharmacy_id, id);

-- What happened to an order, in order: created, signed, verified, dispensed, cancelled.
CREATE TABLE prescription_events (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL,
  prescription_id INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('created', 'signed', 'verified', 'dispensed', 'cancelled')),
  actor_user_id INTEGER NOT NULL REFERENCES users (id),
  at INTEGER NOT NULL,
  note TEXT NOT NULL CHECK (length(note) <= 2000),
  FOREIGN KEY (patient_id, prescription_id) REFERENCES prescriptions (patient_id, id)
) STRICT;
CREATE INDEX prescription_events_patient ON prescription_events (patient_id, id);

-- One-time codes: an invitation makes a patient's account; a password code sets the password of
-- an existing account (a new staff account or a reset). Only the SHA-256 of the code is kept.
CREATE TABLE account_codes (
  id INTEGER PRIMARY KEY,
  code_hash TEXT NOT NULL UNIQUE CHECK (length(code_hash) = 64),
  purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'password')),
  patient_id INTEGER REFERENCES patients (id),
  user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
  created_by INTEGER NOT NULL REFERENCES users (id),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  used_by INTEGER REFERENCES users (id),
  revoked_at INTEGER,
  CHECK ((purpose = 'invitation') = (patient_id IS NOT NULL AND user_id IS NULL)),
  CHECK ((purpose = 'password') = (user_id IS NOT NULL AND patient_id IS NULL))
) STRICT;
CREATE INDEX account_codes_patient ON account_codes (patient_id, id);
CREATE INDEX account_codes_user ON account_codes (user_id, id);

-- The secure thread of each patient with their care team. Bodies never leave this table except to
-- the patient and their clinicians (never in logs or audit details).
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  sender_user_id INTEGER NOT NULL REFERENCES users (id),
  body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  sent_at INTEGER NOT NULL,
  client_id TEXT CHECK (client_id IS NULL OR length(client_id) BETWEEN 1 AND 64),
  UNIQUE (patient_id, id),
  UNIQUE (patient_id, client_id)
) STRICT;
CREATE INDEX messages_patient ON messages (patient_id, id);

CREATE TABLE message_reads (
  patient_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  read_at INTEGER NOT NULL,
  PRIMARY KEY (patient_id, message_id, user_id),
  FOREIGN KEY (patient_id, message_id) REFERENCES messages (patient_id, id)
) STRICT;
CREATE INDEX message_reads_user ON message_reads (user_id, patient_id, message_id);
