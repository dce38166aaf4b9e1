-- Down path of 0015_trials.sql: back to schema version 14. A trial holds a frozen protocol and the
-- patient's answers; an ldn at version 14 cannot keep them, so this path runs only while no trial is
-- stored. With any row it fails, the transaction rolls back and the database stays at version 15
-- with nothing lost.
CREATE TEMP TABLE trials_down_guard (
  records INTEGER CONSTRAINT "N-of-1 trials exist (trials): version 15 kept so that none is lost"
    CHECK (records = 0)
);
INSERT INTO trials_down_guard SELECT count(*) FROM trials;
DROP TABLE trials_down_guard;

DROP TABLE trial_answers;
DROP TABLE trial_kits;
DROP TABLE trials;
