-- Reserved: schema version 4 belongs to the authentication branch. This no-op keeps the versions
-- contiguous on the clinic branch, whose migration is 0005; it is dropped when the real migration
-- arrives through a merge of main.
SELECT 1;
