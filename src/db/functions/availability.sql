-- What a customer is told of how full a show is: 'sold_out' when no seat is left to take,
-- 'almost_full' when the seats taken (held or sold) reach the theater's lowest sell-out alert
-- threshold (theaters.sellout_alert_percents[1]), else 'available'.
CREATE OR REPLACE FUNCTION availability(available integer, capacity integer, almost_full_percent integer)
RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN available <= 0 THEN 'sold_out'
    WHEN (capacity - available) * 100 >= capacity * almost_full_percent THEN 'almost_full'
    ELSE 'available'
  END
$$;
