// The answer a hold request gave, rebuilt from the hold it made: for a retry whose Idempotency-Key
// names that hold but holds no recorded answer (the hold committed, recording the answer failed; see
// http/idempotency.ts). The hold row exists only once its batch committed, so finding it means the
// first attempt succeeded. Same presenter as the first answer; the holds it replaced are the ones
// released as 'replaced' in its own transaction (same transaction time as its creation).
import type { Deps } from '../../deps.ts';
import type { Outcome } from '../../http/idempotency.ts';
import { ok } from '../../http/schemas.ts';
import { seatLabels } from '../seating/index.ts';
import { presentNewHold } from './create-hold.ts';
import { findHold } from './queries.ts';

export async function replayNewHold(deps: Deps, userId: number, holdId: string, message: string): Promise<Outcome | undefined> {
  const hold = await findHold(deps.db, holdId);
  if (!hold || hold.user_id !== userId) return undefined;
  const { rows } = await deps.db.query<{ id: string }>(
    `SELECT r.id FROM holds h JOIN holds r
         ON r.user_id = h.user_id AND r.screening_id = h.screening_id AND r.released_reason = 'replaced'
        AND r.released_at = h.created_at AND r.id <> h.id
      WHERE h.id = $1 ORDER BY r.id`,
    [holdId],
  );
  const taken = {
    reserved_until: hold.reserved_until,
    total_amount: hold.total_amount,
    prices: hold.prices ?? [],
    map_version: 0,
    released_holds: rows.length > 0 ? rows.map((r) => r.id) : null,
    released_seats: null,
  };
  const input = { screeningId: hold.screening_id, userId, seatIds: hold.seat_ids };
  return { status: 201, body: ok(message, presentNewHold(deps, hold.id, input, hold.seat_ids, taken, await seatLabels(deps.db, hold.seat_ids))) };
}
