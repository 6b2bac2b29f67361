// Top movies, refund rate and reasons, no-shows: how the audience behaved in the period.
// - top movies: seats sold now (refunded seats no longer count) for screenings that start in the period
// - refund rate: seats refunded / seats sold in the period (each on the day it happened, as in the
//   sales report), with the reasons given for the refunds of the period
// - no-show: of the tickets (with a seat still sold) for screenings that started and ended in the
//   period, how many were never checked in
// Per-screening numbers come from the tally the database keeps exact (migrations/023_report_rollups.sql),
// refund reasons from their rollup (026_refund_reason_rollup.sql).
import type { Sql } from '../../db/client.ts';
import { SCREENINGS_WITH_TALLY } from './occupancy.ts';
import type { Period } from './period.ts';
import { seatsSoldAndRefunded } from './sales.ts';

export interface TopMovieRow {
  movie_id: number;
  title: string;
  screenings: number;
  seats_sold: number;
  revenue: string;
}

export async function topMovies(sql: Sql, p: Period, f: { theaterId?: number; limit: number }): Promise<TopMovieRow[]> {
  const { rows } = await sql.query<TopMovieRow>(
    `WITH x AS (${SCREENINGS_WITH_TALLY})
     SELECT m.id AS movie_id, m.title, g.screenings, g.seats_sold, g.revenue::text AS revenue
       FROM (SELECT movie_id, count(*)::int AS screenings, sum(sold)::int AS seats_sold, sum(sold_amount) AS revenue FROM x GROUP BY 1) g
       JOIN movies m ON m.id = g.movie_id
      ORDER BY g.seats_sold DESC, m.id LIMIT $4`,
    [p.from, p.to, f.theaterId ?? null, f.limit],
  );
  return rows;
}

export interface RefundSummary {
  seats_sold: number;
  seats_refunded: number;
  /** seats_refunded / seats_sold, 0-1 */
  refund_rate: number;
  by_reason: { reason: string; initiated_by: string; refunds: number; seats: number; amount: string }[];
}

export async function refundSummary(sql: Sql, p: Period, f: { theaterId?: number }): Promise<RefundSummary> {
  const seats = await seatsSoldAndRefunded(sql, p, f);
  // the refunds confirmed in the period, by reason: rollup + deltas (migrations/026_refund_reason_rollup.sql)
  const reasons = await sql.query<RefundSummary['by_reason'][number]>(
    `SELECT reason, initiated_by, sum(refunds)::int AS refunds, sum(seats)::int AS seats, sum(amount)::text AS amount
       FROM (SELECT reason, initiated_by, refunds, seats, amount FROM refund_reason_rollup
              WHERE day BETWEEN $1::date AND $2::date AND ($3::int IS NULL OR theater_id = $3)
             UNION ALL
             SELECT reason, initiated_by, refunds, seats, amount FROM refund_reason_delta
              WHERE day BETWEEN $1::date AND $2::date AND ($3::int IS NULL OR theater_id = $3)) e
      GROUP BY 1, 2 ORDER BY sum(refunds) DESC, 1`,
    [p.from, p.to, f.theaterId ?? null],
  );
  const { sold: s, refunded } = seats;
  return { seats_sold: s, seats_refunded: refunded, refund_rate: s > 0 ? Math.round((refunded / s) * 10_000) / 10_000 : 0, by_reason: reasons.rows };
}

export interface NoShowRow {
  tickets: number;
  checked_in: number;
  no_shows: number;
  /** no_shows / tickets, 0-1 */
  no_show_rate: number;
}

export async function noShows(sql: Sql, p: Period, f: { theaterId?: number }): Promise<NoShowRow> {
  const { rows } = await sql.query<{ tickets: number; checked_in: number }>(
    `WITH x AS (${SCREENINGS_WITH_TALLY})
     SELECT coalesce(sum(live_tickets), 0)::int AS tickets, coalesce(sum(checked_in_tickets), 0)::int AS checked_in FROM x WHERE x.end_time <= now()`,
    [p.from, p.to, f.theaterId ?? null],
  );
  const { tickets, checked_in } = rows[0];
  return {
    tickets,
    checked_in,
    no_shows: tickets - checked_in,
    no_show_rate: tickets > 0 ? Math.round(((tickets - checked_in) / tickets) * 10_000) / 10_000 : 0,
  };
}
