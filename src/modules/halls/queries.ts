// Data access for halls and their seats. Writers take a transaction and hold the hall row lock
// (lockHall) first: the same lock screenings take to schedule a hall, so a layout never changes
// under a screening being created.
import { type Sql, PG, pgCode } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import type { LayoutSeat } from './layout.ts';
import type { SeatType } from './schemas.ts';

export interface HallRow {
  id: number;
  theater_id: number;
  name: string;
  capacity: number;
  screen_type: string | null;
  has_3d_capability: boolean;
  /** what is not a seat: {screen, aisles} (demo halls also carry their row labels) */
  layout: { screen?: string; aisles?: number[] };
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface SeatRow {
  id: number;
  row_label: string;
  number: number;
  seat_type: SeatType;
  x: number;
  y: number;
  pair_seat_id: number | null;
  companion_for_seat_id: number | null;
  is_active: boolean;
}

export type HallWithSeats = HallRow & { seats: SeatRow[] };

const COLUMNS = `h.id, h.theater_id, h.name, h.capacity, h.screen_type, h.has_3d_capability, h.layout, h.version,
  h.created_at, h.updated_at`;
const SEAT_COLUMNS = 'id, row_label, number, seat_type, x, y, pair_seat_id, companion_for_seat_id, is_active';

export async function lockHall(sql: Sql, id: number): Promise<HallRow | undefined> {
  const { rows } = await sql.query<HallRow>(`SELECT ${COLUMNS} FROM halls h WHERE h.id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

/** The hall and its active seats in one statement, so both come from one snapshot. */
export async function findHallWithSeats(sql: Sql, id: number): Promise<HallWithSeats | undefined> {
  const { rows } = await sql.query<HallWithSeats>(
    `SELECT ${COLUMNS},
            (SELECT coalesce(json_agg(json_build_object(
                      'id', s.id, 'row_label', s.row_label, 'number', s.number, 'seat_type', s.seat_type,
                      'x', s.x, 'y', s.y, 'pair_seat_id', s.pair_seat_id,
                      'companion_for_seat_id', s.companion_for_seat_id, 'is_active', s.is_active)
                    ORDER BY s.id), '[]'::json)
               FROM seats s WHERE s.hall_id = h.id AND s.is_active) AS seats
       FROM halls h WHERE h.id = $1`,
    [id],
  );
  return rows[0];
}

/** Every seat of the hall, retired ones too (a layout change brings those back by row and number). */
export async function allSeats(sql: Sql, hallId: number): Promise<SeatRow[]> {
  const { rows } = await sql.query<SeatRow>(`SELECT ${SEAT_COLUMNS} FROM seats WHERE hall_id = $1 ORDER BY id`, [hallId]);
  return rows;
}

export async function theaterExists(sql: Sql, id: number): Promise<boolean> {
  const { rows } = await sql.query('SELECT 1 FROM theaters WHERE id = $1', [id]);
  return rows.length > 0;
}

/** A page of the theater's halls in id order, after the given id. */
export async function hallsOfTheater(sql: Sql, theaterId: number, afterId: number, limit: number): Promise<HallRow[]> {
  const { rows } = await sql.query<HallRow>(`SELECT ${COLUMNS} FROM halls h WHERE h.theater_id = $1 AND h.id > $2 ORDER BY h.id LIMIT $3`, [
    theaterId,
    afterId,
    limit,
  ]);
  return rows;
}

/** Runs a write that may hit UNIQUE (theater_id, name), turning that into 409 hall_name_taken. */
export async function nameChecked<T>(name: string, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    const constraint = (err as { constraint?: string }).constraint ?? 'name';
    if (pgCode(err) === PG.uniqueViolation && constraint.includes('name')) {
      throw new AppError('hall_name_taken', `The theater already has a hall named ${JSON.stringify(name)}`);
    }
    throw err;
  }
}

export interface HallWrite {
  theaterId: number;
  name: string;
  screenType: string | null;
  has3d: boolean;
  layout: { screen: string; aisles: number[] };
  capacity: number;
}

export async function insertHall(sql: Sql, w: HallWrite): Promise<HallRow> {
  const { rows } = await sql.query<HallRow>(
    `INSERT INTO halls AS h (theater_id, name, screen_type, has_3d_capability, layout, capacity)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [w.theaterId, w.name, w.screenType, w.has3d, JSON.stringify(w.layout), w.capacity],
  );
  return rows[0];
}

export async function updateHallRow(sql: Sql, id: number, w: { name: string; screenType: string | null; has3d: boolean }): Promise<HallRow> {
  const { rows } = await sql.query<HallRow>(
    `UPDATE halls AS h
        SET name = $2, screen_type = $3, has_3d_capability = $4, version = version + 1, updated_at = now()
      WHERE h.id = $1 RETURNING ${COLUMNS}`,
    [id, w.name, w.screenType, w.has3d],
  );
  return rows[0];
}

/** New layout: {screen, aisles} and the capacity that follows from the seats. */
export async function setHallLayout(sql: Sql, id: number, layout: { screen: string; aisles: number[] }, capacity: number): Promise<void> {
  await sql.query(`UPDATE halls SET layout = $2, capacity = $3, version = version + 1, updated_at = now() WHERE id = $1`, [
    id,
    JSON.stringify(layout),
    capacity,
  ]);
}

export async function deleteHallRow(sql: Sql, id: number): Promise<void> {
  await sql.query('DELETE FROM halls WHERE id = $1', [id]);
}

/** How many screenings (any time, any status) use the hall, and the first few ids. */
export async function screeningsOfHall(sql: Sql, hallId: number): Promise<{ count: number; ids: number[] }> {
  const { rows } = await sql.query<{ count: number; ids: number[] | null }>(
    `SELECT count(*)::int AS count, (array_agg(id ORDER BY show_time DESC))[1:20] AS ids
       FROM screenings WHERE hall_id = $1`,
    [hallId],
  );
  return { count: rows[0].count, ids: rows[0].ids ?? [] };
}

/** 3D screenings of the hall that are scheduled and not over: they need the hall to stay 3D. */
export async function upcoming3dScreenings(sql: Sql, hallId: number): Promise<number[]> {
  const { rows } = await sql.query<{ id: number }>(
    `SELECT id FROM screenings
      WHERE hall_id = $1 AND is_3d AND status = 'scheduled' AND end_time > now()
      ORDER BY show_time LIMIT 20`,
    [hallId],
  );
  return rows.map((r) => r.id);
}

// ---- seats ----

/** Inserts seats (links come later, once every id exists); returns id by `row/number`. */
export async function insertSeats(sql: Sql, hallId: number, seats: LayoutSeat[]): Promise<Map<string, number>> {
  if (seats.length === 0) return new Map();
  const { rows } = await sql.query<{ id: number; row_label: string; number: number }>(
    `INSERT INTO seats (hall_id, row_label, number, seat_type, x, y)
     SELECT $1, * FROM unnest($2::text[], $3::int[], $4::text[], $5::int[], $6::int[])
     RETURNING id, row_label, number`,
    [hallId, ...seatColumns(seats)],
  );
  return new Map(rows.map((r) => [seatKey(r.row_label, r.number), r.id]));
}

/** Rewrites seats in place by id (type, position), making them active. */
export async function rewriteSeats(sql: Sql, seats: Array<LayoutSeat & { id: number }>): Promise<void> {
  if (seats.length === 0) return;
  await sql.query(
    `UPDATE seats s SET seat_type = u.seat_type, x = u.x, y = u.y, is_active = true
       FROM unnest($1::int[], $2::text[], $3::int[], $4::int[]) AS u(id, seat_type, x, y)
      WHERE s.id = u.id`,
    [seats.map((s) => s.id), seats.map((s) => s.seat_type), seats.map((s) => s.x), seats.map((s) => s.y)],
  );
}

/** Couple and companion links point at seats of the hall; cleared before types change or seats retire. */
export async function clearSeatLinks(sql: Sql, hallId: number): Promise<void> {
  await sql.query(
    `UPDATE seats SET pair_seat_id = NULL, companion_for_seat_id = NULL
      WHERE hall_id = $1 AND (pair_seat_id IS NOT NULL OR companion_for_seat_id IS NOT NULL)`,
    [hallId],
  );
}

export async function linkSeats(sql: Sql, links: Array<{ id: number; pair: number | null; companion: number | null }>): Promise<void> {
  if (links.length === 0) return;
  await sql.query(
    `UPDATE seats s SET pair_seat_id = l.pair, companion_for_seat_id = l.companion
       FROM unnest($1::int[], $2::int[], $3::int[]) AS l(id, pair, companion)
      WHERE s.id = l.id`,
    [links.map((l) => l.id), links.map((l) => l.pair), links.map((l) => l.companion)],
  );
}

export async function retireSeats(sql: Sql, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await sql.query('UPDATE seats SET is_active = false WHERE id = ANY($1::int[])', [ids]);
}

/**
 * Moves seats far away from every real position (y + 100000). Positions are unique among active
 * seats through a non-deferrable index that PostgreSQL checks row by row, so seats that trade
 * places must leave the grid before any of them takes its new place.
 */
export async function parkSeats(sql: Sql, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await sql.query('UPDATE seats SET y = y + 100000 WHERE id = ANY($1::int[])', [ids]);
}

export const seatKey = (row: string, number: number) => `${row}/${number}`;

function seatColumns(seats: LayoutSeat[]) {
  return [seats.map((s) => s.row_label), seats.map((s) => s.number), seats.map((s) => s.seat_type), seats.map((s) => s.x), seats.map((s) => s.y)];
}
