-- Down path of 0006_inbox.sql: back to schema version 5. How a task was settled (done, or dismissed
-- with a reason) is part of the clinical record; an ldn at version 5 cannot keep it, so this path
-- runs only while task_resolutions is empty. With any row stored it fails, the transaction rolls
-- back and the database stays at version 6 with nothing lost (store_inbox_test.cpp).
CREATE TEMP TABLE inbox_down_guard (
  records INTEGER CONSTRAINT "task resolutions exist (task_resolutions): version 6 kept so that none is lost"
    CHECK (records = 0)
);
INSERT INTO inbox_down_guard SELECT count(*) FROM task_resolutions;
DROP TABLE inbox_down_guard;

DROP TABLE task_resolutions;
