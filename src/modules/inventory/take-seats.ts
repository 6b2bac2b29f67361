// Taking seats for a hold: take_seats() (src/db/functions/take_seats_core.sql) is the whole hold in
// one statement (the seats held all or nothing, the hold row written with them, the limits checked
// under the customer's own lock). It is the only writer of seat states inside the database; holds
// call it through here (one at a time) or through the batcher (take-batcher.ts).
import type { Sql } from '../../db/client.ts';

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

export interface HoldLimits {
  ttlSeconds: number;
  maxLifeSeconds: number;
  cooldownSeconds: number;
  accountSeats: number;
  screeningSeats: number;
}

/** The arguments of take_seats() / take_seats_batch() after the hold's own, in their order. */
export const limitArgs = (l: HoldLimits) => [l.maxLifeSeconds, l.cooldownSeconds, l.accountSeats, l.screeningSeats];
