CREATE OR REPLACE FUNCTION seat_prices(p_screening integer, p_seats integer[] DEFAULT NULL)
  RETURNS TABLE (seat_id integer, price numeric(12, 2))
  LANGUAGE plpgsql STABLE
  SET plan_cache_mode = force_generic_plan
  SET random_page_cost = 1.1
AS $$
DECLARE
  v_theater integer;
  v_amount numeric;
  v_currency text;
  v_floor numeric;
BEGIN
  -- what every seat of the screening pays before its seat type's surcharge
  SELECT sc.theater_id, sc.currency, sc.base + coalesce(sum(r.adjustment), 0)
    INTO v_theater, v_currency, v_amount
    FROM (SELECT s.theater_id, s.currency,
                 CASE WHEN s.is_3d AND s.price_3d IS NOT NULL THEN s.price_3d ELSE s.price END AS base,
                 s.show_time AT TIME ZONE t.time_zone AS local_start
            FROM screenings s JOIN theaters t ON t.id = s.theater_id
           WHERE s.id = p_screening) sc
    LEFT JOIN price_rules r
      ON r.theater_id = sc.theater_id
     AND (r.days = 'all' OR (r.days = 'weekend') = (extract(isodow FROM sc.local_start) IN (6, 7)))
     AND (r.starts_at IS NULL OR sc.local_start::time >= r.starts_at)
     AND (r.ends_at IS NULL OR sc.local_start::time < r.ends_at)
   GROUP BY sc.theater_id, sc.currency, sc.base;
  IF NOT FOUND THEN
    RETURN;
  END IF;

  -- A discount larger than the price leaves a seat at one unit the currency is paid in, never at
  -- nothing: a rupiah (no Indonesian gateway takes a fraction of one: decision 97), a cent in USD.
  -- The whole-unit currencies are lib/money.ts's (test/money-units.test.ts keeps the lists equal).
  v_floor := CASE WHEN v_currency IN ('IDR', 'JPY', 'KRW', 'VND', 'CLP', 'ISK', 'PYG', 'UGX', 'XAF', 'XOF') THEN 1 ELSE 0.01 END;
  IF p_seats IS NULL THEN
    RETURN QUERY
    SELECT ss.seat_id, greatest(v_floor, v_amount + coalesce(sur.amount, 0))::numeric(12, 2)
      FROM screening_seats ss
      JOIN seats st ON st.id = ss.seat_id
      LEFT JOIN seat_type_surcharges sur ON sur.theater_id = v_theater AND sur.seat_type = st.seat_type
     WHERE ss.screening_id = p_screening;
  ELSE
    -- what these seats would cost at this screening, by seat key; whether they belong to it is for
    -- the caller to check (take_seats_core's write takes only the screening's own seat rows)
    RETURN QUERY
    SELECT st.id, greatest(v_floor, v_amount + coalesce(sur.amount, 0))::numeric(12, 2)
      FROM unnest(p_seats) AS u(id)
      JOIN seats st ON st.id = u.id
      LEFT JOIN seat_type_surcharges sur ON sur.theater_id = v_theater AND sur.seat_type = st.seat_type;
  END IF;
END
$$;
