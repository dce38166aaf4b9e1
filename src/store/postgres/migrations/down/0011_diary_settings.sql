-- Down path of 0011_diary_settings.sql: back to schema version 10. Dropping a patient's settings
-- would forget their own items (and the meaning of the values stored under them) and the items
-- chosen with their clinician, so this path runs only while no settings are stored. With any row
-- it fails, the transaction rolls back and the database stays at version 11 with nothing lost
-- (store_contract_test.cpp).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM diary_settings) THEN
    RAISE EXCEPTION 'diary settings exist (diary_settings): version 11 kept so that no patient''s own items are lost';
  END IF;
END
$$;

DROP TABLE diary_settings;
