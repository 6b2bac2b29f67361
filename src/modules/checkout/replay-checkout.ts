// The answer a checkout gave, rebuilt from the payment it made: for a retry whose Idempotency-Key
// names that payment but holds no recorded answer (see http/idempotency.ts). Only once the gateway's
// answer is recorded on the payment (before that the first request may still be waiting on the
// gateway), and not for a failed payment (its answer was a refusal or a 5xx: the retry takes the
// usual path). Read back like the first answer was (checkout-view.ts).
import type { Deps } from '../../deps.ts';
import type { Outcome } from '../../http/idempotency.ts';
import { ok } from '../../http/schemas.ts';
import { checkoutView } from './checkout-view.ts';

export async function replayCheckout(deps: Deps, userId: number, paymentId: string, message: string): Promise<Outcome | undefined> {
  const { rows } = await deps.db.query<{ ticket_id: string }>(
    `SELECT p.ticket_id FROM payments p JOIN tickets t ON t.id = p.ticket_id
      WHERE p.id = $1 AND t.user_id = $2 AND p.gateway_payment_id IS NOT NULL AND p.status <> 'failed'`,
    [paymentId, userId],
  );
  if (rows.length === 0) return undefined;
  return { status: 201, body: ok(message, await checkoutView(deps.db, rows[0].ticket_id, paymentId)) };
}
