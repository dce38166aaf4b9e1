-- Down path of 0007_pharmacy.sql: back to schema version 6. Lots, batch records and the dispensing
-- log are the pharmacy's record (USP <795>); an ldn at version 6 cannot keep them, so this path runs
-- only while none is stored. With any row it fails, the transaction rolls back and the database
-- stays at version 7 with nothing lost (store_pharmacy_test.cpp).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM ingredient_lots) OR EXISTS (SELECT 1 FROM batches) OR EXISTS (SELECT 1 FROM dispensings) THEN
    RAISE EXCEPTION 'pharmacy records exist (ingredient_lots, batches, dispensings): version 7 kept so that none is lost';
  END IF;
END
$$;

DROP TABLE dispensings;
DROP TABLE batch_lots;
DROP TABLE batch_orders;
DROP TABLE batches;
DROP FUNCTION ldn_batch_checked_once();
DROP TABLE ingredient_lots;
ALTER TABLE pharmacies DROP COLUMN last_batch_seq;
