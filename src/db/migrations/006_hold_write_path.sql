-- 006: a lighter write per hold. Commits wait on WAL (LWLock:WALWrite dominated a hold benchmark),
-- so each hold should write less of it. Changing an indexed column forbids HOT updates: the partial
-- index on screening_seats.hold_id made every hold and release rewrite index entries. Every lookup
-- by hold also knows the screening, so the primary key serves it. Free space in each page lets
-- updates stay HOT (same page, no index writes).
DROP INDEX screening_seats_hold;
ALTER TABLE screening_seats SET (fillfactor = 80);
