-- Down path of 0003_interlocks.sql: back to schema version 2. The three interlock records are
-- the clinical record of who overrode which safety check and why, who confirmed an off-plan dose
-- and who acknowledged a flag; an ldn at version 2 cannot keep them, so this path runs only while
-- they are empty. With any record stored it raises, the transaction rolls back and the database
-- stays at version 3 with nothing lost (store_interlocks_test.cpp).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM course_decisions) OR EXISTS (SELECT 1 FROM dose_deviations) OR
     EXISTS (SELECT 1 FROM flag_acknowledgements) THEN
    RAISE EXCEPTION 'interlock records exist (course_decisions, dose_deviations, flag_acknowledgements): version 3 kept so that none is lost';
  END IF;
END
$$;

DROP TABLE flag_acknowledgements;
DROP TABLE dose_deviations;
DROP TABLE course_decisions;
