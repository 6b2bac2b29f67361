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
// - Rows are leased (reconcile_at) in a short transaction with FOR UPDATE SKIP LOCKED, then asked
//   about outside it: no row lock is held across a network call, several instances never ask about
//   one row at once, and a payment the gateway keeps calling pending is asked less and less often.
import type { Deps } from '../deps.ts';
import { minorToDecimal, toMinor } from '../lib/money.ts';
import { type GatewayPayment, GatewayError } from '../gateway/gateway.ts';
import { recordGatewayPayment, secondsLeft } from '../modules/checkout/queries.ts';
import type { AnomalyLog } from '../modules/payments/anomalies.ts';
import { confirmPayment, type Settlement } from '../modules/payments/confirm-payment.ts';
import { markUnpaid } from '../modules/payments/queries.ts';
import { settleRefund } from '../modules/payments/settle-refund.ts';
import { resumeCancellations } from '../modules/cancellations/run.ts';

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

interface DuePayment {
  id: string;
  gateway_payment_id: string | null;
  method: GatewayPayment['method'];
  amount: string;
  currency: string;
  hold_id: string | null;
}

/** One pass. Safe to run on any number of instances at once. `log` hears of payment anomalies. */
export async function runOnce(deps: Deps, onError: (err: unknown) => void = () => {}, log?: AnomalyLog): Promise<ReconcileResult> {
  const out: ReconcileResult = { payments: {}, refunds: {}, cancellations: [], expiredTickets: [] };
  for (const p of await leasePayments(deps)) {
    try {
      out.payments[p.id] = await reconcilePayment(deps, p, log);
    } catch (err) {
      onError(err);
    }
  }
  for (const id of await leaseRefunds(deps)) {
    try {
      out.refunds[id] = await settleRefund(deps, id);
    } catch (err) {
      onError(err);
    }
  }
  out.cancellations = await resumeCancellations(deps, onError);
  out.expiredTickets = await expireAbandonedTickets(deps);
  return out;
}

// The lease outlives a slow gateway call, and doubles with every answer that settled nothing.
const LEASE = `least(600, greatest($3::int, 5 * power(2, least(reconcile_attempts, 7))))`;

async function leasePayments(deps: Deps): Promise<DuePayment[]> {
  const { rows } = await deps.db.query<DuePayment>(
    `WITH due AS (
       SELECT id FROM payments
        WHERE status = 'pending' AND created_at <= now() - make_interval(secs => $1)
          AND (reconcile_at IS NULL OR reconcile_at <= now())
        ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE payments p SET reconcile_at = now() + make_interval(secs => ${LEASE}), reconcile_attempts = p.reconcile_attempts + 1
       FROM due, tickets t
      WHERE p.id = due.id AND t.id = p.ticket_id
     RETURNING p.id, p.gateway_payment_id, p.method, p.amount::text AS amount, p.currency, t.hold_id`,
    [deps.config.RECONCILE_AFTER_SECONDS, BATCH, leaseFloor(deps)],
  );
  return rows;
}

async function leaseRefunds(deps: Deps): Promise<string[]> {
  const { rows } = await deps.db.query<{ id: string }>(
    `WITH due AS (
       SELECT id FROM refunds
        WHERE status = 'processing' AND payment_id IS NOT NULL AND created_at <= now() - make_interval(secs => $1)
          AND (reconcile_at IS NULL OR reconcile_at <= now())
        ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE refunds r SET reconcile_at = now() + make_interval(secs => ${LEASE}), reconcile_attempts = r.reconcile_attempts + 1
       FROM due WHERE r.id = due.id
     RETURNING r.id`,
    [deps.config.RECONCILE_AFTER_SECONDS, BATCH, leaseFloor(deps)],
  );
  return rows.map((r) => r.id);
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
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    if (err.failure === 'unavailable' || err.failure === 'timeout') return 'retry';
    // declined / invalid on a re-sent create, or a gateway id the gateway does not know: no money moved
    await markUnpaid(deps.db, p.id, null, 'failed', err.code);
    return 'failed';
  }
  return confirmPayment(deps, gp, { log, source: 'reconciler' });
}

/** Tickets still pending_payment whose hold has ended and that have no payment in flight. */
async function expireAbandonedTickets(deps: Deps): Promise<string[]> {
  return deps.db.tx(async (trx) => {
    const { rows } = await trx.query<{ id: string }>(
      `WITH due AS (
         SELECT t.id FROM tickets t JOIN holds h ON h.id = t.hold_id
          WHERE t.status = 'pending_payment' AND NOT (h.status = 'active' AND h.reserved_until > now())
            AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.ticket_id = t.id AND p.status = 'pending')
          ORDER BY t.created_at LIMIT $1 FOR UPDATE OF t SKIP LOCKED)
       UPDATE tickets t SET status = 'expired', version = t.version + 1, updated_at = now()
         FROM due WHERE t.id = due.id
       RETURNING t.id`,
      [BATCH],
    );
    if (rows.length > 0) {
      await trx.query(`UPDATE ticket_seats SET status = 'void' WHERE ticket_id = ANY($1::uuid[]) AND status = 'pending'`, [rows.map((r) => r.id)]);
    }
    return rows.map((r) => r.id);
  });
}

/** Runs a pass every RECONCILE_INTERVAL_MS (never two at once in this process) until stopped. */
export function startPaymentReconciler(deps: Deps, onError: (err: unknown) => void, log?: AnomalyLog): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = (async () => {
      try {
        await runOnce(deps, onError, log);
      } catch (err) {
        onError(err);
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, deps.config.RECONCILE_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
