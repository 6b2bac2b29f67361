-- 004: one definition of what a seat of a screening costs, used by the seat map and (later) by
-- holds and checkout, so the price shown is the price charged.
-- base = price_3d for a 3D screening, else price; + the theater's surcharge for the seat type;
-- + every price rule of the theater that matches the show's local weekday/weekend and time of day
-- (weekend = Saturday and Sunday, in the theater's time zone); never below 0.01.
-- p_seats limits the answer to some seats (a hold); NULL means every seat (the seat map).

-- PL/pgSQL rather than SQL: a SQL function that cannot be inlined is planned again on every call,
-- while PL/pgSQL keeps its plan for the session; holds call this on every attempt.
CREATE FUNCTION seat_prices(p_screening integer, p_seats integer[] DEFAULT NULL)
  RETURNS TABLE (seat_id integer, price numeric(12, 2))
  LANGUAGE plpgsql STABLE
AS $$
BEGIN
  RETURN QUERY
  WITH sc AS (
    SELECT s.id, s.theater_id,
           CASE WHEN s.is_3d AND s.price_3d IS NOT NULL THEN s.price_3d ELSE s.price END AS base,
           s.show_time AT TIME ZONE t.time_zone AS local_start
      FROM screenings s JOIN theaters t ON t.id = s.theater_id
     WHERE s.id = p_screening
  ), adj AS (
    SELECT coalesce(sum(r.adjustment), 0) AS amount
      FROM sc JOIN price_rules r ON r.theater_id = sc.theater_id
     WHERE (r.days = 'all' OR (r.days = 'weekend') = (extract(isodow FROM sc.local_start) IN (6, 7)))
       AND (r.starts_at IS NULL OR sc.local_start::time >= r.starts_at)
       AND (r.ends_at IS NULL OR sc.local_start::time < r.ends_at)
  )
  SELECT ss.seat_id,
         greatest(0.01, sc.base + adj.amount + coalesce(sur.amount, 0))::numeric(12, 2) AS price
    FROM sc
    CROSS JOIN adj
    JOIN screening_seats ss ON ss.screening_id = sc.id
    JOIN seats st ON st.id = ss.seat_id
    LEFT JOIN seat_type_surcharges sur ON sur.theater_id = sc.theater_id AND sur.seat_type = st.seat_type
   WHERE p_seats IS NULL OR ss.seat_id = ANY (p_seats);
END
$$;
