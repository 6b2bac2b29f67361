-- 014: the limits a cinema sets on holds, decided by take_seats_core() where the hold is decided
-- (issue 12, item 4: sixteen fresh accounts held 74 % of a screening, and a re-posted hold lasted
-- for ever). Four limits, each a parameter of the call (the service's configuration):
-- - p_account_seats: seats one account holds at once across all screenings (a hold in checkout
--   counts); CN425, DETAIL = seats the account holds elsewhere.
-- - p_screening_seats: seats one customer holds and has bought for one screening; CN426,
--   DETAIL = seats bought.
-- - p_max_life_seconds / p_cooldown_seconds: a customer's holds on one screening that follow each
--   other with gaps shorter than the cooldown (re-posting, replacing, releasing and holding again,
--   letting one run out and holding again) are one chain; no hold of a chain runs past its first
--   hold + max life. Once that has passed, the customer may hold seats of that screening again only
--   after the cooldown (the seats are free for everyone else meanwhile); CN427, DETAIL = seconds left.
--   The chain's start travels in holds.chain_started_at, set on the holds that continue a chain
--   (NULL on the first hold of one, and on holds made before 014: then it is created_at).
-- The account cap is the one that two requests could pass together (two screenings, two rows of
-- holds_one_active): each call takes a transaction-scoped advisory lock on its customer before
-- counting, so holds of one customer are decided one after the other. take_seats_batch takes the
-- locks of all its customers first, in customer order, so two batches never wait on each other in
-- a cycle. (Two holds of one customer for one screening now meet at the lock, and the later one
-- replaces the earlier, as it would a second later; hold_in_progress remains for a hold written
-- outside this function.)
-- Indexes: the chain lookup reads a customer's ended holds of one screening (holds_ended, one
-- index entry per hold once it ends, off the hold path but for replacements); the bought seats are
-- found from the customer's tickets of that screening (tickets_user_screening).

ALTER TABLE holds ADD COLUMN chain_started_at timestamptz;
CREATE INDEX holds_ended ON holds (user_id, screening_id, reserved_until) WHERE status IN ('released', 'expired');
CREATE INDEX tickets_user_screening ON tickets (user_id, screening_id);

DROP FUNCTION IF EXISTS take_seats_batch(uuid[], integer[], integer[], integer[], integer[], integer);
DROP FUNCTION IF EXISTS take_seats(uuid, integer, integer, integer[], integer);
DROP FUNCTION IF EXISTS take_seats_core(uuid, integer, integer, integer[], integer, boolean);

-- the advisory lock space of holds (the first key of pg_advisory_xact_lock(int, int)); the second
-- key is the customer's id
-- hold_lock_space(): its live body is src/db/functions/hold_lock_space.sql

-- take_seats_core(): its live body is src/db/functions/take_seats_core.sql

-- take_seats(): its live body is src/db/functions/take_seats.sql

-- take_seats_batch(): its live body is src/db/functions/take_seats_batch.sql
