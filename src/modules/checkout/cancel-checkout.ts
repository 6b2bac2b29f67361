// When a customer releases a hold that is being paid: the checkout ends with it. The hold's release
// path (release-hold.ts) calls the two halves:
//   1. abandonCheckout(deps, holdId), after the owner check and before its transaction: pending
//      payments are cancelled at the gateway, best effort. One the gateway reports captured is
//      confirmed instead (the customer paid after all: the hold is then converted, not released).
//   2. cancelPendingTicket(trx, holdId), inside its transaction after the hold row is locked: the
//      unpaid ticket becomes 'cancelled', and so do its pending payments the gateway never knew.
// A payment the gateway still calls pending (the cancel did not reach it) stays pending: the
// reconciler asks until it is over, cancels it at the gateway, and a capture is refunded by
// confirmPayment, since its ticket is cancelled.
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { GatewayError } from '../../gateway/gateway.ts';
import { confirmPayment } from './confirm-payment.ts';
import { cancelPendingPayments } from '../payments/index.ts';
import { closeTicket, lockTicketOfHold } from '../tickets/index.ts';

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
  const ticket = await lockTicketOfHold(trx, holdId);
  if (ticket?.status !== 'pending_payment') return null;
  await cancelPendingPayments(trx, ticket.id);
  await closeTicket(trx, ticket.id, 'cancelled');
  return ticket.id;
}
