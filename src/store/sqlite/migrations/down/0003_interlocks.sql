-- Down path of 0003_interlocks.sql: back to schema version 2. The three interlock records are
-- the clinical record of who overrode which safety check and why, who confirmed an off-plan dose
-- and who acknowledged a flag; an ldn at version 2 cannot keep them, so this path runs only while
-- they are empty. With any record stored, the named CHECK below fails, the transaction rolls back
-- and the database stays at version 3 with nothing lost (store_interlocks_test.cpp).
CREATE TEMP TABLE interlocks_down_guard (
  records INTEGER CONSTRAINT "interlock records exist (course_decisions, dose_deviations, flag_acknowledgements): version 3 kept so that none is lost"
    CHECK (records = 0)
);
INSERT INTO interlocks_down_guard
  SELECT (SELECT count(*) FROM course_decisions) + (SELECT count(*) FROM dose_deviations) +
         (SELECT count(*) FROM flag_acknowledgements);
DROP TABLE interlocks_down_guard;

DROP TABLE flag_acknowledgements;
DROP TABLE dose_deviations;
DROP TABLE course_decisions;
DROP INDEX dose_log_patient_id;
