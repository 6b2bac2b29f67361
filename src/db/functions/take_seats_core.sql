CREATE OR REPLACE FUNCTION take_seats_core(p_hold uuid, p_screening integer, p_user integer, p_seats integer[], p_ttl_seconds integer,
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
  v_currency char(3);
BEGIN
  SELECT t.orphan_seat_rule, t.companion_needs_wheelchair, s.currency
    INTO v_orphan_rule, v_companion_rule, v_currency
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
  -- paid for right now (a payment in flight; one declined or cancelled does not hold it: its
  -- customer moved on, and the reconciler expires the ticket left behind)
  WITH old AS (
    UPDATE holds h SET status = 'released', released_at = now(), released_reason = 'replaced'
     WHERE h.user_id = p_user AND h.screening_id = p_screening AND h.status = 'active'
       AND (h.reserved_until <= now()
            OR NOT EXISTS (SELECT 1 FROM tickets tk JOIN payments p ON p.ticket_id = tk.id
                            WHERE tk.hold_id = h.id AND tk.status = 'pending_payment' AND p.status = 'pending'))
    RETURNING h.id, h.seat_ids)
  SELECT array_agg(DISTINCT old.id), array_agg(s) INTO v_released, v_old_seats FROM old, unnest(old.seat_ids) AS s;
  IF v_released IS NULL THEN
    -- an active hold left now is one in checkout and not past its time (now() is the
    -- transaction's: the UPDATE above released every hold past it)
    IF EXISTS (SELECT 1 FROM holds h JOIN tickets tk ON tk.hold_id = h.id JOIN payments p ON p.ticket_id = tk.id
                WHERE h.user_id = p_user AND h.screening_id = p_screening AND h.status = 'active'
                  AND tk.status = 'pending_payment' AND p.status = 'pending') THEN
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
  -- in the screening's currency (its prices are): the ticket and the payment copy the hold's
  INSERT INTO holds (id, screening_id, user_id, seat_ids, prices, total_amount, currency, reserved_until, chain_started_at)
  SELECT p_hold, p_screening, p_user, p_seats, array_agg(sp.price ORDER BY u.ord), coalesce(sum(sp.price), 0), v_currency, v_until, v_chain
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
