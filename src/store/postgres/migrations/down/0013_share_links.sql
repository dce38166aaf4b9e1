-- Down path of 0013_share_links.sql: back to schema version 12. Dropping the table stops every
-- share link at once (no one gains access by it) but forgets what each patient shared and when, so
-- this path runs only while no link is stored. With any row it fails, the transaction rolls back
-- and the database stays at version 13 with nothing lost (store_contract_test.cpp).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM share_links) THEN
    RAISE EXCEPTION 'share links exist (share_links): version 13 kept so that no patient''s record of what they shared is lost';
  END IF;
END
$$;

DROP TABLE share_links;
