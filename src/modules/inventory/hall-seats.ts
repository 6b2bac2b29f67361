// The seat states of a hall's screenings when its layout changes (halls/replace-layout.ts): locked,
// deleted, retired (blocked) or added, and the screenings' seat counters moved to match. Rows are
// taken in (screening, seat) order like every other seat-state writer.
import type { Sql } from '../../db/client.ts';

export interface SeatStateRow {
  screening_id: number;
  seat_id: number;
  status: 'available' | 'held' | 'sold' | 'blocked';
  /** held by a hold that has not run out */
  live_hold: boolean;
  /** a ticket row (pending, sold, refunded or void) points at it, so it cannot be deleted */
  referenced: boolean;
}

/**
 * Locks the seat states of these seats in screenings that have not ended, in (screening, seat)
 * order like every seat-state writer, so a hold cannot slip in between this check and the change.
 */
export async function lockSeatStatesOf(sql: Sql, seatIds: number[]): Promise<SeatStateRow[]> {
  if (seatIds.length === 0) return [];
  const { rows } = await sql.query<SeatStateRow>(
    `SELECT ss.screening_id, ss.seat_id, ss.status,
            (ss.status = 'held' AND ss.held_until > now()) AS live_hold,
            EXISTS (SELECT 1 FROM ticket_seats ts
                     WHERE ts.screening_id = ss.screening_id AND ts.seat_id = ss.seat_id) AS referenced
       FROM screening_seats ss JOIN screenings sc ON sc.id = ss.screening_id
      WHERE ss.seat_id = ANY($1::int[]) AND sc.end_time > now()
      ORDER BY ss.screening_id, ss.seat_id
        FOR UPDATE OF ss`,
    [seatIds],
  );
  return rows;
}

type StateKey = { screening_id: number; seat_id: number };

export async function deleteSeatStates(sql: Sql, keys: StateKey[]): Promise<void> {
  if (keys.length === 0) return;
  await sql.query(
    `DELETE FROM screening_seats ss USING unnest($1::int[], $2::int[]) AS k(screening_id, seat_id)
      WHERE ss.screening_id = k.screening_id AND ss.seat_id = k.seat_id`,
    [keys.map((k) => k.screening_id), keys.map((k) => k.seat_id)],
  );
}

/** Seat states a ticket row still points at stay, blocked, so the retired seat can never be sold. */
export async function retireSeatStates(sql: Sql, keys: StateKey[]): Promise<void> {
  if (keys.length === 0) return;
  await sql.query(
    `UPDATE screening_seats ss
        SET status = 'blocked', hold_id = NULL, held_until = NULL, version = version + 1, updated_at = now()
       FROM unnest($1::int[], $2::int[]) AS k(screening_id, seat_id)
      WHERE ss.screening_id = k.screening_id AND ss.seat_id = k.seat_id`,
    [keys.map((k) => k.screening_id), keys.map((k) => k.seat_id)],
  );
}

/**
 * Gives every screening of the hall that has not ended an available seat state for these seats.
 * A seat coming back finds the blocked state its retirement left (when a ticket row kept it) and
 * frees it. Returns the screening id of every state that became available.
 */
export async function addSeatStates(sql: Sql, hallId: number, seatIds: number[]): Promise<number[]> {
  if (seatIds.length === 0) return [];
  const { rows } = await sql.query<{ screening_id: number }>(
    `INSERT INTO screening_seats AS ss (screening_id, seat_id)
     SELECT sc.id, s.seat_id FROM screenings sc CROSS JOIN unnest($2::int[]) AS s(seat_id)
      WHERE sc.hall_id = $1 AND sc.end_time > now()
      ORDER BY sc.id, s.seat_id
     ON CONFLICT (screening_id, seat_id) DO UPDATE
        SET status = 'available', version = ss.version + 1, updated_at = now()
      WHERE ss.status = 'blocked'
     RETURNING ss.screening_id`,
    [hallId, seatIds],
  );
  return rows.map((r) => r.screening_id);
}

/**
 * Applies the change in available seats per screening (as a delta, like every other writer of the
 * counter, so a sale committed meanwhile is not overwritten) and bumps the seat map version of
 * every screening of the hall that has not ended: seats may have moved even when none came or went.
 */
export async function adjustHallScreenings(sql: Sql, hallId: number, deltas: Map<number, number>): Promise<number[]> {
  const { rows } = await sql.query<{ id: number }>(
    `UPDATE screenings sc
        SET available_seats = sc.available_seats
              + coalesce((SELECT d.delta FROM unnest($2::int[], $3::int[]) AS d(id, delta) WHERE d.id = sc.id), 0),
            seat_map_version = sc.seat_map_version + 1, updated_at = now()
      WHERE sc.hall_id = $1 AND sc.end_time > now()
      RETURNING sc.id`,
    [hallId, [...deltas.keys()], [...deltas.values()]],
  );
  return rows.map((r) => r.id);
}
