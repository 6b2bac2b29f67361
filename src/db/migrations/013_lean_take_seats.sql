-- 013: the same hold, in fewer and cheaper statements. On a bench database, auto_explain showed two
-- statements of every hold reading all ~500 seat rows of the screening: seat_prices() (a generic
-- plan of "p_seats IS NULL OR seat_id = ANY (p_seats)" cannot use the seat key) and the release of
-- the replaced hold (found by hold_id, which no index covers). A perf profile of the backends showed
-- the rest of the time going to per-statement executor start-up. So:
-- - seat_prices(): the screening's price computed once, then the seats looked up by key (two
--   branches: the whole map, or some seats driven by the array);
-- - the replaced hold's seats are found by its own seat_ids (key lookups);
-- - both static seat rules in one pass over the requested seats;
-- - the "current hold is in checkout" check folded into the replacement: only a hold not in
--   checkout (or already past its time) is replaced, and the check runs only when nothing was;
-- - prices computed by the INSERT of the hold itself;
-- - the seat rows locked (SKIP LOCKED, seat order) and written by one UPDATE; why seats were
--   refused (unknown, being taken right now, taken) is worked out only when some were.
-- - the hot functions plan with random_page_cost = 1.1 (the rows they touch are in memory): with
--   the default 4, a generic plan read all ~1,700 rows of a small seats table to find two.
-- Indexes on holds, for plans that stay right whatever the statistics say: a generic plan made
-- while few holds were active chose a full scan of the partial expiry index to find one customer's
-- hold (it read ~2,000 entries per hold once the bench had run a while). Now:
-- - holds_one_active: UNIQUE (user_id, screening_id) WHERE status = 'active' - the rule "one active
--   hold per customer and screening" enforced by the database (two concurrent requests of one
--   customer could both insert before), and a lookup the planner can cost exactly;
-- - holds_due: the sweeper's (reserved_until) index, its predicate also requiring reserved_until
--   IS NOT NULL, which only a query with a condition on reserved_until can prove: the customer
--   lookups cannot pick it any more.
-- Behaviour, error codes and lock order are those of 010, plus a unique violation (23505) on
-- holds_one_active when another request of the same customer for the same screening came first.

-- Before the unique index: had the old race left two active holds of one customer for one
-- screening, the newest stays and the others are released as replaced, their seats freed and the
-- screening's map version moved (as a replacement would have done).
WITH ranked AS (
  SELECT id, row_number() OVER (PARTITION BY user_id, screening_id ORDER BY created_at DESC, id DESC) AS n
    FROM holds WHERE status = 'active'),
dup AS (
  UPDATE holds h SET status = 'released', released_at = now(), released_reason = 'replaced'
    FROM ranked r WHERE h.id = r.id AND r.n > 1
  RETURNING h.id, h.screening_id, h.seat_ids),
freed AS (
  UPDATE screening_seats ss SET status = 'available', hold_id = NULL, held_until = NULL,
         version = ss.version + 1, updated_at = now()
    FROM dup WHERE ss.screening_id = dup.screening_id AND ss.seat_id = ANY (dup.seat_ids)
     AND ss.hold_id = dup.id AND ss.status = 'held'
  RETURNING ss.screening_id)
UPDATE screenings SET seat_map_version = seat_map_version + 1 WHERE id IN (SELECT screening_id FROM freed);

DROP INDEX holds_user_screening;
CREATE UNIQUE INDEX holds_one_active ON holds (user_id, screening_id) WHERE status = 'active';
DROP INDEX holds_active_expiry;
CREATE INDEX holds_due ON holds (reserved_until) WHERE status = 'active' AND reserved_until IS NOT NULL;

-- seat_prices(): its live body is src/db/functions/seat_prices.sql

-- take_seats_core(): its live body is src/db/functions/take_seats_core.sql
