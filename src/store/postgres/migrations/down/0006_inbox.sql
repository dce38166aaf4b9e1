-- Down path of 0006_inbox.sql: back to schema version 5. How a task was settled (done, or dismissed
-- with a reason) is part of the clinical record; an ldn at version 5 cannot keep it, so this path
-- runs only while task_resolutions is empty. With any row stored it fails, the transaction rolls
-- back and the database stays at version 6 with nothing lost (store_inbox_test.cpp).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM task_resolutions) THEN
    RAISE EXCEPTION 'task resolutions exist (task_resolutions): version 6 kept so that none is lost';
  END IF;
END
$$;

DROP TABLE task_resolutions;
