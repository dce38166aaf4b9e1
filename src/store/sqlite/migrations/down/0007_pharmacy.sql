-- Down path of 0007_pharmacy.sql: back to schema version 6. Lots, batch records and the dispensing
-- log are the pharmacy's record (USP <795>); an ldn at version 6 cannot keep them, so this path runs
-- only while none is stored. With any row it fails, the transaction rolls back and the database
-- stays at version 7 with nothing lost (store_pharmacy_test.cpp).
CREATE TEMP TABLE pharmacy_down_guard (
  records INTEGER CONSTRAINT "pharmacy records exist (ingredient_lots, batches, dispensings): version 7 kept so that none is lost"
    CHECK (records = 0)
);
INSERT INTO pharmacy_down_guard
  SELECT (SELECT count(*) FROM ingredient_lots) + (SELECT count(*) FROM batches) + (SELECT count(*) FROM dispensings);
DROP TABLE pharmacy_down_guard;

DROP TABLE dispensings;
DROP TABLE batch_lots;
DROP TABLE batch_orders;
DROP TABLE batches;
DROP TABLE ingredient_lots;
ALTER TABLE pharmacies DROP COLUMN last_batch_seq;
