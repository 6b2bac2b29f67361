-- Refunds by reason (issue 15), summed ahead like sales (023_report_rollups.sql): per theater-local
-- day the gateway confirmed the refund, theater, reason and who started it. A year's reasons read a
-- few thousand rows instead of every refund joined to its ticket and screening (about 300 ms).
-- Kept exact the same way: a deferred trigger appends a delta in the refund's own transaction, the
-- rollup job folds deltas in, reports read rollup + deltas, report_rollups_rebuild() (below)
-- recomputes it and report_rollups_drift() compares it with the refunds table.

-- One definition of a refund's reason event, read by the trigger, the backfill, the rebuild and the drift check.
CREATE VIEW report_refund_reasons AS
  SELECT r.id AS source_id, (r.process_time AT TIME ZONE th.time_zone)::date AS day, s.theater_id,
         coalesce(r.reason, '(none given)') AS reason, r.initiated_by,
         1 AS refunds, cardinality(r.seat_ids) AS seats, r.amount
    FROM refunds r JOIN tickets t ON t.id = r.ticket_id JOIN screenings s ON s.id = t.screening_id
    JOIN theaters th ON th.id = s.theater_id
   WHERE r.status = 'succeeded';

CREATE TABLE refund_reason_rollup (
  day          date NOT NULL,
  theater_id   integer NOT NULL,
  reason       text NOT NULL,
  initiated_by text NOT NULL,
  refunds      integer NOT NULL DEFAULT 0,
  seats        integer NOT NULL DEFAULT 0,
  amount       numeric(14,2) NOT NULL DEFAULT 0,
  PRIMARY KEY (day, theater_id, reason, initiated_by)
);

CREATE TABLE refund_reason_delta (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  day          date NOT NULL,
  theater_id   integer NOT NULL,
  reason       text NOT NULL,
  initiated_by text NOT NULL,
  refunds      integer NOT NULL DEFAULT 0,
  seats        integer NOT NULL DEFAULT 0,
  amount       numeric(14,2) NOT NULL DEFAULT 0
);

-- Deferred to the commit like the sales event; the screening row is share-locked first, so its
-- theater (refused once sold) cannot change between the two.
CREATE FUNCTION report_refund_reason() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM tickets t JOIN screenings s ON s.id = t.screening_id WHERE t.id = NEW.ticket_id FOR KEY SHARE OF s;
  INSERT INTO refund_reason_delta (day, theater_id, reason, initiated_by, refunds, seats, amount)
  SELECT e.day, e.theater_id, e.reason, e.initiated_by, e.refunds, e.seats, e.amount
    FROM report_refund_reasons e WHERE e.source_id = NEW.id;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER refunds_report_reason AFTER UPDATE OF status ON refunds
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.status = 'succeeded' AND OLD.status <> 'succeeded') EXECUTE FUNCTION report_refund_reason();
CREATE CONSTRAINT TRIGGER refunds_report_reason_new AFTER INSERT ON refunds
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.status = 'succeeded') EXECUTE FUNCTION report_refund_reason();

-- The rebuild as before (025), and the refund reasons: every report rollup again from the ledger,
-- after a bulk load or a restore, or when report_rollups_drift() lists a difference. The tables are
-- locked so no delta lands meanwhile (a writer waits, then appends what its own commit adds).
CREATE OR REPLACE FUNCTION report_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE sales_rollup, sales_rollup_delta, screening_tally, screening_tally_delta, refund_reason_rollup, refund_reason_delta
    IN EXCLUSIVE MODE;
  DELETE FROM sales_rollup;
  DELETE FROM sales_rollup_delta;
  DELETE FROM screening_tally;
  DELETE FROM screening_tally_delta;
  DELETE FROM refund_reason_rollup;
  DELETE FROM refund_reason_delta;
  INSERT INTO sales_rollup (day, theater_id, hall_id, movie_id, method, tickets, seats, gross, fees, refunds, refunded_seats)
  SELECT (e.at AT TIME ZONE e.time_zone)::date, e.theater_id, e.hall_id, e.movie_id, e.method,
         sum(e.tickets), sum(e.seats), sum(e.gross), sum(e.fees), sum(e.refunds), sum(e.refunded_seats)
    FROM report_sales_events e GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO screening_tally (screening_id, capacity, sold_seats, sold_amount, live_tickets, checked_in_tickets, checked_in_seats,
                               theater_id, hall_id, movie_id, show_time, end_time, local_day, local_hour, counted)
  SELECT k.screening_id, coalesce(c.capacity, 0), coalesce(v.sold_seats, 0), coalesce(v.sold_amount, 0), coalesce(v.live_tickets, 0),
         coalesce(v.checked_in_tickets, 0), coalesce(v.checked_in_seats, 0),
         k.theater_id, k.hall_id, k.movie_id, k.show_time, k.end_time, k.local_day, k.local_hour, k.counted
    FROM report_screening_keys k
    LEFT JOIN (SELECT screening_id, count(*)::int AS capacity FROM screening_seats GROUP BY 1) c ON c.screening_id = k.screening_id
    LEFT JOIN (SELECT x.screening_id, sum(x.seats)::int AS sold_seats, sum(x.amount) AS sold_amount, count(*)::int AS live_tickets,
                      count(*) FILTER (WHERE t.checked_in_at IS NOT NULL)::int AS checked_in_tickets,
                      coalesce(sum(x.seats) FILTER (WHERE t.checked_in_at IS NOT NULL), 0)::int AS checked_in_seats
                 FROM (SELECT screening_id, ticket_id, count(*)::int AS seats, sum(price) AS amount
                         FROM ticket_seats WHERE status = 'sold' GROUP BY 1, 2) x
                 JOIN tickets t ON t.id = x.ticket_id
                GROUP BY 1) v ON v.screening_id = k.screening_id;
  INSERT INTO refund_reason_rollup (day, theater_id, reason, initiated_by, refunds, seats, amount)
  SELECT day, theater_id, reason, initiated_by, sum(refunds), sum(seats), sum(amount) FROM report_refund_reasons GROUP BY 1, 2, 3, 4;
END $$;

SELECT report_rollups_rebuild();
