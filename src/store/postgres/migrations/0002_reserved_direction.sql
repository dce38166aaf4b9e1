-- Schema version 2 is reserved for the `direction` branch (issue 12: one direction for every diary
-- item, with its migration of stored diaries). This placeholder only keeps the versions 1, 2, 3
-- contiguous on the `interlocks` branch; the coordinator drops it when both branches merge.
SELECT 1;
