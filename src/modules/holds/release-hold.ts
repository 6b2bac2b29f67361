// Reading and releasing a hold. A customer sees only their own holds: anyone else's id is a 404.
import type { Static } from 'typebox';
import type { HoldSchema } from './schemas.ts';
import type { Deps } from '../../deps.ts';
import type { AuthUser } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { decimalToNumber } from '../../lib/money.ts';
import { abandonCheckout, cancelPendingTicket } from '../checkout/cancel-checkout.ts';
import { seatLabels } from '../seating/seat-labels.ts';
import { seatsChanged } from '../seating/seat-map.ts';
import { findHold, type HoldRow, lockHold, releaseHoldSeats } from './queries.ts';

export function presentHold(h: HoldRow, labels: string[]): Static<typeof HoldSchema> {
  const prices = (h.prices ?? []).map((p) => decimalToNumber(p) as number);
  return {
    id: h.id,
    screening_id: h.screening_id,
    seat_ids: h.seat_ids,
    prices,
    // holds older than migration 005 have no prices: no seat lines either
    seats: h.prices === null ? [] : h.seat_ids.map((id, i) => ({ id, label: labels[i], price: prices[i] })),
    total_amount: decimalToNumber(h.total_amount) as number,
    currency: h.currency,
    // an active hold past its time is expired, whatever the sweeper has got round to
    status: h.status === 'active' && !h.live ? ('expired' as const) : h.status,
    reserved_until: h.reserved_until.toISOString(),
  };
}

const visible = (h: HoldRow | undefined, user: AuthUser): h is HoldRow => h !== undefined && (h.user_id === user.id || user.role === 'admin');

export async function getHold(deps: Deps, user: AuthUser, id: string) {
  const hold = await findHold(deps.db, id);
  if (!visible(hold, user)) throw new AppError('hold_not_found');
  return presentHold(hold, await seatLabels(deps.db, hold.seat_ids));
}

/**
 * Releases a hold at once. A hold being paid can be released too: its pending gateway payments are
 * cancelled first (best effort, outside the transaction) and its unpaid ticket is cancelled with the
 * hold; a payment the gateway captures anyway is refunded when it arrives (checkout/cancel-checkout.ts).
 */
export async function releaseHold(deps: Deps, user: AuthUser, id: string) {
  const found = await findHold(deps.db, id);
  if (!visible(found, user)) throw new AppError('hold_not_found');
  await abandonCheckout(deps, id);
  const result = await deps.db.tx(async (trx) => {
    const hold = await lockHold(trx, id);
    if (!visible(hold, user)) throw new AppError('hold_not_found');
    if (hold.status !== 'active') throw new AppError('hold_not_active', `The hold is ${hold.status}`);
    await cancelPendingTicket(trx, id);
    const released = await releaseHoldSeats(trx, hold, 'released', 'customer');
    return { hold: (await findHold(trx, id)) as HoldRow, released };
  });
  const { hold, released } = result;
  if (released.version !== null) {
    await deps.fastPath.unmark(hold.screening_id, released.seats, `u${hold.user_id}`);
    seatsChanged(deps, {
      screening_id: hold.screening_id,
      version: released.version,
      seats: released.seats.map((seatId) => ({ id: seatId, status: 'available' as const })),
    });
  }
  return presentHold(hold, await seatLabels(deps.db, hold.seat_ids));
}
