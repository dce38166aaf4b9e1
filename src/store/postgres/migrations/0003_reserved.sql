-- Reserved: schema version 3 belongs to another part of issue 17 (a parallel branch). This
-- no-op keeps the versions contiguous on the authentication branch, whose migration is 0004; the
-- merge replaces it with that branch's migration.
SELECT 1;
