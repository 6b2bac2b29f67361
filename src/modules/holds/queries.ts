// Data access for holds. take_seats() (src/db/functions/take_seats_core.sql) is the whole hold in one statement.
import type { Sql } from '../../db/client.ts';
import { type HoldLimits, limitArgs } from './hold-limits.ts';

export interface TakeResult {
  reserved_until: Date;
  total_amount: string;
  prices: string[];
  map_version: number;
  released_holds: string[] | null;
  released_seats: number[] | null;
}

export async function takeSeats(
  sql: Sql,
  a: { holdId: string; screeningId: number; userId: number; seatIds: number[]; limits: HoldLimits },
): Promise<TakeResult> {
  const { rows } = await sql.query<TakeResult>('SELECT * FROM take_seats($1, $2, $3, $4::int[], $5, $6, $7, $8, $9)', [
    a.holdId,
    a.screeningId,
    a.userId,
    a.seatIds,
    a.limits.ttlSeconds,
    ...limitArgs(a.limits),
  ]);
  return rows[0];
}

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
  /** given more time once at checkout (checkout/queries.ts extendHoldOnce) */
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
 * Releases a hold's seats (those it still holds) and marks it; bumps the seat-map version when a
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
  const { rows } = await sql.query<{ seat_id: number }>(
    `UPDATE screening_seats SET status = 'available', hold_id = NULL, held_until = NULL, version = version + 1,
            updated_at = now()
      WHERE screening_id = $1 AND seat_id = ANY ((SELECT seat_ids FROM holds WHERE id = $2)::int[])
        AND hold_id = $2 AND status = 'held'
      RETURNING seat_id`,
    [hold.screening_id, hold.id],
  );
  if (rows.length === 0) return { seats: [], version: null };
  const v = await sql.query<{ seat_map_version: number }>(
    'UPDATE screenings SET seat_map_version = seat_map_version + 1 WHERE id = $1 RETURNING seat_map_version',
    [hold.screening_id],
  );
  return { seats: rows.map((r) => r.seat_id), version: v.rows[0].seat_map_version };
}
