-- Down path of 0010_calendar_tokens.sql: back to schema version 9. A patient's calendar subscription
-- would stop without a word if its token were dropped, so this path runs only while no token is
-- stored. With any row it fails, the transaction rolls back and the database stays at version 10
-- with nothing lost (store_contract_test.cpp).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM calendar_tokens) THEN
    RAISE EXCEPTION 'calendar subscriptions exist (calendar_tokens): version 10 kept so that none stops';
  END IF;
END
$$;

DROP TABLE calendar_tokens;
