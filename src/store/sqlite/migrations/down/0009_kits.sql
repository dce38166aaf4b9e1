-- Down path of 0009_kits.sql: back to schema version 8. A kit's link is the blind of a trial; an
-- ldn at version 8 cannot keep it, so this path runs only while no kit is stored. With any row it
-- fails, the transaction rolls back and the database stays at version 9 with nothing lost
-- (store_pharmacy_test.cpp).
CREATE TEMP TABLE kits_down_guard (
  records INTEGER CONSTRAINT "placebo-twin kits exist (kits): version 9 kept so that none is lost"
    CHECK (records = 0)
);
INSERT INTO kits_down_guard SELECT (SELECT count(*) FROM kits) + (SELECT count(*) FROM kit_unblindings);
DROP TABLE kits_down_guard;

DROP TABLE kit_unblindings;
DROP TABLE kits;
