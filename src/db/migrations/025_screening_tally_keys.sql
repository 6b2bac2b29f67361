-- The per-screening tally (023_report_rollups.sql) carries the keys the reports group and filter by:
-- theater, hall, movie, start and end, the theater-local day and hour it starts, and whether it counts
-- (not cancelled). A year of occupancy, top movies or no-shows is then one pass over the tally (one
-- narrow row per screening) instead of a join of every screening of the period to its tally row.
--
-- How the keys stay right: a row trigger on screenings writes them in the same transaction as the
-- insert or the change (the tally row is made with the screening, so it exists before any delta is
-- folded into it), and a change of a theater's time zone rewrites its screenings' local day and hour.
-- report_rollups_rebuild() sets them from the screenings; report_rollups_drift() lists any that differ.
ALTER TABLE screening_tally
  ADD COLUMN theater_id integer,
  ADD COLUMN hall_id    integer,
  ADD COLUMN movie_id   integer,
  ADD COLUMN show_time  timestamptz,
  ADD COLUMN end_time   timestamptz,
  ADD COLUMN local_day  date,
  ADD COLUMN local_hour smallint,
  ADD COLUMN counted    boolean NOT NULL DEFAULT false;

CREATE INDEX screening_tally_day ON screening_tally (local_day, theater_id) WHERE counted;
CREATE INDEX screening_tally_start ON screening_tally (show_time, screening_id) WHERE counted;

-- One definition of a screening's keys, used by the triggers, the rebuild and the drift check.
CREATE VIEW report_screening_keys AS
  SELECT s.id AS screening_id, s.theater_id, s.hall_id, s.movie_id, s.show_time, s.end_time,
         (s.show_time AT TIME ZONE th.time_zone)::date AS local_day,
         extract(hour FROM s.show_time AT TIME ZONE th.time_zone)::smallint AS local_hour,
         s.status <> 'cancelled' AS counted
    FROM screenings s JOIN theaters th ON th.id = s.theater_id;

CREATE FUNCTION report_screening_keys_set(p_ids integer[]) RETURNS void LANGUAGE sql AS $$
  INSERT INTO screening_tally (screening_id, theater_id, hall_id, movie_id, show_time, end_time, local_day, local_hour, counted)
  SELECT k.screening_id, k.theater_id, k.hall_id, k.movie_id, k.show_time, k.end_time, k.local_day, k.local_hour, k.counted
    FROM report_screening_keys k WHERE k.screening_id = ANY (p_ids)
  ON CONFLICT (screening_id) DO UPDATE SET
    theater_id = excluded.theater_id, hall_id = excluded.hall_id, movie_id = excluded.movie_id, show_time = excluded.show_time,
    end_time = excluded.end_time, local_day = excluded.local_day, local_hour = excluded.local_hour, counted = excluded.counted
$$;

CREATE FUNCTION report_screening_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    -- a screening gone (none is deleted today: delete closes the sale) stops counting; its seats'
    -- capacity deltas still land on this row, so rollup and ledger agree
    UPDATE screening_tally SET counted = false WHERE screening_id = OLD.id;
  ELSE
    PERFORM report_screening_keys_set(ARRAY[NEW.id]);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER screenings_report_keys_new AFTER INSERT ON screenings
  FOR EACH ROW EXECUTE FUNCTION report_screening_changed();
CREATE TRIGGER screenings_report_keys AFTER UPDATE OF theater_id, hall_id, movie_id, show_time, end_time, status ON screenings
  FOR EACH ROW EXECUTE FUNCTION report_screening_changed();
CREATE TRIGGER screenings_report_keys_gone AFTER DELETE ON screenings
  FOR EACH ROW EXECUTE FUNCTION report_screening_changed();

CREATE FUNCTION report_theater_zone_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM report_screening_keys_set(ARRAY(SELECT id FROM screenings WHERE theater_id = NEW.id));
  RETURN NULL;
END $$;
CREATE TRIGGER theaters_report_zone AFTER UPDATE OF time_zone ON theaters
  FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION report_theater_zone_changed();

-- The rebuild as before, and every screening's keys (a screening without seats has a row too).
CREATE OR REPLACE FUNCTION report_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
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
END $$;

SELECT report_rollups_rebuild();
