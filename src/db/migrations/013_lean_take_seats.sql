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

CREATE OR REPLACE FUNCTION seat_prices(p_screening integer, p_seats integer[] DEFAULT NULL)
  RETURNS TABLE (seat_id integer, price numeric(12, 2))
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan
  SET random_page_cost = 1.1
AS $$
DECLARE
  v_theater integer;
  v_amount numeric;
BEGIN
  -- what every seat of the screening pays before its seat type's surcharge
  SELECT sc.theater_id, sc.base + coalesce(sum(r.adjustment), 0)
    INTO v_theater, v_amount
    FROM (SELECT s.theater_id,
                 CASE WHEN s.is_3d AND s.price_3d IS NOT NULL THEN s.price_3d ELSE s.price END AS base,
                 s.show_time AT TIME ZONE t.time_zone AS local_start
            FROM screenings s JOIN theaters t ON t.id = s.theater_id
           WHERE s.id = p_screening) sc
    LEFT JOIN price_rules r
      ON r.theater_id = sc.theater_id
     AND (r.days = 'all' OR (r.days = 'weekend') = (extract(isodow FROM sc.local_start) IN (6, 7)))
     AND (r.starts_at IS NULL OR sc.local_start::time >= r.starts_at)
     AND (r.ends_at IS NULL OR sc.local_start::time < r.ends_at)
   GROUP BY sc.theater_id, sc.base;
  IF NOT FOUND THEN
    RETURN;
  END IF;

  IF p_seats IS NULL THEN
    RETURN QUERY
    SELECT ss.seat_id, greatest(0.01, v_amount + coalesce(sur.amount, 0))::numeric(12, 2)
      FROM screening_seats ss
      JOIN seats st ON st.id = ss.seat_id
      LEFT JOIN seat_type_surcharges sur ON sur.theater_id = v_theater AND sur.seat_type = st.seat_type
     WHERE ss.screening_id = p_screening;
  ELSE
    -- what these seats would cost at this screening, by seat key; whether they belong to it is for
    -- the caller to check (take_seats_core's write takes only the screening's own seat rows)
    RETURN QUERY
    SELECT st.id, greatest(0.01, v_amount + coalesce(sur.amount, 0))::numeric(12, 2)
      FROM unnest(p_seats) AS u(id)
      JOIN seats st ON st.id = u.id
      LEFT JOIN seat_type_surcharges sur ON sur.theater_id = v_theater AND sur.seat_type = st.seat_type;
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION take_seats_core(p_hold uuid, p_screening integer, p_user integer, p_seats integer[], p_ttl_seconds integer,
                                           p_bump boolean)
  RETURNS TABLE (reserved_until timestamptz, total_amount numeric, prices numeric[], map_version bigint,
                 released_holds uuid[], released_seats integer[])
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan
  SET random_page_cost = 1.1
AS $$
DECLARE
  v_until timestamptz := now() + make_interval(secs => p_ttl_seconds);
  v_orphan_rule boolean;
  v_companion_rule boolean;
  v_bad integer[];
  v_bad_companion integer[];
  v_got integer[];
  v_locked integer[];
  v_prices numeric[];
  v_total numeric;
  v_released uuid[];
  v_old_seats integer[];
  v_released_seats integer[];
  v_version bigint;
BEGIN
  SELECT t.orphan_seat_rule, t.companion_needs_wheelchair
    INTO v_orphan_rule, v_companion_rule
    FROM screenings s JOIN theaters t ON t.id = s.theater_id
   WHERE s.id = p_screening AND s.show_time > now() AND s.status = 'scheduled' AND s.is_available;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'screening % is not open for sale', p_screening USING ERRCODE = 'CN001';
  END IF;

  -- static rules first: they need no lock
  SELECT array_agg(st.id) FILTER (WHERE st.pair_seat_id IS NOT NULL AND NOT (st.pair_seat_id = ANY (p_seats))),
         array_agg(st.id) FILTER (WHERE v_companion_rule AND st.seat_type = 'companion'
                                    AND (st.companion_for_seat_id IS NULL OR NOT (st.companion_for_seat_id = ANY (p_seats))))
    INTO v_bad, v_bad_companion
    FROM seats st WHERE st.id = ANY (p_seats);
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'couple seat without its partner' USING ERRCODE = 'CN421', DETAIL = array_to_string(v_bad, ',');
  END IF;
  IF v_bad_companion IS NOT NULL THEN
    RAISE EXCEPTION 'companion seat without its wheelchair seat' USING ERRCODE = 'CN422', DETAIL = array_to_string(v_bad_companion, ',');
  END IF;

  -- one active hold per user and screening: a new hold replaces the old one, in this same
  -- transaction (a refused new hold leaves the old one as it was), unless the old one is being
  -- paid for right now
  WITH old AS (
    UPDATE holds h SET status = 'released', released_at = now(), released_reason = 'replaced'
     WHERE h.user_id = p_user AND h.screening_id = p_screening AND h.status = 'active'
       AND (h.reserved_until <= now()
            OR NOT EXISTS (SELECT 1 FROM tickets tk WHERE tk.hold_id = h.id AND tk.status = 'pending_payment'))
    RETURNING h.id, h.seat_ids)
  SELECT array_agg(DISTINCT old.id), array_agg(s) INTO v_released, v_old_seats FROM old, unnest(old.seat_ids) AS s;
  IF v_released IS NULL THEN
    -- an active hold left now is one in checkout and not past its time (now() is the
    -- transaction's: the UPDATE above released every hold past it)
    IF EXISTS (SELECT 1 FROM holds h JOIN tickets tk ON tk.hold_id = h.id
                WHERE h.user_id = p_user AND h.screening_id = p_screening AND h.status = 'active'
                  AND tk.status = 'pending_payment') THEN
      RAISE EXCEPTION 'the current hold is in checkout' USING ERRCODE = 'CN424';
    END IF;
  ELSE
    -- the old holds' own seats, by key, where still theirs
    WITH s AS (
      UPDATE screening_seats SET status = 'available', hold_id = NULL, held_until = NULL,
             version = version + 1, updated_at = now()
       WHERE screening_id = p_screening AND seat_id = ANY (v_old_seats) AND hold_id = ANY (v_released)
         AND status = 'held'
      RETURNING seat_id)
    SELECT array_agg(seat_id) INTO v_released_seats FROM s;
  END IF;

  -- a unique violation here (holds_one_active) means another request of this customer for this
  -- screening made its hold first; the API answers it as hold_in_progress. (No exception block to
  -- rename it: a batch already spends one subtransaction per hold, and a second would overflow the
  -- 64 a backend keeps in shared memory.)
  INSERT INTO holds (id, screening_id, user_id, seat_ids, prices, total_amount, reserved_until)
  SELECT p_hold, p_screening, p_user, p_seats, array_agg(sp.price ORDER BY u.ord), coalesce(sum(sp.price), 0), v_until
    FROM unnest(p_seats) WITH ORDINALITY AS u(seat_id, ord)
    JOIN seat_prices(p_screening, p_seats) sp ON sp.seat_id = u.seat_id
  RETURNING holds.prices, holds.total_amount INTO v_prices, v_total;

  -- THE write: lock the seat rows in seat order, skipping rows another call holds locked right now,
  -- and take the free ones; seats someone else holds or bought are left alone
  WITH taken AS (
    UPDATE screening_seats SET status = 'held', hold_id = p_hold, held_until = v_until,
           version = version + 1, updated_at = now()
     WHERE screening_id = p_screening
       AND seat_id = ANY (ARRAY(SELECT l.seat_id FROM screening_seats l
                                 WHERE l.screening_id = p_screening AND l.seat_id = ANY (p_seats)
                                 ORDER BY l.seat_id FOR UPDATE SKIP LOCKED))
       AND (status = 'available' OR (status = 'held' AND held_until <= now()))
    RETURNING seat_id)
  SELECT array_agg(seat_id) INTO v_got FROM taken;

  IF coalesce(cardinality(v_got), 0) <> cardinality(p_seats) THEN
    -- refused: say why (this subtransaction is rolled back by the caller's error handling)
    SELECT array_agg(x) INTO v_bad FROM unnest(p_seats) AS x
     WHERE NOT EXISTS (SELECT 1 FROM screening_seats WHERE screening_id = p_screening AND seat_id = x);
    IF v_bad IS NOT NULL THEN
      RAISE EXCEPTION 'seats not in this screening' USING ERRCODE = 'CN400', DETAIL = array_to_string(v_bad, ',');
    END IF;
    -- rows this call locked come back; rows another transaction holds locked are skipped
    SELECT array_agg(seat_id) INTO v_locked FROM (
      SELECT seat_id FROM screening_seats
       WHERE screening_id = p_screening AND seat_id = ANY (p_seats)
       ORDER BY seat_id FOR UPDATE SKIP LOCKED) l;
    IF coalesce(cardinality(v_locked), 0) <> cardinality(p_seats) THEN
      SELECT array_agg(x) INTO v_bad FROM unnest(p_seats) AS x WHERE NOT (x = ANY (coalesce(v_locked, '{}')));
      RAISE EXCEPTION 'seats being taken' USING ERRCODE = 'CN410', DETAIL = array_to_string(v_bad, ',');
    END IF;
    SELECT array_agg(x) INTO v_bad FROM unnest(p_seats) AS x WHERE NOT (x = ANY (coalesce(v_got, '{}')));
    RAISE EXCEPTION 'seats taken' USING ERRCODE = 'CN409', DETAIL = array_to_string(v_bad, ',');
  END IF;

  IF v_orphan_rule THEN
    -- a free seat whose both sides are taken (or the row's end or an aisle), next to this hold
    WITH rs AS (
      SELECT st.id, st.row_label, st.x,
             (ss.status = 'available' OR (ss.status = 'held' AND ss.held_until <= now())) AS free,
             ss.hold_id IS NOT DISTINCT FROM p_hold AS mine
        FROM screening_seats ss JOIN seats st ON st.id = ss.seat_id
       WHERE ss.screening_id = p_screening
         AND st.row_label IN (SELECT row_label FROM seats WHERE id = ANY (p_seats)))
    SELECT array_agg(a.id) INTO v_bad
      FROM rs a
      LEFT JOIN rs l ON l.row_label = a.row_label AND l.x = a.x - 1
      LEFT JOIN rs r ON r.row_label = a.row_label AND r.x = a.x + 1
     WHERE a.free
       AND (l.id IS NULL OR NOT l.free) AND (r.id IS NULL OR NOT r.free)
       AND (coalesce(l.mine, false) OR coalesce(r.mine, false));
    IF v_bad IS NOT NULL THEN
      RAISE EXCEPTION 'the hold would leave a single seat stranded' USING ERRCODE = 'CN423', DETAIL = array_to_string(v_bad, ',');
    END IF;
  END IF;

  IF p_bump THEN
    UPDATE screenings SET seat_map_version = seat_map_version + 1 WHERE id = p_screening
    RETURNING seat_map_version INTO v_version;
  END IF;

  RETURN QUERY SELECT v_until, coalesce(v_total, 0), v_prices, v_version, v_released, v_released_seats;
END
$$;
