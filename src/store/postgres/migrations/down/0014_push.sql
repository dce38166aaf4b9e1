-- Down path of 0014_push.sql: back to schema version 13. Dropping the tables stops every push
-- reminder and forgets which devices a patient turned reminders on for, so this path runs only
-- while no subscription is stored. With any row it fails, the transaction rolls back and the
-- database stays at version 14 with nothing lost (store_contract_test.cpp). The VAPID key goes
-- too: browsers subscribed with it could not be reached again anyway.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM push_subscriptions) THEN
    RAISE EXCEPTION 'push subscriptions exist (push_subscriptions): version 14 kept so that no patient''s reminders are lost';
  END IF;
END
$$;

DROP TABLE push_deliveries;
DROP TABLE push_subscriptions;
DROP TABLE server_keys;
