-- 010: a batch bumps each screening's seat-map version once, at its end. With the bump inside every
-- take_seats() call (005), the first hold of a batch for a screening locked that screening's row
-- until the batch committed, so batches touching the same screenings ran one after the other.
-- take_seats_core() is take_seats() with the bump optional; take_seats() keeps its behaviour (it is
-- still what single holds and best-available call); take_seats_batch() collects its items' results,
-- then bumps each screening with successful holds by their count, in screening order, as its last
-- statements (so versions still follow commit order and the row locks last only for the commit), and
-- gives those holds consecutive versions in the order they ran.

-- take_seats_core(): its live body is src/db/functions/take_seats_core.sql

-- take_seats(): its live body is src/db/functions/take_seats.sql

DROP FUNCTION IF EXISTS take_seats_batch(uuid[], integer[], integer[], integer[], integer[], integer);
-- take_seats_batch(): its live body is src/db/functions/take_seats_batch.sql
