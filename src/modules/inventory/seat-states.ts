// Seat states (screening_seats): the one place that writes them outside the hold-taking function
// (take_seats_core.sql). Every writer locks rows in (screening, seat) order and bumps the
// screening's seat-map version last (seat-counters.ts), so its row lock is held only for the
// commit; after commit it calls afterSeatChange() (after-seat-change.ts).
//
// A state moves: available -> held (take_seats) -> sold (sellSeats) -> available (restockSeats, a
// refund); held -> available (freeHeldSeats: released, expired, swept); available <-> blocked
// (blockSeats / unblockSeats, admins). Rows come and go with screenings (createSeatStates,
// dropSeatStates) and with hall layouts (hall-seats.ts).
import type { Sql } from '../../db/client.ts';

export interface SeatState {
  seat_id: number;
  status: 'available' | 'held' | 'sold' | 'blocked';
  hold_id: string | null;
  /** held and held_until still ahead */
  live: boolean;
}

/** The seat rows of the screening, locked in seat-id order (the order every writer uses). */
export async function lockSeatStates(trx: Sql, screeningId: number, seatIds: number[]): Promise<SeatState[]> {
  const { rows } = await trx.query<SeatState>(
    `SELECT seat_id, status, hold_id, (status = 'held' AND held_until > now()) AS live
       FROM screening_seats WHERE screening_id = $1 AND seat_id = ANY($2::int[])
      ORDER BY seat_id FOR UPDATE`,
    [screeningId, seatIds],
  );
  return rows;
}

/** The seats a hold still holds go back on sale; returns them. */
export async function freeHeldSeats(sql: Sql, screeningId: number, holdId: string): Promise<number[]> {
  const { rows } = await sql.query<{ seat_id: number }>(
    `UPDATE screening_seats SET status = 'available', hold_id = NULL, held_until = NULL, version = version + 1,
            updated_at = now()
      WHERE screening_id = $1 AND seat_id = ANY ((SELECT seat_ids FROM holds WHERE id = $2)::int[])
        AND hold_id = $2 AND status = 'held'
      RETURNING seat_id`,
    [screeningId, holdId],
  );
  return rows.map((r) => r.seat_id);
}

/** The seats of many holds (the sweeper's batch) go back on sale; returns each freed (hold, seat). */
export async function freeSeatsOfHolds(sql: Sql, holdIds: string[]): Promise<{ hold_id: string; seat_id: number }[]> {
  if (holdIds.length === 0) return [];
  const { rows } = await sql.query<{ hold_id: string; seat_id: number }>(
    `UPDATE screening_seats ss
        SET status = 'available', hold_id = NULL, held_until = NULL, version = ss.version + 1, updated_at = now()
       FROM holds h
      WHERE h.id = ANY($1::uuid[]) AND ss.screening_id = h.screening_id AND ss.seat_id = ANY (h.seat_ids)
        AND ss.hold_id = h.id AND ss.status = 'held'
      RETURNING h.id AS hold_id, ss.seat_id`,
    [holdIds],
  );
  return rows;
}

/** A held seat's time follows its hold's (checkout gives a slow payer more time once). */
export async function extendHeldSeats(trx: Sql, screeningId: number, holdId: string, until: Date): Promise<void> {
  await trx.query(
    `UPDATE screening_seats SET held_until = $3, version = version + 1, updated_at = now()
      WHERE screening_id = $1 AND seat_id = ANY ((SELECT seat_ids FROM holds WHERE id = $2)::int[])
        AND hold_id = $2 AND status = 'held'`,
    [screeningId, holdId, until],
  );
}

/** The seats are sold to the ticket (their rows locked by the caller: lockSeatStates). */
export async function sellSeats(trx: Sql, screeningId: number, seatIds: number[], ticketId: string): Promise<void> {
  await trx.query(
    `UPDATE screening_seats SET status = 'sold', ticket_id = $3, hold_id = NULL, held_until = NULL,
            version = version + 1, updated_at = now()
      WHERE screening_id = $1 AND seat_id = ANY($2::int[])`,
    [screeningId, seatIds, ticketId],
  );
}

/**
 * Refunded seats go back on sale: only those still sold to this ticket (a repeat moves nothing).
 * Rows are locked in seat-id order first. Returns the seats freed.
 */
export async function restockSeats(trx: Sql, screeningId: number, seatIds: number[], ticketId: string): Promise<number[]> {
  const seats = [...seatIds].sort((a, b) => a - b);
  await trx.query(`SELECT 1 FROM screening_seats WHERE screening_id = $1 AND seat_id = ANY($2::int[]) ORDER BY seat_id FOR UPDATE`, [
    screeningId,
    seats,
  ]);
  const { rows } = await trx.query<{ seat_id: number }>(
    `UPDATE screening_seats SET status = 'available', ticket_id = NULL, hold_id = NULL, held_until = NULL,
            version = version + 1, updated_at = now()
      WHERE screening_id = $1 AND seat_id = ANY($2::int[]) AND status = 'sold' AND ticket_id = $3
      RETURNING seat_id`,
    [screeningId, seats, ticketId],
  );
  return rows.map((r) => r.seat_id);
}

/**
 * Blocks free seats (house seats, broken seats) in one conditional write: all or nothing.
 * Returns the seats that could not be blocked (held, sold or not in the screening).
 */
export async function blockSeats(sql: Sql, screeningId: number, seatIds: number[]): Promise<number[]> {
  const { rows } = await sql.query<{ seat_id: number }>(
    `UPDATE screening_seats
        SET status = 'blocked', hold_id = NULL, held_until = NULL, version = version + 1, updated_at = now()
      WHERE screening_id = $1 AND seat_id = ANY($2::int[])
        AND (status = 'available' OR (status = 'held' AND held_until <= now()))
      RETURNING seat_id`,
    [screeningId, seatIds],
  );
  return missing(seatIds, rows);
}

/** Unblocks blocked seats; returns the ones that were not blocked. */
export async function unblockSeats(sql: Sql, screeningId: number, seatIds: number[]): Promise<number[]> {
  const { rows } = await sql.query<{ seat_id: number }>(
    `UPDATE screening_seats SET status = 'available', version = version + 1, updated_at = now()
      WHERE screening_id = $1 AND seat_id = ANY($2::int[]) AND status = 'blocked'
      RETURNING seat_id`,
    [screeningId, seatIds],
  );
  return missing(seatIds, rows);
}

function missing(wanted: number[], rows: { seat_id: number }[]): number[] {
  const got = new Set(rows.map((r) => r.seat_id));
  return wanted.filter((id) => !got.has(id));
}

/** One seat-state row per active seat of the hall: the per-screening availability. */
export async function createSeatStates(sql: Sql, screeningId: number, hallId: number): Promise<void> {
  await sql.query(
    `INSERT INTO screening_seats (screening_id, seat_id)
     SELECT $1, id FROM seats WHERE hall_id = $2 AND is_active`,
    [screeningId, hallId],
  );
}

export async function dropSeatStates(sql: Sql, screeningId: number): Promise<void> {
  await sql.query('DELETE FROM screening_seats WHERE screening_id = $1', [screeningId]);
}

/**
 * A screening moved to another hall (nothing held, sold or blocked): its seat states are those of
 * the new hall's active seats, all available, and available_seats counts them.
 */
export async function resetSeatStates(sql: Sql, screeningId: number, hallId: number): Promise<void> {
  await dropSeatStates(sql, screeningId);
  await createSeatStates(sql, screeningId, hallId);
  await sql.query(`UPDATE screenings SET available_seats = (SELECT count(*) FROM screening_seats WHERE screening_id = $1) WHERE id = $1`, [
    screeningId,
  ]);
}
