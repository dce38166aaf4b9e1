-- Down path of 0009_kits.sql: back to schema version 8. A kit's link is the blind of a trial; an
-- ldn at version 8 cannot keep it, so this path runs only while no kit is stored. With any row it
-- fails, the transaction rolls back and the database stays at version 9 with nothing lost
-- (store_pharmacy_test.cpp).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM kits) OR EXISTS (SELECT 1 FROM kit_unblindings) THEN
    RAISE EXCEPTION 'placebo-twin kits exist (kits): version 9 kept so that none is lost';
  END IF;
END
$$;

DROP TABLE kit_unblindings;
DROP TABLE kits;
