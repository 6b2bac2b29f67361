-- 009: many holds in one round trip and one commit. Under a rush the API process spent most of its
-- time writing queries to PostgreSQL (one socket write per hold) and PostgreSQL spent its time
-- flushing WAL (one flush per hold). take_seats_batch() runs take_seats() for each request of a
-- batch inside its own subtransaction: a refused hold rolls back alone (its row locks with it) and
-- reports its SQLSTATE; the holds that succeeded commit together. Items run in the order given;
-- the caller sorts them by screening so every batch locks screening rows in the same order.
-- Seats: p_seats is every item's seat ids one after the other, p_counts how many belong to each.
CREATE FUNCTION take_seats_batch(p_holds uuid[], p_screenings integer[], p_users integer[],
                                 p_seats integer[], p_counts integer[], p_ttl_seconds integer)
  RETURNS TABLE (idx integer, err_code text, err_detail text, reserved_until timestamptz,
                 total_amount numeric, prices numeric[], map_version bigint,
                 released_holds uuid[], released_seats integer[])
  LANGUAGE plpgsql
AS $$
DECLARE
  v_from integer := 1;
  v_code text;
  v_detail text;
  r record;
BEGIN
  FOR i IN 1 .. cardinality(p_holds) LOOP
    BEGIN
      SELECT * INTO r FROM take_seats(p_holds[i], p_screenings[i], p_users[i],
                                      p_seats[v_from : v_from + p_counts[i] - 1], p_ttl_seconds);
      RETURN QUERY SELECT i, NULL::text, NULL::text, r.reserved_until, r.total_amount, r.prices,
                          r.map_version, r.released_holds, r.released_seats;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS v_code = RETURNED_SQLSTATE, v_detail = PG_EXCEPTION_DETAIL;
      RETURN QUERY SELECT i, v_code, v_detail, NULL::timestamptz, NULL::numeric, NULL::numeric[],
                          NULL::bigint, NULL::uuid[], NULL::integer[];
    END;
    v_from := v_from + p_counts[i];
  END LOOP;
END
$$;
