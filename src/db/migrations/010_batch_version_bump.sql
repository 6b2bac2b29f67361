-- 010: a batch bumps each screening's seat-map version once, at its end. With the bump inside every
-- take_seats() call (005), the first hold of a batch for a screening locked that screening's row
-- until the batch committed, so batches touching the same screenings ran one after the other.
-- take_seats_core() is take_seats() with the bump optional; take_seats() keeps its behaviour (it is
-- still what single holds and best-available call); take_seats_batch() collects its items' results,
-- then bumps each screening with successful holds by their count, in screening order, as its last
-- statements (so versions still follow commit order and the row locks last only for the commit), and
-- gives those holds consecutive versions in the order they ran.

CREATE FUNCTION take_seats_core(p_hold uuid, p_screening integer, p_user integer, p_seats integer[], p_ttl_seconds integer,
                                p_bump boolean)
  RETURNS TABLE (reserved_until timestamptz, total_amount numeric, prices numeric[], map_version bigint,
                 released_holds uuid[], released_seats integer[])
  LANGUAGE plpgsql
AS $$
DECLARE
  v_until timestamptz := now() + make_interval(secs => p_ttl_seconds);
  v_theater integer;
  v_orphan_rule boolean;
  v_companion_rule boolean;
  v_bad integer[];
  v_got integer[];
  v_locked integer[];
  v_prices numeric[];
  v_total numeric;
  v_released uuid[];
  v_released_seats integer[];
  v_version bigint;
BEGIN
  SELECT s.theater_id, t.orphan_seat_rule, t.companion_needs_wheelchair
    INTO v_theater, v_orphan_rule, v_companion_rule
    FROM screenings s JOIN theaters t ON t.id = s.theater_id
   WHERE s.id = p_screening AND s.show_time > now() AND s.status = 'scheduled' AND s.is_available;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'screening % is not open for sale', p_screening USING ERRCODE = 'CN001';
  END IF;

  -- static rules first: they need no lock
  SELECT array_agg(st.id) INTO v_bad FROM seats st
   WHERE st.id = ANY (p_seats) AND st.pair_seat_id IS NOT NULL AND NOT (st.pair_seat_id = ANY (p_seats));
  IF v_bad IS NOT NULL THEN
    RAISE EXCEPTION 'couple seat without its partner' USING ERRCODE = 'CN421', DETAIL = array_to_string(v_bad, ',');
  END IF;
  IF v_companion_rule THEN
    SELECT array_agg(st.id) INTO v_bad FROM seats st
     WHERE st.id = ANY (p_seats) AND st.seat_type = 'companion'
       AND (st.companion_for_seat_id IS NULL OR NOT (st.companion_for_seat_id = ANY (p_seats)));
    IF v_bad IS NOT NULL THEN
      RAISE EXCEPTION 'companion seat without its wheelchair seat' USING ERRCODE = 'CN422', DETAIL = array_to_string(v_bad, ',');
    END IF;
  END IF;

  -- one active hold per user and screening: a new hold replaces the old one, in this same
  -- transaction, so a refused new hold leaves the old one as it was
  IF EXISTS (SELECT 1 FROM holds h JOIN tickets tk ON tk.hold_id = h.id
              WHERE h.user_id = p_user AND h.screening_id = p_screening AND h.status = 'active'
                AND h.reserved_until > now() AND tk.status = 'pending_payment') THEN
    RAISE EXCEPTION 'the current hold is in checkout' USING ERRCODE = 'CN424';
  END IF;
  WITH old AS (
    UPDATE holds SET status = 'released', released_at = now(), released_reason = 'replaced'
     WHERE user_id = p_user AND screening_id = p_screening AND status = 'active'
    RETURNING id)
  SELECT array_agg(id) INTO v_released FROM old;
  IF v_released IS NOT NULL THEN
    WITH s AS (
      UPDATE screening_seats SET status = 'available', hold_id = NULL, held_until = NULL,
             version = version + 1, updated_at = now()
       WHERE screening_id = p_screening AND hold_id = ANY (v_released) AND status = 'held'
      RETURNING seat_id)
    SELECT array_agg(seat_id) INTO v_released_seats FROM s;
  END IF;

  SELECT array_agg(sp.price ORDER BY u.ord), sum(sp.price) INTO v_prices, v_total
    FROM unnest(p_seats) WITH ORDINALITY AS u(seat_id, ord)
    JOIN seat_prices(p_screening, p_seats) sp ON sp.seat_id = u.seat_id;

  INSERT INTO holds (id, screening_id, user_id, seat_ids, prices, total_amount, reserved_until)
  VALUES (p_hold, p_screening, p_user, p_seats, v_prices, coalesce(v_total, 0), v_until);

  -- lock the seat rows, in seat-id order, skipping rows another call holds locked right now
  SELECT array_agg(seat_id) INTO v_locked FROM (
    SELECT seat_id FROM screening_seats
     WHERE screening_id = p_screening AND seat_id = ANY (p_seats)
     ORDER BY seat_id FOR UPDATE SKIP LOCKED) l;
  IF coalesce(cardinality(v_locked), 0) <> cardinality(p_seats) THEN
    SELECT array_agg(x) INTO v_bad FROM unnest(p_seats) AS x
     WHERE NOT EXISTS (SELECT 1 FROM screening_seats WHERE screening_id = p_screening AND seat_id = x);
    IF v_bad IS NOT NULL THEN
      RAISE EXCEPTION 'seats not in this screening' USING ERRCODE = 'CN400', DETAIL = array_to_string(v_bad, ',');
    END IF;
    SELECT array_agg(x) INTO v_bad FROM unnest(p_seats) AS x WHERE NOT (x = ANY (coalesce(v_locked, '{}')));
    RAISE EXCEPTION 'seats being taken' USING ERRCODE = 'CN410', DETAIL = array_to_string(v_bad, ',');
  END IF;

  -- THE write: free seats only; seats someone else holds or bought are left alone
  WITH taken AS (
    UPDATE screening_seats SET status = 'held', hold_id = p_hold, held_until = v_until,
           version = version + 1, updated_at = now()
     WHERE screening_id = p_screening AND seat_id = ANY (v_locked)
       AND (status = 'available' OR (status = 'held' AND held_until <= now()))
    RETURNING seat_id)
  SELECT array_agg(seat_id) INTO v_got FROM taken;

  IF coalesce(cardinality(v_got), 0) <> cardinality(p_seats) THEN
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

CREATE OR REPLACE FUNCTION take_seats(p_hold uuid, p_screening integer, p_user integer, p_seats integer[], p_ttl_seconds integer)
  RETURNS TABLE (reserved_until timestamptz, total_amount numeric, prices numeric[], map_version bigint,
                 released_holds uuid[], released_seats integer[])
  LANGUAGE sql
AS $$ SELECT * FROM take_seats_core(p_hold, p_screening, p_user, p_seats, p_ttl_seconds, true) $$;

DROP FUNCTION take_seats_batch(uuid[], integer[], integer[], integer[], integer[], integer);
CREATE FUNCTION take_seats_batch(p_holds uuid[], p_screenings integer[], p_users integer[],
                                 p_seats integer[], p_counts integer[], p_ttl_seconds integer)
  RETURNS TABLE (idx integer, err_code text, err_detail text, reserved_until timestamptz,
                 total_amount numeric, prices numeric[], map_version bigint,
                 released_holds uuid[], released_seats integer[])
  LANGUAGE plpgsql
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
  FOR i IN 1 .. n LOOP
    BEGIN
      SELECT * INTO r FROM take_seats_core(p_holds[i], p_screenings[i], p_users[i],
                                           p_seats[v_from : v_from + p_counts[i] - 1], p_ttl_seconds, false);
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
