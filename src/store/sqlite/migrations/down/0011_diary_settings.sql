-- Down path of 0011_diary_settings.sql: back to schema version 10. Dropping a patient's settings
-- would forget their own items (and the meaning of the values stored under them) and the items
-- chosen with their clinician, so this path runs only while no settings are stored. With any row
-- it fails, the transaction rolls back and the database stays at version 11 with nothing lost
-- (store_contract_test.cpp).
CREATE TEMP TABLE diary_settings_down_guard (
  records INTEGER CONSTRAINT "diary settings exist (diary_settings): version 11 kept so that no patient's own items are lost"
    CHECK (records = 0)
);
INSERT INTO diary_settings_down_guard SELECT count(*) FROM diary_settings;
DROP TABLE diary_settings_down_guard;

DROP TABLE diary_settings;
