// Settles what webhooks did not: payments still 'pending' RECONCILE_AFTER_SECONDS after they began
// (a lost webhook, a gateway timeout at checkout, a process killed between the gateway's capture and
// our commit), refunds still 'processing' (a timeout or a crash after the gateway may have refunded:
// sent again with the same key, so the gateway answers with the refund it made and it is applied
// once), screening cancellations left unfinished, and tickets whose hold ended without a payment.
// - A payment without a gateway id timed out at checkout: createPayment is sent again with the same
//   idempotency key (our payment id), which returns the payment the gateway made, or makes it now.
// - Then the gateway is asked (getPayment) and its answer goes through confirmPayment, the same path
//   a webhook takes, so whichever comes first settles it and the other is a no-op. confirmPayment
//   sells only when the gateway's amount and currency are ours; otherwise the payment stays pending
//   (an anomaly, logged and counted each time it is asked about again).
// - A payment the gateway still calls pending whose ticket is closed (its hold was released while
//   the gateway could not be reached) is cancelled there; a capture that beat the cancel is refunded.
// - Rows are leased (reconcile_at) in a short transaction with FOR UPDATE SKIP LOCKED, then asked
//   about outside it: no row lock is held across a network call, several instances never ask about
//   one row at once, and a payment the gateway keeps calling pending is asked less and less often.
import type { Deps } from '../deps.ts';
import { minorToDecimal, toMinor } from '../lib/money.ts';
import { type GatewayPayment, GatewayError } from '../gateway/gateway.ts';
import type { AnomalyLog } from '../gateway/anomalies.ts';
import { resumeCancellations } from '../modules/cancellations/index.ts';
import { confirmPayment, type Settlement } from '../modules/checkout/index.ts';
import { secondsLeft } from '../modules/holds/index.ts';
import { type DuePayment, leaseDuePayments, markUnpaid, recordGatewayPayment } from '../modules/payments/index.ts';
import { leaseDueRefunds, settleRefund } from '../modules/refunds/index.ts';
import { expireAbandonedTickets } from '../modules/tickets/index.ts';
import { every } from './every.ts';

const BATCH = 50;

export interface ReconcileResult {
  /** payments asked about, with what each ended as */
  payments: Record<string, Settlement | 'retry'>;
  refunds: Record<string, string>;
  /** screenings whose unfinished cancellation this pass worked on */
  cancellations: number[];
  /** tickets closed because their hold ended with no payment in flight */
  expiredTickets: string[];
}

/** One pass. Safe to run on any number of instances at once. `log` hears of payment anomalies. */
export async function runOnce(deps: Deps, onError: (err: unknown) => void = () => {}, log?: AnomalyLog): Promise<ReconcileResult> {
  const out: ReconcileResult = { payments: {}, refunds: {}, cancellations: [], expiredTickets: [] };
  for (const p of await leaseDuePayments(deps.db, deps.config.RECONCILE_AFTER_SECONDS, BATCH, leaseFloor(deps))) {
    try {
      out.payments[p.id] = await reconcilePayment(deps, p, log);
    } catch (err) {
      onError(err);
    }
  }
  for (const id of await leaseDueRefunds(deps.db, deps.config.RECONCILE_AFTER_SECONDS, BATCH, leaseFloor(deps))) {
    try {
      out.refunds[id] = await settleRefund(deps, id);
    } catch (err) {
      onError(err);
    }
  }
  out.cancellations = await resumeCancellations(deps, onError);
  out.expiredTickets = await deps.db.tx((trx) => expireAbandonedTickets(trx, BATCH));
  return out;
}

const leaseFloor = (deps: Deps) => Math.ceil((deps.config.GATEWAY_TIMEOUT_MS * 2) / 1000);

async function reconcilePayment(deps: Deps, p: DuePayment, log?: AnomalyLog): Promise<Settlement | 'retry'> {
  let gp: GatewayPayment;
  try {
    let gatewayId = p.gateway_payment_id;
    if (gatewayId === null) {
      const made = await deps.gateway.createPayment({
        idempotencyKey: p.id,
        reference: p.id,
        amount: minorToDecimal(toMinor(p.amount)),
        currency: p.currency,
        method: p.method,
        expiresInSeconds: Math.max(60, p.hold_id ? await secondsLeft(deps.db, p.hold_id) : 0),
      });
      await recordGatewayPayment(deps.db, p.id, made.id, made.next_action);
      gatewayId = made.id;
    }
    gp = await deps.gateway.getPayment(gatewayId);
    if (gp.status === 'pending' && p.ticket_status !== 'pending_payment') {
      // its ticket is closed (the hold was released while the gateway could not be reached): cancel
      // it there; refused (paid a moment ago), the next pass finds it captured and refunds it
      gp = await deps.gateway.cancelPayment(gatewayId).catch((err: unknown) => {
        if (err instanceof GatewayError) return gp;
        throw err;
      });
    }
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    if (err.failure === 'unavailable' || err.failure === 'timeout') return 'retry';
    // declined / invalid on a re-sent create, or a gateway id the gateway does not know: no money moved
    await markUnpaid(deps.db, p.id, null, 'failed', err.code);
    return 'failed';
  }
  return confirmPayment(deps, gp, { log, source: 'reconciler' });
}

/** Runs a pass every RECONCILE_INTERVAL_MS (never two at once in this process) until stopped. */
export function startPaymentReconciler(deps: Deps, onError: (err: unknown) => void, log?: AnomalyLog): () => Promise<void> {
  return every('reconciler', deps.config.RECONCILE_INTERVAL_MS, () => runOnce(deps, onError, log), onError);
}
