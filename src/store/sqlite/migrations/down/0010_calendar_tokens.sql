-- Down path of 0010_calendar_tokens.sql: back to schema version 9. A patient's calendar subscription
-- would stop without a word if its token were dropped, so this path runs only while no token is
-- stored. With any row it fails, the transaction rolls back and the database stays at version 10
-- with nothing lost (store_contract_test.cpp).
CREATE TEMP TABLE calendar_tokens_down_guard (
  records INTEGER CONSTRAINT "calendar subscriptions exist (calendar_tokens): version 10 kept so that none stops"
    CHECK (records = 0)
);
INSERT INTO calendar_tokens_down_guard SELECT count(*) FROM calendar_tokens;
DROP TABLE calendar_tokens_down_guard;

DROP TABLE calendar_tokens;
