// Releasing a hold ends the checkout on it. Its pending gateway payments are cancelled first (best
// effort, outside the transaction: cancel-checkout.ts); then, in one transaction with the hold row
// locked, its unpaid ticket is cancelled and its seats go back on sale; after commit the seat change
// follows (inventory's afterSeatChange). A payment the gateway captures anyway is refunded when it
// arrives (confirm-payment.ts), since its ticket is cancelled. The customer's DELETE /holds/:id and
// a screening's cancellation both come here.
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import type { AuthUser } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { findHold, type HoldRow, lockHold, presentHold, releaseHoldSeats, visibleHold } from '../holds/index.ts';
import { afterSeatChange, seatEvent } from '../inventory/index.ts';
import { seatLabels } from '../seating/index.ts';
import { abandonCheckout, cancelPendingTicket } from './cancel-checkout.ts';
import { holdsEnded } from '../../metrics/business.ts';

/**
 * Ends the hold, its checkout with it. `check` sees the locked hold first: it throws to refuse, or
 * returns false to leave a hold alone. Returns the hold as it ended, or null when left alone.
 */
export async function endHold(
  deps: Deps,
  id: string,
  reason: string,
  check: (hold: HoldRow | undefined) => boolean,
  /** runs in the release's transaction (an audit entry of a release by someone else) */
  also?: (trx: Sql, hold: HoldRow) => Promise<void>,
): Promise<HoldRow | null> {
  await abandonCheckout(deps, id);
  const out = await deps.db.tx(async (trx) => {
    const hold = await lockHold(trx, id);
    if (!check(hold) || !hold) return null;
    await cancelPendingTicket(trx, id);
    const released = await releaseHoldSeats(trx, hold, 'released', reason);
    await also?.(trx, hold);
    return { hold: (await findHold(trx, id)) as HoldRow, released };
  });
  if (out === null) return null;
  const { hold, released } = out;
  holdsEnded.inc({ outcome: 'released' });
  if (released.version !== null) {
    await afterSeatChange(deps, {
      event: seatEvent(hold.screening_id, released.version, released.seats, 'available'),
      freed: [{ seatIds: released.seats, owner: `u${hold.user_id}` }],
    });
  }
  return hold;
}

/** A customer (or an admin) releases a hold at once; an admin releasing a customer's is audited. */
export async function releaseHold(deps: Deps, user: AuthUser, id: string, actor: Actor) {
  if (!visibleHold(await findHold(deps.db, id), user)) throw new AppError('hold_not_found');
  const hold = (await endHold(
    deps,
    id,
    'customer',
    (h) => {
      if (!visibleHold(h, user)) throw new AppError('hold_not_found');
      if (h.status !== 'active') throw new AppError('hold_not_active', `The hold is ${h.status}`);
      return true;
    },
    async (trx, h) => {
      if (h.user_id === user.id) return;
      await recordAudit(trx, actor, {
        action: 'hold.release',
        entity: 'hold',
        entityId: h.id,
        before: { status: h.status, user_id: h.user_id, seat_ids: h.seat_ids },
        after: { status: 'released' },
      });
    },
  )) as HoldRow;
  return presentHold(hold, await seatLabels(deps.db, hold.seat_ids));
}
