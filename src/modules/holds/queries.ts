// Data access for holds. A hold is made with its seats by take_seats() (inventory/take-seats.ts).
import type { Sql } from '../../db/client.ts';
import { bumpSeatMap, extendHeldSeats, freeHeldSeats } from '../inventory/index.ts';

export interface HoldRow {
  id: string;
  screening_id: number;
  user_id: number;
  seat_ids: number[];
  prices: string[] | null;
  total_amount: string;
  currency: string;
  reserved_until: Date;
  status: 'active' | 'released' | 'expired' | 'converted';
  /** active and not past reserved_until, by the database clock */
  live: boolean;
  /** given more time once at checkout (extendHoldOnce) */
  extended: boolean;
  created_at: Date;
}

const HOLD_COLUMNS = `id, screening_id, user_id, seat_ids, prices::text[] AS prices, total_amount::text AS total_amount,
  currency, reserved_until, status, (status = 'active' AND reserved_until > now()) AS live, extended, created_at`;

export async function findHold(sql: Sql, id: string): Promise<HoldRow | undefined> {
  const { rows } = await sql.query<HoldRow>(`SELECT ${HOLD_COLUMNS} FROM holds WHERE id = $1`, [id]);
  return rows[0];
}

/**
 * The hold, its row locked until the transaction ends: the one way to lock a hold (releasing it,
 * checking it out, selling or expiring it on a payment, cancelling its screening).
 */
export async function lockHold(trx: Sql, id: string): Promise<HoldRow | undefined> {
  const { rows } = await trx.query<HoldRow>(`SELECT ${HOLD_COLUMNS} FROM holds WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

/**
 * Takes this customer's hold lock (take_seats_core's, until the transaction ends) before the hold is
 * checked out. A new hold replaces the customer's old one unless the old one has a ticket in
 * checkout; that check is a subquery of the replacing UPDATE, and when the UPDATE waited for the
 * checkout's row lock PostgreSQL re-checked the row with its old snapshot, where the new ticket was
 * not yet: a hold in checkout was released as replaced. Under the same lock, one waits for the other.
 */
export async function lockCustomerHolds(trx: Sql, userId: number): Promise<void> {
  await trx.query('SELECT pg_advisory_xact_lock(hold_lock_space(), $1)', [userId]);
}

/**
 * Marks the hold ended and gives back the seats it still holds; bumps the seat-map version when a
 * seat changed. Lock order as everywhere: hold, then seat states, then the screening row.
 */
export async function releaseHoldSeats(
  sql: Sql,
  hold: { id: string; screening_id: number },
  status: 'released' | 'expired',
  reason: string,
): Promise<{ seats: number[]; version: number | null }> {
  await sql.query(`UPDATE holds SET status = $2, released_at = now(), released_reason = $3 WHERE id = $1 AND status = 'active'`, [
    hold.id,
    status,
    reason,
  ]);
  const seats = await freeHeldSeats(sql, hold.screening_id, hold.id);
  if (seats.length === 0) return { seats: [], version: null };
  return { seats, version: await bumpSeatMap(sql, hold.screening_id) };
}

/** Due holds (active, past their time) marked expired, up to batch of them, skipping any locked. */
export async function expireDueHolds(trx: Sql, batch: number): Promise<{ id: string; user_id: number; screening_id: number }[]> {
  const { rows } = await trx.query<{ id: string; user_id: number; screening_id: number }>(
    `WITH due AS (
       SELECT id FROM holds WHERE status = 'active' AND reserved_until <= now()
        ORDER BY reserved_until LIMIT $1 FOR UPDATE SKIP LOCKED)
     UPDATE holds h SET status = 'expired', released_at = now(), released_reason = 'expired'
       FROM due WHERE h.id = due.id
     RETURNING h.id, h.user_id, h.screening_id`,
    [batch],
  );
  return rows;
}

/**
 * Gives a slow payer more time, once per hold: reserved_until (and its seats' held_until) becomes
 * at least now + seconds; it never shrinks. Seat statuses do not change, so no seat-map version bump.
 */
export async function extendHoldOnce(trx: Sql, hold: HoldRow, seconds: number): Promise<void> {
  if (hold.extended || seconds <= 0) return;
  const { rows } = await trx.query<{ reserved_until: Date }>(
    `UPDATE holds SET extended = true, reserved_until = greatest(reserved_until, now() + make_interval(secs => $2))
      WHERE id = $1 RETURNING reserved_until`,
    [hold.id, seconds],
  );
  await extendHeldSeats(trx, hold.screening_id, hold.id, rows[0].reserved_until);
}

/** Whole seconds the hold has left (0 when past), by the database clock. */
export async function secondsLeft(sql: Sql, holdId: string): Promise<number> {
  const { rows } = await sql.query<{ s: number }>(
    `SELECT greatest(0, floor(extract(epoch FROM reserved_until - now())))::int AS s FROM holds WHERE id = $1`,
    [holdId],
  );
  return rows[0]?.s ?? 0;
}

/** The hold became a sale: its seats are the ticket's now. */
export async function markHoldConverted(trx: Sql, holdId: string): Promise<void> {
  await trx.query(`UPDATE holds SET status = 'converted' WHERE id = $1`, [holdId]);
}

/**
 * Seats the customer's live holds of the screening keep, other than `exceptHoldId`'s: what a late
 * capture counts beside the seats sold, so a live hold (its payment on time) keeps its place under
 * the per-screening cap and the late payment is the one refunded. Read under the customer's hold lock.
 */
export async function seatsHeldElsewhere(sql: Sql, userId: number, screeningId: number, exceptHoldId: string | null): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT coalesce(sum(cardinality(seat_ids)), 0)::int AS n FROM holds
      WHERE user_id = $1 AND screening_id = $2 AND status = 'active' AND reserved_until > now()
        AND ($3::uuid IS NULL OR id <> $3::uuid)`,
    [userId, screeningId, exceptHoldId],
  );
  return rows[0].n;
}
