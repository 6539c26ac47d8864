-- Placeholder so that this branch's migrations 0018-0020 load without a gap; another part of
-- issue 15 owns this number. Drop this file when merging.
SELECT 1;
