// Top movies, refund rate and reasons, no-shows: how the audience behaved in the period.
// - top movies: seats sold (net of seats refunded since) for screenings that start in the period
// - refund rate: seats refunded / seats sold, by the sale's local day, with the reasons given
// - no-show: of the tickets for screenings that started and ended in the period, how many were
//   never checked in
import type { Sql } from '../../db/client.ts';
import type { Period } from './period.ts';

const SCREENINGS_IN = `s.show_time >= ($1::date - 1)::timestamp AND s.show_time < ($2::date + 2)::timestamp
  AND (s.show_time AT TIME ZONE th.time_zone)::date BETWEEN $1::date AND $2::date AND ($3::int IS NULL OR s.theater_id = $3)`;

export interface TopMovieRow {
  movie_id: number;
  title: string;
  screenings: number;
  seats_sold: number;
  revenue: string;
}

export async function topMovies(sql: Sql, p: Period, f: { theaterId?: number; limit: number }): Promise<TopMovieRow[]> {
  const { rows } = await sql.query<TopMovieRow>(
    `SELECT m.id AS movie_id, m.title, count(DISTINCT s.id)::int AS screenings, count(ts.id)::int AS seats_sold,
            coalesce(sum(ts.price), 0)::text AS revenue
       FROM screenings s JOIN theaters th ON th.id = s.theater_id JOIN movies m ON m.id = s.movie_id
       LEFT JOIN ticket_seats ts ON ts.screening_id = s.id AND ts.status = 'sold'
      WHERE s.status <> 'cancelled' AND ${SCREENINGS_IN}
      GROUP BY m.id, m.title ORDER BY count(ts.id) DESC, m.id LIMIT $4`,
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
  const sold = await sql.query<{ sold: number; refunded: number }>(
    `SELECT count(*) FILTER (WHERE ts.status IN ('sold', 'refunded'))::int AS sold, count(*) FILTER (WHERE ts.status = 'refunded')::int AS refunded
       FROM tickets t JOIN ticket_seats ts ON ts.ticket_id = t.id JOIN screenings s ON s.id = t.screening_id
       JOIN theaters th ON th.id = s.theater_id
      WHERE t.purchase_time IS NOT NULL
        AND t.purchase_time >= ($1::date - 1)::timestamp AND t.purchase_time < ($2::date + 2)::timestamp
        AND (t.purchase_time AT TIME ZONE th.time_zone)::date BETWEEN $1::date AND $2::date
        AND ($3::int IS NULL OR s.theater_id = $3)`,
    [p.from, p.to, f.theaterId ?? null],
  );
  const reasons = await sql.query<RefundSummary['by_reason'][number]>(
    `SELECT coalesce(r.reason, '(none given)') AS reason, r.initiated_by, count(*)::int AS refunds,
            sum(cardinality(r.seat_ids))::int AS seats, sum(r.amount)::text AS amount
       FROM refunds r JOIN tickets t ON t.id = r.ticket_id JOIN screenings s ON s.id = t.screening_id
       JOIN theaters th ON th.id = s.theater_id
      WHERE r.status = 'succeeded'
        AND r.process_time >= ($1::date - 1)::timestamp AND r.process_time < ($2::date + 2)::timestamp
        AND (r.process_time AT TIME ZONE th.time_zone)::date BETWEEN $1::date AND $2::date
        AND ($3::int IS NULL OR s.theater_id = $3)
      GROUP BY 1, 2 ORDER BY count(*) DESC, 1`,
    [p.from, p.to, f.theaterId ?? null],
  );
  const { sold: s, refunded } = sold.rows[0];
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
    `SELECT count(*)::int AS tickets, count(*) FILTER (WHERE t.checked_in_at IS NOT NULL)::int AS checked_in
       FROM tickets t JOIN screenings s ON s.id = t.screening_id JOIN theaters th ON th.id = s.theater_id
      WHERE t.status IN ('paid', 'partially_refunded') AND s.status <> 'cancelled' AND s.end_time <= now() AND ${SCREENINGS_IN}`,
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
