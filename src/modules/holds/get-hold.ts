// Reading a hold. A customer sees only their own holds: anyone else's id is a 404. (Releasing one
// ends its checkout too: checkout/release-hold.ts.)
import type { Static } from 'typebox';
import type { HoldSchema } from './schemas.ts';
import type { Deps } from '../../deps.ts';
import type { AuthUser } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { decimalToNumber } from '../../lib/money.ts';
import { seatLabels } from '../seating/index.ts';
import { findHold, type HoldRow } from './queries.ts';

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

export const visibleHold = (h: HoldRow | undefined, user: AuthUser): h is HoldRow =>
  h !== undefined && (h.user_id === user.id || user.role === 'admin');

export async function getHold(deps: Deps, user: AuthUser, id: string) {
  const hold = await findHold(deps.db, id);
  if (!visibleHold(hold, user)) throw new AppError('hold_not_found');
  return presentHold(hold, await seatLabels(deps.db, hold.seat_ids));
}
