-- Down path of 0014_push.sql: back to schema version 13. Dropping the tables stops every push
-- reminder and forgets which devices a patient turned reminders on for, so this path runs only
-- while no subscription is stored. With any row it fails, the transaction rolls back and the
-- database stays at version 14 with nothing lost (store_contract_test.cpp). The VAPID key goes
-- too: browsers subscribed with it could not be reached again anyway.
CREATE TEMP TABLE push_down_guard (
  records INTEGER CONSTRAINT "push subscriptions exist (push_subscriptions): version 14 kept so that no patient's reminders are lost"
    CHECK (records = 0)
);
INSERT INTO push_down_guard SELECT count(*) FROM push_subscriptions;
DROP TABLE push_down_guard;

DROP TABLE push_deliveries;
DROP TABLE push_subscriptions;
DROP TABLE server_keys;
