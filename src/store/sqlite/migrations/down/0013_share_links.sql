-- Down path of 0013_share_links.sql: back to schema version 12. Dropping the table stops every
-- share link at once (no one gains access by it) but forgets what each patient shared and when, so
-- this path runs only while no link is stored. With any row it fails, the transaction rolls back
-- and the database stays at version 13 with nothing lost (store_contract_test.cpp).
CREATE TEMP TABLE share_links_down_guard (
  records INTEGER CONSTRAINT "share links exist (share_links): version 13 kept so that no patient's record of what they shared is lost"
    CHECK (records = 0)
);
INSERT INTO share_links_down_guard SELECT count(*) FROM share_links;
DROP TABLE share_links_down_guard;

DROP TABLE share_links;
