CREATE OR REPLACE FUNCTION take_seats_batch(p_holds uuid[], p_screenings integer[], p_users integer[],
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
