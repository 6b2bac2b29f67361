// The alerts module's SQL: it owns sellout_levels and sellout_alerts, and reads the screening's
// theater thresholds and what its messages say.
import type { Sql } from '../../db/client.ts';

export interface ScreeningFacts {
  screening_id: number;
  theater_id: number;
  thresholds: number[];
  movie: string;
  theater: string;
  hall: string;
  show_time: Date;
  time_zone: string;
}

export async function screeningFacts(sql: Sql, screeningId: number): Promise<ScreeningFacts | undefined> {
  const { rows } = await sql.query<ScreeningFacts>(
    `SELECT s.id AS screening_id, s.theater_id, t.sellout_alert_percents::int[] AS thresholds, m.title AS movie, t.name AS theater,
            h.name AS hall, s.show_time, t.time_zone
       FROM screenings s JOIN theaters t ON t.id = s.theater_id JOIN movies m ON m.id = s.movie_id JOIN halls h ON h.id = s.hall_id
      WHERE s.id = $1`,
    [screeningId],
  );
  return rows[0];
}

/** The screening's last decided level (0: under every threshold), its row locked until the transaction ends. */
export async function lockLevel(trx: Sql, screeningId: number): Promise<number> {
  await trx.query('INSERT INTO sellout_levels (screening_id) VALUES ($1) ON CONFLICT (screening_id) DO NOTHING', [screeningId]);
  const { rows } = await trx.query<{ percent: number }>('SELECT percent FROM sellout_levels WHERE screening_id = $1 FOR UPDATE', [screeningId]);
  return rows[0].percent;
}

export async function setLevel(trx: Sql, screeningId: number, percent: number): Promise<void> {
  await trx.query('UPDATE sellout_levels SET percent = $2, updated_at = now() WHERE screening_id = $1', [screeningId, percent]);
}

export interface AlertRow {
  id: number;
  screening_id: number;
  threshold: number;
  direction: 'up' | 'down';
  sold: number;
  sellable: number;
  raised_at: Date;
}

const ALERT_COLUMNS = 'id::int AS id, screening_id, threshold, direction, sold, sellable, raised_at';

export async function insertAlerts(
  trx: Sql,
  screeningId: number,
  crossings: { threshold: number; direction: 'up' | 'down' }[],
  tally: { sold: number; sellable: number },
): Promise<AlertRow[]> {
  const { rows } = await trx.query<AlertRow>(
    `INSERT INTO sellout_alerts (screening_id, threshold, direction, sold, sellable)
     SELECT $1, c.threshold, c.direction, $4, $5 FROM unnest($2::int[], $3::text[]) WITH ORDINALITY AS c(threshold, direction, n)
      ORDER BY c.n
     RETURNING ${ALERT_COLUMNS}`,
    [screeningId, crossings.map((c) => c.threshold), crossings.map((c) => c.direction), tally.sold, tally.sellable],
  );
  return rows;
}

export interface AlertListRow extends AlertRow {
  theater_id: number;
  movie: string;
  theater: string;
  hall: string;
  show_time: Date;
  time_zone: string;
}

export interface AlertFilter {
  screeningId?: number;
  theaterId?: number;
  /** newest first, ids below this */
  beforeId?: number;
  /** oldest first, ids above this (the live feed) */
  afterId?: number;
  limit: number;
}

export async function listAlerts(sql: Sql, f: AlertFilter): Promise<AlertListRow[]> {
  const ascending = f.afterId !== undefined;
  const { rows } = await sql.query<AlertListRow>(
    `SELECT a.id::int AS id, a.screening_id, a.threshold, a.direction, a.sold, a.sellable, a.raised_at,
            s.theater_id, m.title AS movie, t.name AS theater, h.name AS hall, s.show_time, t.time_zone
       FROM sellout_alerts a JOIN screenings s ON s.id = a.screening_id JOIN theaters t ON t.id = s.theater_id
       JOIN movies m ON m.id = s.movie_id JOIN halls h ON h.id = s.hall_id
      WHERE ($1::int IS NULL OR a.screening_id = $1)
        AND ($2::int IS NULL OR s.theater_id = $2)
        AND ($3::bigint IS NULL OR a.id < $3)
        AND ($4::bigint IS NULL OR a.id > $4)
      ORDER BY a.id ${ascending ? 'ASC' : 'DESC'} LIMIT $5`,
    [f.screeningId ?? null, f.theaterId ?? null, f.beforeId ?? null, f.afterId ?? null, f.limit],
  );
  return rows;
}

export async function latestAlertId(sql: Sql): Promise<number> {
  const { rows } = await sql.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM sellout_alerts');
  return rows[0].id;
}
