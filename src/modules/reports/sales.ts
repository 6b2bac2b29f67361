// Sales by day, movie, theater, hall or payment method, on the ledger's terms (cash basis):
// - a sale counts on the theater-local day its payment was captured: tickets 1, seats as sold,
//   gross = the amount paid (seats + booking fee), fees = the booking fee in it;
// - a refund counts on the local day the gateway confirmed it (process_time): refunds = the amount
//   returned (seats and any fee refund), refunded_seats its seats;
// - net = gross - refunds.
// So gross over a period equals the captured payments of that period and refunds the succeeded
// refunds of that period, to the cent (test/reports.test.ts reconciles them). The events are summed
// ahead, exactly, by the database (migrations/023_report_rollups.sql): a year reads a few hundred
// thousand rows, not every payment. A payment captured for seats someone else got (refunded at
// once) is in gross and in refunds: net nothing.
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

// the group's key in the summed rows, and its label once grouped
const KEYS: Record<SalesGroup, { key: string; label: string; join: string }> = {
  day: { key: 'e.day', label: "to_char(g.key, 'Dy DD Mon YYYY')", join: '' },
  movie: { key: 'e.movie_id', label: 'm.title', join: 'JOIN movies m ON m.id = g.key' },
  theater: { key: 'e.theater_id', label: 'th.name', join: 'JOIN theaters th ON th.id = g.key' },
  hall: { key: 'e.hall_id', label: "th.name || ' / ' || h.name", join: 'JOIN halls h ON h.id = g.key JOIN theaters th ON th.id = h.theater_id' },
  method: { key: 'e.method', label: 'g.key', join: '' },
};

export interface SalesFilter {
  theaterId?: number;
  movieId?: number;
}

// The rollup and the deltas not yet folded into it (migrations/023_report_rollups.sql): together,
// exactly the ledger's events, summed by local day, theater, hall, movie and method.
const SUMMED = (table: string) =>
  `SELECT day, theater_id, hall_id, movie_id, method, tickets, seats, gross, fees, refunds, refunded_seats FROM ${table}
    WHERE day BETWEEN $1::date AND $2::date AND ($3::int IS NULL OR theater_id = $3) AND ($4::int IS NULL OR movie_id = $4)`;

export async function salesReport(sql: Sql, p: Period, group: SalesGroup, f: SalesFilter): Promise<SalesRow[]> {
  const k = KEYS[group];
  const { rows } = await sql.query<SalesRow>(
    `WITH g AS (
       SELECT ${k.key} AS key, sum(e.tickets)::int AS tickets, sum(e.seats)::int AS seats, sum(e.gross) AS gross, sum(e.fees) AS fees,
              sum(e.refunds) AS refunds, sum(e.refunded_seats)::int AS refunded_seats
         FROM (${SUMMED('sales_rollup')} UNION ALL ${SUMMED('sales_rollup_delta')}) e
        GROUP BY 1)
     SELECT g.key::text AS key, ${k.label} AS label, g.tickets, g.seats, g.gross::text AS gross, g.fees::text AS fees,
            g.refunds::text AS refunds, g.refunded_seats, (g.gross - g.refunds)::text AS net
       FROM g ${k.join}
      ORDER BY ${group === 'day' ? 'g.key' : 'g.gross - g.refunds DESC, g.key'}`,
    [p.from, p.to, f.theaterId ?? null, f.movieId ?? null],
  );
  return rows;
}

/** Seats sold and refunded in the period (by the day of each event), for the refund rate. */
export async function seatsSoldAndRefunded(sql: Sql, p: Period, f: SalesFilter): Promise<{ sold: number; refunded: number }> {
  const { rows } = await sql.query<{ sold: number; refunded: number }>(
    `SELECT coalesce(sum(seats), 0)::int AS sold, coalesce(sum(refunded_seats), 0)::int AS refunded
       FROM (${SUMMED('sales_rollup')} UNION ALL ${SUMMED('sales_rollup_delta')}) e`,
    [p.from, p.to, f.theaterId ?? null, f.movieId ?? null],
  );
  return rows[0];
}
