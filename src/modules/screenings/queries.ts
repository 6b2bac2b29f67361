// Data access for screenings. Writers take a transaction; the hall row lock serialises schedule
// changes per hall so two admins cannot book one hall twice.
import type { Sql } from '../../db/client.ts';
import type { Page } from '../../http/paging.ts';

export interface ScreeningRow {
  id: number;
  movie_id: number;
  theater_id: number;
  hall_id: number;
  show_time: Date;
  end_time: Date;
  price: string;
  price_3d: string | null;
  /** what the cheapest seat of this show costs (seat_prices(), as the seat map says); null without seats */
  price_from: string | null;
  currency: string;
  available_seats: number;
  is_3d: boolean;
  is_available: boolean;
  status: 'scheduled' | 'cancelled';
  version: number;
  created_at: Date;
  updated_at: Date;
}

// What a customer pays is decided in one place, seat_prices() (src/db/functions/seat_prices.sql), for the seat map and
// holds alike; a list saying "from" must ask it too. A seat's price depends on the show and the seat's
// type only, so one seat of each type the hall has stands for all of them: a few seats priced
// instead of the whole map.
const seatKinds = (hall: string) => `ARRAY(SELECT min(k.id) FROM seats k WHERE k.hall_id = ${hall} AND k.is_active GROUP BY k.seat_type)`;
const priceFrom = (screening: string, seatIds: string) => `(SELECT min(sp.price) FROM seat_prices(${screening}, ${seatIds}) sp)`;

/** A screening row as a write returns it: its price_from is read after the write (findScreening). */
export type ScreeningRecord = Omit<ScreeningRow, 'price_from'>;

const COLUMNS = `id, movie_id, theater_id, hall_id, show_time, end_time, price::text AS price,
  price_3d::text AS price_3d, currency, available_seats, is_3d, is_available, status, version, created_at, updated_at`;

export async function findScreening(sql: Sql, id: number, lock = false): Promise<ScreeningRow | undefined> {
  const { rows } = await sql.query<ScreeningRow>(
    `SELECT ${COLUMNS}, ${priceFrom('sc.id', seatKinds('sc.hall_id'))}::text AS price_from
       FROM screenings sc WHERE sc.id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

// The wire shape of a screening built by PostgreSQL; presenter.ts builds the same from a row.
const SCREENING_FIELDS = `'id', s.id, 'movie_id', s.movie_id, 'theater_id', s.theater_id, 'hall_id', s.hall_id,
  'show_time', iso8601(s.show_time), 'end_time', iso8601(s.end_time), 'price', s.price, 'price_3d', s.price_3d,
  'price_from', pf.price, 'currency', s.currency, 'available_seats', s.available_seats, 'is_3d', s.is_3d, 'is_available', s.is_available,
  'status', s.status, 'created_at', iso8601(s.created_at), 'updated_at', iso8601(s.updated_at)`;

// What a browsing customer needs beside the ids: the movie, the place and the local time.
const EXPANDED_FIELDS = `, 'local_time', to_char(s.show_time AT TIME ZONE t.time_zone, 'YYYY-MM-DD"T"HH24:MI'),
  'movie', json_build_object('id', m.id, 'title', m.title, 'duration', m.duration, 'rating', m.rating,
                             'genre', m.genre, 'poster_url', m.poster_url),
  'theater', json_build_object('id', t.id, 'name', t.name, 'city_id', t.city_id, 'time_zone', t.time_zone),
  'hall', json_build_object('id', h.id, 'name', h.name, 'screen_type', h.screen_type, 'capacity', h.capacity),
  'availability', availability(s.available_seats, h.capacity, t.sellout_alert_percents[1])`;

export interface ScreeningFilter {
  /** this one screening */
  id?: number;
  cityId?: number;
  theaterId?: number;
  movieId?: number;
  /** YYYY-MM-DD, the local date in each screening's theater time zone */
  date?: string;
  from?: string;
  to?: string;
  /** keyset position: the page starts after this (show_time, id) */
  after?: { showTime: string; id: number };
  limit: number;
  /** add movie, theater, hall and local_time to each item */
  expand?: boolean;
}

export type { Page as JsonPage } from '../../http/paging.ts';

/**
 * Upcoming open screenings matching the filter, in (show_time, id) order, as JSON built in the
 * database. A screening is on a date when it starts on that date in its theater's time zone.
 */
export async function searchScreeningsJson(sql: Sql, f: ScreeningFilter): Promise<Page> {
  const params: unknown[] = [f.limit];
  const where = [`s.show_time > now()`, `s.is_available`, `s.status = 'scheduled'`];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (f.id !== undefined) add((p) => `s.id = ${p}`, f.id);
  if (f.cityId !== undefined) add((p) => `t.city_id = ${p}`, f.cityId);
  if (f.theaterId !== undefined) add((p) => `s.theater_id = ${p}`, f.theaterId);
  if (f.movieId !== undefined) add((p) => `s.movie_id = ${p}`, f.movieId);
  if (f.date !== undefined) {
    add(
      (p) => `s.show_time >= (${p}::date)::timestamp AT TIME ZONE t.time_zone
      AND s.show_time < (${p}::date + 1)::timestamp AT TIME ZONE t.time_zone`,
      f.date,
    );
  }
  if (f.from !== undefined) add((p) => `s.show_time >= ${p}::timestamptz`, f.from);
  if (f.to !== undefined) add((p) => `s.show_time < ${p}::timestamptz`, f.to);
  if (f.after) {
    params.push(f.after.showTime, f.after.id);
    where.push(`(s.show_time, s.id) > ($${params.length - 1}::timestamptz, $${params.length}::int)`);
  }
  const needsTheater = f.cityId !== undefined || f.date !== undefined;
  const expandJoins = f.expand ? 'JOIN theaters t ON t.id = s.theater_id JOIN movies m ON m.id = s.movie_id JOIN halls h ON h.id = s.hall_id' : '';
  // One row more than the page tells whether a next page exists. The page's rows are picked first,
  // so the prices are asked for those alone, the seat types once per hall of the page.
  const { rows } = await sql.query<{ data: string; fetched: number; last_time: string | null; last_id: number | null }>(
    `WITH picked AS (
       SELECT s.id, s.hall_id
         FROM screenings s ${needsTheater ? 'JOIN theaters t ON t.id = s.theater_id' : ''}
        WHERE ${where.join(' AND ')}
        ORDER BY s.show_time, s.id LIMIT $1 + 1),
     kinds AS MATERIALIZED (
       SELECT ph.hall_id, ${seatKinds('ph.hall_id')} AS seat_ids FROM (SELECT DISTINCT hall_id FROM picked) ph),
     -- materialized: the planner, expecting one row from picked, priced every screening once per hall
     pf AS MATERIALIZED (
       SELECT p.id, ${priceFrom('p.id', 'k.seat_ids')} AS price FROM picked p JOIN kinds k ON k.hall_id = p.hall_id),
     page AS (
       SELECT json_build_object(${SCREENING_FIELDS}${f.expand ? EXPANDED_FIELDS : ''}) AS item,
              s.show_time, s.id, row_number() OVER (ORDER BY s.show_time, s.id) AS rn
         FROM pf JOIN screenings s ON s.id = pf.id ${expandJoins})
     SELECT coalesce(json_agg(item ORDER BY rn) FILTER (WHERE rn <= $1), '[]')::text AS data,
            count(*)::int AS fetched,
            (array_agg(iso8601(show_time) ORDER BY rn DESC) FILTER (WHERE rn <= $1))[1] AS last_time,
            (array_agg(id ORDER BY rn DESC) FILTER (WHERE rn <= $1))[1] AS last_id
       FROM page`,
    params,
  );
  const r = rows[0];
  const more = r.fetched > f.limit && r.last_time !== null && r.last_id !== null;
  return { data: r.data, next: more ? { showTime: r.last_time as string, id: r.last_id as number } : null };
}

export interface HallRow {
  id: number;
  theater_id: number;
  has_3d_capability: boolean;
  capacity: number;
}

export async function lockHall(sql: Sql, id: number): Promise<HallRow | undefined> {
  const { rows } = await sql.query<HallRow>(
    `SELECT h.id, h.theater_id, h.has_3d_capability,
            (SELECT count(*)::int FROM seats s WHERE s.hall_id = h.id AND s.is_active) AS capacity
       FROM halls h WHERE h.id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0];
}

export async function movieDuration(sql: Sql, id: number): Promise<number | undefined> {
  const { rows } = await sql.query<{ duration: number }>('SELECT duration FROM movies WHERE id = $1', [id]);
  return rows[0]?.duration;
}

export async function theaterExists(sql: Sql, id: number): Promise<boolean> {
  const { rows } = await sql.query('SELECT 1 FROM theaters WHERE id = $1', [id]);
  return rows.length > 0;
}

/** Another open screening in the hall whose time, widened by the cleaning gap, meets [start, end). */
export async function overlappingScreening(
  sql: Sql,
  q: { hallId: number; start: Date; end: Date; gapMinutes: number; exceptId?: number },
): Promise<number | undefined> {
  const { rows } = await sql.query<{ id: number }>(
    `SELECT id FROM screenings
      WHERE hall_id = $1 AND id <> $2 AND status = 'scheduled' AND is_available
        AND show_time < $4::timestamptz + make_interval(mins => $5)
        AND end_time + make_interval(mins => $5) > $3::timestamptz
      ORDER BY show_time LIMIT 1`,
    [q.hallId, q.exceptId ?? 0, q.start, q.end, q.gapMinutes],
  );
  return rows[0]?.id;
}

export interface ScreeningWrite {
  movieId: number;
  theaterId: number;
  hallId: number;
  showTime: Date;
  endTime: Date;
  price: string;
  price3d: string | null;
  is3d: boolean;
  currency: string;
}

export async function insertScreening(sql: Sql, w: ScreeningWrite, capacity: number): Promise<ScreeningRecord> {
  const { rows } = await sql.query<ScreeningRecord>(
    `INSERT INTO screenings (movie_id, theater_id, hall_id, show_time, end_time, price, price_3d, is_3d,
                             currency, available_seats)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
    [w.movieId, w.theaterId, w.hallId, w.showTime, w.endTime, w.price, w.price3d, w.is3d, w.currency, capacity],
  );
  return rows[0];
}

export async function updateScreeningRow(sql: Sql, id: number, w: ScreeningWrite & { isAvailable: boolean }): Promise<ScreeningRecord> {
  const { rows } = await sql.query<ScreeningRecord>(
    `UPDATE screenings SET movie_id = $2, theater_id = $3, hall_id = $4, show_time = $5, end_time = $6,
            price = $7, price_3d = $8, is_3d = $9, is_available = $10,
            version = version + 1, updated_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, w.movieId, w.theaterId, w.hallId, w.showTime, w.endTime, w.price, w.price3d, w.is3d, w.isAvailable],
  );
  return rows[0];
}

export async function setUnavailable(sql: Sql, id: number): Promise<ScreeningRecord> {
  const { rows } = await sql.query<ScreeningRecord>(
    `UPDATE screenings SET is_available = false, version = version + 1, updated_at = now()
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id],
  );
  return rows[0];
}

/** Seats that are sold, blocked or held by a hold still running: they pin the screening's hall. */
export async function seatsInUse(sql: Sql, screeningId: number): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM screening_seats
      WHERE screening_id = $1
        AND (status IN ('sold', 'blocked') OR (status = 'held' AND held_until > now()))`,
    [screeningId],
  );
  return rows[0].n;
}

export async function soldSeats(sql: Sql, screeningId: number): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ticket_seats WHERE screening_id = $1 AND status = 'sold'`, [
    screeningId,
  ]);
  return rows[0].n;
}

/** The screening is called off: off sale, status cancelled, with its reason. */
export async function markCancelled(sql: Sql, id: number, reason: string): Promise<void> {
  await sql.query(
    `UPDATE screenings SET status = 'cancelled', is_available = false, cancelled_at = now(), cancel_reason = $2,
            version = version + 1, updated_at = now()
      WHERE id = $1`,
    [id, reason],
  );
}
