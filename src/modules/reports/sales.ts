// Sales by day, movie, theater, hall or payment method, on the ledger's terms (cash basis):
// - a sale counts on the theater-local day its payment was captured: tickets 1, seats as sold,
//   gross = the amount paid (seats + booking fee), fees = the booking fee in it;
// - a refund counts on the local day the gateway confirmed it (process_time): refunds = the amount
//   returned (seats and any fee refund), refunded_seats its seats;
// - net = gross - refunds.
// So gross over a period equals the captured payments of that period and refunds the succeeded
// refunds of that period, to the cent (test/reports.test.ts reconciles them). A payment captured for
// seats someone else got (refunded at once) is in gross and in refunds: net nothing.
import type { Sql } from '../../db/client.ts';
import type { Period } from './period.ts';

export const SALES_GROUPS = ['day', 'movie', 'theater', 'hall', 'method'] as const;
export type SalesGroup = (typeof SALES_GROUPS)[number];

export interface SalesRow {
  key: string;
  label: string;
  tickets: number;
  seats: number;
  gross: string;
  fees: string;
  refunds: string;
  refunded_seats: number;
  net: string;
}

const KEYS: Record<SalesGroup, { key: string; label: string }> = {
  day: { key: 'e.day::text', label: "to_char(e.day, 'Dy DD Mon YYYY')" },
  movie: { key: 'e.movie_id::text', label: 'm.title' },
  theater: { key: 'e.theater_id::text', label: 'th.name' },
  hall: { key: 'e.hall_id::text', label: "th.name || ' / ' || h.name" },
  method: { key: 'e.method', label: 'e.method' },
};

export interface SalesFilter {
  theaterId?: number;
  movieId?: number;
}

export async function salesReport(sql: Sql, p: Period, group: SalesGroup, f: SalesFilter): Promise<SalesRow[]> {
  const k = KEYS[group];
  const { rows } = await sql.query<SalesRow>(
    `WITH ev AS (
       SELECT (p.captured_at AT TIME ZONE th.time_zone)::date AS day, s.theater_id, s.movie_id, s.hall_id, p.method,
              1 AS tickets,
              (SELECT count(*) FROM ticket_seats ts WHERE ts.ticket_id = t.id AND ts.status IN ('sold', 'refunded'))::int AS seats,
              p.amount AS gross, p.fee AS fees, 0::numeric AS refunds, 0 AS refunded_seats
         FROM payments p JOIN tickets t ON t.id = p.ticket_id JOIN screenings s ON s.id = t.screening_id
         JOIN theaters th ON th.id = s.theater_id
        WHERE p.captured_at IS NOT NULL
          AND p.captured_at >= ($1::date - 1)::timestamp AND p.captured_at < ($2::date + 2)::timestamp
       UNION ALL
       SELECT (r.process_time AT TIME ZONE th.time_zone)::date, s.theater_id, s.movie_id, s.hall_id, p.method,
              0, 0, 0, 0, r.amount, cardinality(r.seat_ids)
         FROM refunds r JOIN payments p ON p.id = r.payment_id JOIN tickets t ON t.id = r.ticket_id
         JOIN screenings s ON s.id = t.screening_id JOIN theaters th ON th.id = s.theater_id
        WHERE r.status = 'succeeded'
          AND r.process_time >= ($1::date - 1)::timestamp AND r.process_time < ($2::date + 2)::timestamp)
     SELECT ${k.key} AS key, min(${k.label}) AS label, sum(e.tickets)::int AS tickets, sum(e.seats)::int AS seats,
            sum(e.gross)::text AS gross, sum(e.fees)::text AS fees, sum(e.refunds)::text AS refunds,
            sum(e.refunded_seats)::int AS refunded_seats, (sum(e.gross) - sum(e.refunds))::text AS net
       FROM ev e JOIN movies m ON m.id = e.movie_id JOIN theaters th ON th.id = e.theater_id JOIN halls h ON h.id = e.hall_id
      WHERE e.day BETWEEN $1::date AND $2::date
        AND ($3::int IS NULL OR e.theater_id = $3) AND ($4::int IS NULL OR e.movie_id = $4)
      GROUP BY 1 ORDER BY ${group === 'day' ? '1' : 'sum(e.gross) - sum(e.refunds) DESC, 1'}`,
    [p.from, p.to, f.theaterId ?? null, f.movieId ?? null],
  );
  return rows;
}
