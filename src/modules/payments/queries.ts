// Payments (the payments table): the one writer of those rows. A payment is made pending at checkout,
// told the gateway's id and next step, and ends captured, failed or cancelled; refunds move its
// refunded amount. Lock order as everywhere: hold -> ticket -> payment -> refund -> seat rows -> screening.
import type { Sql } from '../../db/client.ts';
import type { NextAction, PaymentMethod } from '../../gateway/gateway.ts';
import { RECONCILE_LEASE } from '../../db/reconcile-lease.ts';
import { uuidv7 } from '../../lib/ids.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PaymentRef {
  payment_id: string;
  ticket_id: string;
  hold_id: string | null;
  /** the ticket's customer (whose hold lock a sale takes first) */
  user_id: number;
}

/** Our payment for a gateway payment: by its reference (our id), else by the gateway's id. No lock. */
export async function findPaymentRef(sql: Sql, gateway: string, reference: string, gatewayId: string): Promise<PaymentRef | undefined> {
  const { rows } = await sql.query<PaymentRef>(
    `SELECT p.id AS payment_id, p.ticket_id, t.hold_id, t.user_id
       FROM payments p JOIN tickets t ON t.id = p.ticket_id
      WHERE ($1::uuid IS NOT NULL AND p.id = $1::uuid) OR (p.gateway = $2 AND p.gateway_payment_id = $3)
      LIMIT 1`,
    [UUID.test(reference) ? reference : null, gateway, gatewayId],
  );
  return rows[0];
}

export async function lockPayment(trx: Sql, id: string): Promise<PaymentRow> {
  const { rows } = await trx.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

export async function markCaptured(trx: Sql, paymentId: string, gatewayId: string, capturedAt: string | null): Promise<void> {
  await trx.query(
    `UPDATE payments SET status = 'captured', captured_at = coalesce($3::timestamptz, now()), failure_code = NULL,
            gateway_payment_id = coalesce(gateway_payment_id, $2), updated_at = now()
      WHERE id = $1`,
    [paymentId, gatewayId, capturedAt],
  );
}

/** A payment that ended without money (failed, cancelled, expired); never overrides a settled one. */
export async function markUnpaid(trx: Sql, paymentId: string, gatewayId: string | null, status: 'failed' | 'cancelled', failureCode: string | null) {
  await trx.query(
    `UPDATE payments SET status = $3, failure_code = coalesce($4, failure_code),
            gateway_payment_id = coalesce(gateway_payment_id, $2), updated_at = now()
      WHERE id = $1 AND status = 'pending'`,
    [paymentId, gatewayId, status, failureCode],
  );
}

export interface PaymentRow {
  id: string;
  ticket_id: string;
  gateway: string;
  gateway_payment_id: string | null;
  method: PaymentMethod;
  amount: string;
  fee: string;
  currency: string;
  status: 'pending' | 'captured' | 'failed' | 'cancelled' | 'partially_refunded' | 'refunded';
  next_action: NextAction | null;
  failure_code: string | null;
}

export const PAYMENT_COLUMNS = `id, ticket_id, gateway, gateway_payment_id, method, amount::text AS amount, fee::text AS fee,
  currency, status, next_action, failure_code`;

export async function pendingPaymentOf(trx: Sql, ticketId: string): Promise<PaymentRow | undefined> {
  const { rows } = await trx.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE ticket_id = $1 AND status = 'pending' FOR UPDATE`, [
    ticketId,
  ]);
  return rows[0];
}

export async function insertPayment(
  trx: Sql,
  p: { ticketId: string; gateway: string; method: PaymentMethod; amount: string; fee: string; currency: string; id?: string },
): Promise<PaymentRow> {
  const { rows } = await trx.query<PaymentRow>(
    `INSERT INTO payments (id, ticket_id, gateway, method, amount, fee, currency, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending') RETURNING ${PAYMENT_COLUMNS}`,
    [p.id ?? uuidv7(), p.ticketId, p.gateway, p.method, p.amount, p.fee, p.currency],
  );
  return rows[0];
}

/** After the gateway answered: its id and what the customer does next (a webhook may have set them first). */
export async function recordGatewayPayment(sql: Sql, paymentId: string, gatewayId: string, nextAction: NextAction | null): Promise<void> {
  await sql.query(
    `UPDATE payments SET gateway_payment_id = coalesce(gateway_payment_id, $2),
            next_action = coalesce(next_action, $3::jsonb), updated_at = now()
      WHERE id = $1`,
    [paymentId, gatewayId, nextAction === null ? null : JSON.stringify(nextAction)],
  );
}

/** A payment the gateway refused (nothing happened there): failed, unless something settled it meanwhile. */
export async function failPendingPayment(sql: Sql, paymentId: string, failureCode: string): Promise<void> {
  await sql.query(`UPDATE payments SET status = 'failed', failure_code = $2, updated_at = now() WHERE id = $1 AND status = 'pending'`, [
    paymentId,
    failureCode,
  ]);
}

export async function findPayment(sql: Sql, paymentId: string): Promise<PaymentRow | undefined> {
  const { rows } = await sql.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1`, [paymentId]);
  return rows[0];
}

/** Money went back before we ever saw the payment captured: all of it refunded. */
export async function markRefundedUncaptured(trx: Sql, paymentId: string): Promise<void> {
  await trx.query(`UPDATE payments SET status = 'refunded', refunded_amount = amount, updated_at = now() WHERE id = $1`, [paymentId]);
}

/**
 * Its hold was released: the ticket's pending payments that never reached the gateway (no gateway id:
 * the customer never got a way to pay them) end cancelled. One the gateway knows and has not said
 * is over (the cancel before this could not reach it) stays pending: the customer may still pay it,
 * so the reconciler keeps asking, cancels it there, and a capture is refunded (its ticket is
 * closed). Marked cancelled here, it was never asked about again: money taken, no ticket, no refund.
 */
export async function cancelPendingPayments(trx: Sql, ticketId: string): Promise<void> {
  await trx.query(
    `UPDATE payments SET status = 'cancelled', failure_code = coalesce(failure_code, 'hold_released'), updated_at = now()
      WHERE ticket_id = $1 AND status = 'pending' AND gateway_payment_id IS NULL`,
    [ticketId],
  );
}

/** A refund of the payment succeeded: its refunded amount grows (never past the amount). */
export async function addRefunded(trx: Sql, paymentId: string, amount: string): Promise<void> {
  await trx.query(
    `UPDATE payments SET refunded_amount = least(amount, refunded_amount + $2::numeric),
            status = CASE WHEN refunded_amount + $2::numeric >= amount THEN 'refunded' ELSE 'partially_refunded' END,
            updated_at = now()
      WHERE id = $1`,
    [paymentId, amount],
  );
}

/** The payment row locked, for a writer that needs it in lock order (ticket -> payment -> refund). */
export async function lockPaymentRow(trx: Sql, paymentId: string): Promise<void> {
  await trx.query('SELECT 1 FROM payments WHERE id = $1 FOR UPDATE', [paymentId]);
}

export interface DuePayment {
  id: string;
  gateway_payment_id: string | null;
  method: PaymentMethod;
  amount: string;
  currency: string;
  hold_id: string | null;
  /** pending_payment while the customer may still pay; otherwise the payment is no longer wanted */
  ticket_status: string;
}

/**
 * Payments still pending `afterSeconds` after they began, leased to the caller (reconcile_at) with
 * FOR UPDATE SKIP LOCKED, so several instances never ask the gateway about one at once.
 */
export async function leaseDuePayments(sql: Sql, afterSeconds: number, batch: number, leaseFloorSeconds: number): Promise<DuePayment[]> {
  const { rows } = await sql.query<DuePayment>(
    `WITH due AS (
       SELECT id FROM payments
        WHERE status = 'pending' AND created_at <= now() - make_interval(secs => $1)
          AND (reconcile_at IS NULL OR reconcile_at <= now())
        ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE payments p SET reconcile_at = now() + make_interval(secs => ${RECONCILE_LEASE}), reconcile_attempts = p.reconcile_attempts + 1
       FROM due, tickets t
      WHERE p.id = due.id AND t.id = p.ticket_id
     RETURNING p.id, p.gateway_payment_id, p.method, p.amount::text AS amount, p.currency, t.hold_id, t.status AS ticket_status`,
    [afterSeconds, batch, leaseFloorSeconds],
  );
  return rows;
}

/** Payments the reconciler should be asking about: pending longer than `afterSeconds`. */
export async function reconcilerBacklog(sql: Sql, afterSeconds: number): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM payments WHERE status = 'pending' AND created_at <= now() - make_interval(secs => $1)`,
    [afterSeconds],
  );
  return rows[0].n;
}

/**
 * Whether money was ever captured for a ticket of the screening (or of any screening of the theater):
 * what fixes the keys the sales reports file that money under (src/db/migrations/023_report_rollups.sql).
 */
export async function everCaptured(sql: Sql, where: { screeningId: number } | { theaterId: number }): Promise<boolean> {
  const screening = 'screeningId' in where;
  const { rows } = await sql.query<{ any: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM payments p JOIN tickets t ON t.id = p.ticket_id
                     ${screening ? '' : 'JOIN screenings s ON s.id = t.screening_id'}
                     WHERE p.captured_at IS NOT NULL AND ${screening ? 't.screening_id' : 's.theater_id'} = $1) AS any`,
    [screening ? where.screeningId : where.theaterId],
  );
  return rows[0].any;
}
