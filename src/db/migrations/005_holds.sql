-- 005: seat holds. The whole hold is one call to take_seats(): one round trip, one implicit
-- transaction. PostgreSQL decides: a seat is taken only if it is free (available, or held by a hold
-- whose time has run out) by a conditional UPDATE on rows this call has locked; any refusal raises,
-- which rolls the whole call back (all or nothing). Seat rows another call is busy with are not
-- waited for (FOR UPDATE SKIP LOCKED): in a rush, waiting only to find the seat gone queues every
-- loser behind every winner, so a busy seat is refused at once as contended.

ALTER TABLE holds ADD COLUMN prices numeric(12, 2)[];
ALTER TABLE holds ADD COLUMN released_reason text;

-- Seat rules, per theater: no single free seat stranded next to a new hold (orphan seat), and a
-- companion seat only together with its wheelchair seat.
ALTER TABLE theaters ADD COLUMN orphan_seat_rule boolean NOT NULL DEFAULT true;
ALTER TABLE theaters ADD COLUMN companion_needs_wheelchair boolean NOT NULL DEFAULT true;

-- Errors raised here carry SQLSTATEs of our own ('CN' class) so the service maps them to codes:
--   CN001 screening not open for sale   CN400 seats not in the screening   CN409 seats taken
--   CN410 seats being taken by another call right now (contended)
--   CN421 couple seat without its partner   CN422 companion seat without its wheelchair seat
--   CN423 the hold would strand a single seat   CN424 the user's current hold is in checkout
-- DETAIL is the comma-separated list of seat ids concerned.
-- take_seats(): its live body is src/db/functions/take_seats.sql
