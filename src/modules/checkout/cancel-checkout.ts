// When a customer releases a hold that is being paid: the checkout ends with it. The hold's release
// path (holds/release-hold.ts) calls the two halves:
//   1. abandonCheckout(deps, holdId), after the owner check and before its transaction: pending
//      payments are cancelled at the gateway, best effort. One the gateway reports captured is
//      confirmed instead (the customer paid after all: the hold is then converted, not released).
//   2. cancelPendingTicket(trx, holdId), inside its transaction after the hold row is locked: the
//      unpaid ticket becomes 'cancelled' and its pending payments too.
// A payment the gateway captures anyway later (the cancel did not reach it) is refunded by
// confirmPayment, since its ticket is cancelled.
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { GatewayError } from '../../gateway/gateway.ts';
import { confirmPayment } from '../payments/confirm-payment.ts';
import { closeTicket } from '../payments/queries.ts';

export async function abandonCheckout(deps: Deps, holdId: string): Promise<void> {
  const { rows } = await deps.db.query<{ gateway_payment_id: string }>(
    `SELECT p.gateway_payment_id FROM payments p JOIN tickets t ON t.id = p.ticket_id
      WHERE t.hold_id = $1 AND p.status = 'pending' AND p.gateway_payment_id IS NOT NULL`,
    [holdId],
  );
  for (const r of rows) {
    try {
      await confirmPayment(deps, await deps.gateway.cancelPayment(r.gateway_payment_id));
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      // Refused (e.g. captured a moment ago) or unreachable: settle from what the gateway says now,
      // if it answers. Best effort: otherwise the gateway expires it, or a capture is refunded.
      await deps.gateway.getPayment(r.gateway_payment_id).then(
        (gp) => confirmPayment(deps, gp),
        () => undefined,
      );
    }
  }
}

/** Returns the cancelled ticket's id, or null when the hold had no unpaid ticket. */
export async function cancelPendingTicket(trx: Sql, holdId: string): Promise<string | null> {
  const { rows } = await trx.query<{ id: string; status: string }>('SELECT id, status FROM tickets WHERE hold_id = $1 FOR UPDATE', [holdId]);
  const ticket = rows[0];
  if (ticket?.status !== 'pending_payment') return null;
  await trx.query(
    `UPDATE payments SET status = 'cancelled', failure_code = coalesce(failure_code, 'hold_released'), updated_at = now()
      WHERE ticket_id = $1 AND status = 'pending'`,
    [ticket.id],
  );
  await closeTicket(trx, ticket.id, 'cancelled');
  return ticket.id;
}
