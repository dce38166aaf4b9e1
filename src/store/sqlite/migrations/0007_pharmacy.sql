-- Schema version 7 of the SQLite store: the compounding pharmacy's record (issue 14; docs/pharmacy.md
-- maps each USP <795> (2023) documentation requirement to these tables). Ingredient lots received
-- (manufacturer, lot, expiry, quantity and what is left), compounding records (batches: the orders
-- filled, the master formula version, the lots and amounts used, who prepared and who checked, QC,
-- release or rejection, BUD) and the dispensing log. Amounts of a lot are integers in thousandths
-- of the lot's unit, so that what batches take is exact.

-- The pharmacy's own sequence of batch numbers.
ALTER TABLE pharmacies ADD COLUMN last_batch_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE ingredient_lots (
  id INTEGER PRIMARY KEY,
  pharmacy_id INTEGER NOT NULL REFERENCES pharmacies (id),
  ingredient TEXT NOT NULL CHECK (length(ingredient) BETWEEN 1 AND 200),
  manufacturer TEXT NOT NULL CHECK (length(manufacturer) BETWEEN 1 AND 200),
  lot TEXT NOT NULL CHECK (length(lot) BETWEEN 1 AND 100),
  expiry TEXT NOT NULL CHECK (length(expiry) = 10),
  unit TEXT NOT NULL CHECK (unit IN ('mg', 'g', 'mL', 'tablet', 'capsule')),
  quantity_milli INTEGER NOT NULL CHECK (quantity_milli > 0),
  remaining_milli INTEGER NOT NULL CHECK (remaining_milli BETWEEN 0 AND quantity_milli),
  received_by INTEGER NOT NULL REFERENCES users (id),
  received_at INTEGER NOT NULL
) STRICT;
CREATE INDEX ingredient_lots_pharmacy ON ingredient_lots (pharmacy_id, ingredient);

CREATE TABLE batches (
  id INTEGER PRIMARY KEY,
  pharmacy_id INTEGER NOT NULL REFERENCES pharmacies (id),
  seq INTEGER NOT NULL CHECK (seq > 0),
  batch_number TEXT NOT NULL CHECK (length(batch_number) BETWEEN 1 AND 40),
  master_formula_id TEXT NOT NULL CHECK (length(master_formula_id) <= 100),
  master_formula_version INTEGER NOT NULL CHECK (master_formula_version >= 0),
  form TEXT NOT NULL CHECK (form IN ('capsule', 'oral_liquid')),
  strength_micrograms_hcl INTEGER NOT NULL CHECK (strength_micrograms_hcl >= 0),
  placebo INTEGER NOT NULL CHECK (placebo IN (0, 1)),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  quantity_unit TEXT NOT NULL CHECK (quantity_unit IN ('capsule', 'mL')),
  deviation_reason TEXT NOT NULL CHECK (length(deviation_reason) <= 2000),
  record_json TEXT NOT NULL,
  prepared_on TEXT NOT NULL CHECK (length(prepared_on) = 10),
  bud_date TEXT NOT NULL CHECK (length(bud_date) = 10),
  prepared_by INTEGER NOT NULL REFERENCES users (id),
  prepared_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('prepared', 'released', 'rejected')),
  checked_by INTEGER REFERENCES users (id),
  checked_at INTEGER,
  qc_json TEXT NOT NULL,
  decision_reason TEXT NOT NULL CHECK (length(decision_reason) <= 2000),
  UNIQUE (pharmacy_id, seq),
  UNIQUE (pharmacy_id, batch_number),
  -- Two people: whoever checks a batch did not prepare it.
  CHECK (checked_by IS NULL OR checked_by <> prepared_by),
  CHECK ((status = 'prepared') = (checked_by IS NULL AND checked_at IS NULL)),
  CHECK (status <> 'rejected' OR length(decision_reason) >= 1)
) STRICT;
CREATE INDEX batches_pharmacy ON batches (pharmacy_id, id);

-- The orders a batch fills.
CREATE TABLE batch_orders (
  batch_id INTEGER NOT NULL REFERENCES batches (id),
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  prescription_id INTEGER NOT NULL,
  PRIMARY KEY (batch_id, prescription_id),
  FOREIGN KEY (patient_id, prescription_id) REFERENCES prescriptions (patient_id, id)
) STRICT;
CREATE INDEX batch_orders_prescription ON batch_orders (prescription_id);

-- What a batch took of each lot (the lot's remaining_milli went down by amount_milli).
CREATE TABLE batch_lots (
  batch_id INTEGER NOT NULL REFERENCES batches (id),
  lot_id INTEGER NOT NULL REFERENCES ingredient_lots (id),
  amount_milli INTEGER NOT NULL CHECK (amount_milli > 0),
  PRIMARY KEY (batch_id, lot_id)
) STRICT;
CREATE INDEX batch_lots_lot ON batch_lots (lot_id);

-- The dispensing log: what left the pharmacy, for whom, from which batch, after which checks.
CREATE TABLE dispensings (
  id INTEGER PRIMARY KEY,
  batch_id INTEGER NOT NULL REFERENCES batches (id),
  patient_id INTEGER NOT NULL REFERENCES patients (id),
  prescription_id INTEGER NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  checklist_json TEXT NOT NULL,
  dispensed_by INTEGER NOT NULL REFERENCES users (id),
  dispensed_at INTEGER NOT NULL,
  FOREIGN KEY (patient_id, prescription_id) REFERENCES prescriptions (patient_id, id)
) STRICT;
CREATE INDEX dispensings_patient ON dispensings (patient_id, id);

-- Records kept as written: a batch changes only by its one check (prepared -> released or
-- rejected); its orders, lots and dispensings never change.
CREATE TRIGGER batches_checked_once BEFORE UPDATE ON batches
WHEN OLD.status <> 'prepared' OR NEW.status = 'prepared' OR NEW.id <> OLD.id OR NEW.seq <> OLD.seq
  OR NEW.batch_number <> OLD.batch_number OR NEW.record_json <> OLD.record_json OR NEW.quantity <> OLD.quantity
  OR NEW.prepared_by <> OLD.prepared_by OR NEW.bud_date <> OLD.bud_date OR NEW.pharmacy_id <> OLD.pharmacy_id
BEGIN
  SELECT RAISE(ABORT, 'a batch record changes only by its one check');
END;
CREATE TRIGGER batch_orders_no_update BEFORE UPDATE ON batch_orders
BEGIN
  SELECT RAISE(ABORT, 'batch_orders is append-only');
END;
CREATE TRIGGER batch_lots_no_update BEFORE UPDATE ON batch_lots
BEGIN
  SELECT RAISE(ABORT, 'batch_lots is append-only');
END;
CREATE TRIGGER dispensings_no_update BEFORE UPDATE ON dispensings
BEGIN
  SELECT RAISE(ABORT, 'dispensings is append-only');
END;
