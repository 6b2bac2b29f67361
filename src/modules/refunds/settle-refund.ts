// Refunds we owe (status 'processing') sent to the gateway, and the gateway's word on them applied.
// The refund's id is its idempotency key at the gateway, so sending it again (after a crash, a
// timeout, by the reconciler on another instance) never refunds twice. A refund the gateway refuses
// outright ends 'failed' with its code: nothing moved there.
//
// The gateway's yes is applied in ONE transaction (applyRefund), whoever brings it (the caller that
// sent it, the webhook, the reconciler): refund succeeded, payment's refunded amount, and for a
// customer's or the cinema's refund the restock: its seats refunded on the ticket, back to
// 'available' (version + 1), the ticket partially_refunded / refunded, available_seats and the
// seat-map version; a customer's refund also queues its confirmation. After commit the seat event
// goes out (live map, cached maps stale). Monotonic: a succeeded refund never changes again.
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { minorToDecimal, toMinor } from '../../lib/money.ts';
import { type CreateRefundInput, GatewayError, type GatewayFailure, type GatewayRefund } from '../../gateway/gateway.ts';
import { afterSeatChange, type SeatsChanged } from '../inventory/index.ts';
import { addRefunded, lockPaymentRow } from '../payments/index.ts';
import { enqueueRefundSucceeded, lockTicketRow, restockRefundedSeats } from '../tickets/index.ts';
import { refundsSettled } from '../../metrics/business.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RefundOutcome = 'succeeded' | 'processing' | 'failed' | 'skipped';

export interface SendResult {
  outcome: RefundOutcome;
  /** why the gateway gave no yes, when it did not */
  failure?: GatewayFailure;
  code?: string;
}

export interface SendOptions {
  /**
   * A customer asking right now gets "failed, try again" when the gateway cannot be reached (nothing
   * happened there). Refunds that are owed (late payments, approved requests, cancellations) stay
   * 'processing' instead and the reconciler sends them again. Default false.
   */
  failWhenUnavailable?: boolean;
}

/** Sends a 'processing' refund to the gateway and applies the answer. */
export async function sendRefund(deps: Deps, refundId: string, opts: SendOptions = {}): Promise<SendResult> {
  const { rows } = await deps.db.query<{ id: string; amount: string; reason: string | null; status: string; gateway_payment_id: string | null }>(
    `SELECT r.id, r.amount::text AS amount, r.reason, r.status, p.gateway_payment_id
       FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = $1`,
    [refundId],
  );
  const r = rows[0];
  if (r?.status !== 'processing' || !r.gateway_payment_id) return { outcome: 'skipped' };
  let gr: GatewayRefund;
  try {
    gr = await refundAtGateway(deps, {
      idempotencyKey: r.id,
      paymentId: r.gateway_payment_id,
      amount: minorToDecimal(toMinor(r.amount)),
      reference: r.id,
      reason: r.reason ?? undefined,
    });
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    const final = err.failure === 'declined' || err.failure === 'invalid' || err.failure === 'not_found';
    if (final || (err.failure === 'unavailable' && opts.failWhenUnavailable)) {
      await markRefundFailed(deps.db, r.id, err.code);
      refundsSettled.inc({ outcome: 'failed' });
      return { outcome: 'failed', failure: err.failure, code: err.code };
    }
    // unavailable (owed: sent again later, same key) or timeout (it may have happened, refundAtGateway)
    refundsSettled.inc({ outcome: 'processing' });
    return { outcome: 'processing', failure: err.failure, code: err.code };
  }
  const outcome = await applyRefund(deps, gr);
  refundsSettled.inc({ outcome });
  return { outcome };
}

// Codes of a connection that broke after our request may have gone out (http-gateway.ts: a reset,
// "other side closed", a broken pipe; or a network error it cannot name). Refused or unresolved
// connections and the gateway's own 5xx are not among them: those never reached a gateway that acted.
const MAY_HAVE_ARRIVED = new Set(['connection_reset', 'network_error']);

/**
 * The gateway's refund, sent once more with the same key when the connection broke under the first
 * call: the gateway may have made the refund and only its answer was lost. Called failed on that
 * first word, the refund would be asked for again under a new refund id, a new key, and a partial
 * refund (which the payment still covers) would be made twice. The same key answers with the refund
 * the gateway made, or makes it now. Whatever else the retry meets (another break, a refused
 * connection, a 409 while the gateway still works on the key, a 5xx) says nothing about the first
 * call: the outcome stays unknown, a timeout, never failed (the refund stays processing and the
 * reconciler asks again with the same key).
 */
async function refundAtGateway(deps: Deps, input: CreateRefundInput): Promise<GatewayRefund> {
  try {
    return await deps.gateway.refund(input);
  } catch (err) {
    if (!(err instanceof GatewayError && err.failure === 'unavailable' && MAY_HAVE_ARRIVED.has(err.code))) throw err;
  }
  try {
    return await deps.gateway.refund(input);
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    throw new GatewayError('timeout', err.code, `the first call may have arrived; the retry with its key: ${err.message}`);
  }
}

/** The reconciler's and confirmPayment's form: the outcome only. */
export async function settleRefund(deps: Deps, refundId: string): Promise<RefundOutcome> {
  return (await sendRefund(deps, refundId)).outcome;
}

/** Only a refund still in flight fails; one the gateway confirmed meanwhile stays succeeded. */
export async function markRefundFailed(sql: Sql, refundId: string, code: string): Promise<void> {
  await sql.query(
    `UPDATE refunds SET status = 'failed', failure_code = $2, process_time = now(), version = version + 1, updated_at = now()
      WHERE id = $1 AND status = 'processing'`,
    [refundId, code],
  );
}

export interface Applied {
  outcome: RefundOutcome;
  /** the restock, to announce after commit (afterRestock) */
  restocked?: SeatsChanged;
}

/** The gateway's state of a refund applied in its own transaction; the seat event follows the commit. */
export async function applyRefund(deps: Deps, gr: GatewayRefund): Promise<RefundOutcome> {
  const out = await deps.db.tx((trx) => applyRefundIn(trx, gr));
  await afterRestock(deps, out.restocked);
  return out.outcome;
}

/** After the restock committed: live viewers and cached maps hear of it; the buyer's seat marks go. */
export async function afterRestock(deps: Deps, r: SeatsChanged | null | undefined): Promise<void> {
  if (r) await afterSeatChange(deps, r);
}

/**
 * The same inside the caller's transaction (the webhook records its event there); the caller
 * calls afterRestock after its commit. Lock order: ticket -> payment -> refund -> seats -> screening.
 */
export async function applyRefundIn(trx: Sql, gr: GatewayRefund): Promise<Applied> {
  const found = await trx.query<{ id: string; payment_id: string; ticket_id: string }>(
    `SELECT id, payment_id, ticket_id FROM refunds
      WHERE ($1::uuid IS NOT NULL AND id = $1::uuid) OR gateway_refund_id = $2 LIMIT 1`,
    [UUID.test(gr.reference) ? gr.reference : null, gr.id],
  );
  const ref = found.rows[0];
  if (!ref) return { outcome: 'skipped' };
  await lockTicketRow(trx, ref.ticket_id);
  await lockPaymentRow(trx, ref.payment_id);
  const { rows } = await trx.query<{ status: string; amount: string; seat_ids: number[]; initiated_by: 'customer' | 'cinema' | 'system' }>(
    'SELECT status, amount::text AS amount, seat_ids, initiated_by FROM refunds WHERE id = $1 FOR UPDATE',
    [ref.id],
  );
  const refund = rows[0];
  if (refund.status === 'succeeded') return { outcome: 'succeeded' };
  if (gr.status === 'pending') {
    await trx.query(`UPDATE refunds SET gateway_refund_id = coalesce(gateway_refund_id, $2), updated_at = now() WHERE id = $1`, [ref.id, gr.id]);
    return { outcome: 'processing' };
  }
  if (gr.status === 'failed') {
    if (refund.status !== 'processing') return { outcome: refund.status === 'failed' ? 'failed' : 'skipped' };
    await trx.query(
      `UPDATE refunds SET status = 'failed', failure_code = $3, gateway_refund_id = coalesce(gateway_refund_id, $2),
              process_time = now(), version = version + 1, updated_at = now()
        WHERE id = $1`,
      [ref.id, gr.id, gr.failure_code],
    );
    return { outcome: 'failed' };
  }
  // succeeded: money went back. It wins over anything we had recorded (as a capture does).
  await trx.query(
    `UPDATE refunds SET status = 'succeeded', gateway_refund_id = coalesce(gateway_refund_id, $2), failure_code = NULL,
            process_time = now(), version = version + 1, updated_at = now()
      WHERE id = $1`,
    [ref.id, gr.id],
  );
  await addRefunded(trx, ref.payment_id, refund.amount);
  // A system refund gives back a payment that bought nothing (or a second payment): no seats move.
  if (refund.initiated_by === 'system') return { outcome: 'succeeded' };
  const restocked = await restockRefundedSeats(trx, ref.ticket_id, ref.id, refund.seat_ids);
  if (refund.initiated_by === 'customer') await enqueueRefundSucceeded(trx, ref.ticket_id, ref.id);
  return { outcome: 'succeeded', restocked: restocked ?? undefined };
}
