// Refunds we owe (status 'processing') sent to the gateway, and the gateway's word on them applied.
// The refund's id is its idempotency key at the gateway, so sending it again (after a crash, a
// timeout, by the reconciler on another instance) never refunds twice. A refund the gateway refuses
// outright ends 'failed' with its code: money is then owed by hand, and the row says so.
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { minorToDecimal, toMinor } from '../../lib/money.ts';
import { GatewayError, type GatewayRefund } from '../../payments/gateway.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type RefundOutcome = 'succeeded' | 'processing' | 'failed' | 'skipped';

export async function settleRefund(deps: Deps, refundId: string): Promise<RefundOutcome> {
  const { rows } = await deps.db.query<{ id: string; amount: string; reason: string | null; status: string; gateway_payment_id: string | null }>(
    `SELECT r.id, r.amount::text AS amount, r.reason, r.status, p.gateway_payment_id
       FROM refunds r JOIN payments p ON p.id = r.payment_id WHERE r.id = $1`,
    [refundId],
  );
  const r = rows[0];
  if (!r || r.status !== 'processing' || !r.gateway_payment_id) return 'skipped';
  let gr: GatewayRefund;
  try {
    gr = await deps.gateway.refund({
      idempotencyKey: r.id,
      paymentId: r.gateway_payment_id,
      amount: minorToDecimal(toMinor(r.amount)),
      reference: r.id,
      reason: r.reason ?? undefined,
    });
  } catch (err) {
    if (err instanceof GatewayError && (err.failure === 'declined' || err.failure === 'invalid' || err.failure === 'not_found')) {
      await deps.db.query(
        `UPDATE refunds SET status = 'failed', failure_code = $2, process_time = now(), updated_at = now()
          WHERE id = $1 AND status = 'processing'`,
        [r.id, err.code],
      );
      return 'failed';
    }
    if (err instanceof GatewayError) return 'processing'; // unavailable or timeout: asked again later
    throw err;
  }
  return applyRefund(deps, gr);
}

/** The gateway's state of a refund, applied monotonically (a succeeded refund never goes back). */
export async function applyRefund(deps: Deps, gr: GatewayRefund, trx?: Sql): Promise<RefundOutcome> {
  return trx ? applyIn(trx, gr) : deps.db.tx((t) => applyIn(t, gr));
}

async function applyIn(trx: Sql, gr: GatewayRefund): Promise<RefundOutcome> {
  const found = await trx.query<{ id: string; payment_id: string }>(
    `SELECT id, payment_id FROM refunds WHERE ($1::uuid IS NOT NULL AND id = $1::uuid) OR gateway_refund_id = $2 LIMIT 1`,
    [UUID.test(gr.reference) ? gr.reference : null, gr.id],
  );
  const ref = found.rows[0];
  if (!ref) return 'skipped';
  await trx.query('SELECT 1 FROM payments WHERE id = $1 FOR UPDATE', [ref.payment_id]);
  const { rows } = await trx.query<{ status: string }>('SELECT status FROM refunds WHERE id = $1 FOR UPDATE', [ref.id]);
  const status = rows[0].status;
  if (status === 'succeeded') return 'succeeded';
  if (gr.status === 'pending') {
    await trx.query(`UPDATE refunds SET gateway_refund_id = coalesce(gateway_refund_id, $2), updated_at = now() WHERE id = $1`, [ref.id, gr.id]);
    return 'processing';
  }
  if (gr.status === 'failed') {
    if (status !== 'processing') return status === 'failed' ? 'failed' : 'skipped';
    await trx.query(
      `UPDATE refunds SET status = 'failed', failure_code = $3, gateway_refund_id = coalesce(gateway_refund_id, $2),
              process_time = now(), updated_at = now()
        WHERE id = $1`,
      [ref.id, gr.id, gr.failure_code],
    );
    return 'failed';
  }
  const { rows: done } = await trx.query<{ amount: string }>(
    `UPDATE refunds SET status = 'succeeded', gateway_refund_id = coalesce(gateway_refund_id, $2), failure_code = NULL,
            process_time = now(), updated_at = now()
      WHERE id = $1 RETURNING amount::text AS amount`,
    [ref.id, gr.id],
  );
  await trx.query(
    `UPDATE payments SET refunded_amount = least(amount, refunded_amount + $2::numeric),
            status = CASE WHEN refunded_amount + $2::numeric >= amount THEN 'refunded' ELSE 'partially_refunded' END,
            updated_at = now()
      WHERE id = $1`,
    [ref.payment_id, done[0].amount],
  );
  return 'succeeded';
}
