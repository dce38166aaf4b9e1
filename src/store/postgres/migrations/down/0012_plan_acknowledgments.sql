-- Down path of 0012_plan_acknowledgments.sql: back to schema version 11. Nothing a patient wrote
-- is lost: without the table, each patient with a plan sees its latest changes once more and
-- acknowledges them again; every earlier acknowledgment stays in the audit trail.
DROP TABLE plan_acknowledgments;
