-- Reserved: schema version 2 belongs to the direction (diary scale v2) branch. This no-op keeps the versions
-- contiguous on the clinic branch, whose migration is 0005; it is dropped when the real migration
-- arrives through a merge of main.
SELECT 1;
