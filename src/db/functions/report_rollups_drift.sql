-- Where the report rollups (rollup + deltas not yet folded in) differ from the ledger they sum
-- (migrations/023_report_rollups.sql), and tally rows whose screening keys differ from the screening's
-- (025_screening_tally_keys.sql), and refunds by reason (026_refund_reason_rollup.sql): no row when
-- they agree. Reads everything: for tests and for an
-- operator's check (docs/operations.md), not for a request.
CREATE OR REPLACE FUNCTION report_rollups_drift()
RETURNS TABLE (kind text, key text, ledger jsonb, rollup jsonb) LANGUAGE sql STABLE AS $$
  WITH ledger_sales AS (
    SELECT (e.at AT TIME ZONE e.time_zone)::date AS day, e.theater_id, e.hall_id, e.movie_id, e.method,
           sum(e.tickets)::int AS tickets, sum(e.seats)::int AS seats, sum(e.gross) AS gross, sum(e.fees) AS fees,
           sum(e.refunds) AS refunds, sum(e.refunded_seats)::int AS refunded_seats
      FROM report_sales_events e GROUP BY 1, 2, 3, 4, 5),
  rolled_sales AS (
    SELECT day, theater_id, hall_id, movie_id, method, sum(tickets)::int AS tickets, sum(seats)::int AS seats, sum(gross) AS gross,
           sum(fees) AS fees, sum(refunds) AS refunds, sum(refunded_seats)::int AS refunded_seats
      FROM (SELECT day, theater_id, hall_id, movie_id, method, tickets, seats, gross, fees, refunds, refunded_seats FROM sales_rollup
            UNION ALL
            SELECT day, theater_id, hall_id, movie_id, method, tickets, seats, gross, fees, refunds, refunded_seats FROM sales_rollup_delta) u
     GROUP BY 1, 2, 3, 4, 5),
  ledger_tally AS (
    SELECT c.screening_id, c.capacity, coalesce(sum(k.seats), 0)::int AS sold_seats, coalesce(sum(k.amount), 0) AS sold_amount,
           count(k.ticket_id)::int AS live_tickets, count(k.ticket_id) FILTER (WHERE t.checked_in_at IS NOT NULL)::int AS checked_in_tickets,
           coalesce(sum(k.seats) FILTER (WHERE t.checked_in_at IS NOT NULL), 0)::int AS checked_in_seats
      FROM (SELECT screening_id, count(*)::int AS capacity FROM screening_seats GROUP BY 1) c
      LEFT JOIN (SELECT screening_id, ticket_id, count(*)::int AS seats, sum(price) AS amount
                   FROM ticket_seats WHERE status = 'sold' GROUP BY 1, 2) k ON k.screening_id = c.screening_id
      LEFT JOIN tickets t ON t.id = k.ticket_id
     GROUP BY c.screening_id, c.capacity),
  rolled_tally AS (
    SELECT screening_id, sum(capacity)::int AS capacity, sum(sold_seats)::int AS sold_seats, sum(sold_amount) AS sold_amount,
           sum(live_tickets)::int AS live_tickets, sum(checked_in_tickets)::int AS checked_in_tickets, sum(checked_in_seats)::int AS checked_in_seats
      FROM (SELECT screening_id, capacity, sold_seats, sold_amount, live_tickets, checked_in_tickets, checked_in_seats FROM screening_tally
            UNION ALL
            SELECT screening_id, capacity, sold_seats, sold_amount, live_tickets, checked_in_tickets, checked_in_seats FROM screening_tally_delta) u
     GROUP BY 1)
  SELECT 'sales', concat_ws('/', coalesce(l.day, r.day), coalesce(l.theater_id, r.theater_id), coalesce(l.hall_id, r.hall_id),
                            coalesce(l.movie_id, r.movie_id), coalesce(l.method, r.method)),
         to_jsonb(l) - ARRAY['day', 'theater_id', 'hall_id', 'movie_id', 'method'], to_jsonb(r) - ARRAY['day', 'theater_id', 'hall_id', 'movie_id', 'method']
    FROM ledger_sales l FULL JOIN rolled_sales r USING (day, theater_id, hall_id, movie_id, method)
   WHERE (l.tickets, l.seats, l.gross, l.fees, l.refunds, l.refunded_seats) IS DISTINCT FROM (r.tickets, r.seats, r.gross, r.fees, r.refunds, r.refunded_seats)
     AND NOT (l.day IS NULL AND r.tickets = 0 AND r.seats = 0 AND r.gross = 0 AND r.refunds = 0 AND r.refunded_seats = 0)
  UNION ALL
  SELECT 'screening', coalesce(l.screening_id, r.screening_id)::text, to_jsonb(l) - 'screening_id', to_jsonb(r) - 'screening_id'
    FROM ledger_tally l FULL JOIN rolled_tally r USING (screening_id)
   WHERE (coalesce(l.capacity, 0), coalesce(l.sold_seats, 0), coalesce(l.sold_amount, 0), coalesce(l.live_tickets, 0),
          coalesce(l.checked_in_tickets, 0), coalesce(l.checked_in_seats, 0))
         IS DISTINCT FROM
         (coalesce(r.capacity, 0), coalesce(r.sold_seats, 0), coalesce(r.sold_amount, 0), coalesce(r.live_tickets, 0),
          coalesce(r.checked_in_tickets, 0), coalesce(r.checked_in_seats, 0))
  UNION ALL
  SELECT 'keys', k.screening_id::text, to_jsonb(k) - 'screening_id',
         jsonb_build_object('theater_id', t.theater_id, 'hall_id', t.hall_id, 'movie_id', t.movie_id, 'show_time', t.show_time,
                            'end_time', t.end_time, 'local_day', t.local_day, 'local_hour', t.local_hour, 'counted', t.counted)
    FROM report_screening_keys k LEFT JOIN screening_tally t USING (screening_id)
   WHERE (k.theater_id, k.hall_id, k.movie_id, k.show_time, k.end_time, k.local_day, k.local_hour, k.counted)
         IS DISTINCT FROM (t.theater_id, t.hall_id, t.movie_id, t.show_time, t.end_time, t.local_day, t.local_hour, t.counted)
  UNION ALL
  SELECT 'reasons', concat_ws('/', coalesce(l.day, r.day), coalesce(l.theater_id, r.theater_id), coalesce(l.reason, r.reason),
                              coalesce(l.initiated_by, r.initiated_by)),
         to_jsonb(l) - ARRAY['day', 'theater_id', 'reason', 'initiated_by'], to_jsonb(r) - ARRAY['day', 'theater_id', 'reason', 'initiated_by']
    FROM (SELECT day, theater_id, reason, initiated_by, sum(refunds)::int AS refunds, sum(seats)::int AS seats, sum(amount) AS amount
            FROM report_refund_reasons GROUP BY 1, 2, 3, 4) l
    FULL JOIN (SELECT day, theater_id, reason, initiated_by, sum(refunds)::int AS refunds, sum(seats)::int AS seats, sum(amount) AS amount
                 FROM (SELECT day, theater_id, reason, initiated_by, refunds, seats, amount FROM refund_reason_rollup
                       UNION ALL
                       SELECT day, theater_id, reason, initiated_by, refunds, seats, amount FROM refund_reason_delta) u
                GROUP BY 1, 2, 3, 4) r USING (day, theater_id, reason, initiated_by)
   WHERE (coalesce(l.refunds, 0), coalesce(l.seats, 0), coalesce(l.amount, 0)) IS DISTINCT FROM (coalesce(r.refunds, 0), coalesce(r.seats, 0), coalesce(r.amount, 0))
$$;
