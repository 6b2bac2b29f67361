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

DROP FUNCTION take_seats_batch(uuid[], integer[], integer[], integer[], integer[], integer);
DROP FUNCTION take_seats(uuid, integer, integer, integer[], integer);
DROP FUNCTION take_seats_core(uuid, integer, integer, integer[], integer, boolean);

-- the advisory lock space of holds (the first key of pg_advisory_xact_lock(int, int)); the second
-- key is the customer's id
CREATE FUNCTION hold_lock_space() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 724014 $$;

CREATE FUNCTION take_seats_core(p_hold uuid, p_screening integer, p_user integer, p_seats integer[], p_ttl_seconds integer,
                                p_bump boolean, p_max_life_seconds integer, p_cooldown_seconds integer,
                                p_account_seats integer, p_screening_seats integer)
  RETURNS TABLE (reserved_until timestamptz, total_amount numeric, prices numeric[], map_version bigint,
                 released_holds uuid[], released_seats integer[])
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan
  SET random_page_cost = 1.1
AS $$
DECLARE
  v_until timestamptz;
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
  v_held integer;
  v_bought integer;
  v_chain timestamptz;
  v_ended timestamptz;
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

  -- this customer's holds are decided one at a time from here (already ours in a batch)
  PERFORM pg_advisory_xact_lock(hold_lock_space(), p_user);

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
  END IF;

  -- the limits (014), after the replacement: the hold being replaced no longer counts
  SELECT coalesce(sum(cardinality(h.seat_ids)), 0) INTO v_held
    FROM holds h WHERE h.user_id = p_user AND h.status = 'active' AND h.reserved_until > now();
  IF v_held + cardinality(p_seats) > p_account_seats THEN
    RAISE EXCEPTION 'the account holds too many seats' USING ERRCODE = 'CN425', DETAIL = v_held::text;
  END IF;
  SELECT count(*) INTO v_bought
    FROM tickets tk JOIN ticket_seats ts ON ts.ticket_id = tk.id
   WHERE tk.user_id = p_user AND tk.screening_id = p_screening AND ts.status = 'sold';
  IF v_bought + cardinality(p_seats) > p_screening_seats THEN
    RAISE EXCEPTION 'too many seats for one customer at this screening' USING ERRCODE = 'CN426', DETAIL = v_bought::text;
  END IF;
  -- the chain this hold belongs to: holds of this customer and screening that ended within the
  -- cooldown (the one just replaced among them); all of them share one chain start
  SELECT min(coalesce(h.chain_started_at, h.created_at)), max(least(coalesce(h.released_at, h.reserved_until), h.reserved_until))
    INTO v_chain, v_ended
    FROM holds h
   WHERE h.user_id = p_user AND h.screening_id = p_screening AND h.status IN ('released', 'expired')
     AND h.reserved_until >= now() - make_interval(secs => p_cooldown_seconds)
     AND least(coalesce(h.released_at, h.reserved_until), h.reserved_until) >= now() - make_interval(secs => p_cooldown_seconds);
  v_until := least(now() + make_interval(secs => p_ttl_seconds),
                   coalesce(v_chain, now()) + make_interval(secs => p_max_life_seconds));
  IF v_until <= now() THEN
    RAISE EXCEPTION 'the holds of this customer for this screening ran for their longest time' USING ERRCODE = 'CN427',
      DETAIL = greatest(1, ceil(extract(epoch FROM v_ended + make_interval(secs => p_cooldown_seconds) - now())))::text;
  END IF;

  IF v_released IS NOT NULL THEN
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
  INSERT INTO holds (id, screening_id, user_id, seat_ids, prices, total_amount, reserved_until, chain_started_at)
  SELECT p_hold, p_screening, p_user, p_seats, array_agg(sp.price ORDER BY u.ord), coalesce(sum(sp.price), 0), v_until, v_chain
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

CREATE FUNCTION take_seats(p_hold uuid, p_screening integer, p_user integer, p_seats integer[], p_ttl_seconds integer,
                           p_max_life_seconds integer, p_cooldown_seconds integer, p_account_seats integer, p_screening_seats integer)
  RETURNS TABLE (reserved_until timestamptz, total_amount numeric, prices numeric[], map_version bigint,
                 released_holds uuid[], released_seats integer[])
  LANGUAGE sql
AS $$ SELECT * FROM take_seats_core(p_hold, p_screening, p_user, p_seats, p_ttl_seconds, true,
                                    p_max_life_seconds, p_cooldown_seconds, p_account_seats, p_screening_seats) $$;

CREATE FUNCTION take_seats_batch(p_holds uuid[], p_screenings integer[], p_users integer[],
                                 p_seats integer[], p_counts integer[], p_ttl_seconds integer,
                                 p_max_life_seconds integer, p_cooldown_seconds integer,
                                 p_account_seats integer, p_screening_seats integer)
  RETURNS TABLE (idx integer, err_code text, err_detail text, reserved_until timestamptz,
                 total_amount numeric, prices numeric[], map_version bigint,
                 released_holds uuid[], released_seats integer[])
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  n integer := cardinality(p_holds);
  v_from integer := 1;
  r record;
  v_code text[] := array_fill(NULL::text, ARRAY[n]);
  v_detail text[] := array_fill(NULL::text, ARRAY[n]);
  v_until timestamptz[] := array_fill(NULL::timestamptz, ARRAY[n]);
  v_total numeric[] := array_fill(NULL::numeric, ARRAY[n]);
  v_prices text[] := array_fill(NULL::text, ARRAY[n]);
  v_rel_holds text[] := array_fill(NULL::text, ARRAY[n]);
  v_rel_seats text[] := array_fill(NULL::text, ARRAY[n]);
  v_version bigint[] := array_fill(NULL::bigint, ARRAY[n]);
  v_scr integer;
  v_k integer;
  v_end bigint;
  v_err text;
  v_err_detail text;
BEGIN
  -- every customer of the batch locked first, in customer order (014): batches never wait in a cycle
  PERFORM pg_advisory_xact_lock(hold_lock_space(), u) FROM (SELECT DISTINCT u FROM unnest(p_users) AS u ORDER BY u) c;

  FOR i IN 1 .. n LOOP
    BEGIN
      SELECT * INTO r FROM take_seats_core(p_holds[i], p_screenings[i], p_users[i],
                                           p_seats[v_from : v_from + p_counts[i] - 1], p_ttl_seconds, false,
                                           p_max_life_seconds, p_cooldown_seconds, p_account_seats, p_screening_seats);
      v_until[i] := r.reserved_until;
      v_total[i] := r.total_amount;
      v_prices[i] := r.prices::text;
      v_rel_holds[i] := r.released_holds::text;
      v_rel_seats[i] := r.released_seats::text;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS v_err = RETURNED_SQLSTATE, v_err_detail = PG_EXCEPTION_DETAIL;
      v_code[i] := v_err;
      v_detail[i] := v_err_detail;
    END;
    v_from := v_from + p_counts[i];
  END LOOP;

  -- one bump per screening, in screening order, for as many holds as it got
  FOR v_scr, v_k IN
    SELECT s, count(*) FROM unnest(p_screenings, v_code) AS u(s, c) WHERE c IS NULL GROUP BY s ORDER BY s
  LOOP
    UPDATE screenings SET seat_map_version = seat_map_version + v_k WHERE id = v_scr
    RETURNING seat_map_version INTO v_end;
    FOR i IN 1 .. n LOOP
      IF p_screenings[i] = v_scr AND v_code[i] IS NULL THEN
        v_version[i] := v_end - v_k + 1;
        v_k := v_k - 1;
      END IF;
    END LOOP;
  END LOOP;

  RETURN QUERY
    SELECT i, v_code[i], v_detail[i], v_until[i], v_total[i], v_prices[i]::numeric[], v_version[i],
           v_rel_holds[i]::uuid[], v_rel_seats[i]::integer[]
      FROM generate_series(1, n) AS i;
END
$$;
