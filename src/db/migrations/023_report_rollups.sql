-- Report rollups that stay exact (issue 15): the reports of a year of a chain's history read a few
-- hundred thousand summed rows instead of millions of ledger and seat rows.
--
-- How they stay exact: every change that moves a reported number appends a delta row in the same
-- transaction as the change itself (triggers below), so a committed sale, refund, seat change or
-- check-in is in the deltas exactly when it is in the ledger. A job (src/jobs/report-rollups.ts)
-- moves deltas into the rollup tables in one transaction (DELETE ... RETURNING, summed into the
-- rollups), and reports read rollup + deltas, so a number is counted once whether or not it has been
-- folded in yet. report_rollups_rebuild() recomputes everything from the ledger (after a bulk load);
-- report_rollups_drift() (functions/) compares the two and lists any difference.
--
-- 1. Sales (cash basis, see src/modules/reports/sales.ts): one event per captured payment and one per
--    succeeded refund, defined once in the view report_sales_events; summed per theater-local day,
--    theater, hall, movie and payment method.
-- 2. Per screening: capacity (its screening_seats), seats sold now and their price, tickets with a
--    seat sold, and of those the ones checked in (tickets and seats): occupancy, top movies, no-shows.
--
-- A screening's theater, hall and movie, and a theater's time zone, cannot change once the screening
-- (or the theater) has sold (screening_has_sales, theater_has_sales), so an event's keys never move.

CREATE VIEW report_sales_events AS
  SELECT 'capture'::text AS kind, p.id AS source_id, p.captured_at AS at, th.time_zone,
         s.theater_id, s.hall_id, s.movie_id, p.method,
         1 AS tickets,
         (SELECT count(*) FROM ticket_seats ts WHERE ts.ticket_id = p.ticket_id AND ts.status IN ('sold', 'refunded'))::int AS seats,
         p.amount AS gross, p.fee AS fees, 0::numeric(12,2) AS refunds, 0 AS refunded_seats
    FROM payments p JOIN tickets t ON t.id = p.ticket_id JOIN screenings s ON s.id = t.screening_id
    JOIN theaters th ON th.id = s.theater_id
   WHERE p.captured_at IS NOT NULL
  UNION ALL
  SELECT 'refund', r.id, r.process_time, th.time_zone, s.theater_id, s.hall_id, s.movie_id, p.method,
         0, 0, 0, 0, r.amount, cardinality(r.seat_ids)
    FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN tickets t ON t.id = r.ticket_id
    JOIN screenings s ON s.id = t.screening_id JOIN theaters th ON th.id = s.theater_id
   WHERE r.status = 'succeeded';

CREATE TABLE sales_rollup (
  day            date NOT NULL,
  theater_id     integer NOT NULL,
  hall_id        integer NOT NULL,
  movie_id       integer NOT NULL,
  method         text NOT NULL,
  tickets        integer NOT NULL DEFAULT 0,
  seats          integer NOT NULL DEFAULT 0,
  gross          numeric(14,2) NOT NULL DEFAULT 0,
  fees           numeric(14,2) NOT NULL DEFAULT 0,
  refunds        numeric(14,2) NOT NULL DEFAULT 0,
  refunded_seats integer NOT NULL DEFAULT 0,
  PRIMARY KEY (day, theater_id, hall_id, movie_id, method)
);

CREATE TABLE sales_rollup_delta (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  day            date NOT NULL,
  theater_id     integer NOT NULL,
  hall_id        integer NOT NULL,
  movie_id       integer NOT NULL,
  method         text NOT NULL,
  tickets        integer NOT NULL DEFAULT 0,
  seats          integer NOT NULL DEFAULT 0,
  gross          numeric(14,2) NOT NULL DEFAULT 0,
  fees           numeric(14,2) NOT NULL DEFAULT 0,
  refunds        numeric(14,2) NOT NULL DEFAULT 0,
  refunded_seats integer NOT NULL DEFAULT 0
);

CREATE TABLE screening_tally (
  screening_id       integer PRIMARY KEY,
  capacity           integer NOT NULL DEFAULT 0,
  sold_seats         integer NOT NULL DEFAULT 0,
  sold_amount        numeric(14,2) NOT NULL DEFAULT 0,
  live_tickets       integer NOT NULL DEFAULT 0,
  checked_in_tickets integer NOT NULL DEFAULT 0,
  checked_in_seats   integer NOT NULL DEFAULT 0
);

CREATE TABLE screening_tally_delta (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  screening_id       integer NOT NULL,
  capacity           integer NOT NULL DEFAULT 0,
  sold_seats         integer NOT NULL DEFAULT 0,
  sold_amount        numeric(14,2) NOT NULL DEFAULT 0,
  live_tickets       integer NOT NULL DEFAULT 0,
  checked_in_tickets integer NOT NULL DEFAULT 0,
  checked_in_seats   integer NOT NULL DEFAULT 0
);
CREATE INDEX screening_tally_delta_screening ON screening_tally_delta (screening_id);

-- the refund report's reasons read succeeded refunds by time
CREATE INDEX refunds_succeeded_time ON refunds (process_time) WHERE status = 'succeeded';

-- Sales: deferred to the commit, so the event is read in its final state (a capture's seats are sold
-- later in the same transaction). The screening row is share-locked first: a change of its keys
-- (which takes it FOR UPDATE and refuses once anything sold) cannot pass between the two.
CREATE FUNCTION report_sales_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_kind text := CASE TG_TABLE_NAME WHEN 'payments' THEN 'capture' ELSE 'refund' END;
BEGIN
  PERFORM 1 FROM tickets t JOIN screenings s ON s.id = t.screening_id WHERE t.id = NEW.ticket_id FOR KEY SHARE OF s;
  INSERT INTO sales_rollup_delta (day, theater_id, hall_id, movie_id, method, tickets, seats, gross, fees, refunds, refunded_seats)
  SELECT (e.at AT TIME ZONE e.time_zone)::date, e.theater_id, e.hall_id, e.movie_id, e.method,
         e.tickets, e.seats, e.gross, e.fees, e.refunds, e.refunded_seats
    FROM report_sales_events e WHERE e.kind = v_kind AND e.source_id = NEW.id;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER payments_report_capture AFTER UPDATE OF captured_at ON payments
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.captured_at IS NULL AND NEW.captured_at IS NOT NULL) EXECUTE FUNCTION report_sales_event();
CREATE CONSTRAINT TRIGGER payments_report_capture_new AFTER INSERT ON payments
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.captured_at IS NOT NULL) EXECUTE FUNCTION report_sales_event();
CREATE CONSTRAINT TRIGGER refunds_report_success AFTER UPDATE OF status ON refunds
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.status = 'succeeded' AND OLD.status <> 'succeeded') EXECUTE FUNCTION report_sales_event();
CREATE CONSTRAINT TRIGGER refunds_report_success_new AFTER INSERT ON refunds
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.status = 'succeeded') EXECUTE FUNCTION report_sales_event();

-- Capacity: the seats a screening was given (inserted) or lost (deleted), one row per statement.
CREATE FUNCTION report_capacity_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO screening_tally_delta (screening_id, capacity) SELECT screening_id, count(*) FROM new_rows GROUP BY 1;
  ELSE
    INSERT INTO screening_tally_delta (screening_id, capacity) SELECT screening_id, -count(*) FROM old_rows GROUP BY 1;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER screening_seats_report_added AFTER INSERT ON screening_seats
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_capacity_change();
CREATE TRIGGER screening_seats_report_removed AFTER DELETE ON screening_seats
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION report_capacity_change();

-- Seats sold: per ticket, the seats that became sold or stopped being sold in the statement, their
-- price, whether the ticket went from no sold seat to some (or back), and the same for a ticket
-- already checked in.
CREATE FUNCTION report_sold_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  WITH ch AS (
    SELECT n.ticket_id, n.screening_id,
           sum((n.status = 'sold')::int - coalesce((o.status = 'sold')::int, 0))::int AS seats,
           sum(CASE WHEN n.status = 'sold' THEN n.price ELSE 0 END - CASE WHEN o.status = 'sold' THEN o.price ELSE 0 END) AS amount
      FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
     GROUP BY 1, 2),
  x AS (
    SELECT ch.*, now_sold.n AS after, t.checked_in_at IS NOT NULL AS checked_in
      FROM ch JOIN tickets t ON t.id = ch.ticket_id
      CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM ticket_seats ts WHERE ts.ticket_id = ch.ticket_id AND ts.status = 'sold') now_sold
     WHERE ch.seats <> 0 OR ch.amount <> 0)
  INSERT INTO screening_tally_delta (screening_id, sold_seats, sold_amount, live_tickets, checked_in_tickets, checked_in_seats)
  SELECT screening_id, seats, amount, (after > 0)::int - (after - seats > 0)::int,
         CASE WHEN checked_in THEN (after > 0)::int - (after - seats > 0)::int ELSE 0 END,
         CASE WHEN checked_in THEN seats ELSE 0 END
    FROM x;
  RETURN NULL;
END $$;
-- an INSERT has no old rows: the same function with an empty old_rows
CREATE FUNCTION report_sold_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO screening_tally_delta (screening_id, sold_seats, sold_amount, live_tickets, checked_in_tickets, checked_in_seats)
  SELECT n.screening_id, count(*)::int, sum(n.price), 0, 0, 0 FROM new_rows n WHERE n.status = 'sold' GROUP BY 1;
  -- a ticket whose first sold seats arrive by INSERT: count it live (and checked in) once
  INSERT INTO screening_tally_delta (screening_id, live_tickets, checked_in_tickets, checked_in_seats)
  SELECT g.screening_id, 1, (t.checked_in_at IS NOT NULL)::int, CASE WHEN t.checked_in_at IS NOT NULL THEN g.seats ELSE 0 END
    FROM (SELECT ticket_id, screening_id, count(*)::int AS seats FROM new_rows WHERE status = 'sold' GROUP BY 1, 2) g
    JOIN tickets t ON t.id = g.ticket_id
   WHERE (SELECT count(*) FROM ticket_seats ts WHERE ts.ticket_id = g.ticket_id AND ts.status = 'sold') = g.seats;
  RETURN NULL;
END $$;
CREATE TRIGGER ticket_seats_report_sold AFTER UPDATE ON ticket_seats
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_sold_change();
CREATE TRIGGER ticket_seats_report_sold_new AFTER INSERT ON ticket_seats
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION report_sold_insert();

-- Check-ins: a ticket admitted (or the admission undone) with the seats sold to it at that moment.
CREATE FUNCTION report_check_in() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v_sign int := CASE WHEN NEW.checked_in_at IS NOT NULL THEN 1 ELSE -1 END;
  v_seats int;
BEGIN
  SELECT count(*) INTO v_seats FROM ticket_seats WHERE ticket_id = NEW.id AND status = 'sold';
  IF v_seats > 0 THEN
    INSERT INTO screening_tally_delta (screening_id, checked_in_tickets, checked_in_seats) VALUES (NEW.screening_id, v_sign, v_sign * v_seats);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER tickets_report_check_in AFTER UPDATE OF checked_in_at ON tickets FOR EACH ROW
  WHEN ((OLD.checked_in_at IS NULL) <> (NEW.checked_in_at IS NULL)) EXECUTE FUNCTION report_check_in();

-- Everything again from the ledger; the tables are locked so no delta lands meanwhile (a writer
-- waits, then appends what its own commit adds, which this rebuild did not see).
CREATE FUNCTION report_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE sales_rollup, sales_rollup_delta, screening_tally, screening_tally_delta IN EXCLUSIVE MODE;
  DELETE FROM sales_rollup;
  DELETE FROM sales_rollup_delta;
  DELETE FROM screening_tally;
  DELETE FROM screening_tally_delta;
  INSERT INTO sales_rollup (day, theater_id, hall_id, movie_id, method, tickets, seats, gross, fees, refunds, refunded_seats)
  SELECT (e.at AT TIME ZONE e.time_zone)::date, e.theater_id, e.hall_id, e.movie_id, e.method,
         sum(e.tickets), sum(e.seats), sum(e.gross), sum(e.fees), sum(e.refunds), sum(e.refunded_seats)
    FROM report_sales_events e GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO screening_tally (screening_id, capacity, sold_seats, sold_amount, live_tickets, checked_in_tickets, checked_in_seats)
  SELECT c.screening_id, c.capacity, coalesce(sum(k.seats), 0), coalesce(sum(k.amount), 0), count(k.ticket_id),
         count(k.ticket_id) FILTER (WHERE t.checked_in_at IS NOT NULL), coalesce(sum(k.seats) FILTER (WHERE t.checked_in_at IS NOT NULL), 0)
    FROM (SELECT screening_id, count(*)::int AS capacity FROM screening_seats GROUP BY 1) c
    LEFT JOIN (SELECT screening_id, ticket_id, count(*)::int AS seats, sum(price) AS amount
                 FROM ticket_seats WHERE status = 'sold' GROUP BY 1, 2) k ON k.screening_id = c.screening_id
    LEFT JOIN tickets t ON t.id = k.ticket_id
   GROUP BY c.screening_id, c.capacity;
END $$;

SELECT report_rollups_rebuild();
