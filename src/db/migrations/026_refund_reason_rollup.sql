-- Refunds by reason (issue 15), summed ahead like sales (023_report_rollups.sql): per theater-local
-- day the gateway confirmed the refund, theater, reason and who started it. A year's reasons read a
-- few thousand rows instead of every refund joined to its ticket and screening (about 300 ms).
-- Kept exact the same way: a deferred trigger appends a delta in the refund's own transaction, the
-- rollup job folds deltas in, reports read rollup + deltas, report_rollups_rebuild() (functions/)
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

INSERT INTO refund_reason_rollup (day, theater_id, reason, initiated_by, refunds, seats, amount)
SELECT day, theater_id, reason, initiated_by, sum(refunds), sum(seats), sum(amount) FROM report_refund_reasons GROUP BY 1, 2, 3, 4;
