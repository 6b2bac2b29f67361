// Data access for refunds. Lock order as everywhere: ticket -> payment -> refund -> seats -> screening.
import type { Sql } from '../../db/client.ts';
import { RECONCILE_LEASE } from '../../db/reconcile-lease.ts';
import type { PaymentRow } from '../payments/index.ts';
import type { LockedTicket } from '../tickets/index.ts';

export type RefundStatus = 'requested' | 'pending_review' | 'processing' | 'succeeded' | 'failed' | 'rejected';
export const REFUND_STATUSES: readonly RefundStatus[] = ['requested', 'pending_review', 'processing', 'succeeded', 'failed', 'rejected'];
export type Initiator = 'customer' | 'cinema' | 'system';

export interface RefundRow {
  id: string;
  ticket_id: string;
  user_id: number;
  screening_id: number;
  payment_id: string | null;
  seat_ids: number[];
  amount: string;
  fee_amount: string;
  currency: string;
  status: RefundStatus;
  reason: string | null;
  initiated_by: Initiator;
  requested_by: number | null;
  gateway_refund_id: string | null;
  failure_code: string | null;
  quote: QuoteSnapshot | null;
  cancellation_id: number | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  review_note: string | null;
  version: number;
  request_time: Date;
  process_time: Date | null;
  created_at: Date;
  updated_at: Date;
  /** (created_at, id) as text with microseconds: the keyset of GET /refunds */
  page_key: string;
}

/** What the policy said when the refund was asked for (refunds.quote). */
export interface QuoteSnapshot {
  percent: number;
  tier: { min_hours_before: number; percent: number } | null;
  seats: { id: number; label: string; price: string; refund: string }[];
  fee_refund: string;
}

const COLUMNS = `r.id, r.ticket_id, t.user_id, t.screening_id, r.payment_id, r.seat_ids, r.amount::text AS amount,
  r.fee_amount::text AS fee_amount, r.currency, r.status, r.reason, r.initiated_by, r.requested_by, r.gateway_refund_id,
  r.failure_code, r.quote, r.cancellation_id, r.reviewed_by, r.reviewed_at, r.review_note, r.version, r.request_time,
  r.process_time, r.created_at, r.updated_at,
  to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS page_key`;

export async function findRefund(sql: Sql, id: string, lock = false): Promise<RefundRow | undefined> {
  const { rows } = await sql.query<RefundRow>(
    `SELECT ${COLUMNS} FROM refunds r JOIN tickets t ON t.id = r.ticket_id WHERE r.id = $1${lock ? ' FOR UPDATE OF r' : ''}`,
    [id],
  );
  return rows[0];
}

export interface NewRefund {
  ticketId: string;
  paymentId: string;
  seatIds: number[];
  amount: string;
  feeAmount: string;
  currency: string;
  status: 'pending_review' | 'processing';
  reason: string | null;
  initiatedBy: 'customer' | 'cinema';
  requestedBy: number | null;
  quote: QuoteSnapshot;
  cancellationId?: number;
  /** seconds the reconciler leaves it alone: its sender is about to call the gateway itself */
  leaseSeconds: number;
  /** the refund's id when the caller names it first (a customer's Idempotency-Key records it: replay-refund.ts) */
  id?: string;
}

export async function insertRefund(trx: Sql, r: NewRefund): Promise<string> {
  const { rows } = await trx.query<{ id: string }>(
    `INSERT INTO refunds (ticket_id, payment_id, seat_ids, amount, fee_amount, currency, status, reason, initiated_by,
                          requested_by, quote, cancellation_id, reconcile_at, id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12, now() + make_interval(secs => $13),
             coalesce($14::uuid, gen_random_uuid()))
     RETURNING id`,
    [
      r.ticketId,
      r.paymentId,
      r.seatIds,
      r.amount,
      r.feeAmount,
      r.currency,
      r.status,
      r.reason,
      r.initiatedBy,
      r.requestedBy,
      JSON.stringify(r.quote),
      r.cancellationId ?? null,
      r.leaseSeconds,
      r.id ?? null,
    ],
  );
  return rows[0].id;
}

export interface RefundFilter {
  status?: RefundStatus;
  ticketId?: string;
  screeningId?: number;
  initiatedBy?: Initiator;
  from?: string;
  to?: string;
  /** only refunds of this customer's tickets (GET /me/refunds) */
  userId?: number;
  after?: { key: string; id: string };
  limit: number;
}

/** Newest first, after a (created_at, id) key. */
export async function listRefunds(sql: Sql, f: RefundFilter): Promise<RefundRow[]> {
  const { rows } = await sql.query<RefundRow>(
    `SELECT ${COLUMNS} FROM refunds r JOIN tickets t ON t.id = r.ticket_id
      WHERE ($1::text IS NULL OR r.status = $1)
        AND ($2::uuid IS NULL OR r.ticket_id = $2)
        AND ($3::int IS NULL OR t.screening_id = $3)
        AND ($4::text IS NULL OR r.initiated_by = $4)
        AND ($5::timestamptz IS NULL OR r.created_at >= $5)
        AND ($6::timestamptz IS NULL OR r.created_at < $6)
        AND ($7::timestamptz IS NULL OR (r.created_at, r.id) < ($7::timestamptz, $8::uuid))
        AND ($10::int IS NULL OR t.user_id = $10)
      ORDER BY r.created_at DESC, r.id DESC LIMIT $9`,
    [
      f.status ?? null,
      f.ticketId ?? null,
      f.screeningId ?? null,
      f.initiatedBy ?? null,
      f.from ?? null,
      f.to ?? null,
      f.after?.key ?? null,
      f.after?.id ?? null,
      f.limit,
      f.userId ?? null,
    ],
  );
  return rows;
}

/** Seconds the sender of a refund keeps the reconciler away: as the reconciler's own lease. */
export const senderLeaseSeconds = (gatewayTimeoutMs: number) => Math.ceil((gatewayTimeoutMs * 2) / 1000);

export async function insertSystemRefund(trx: Sql, t: LockedTicket, p: PaymentRow, reason: string): Promise<string> {
  const { rows } = await trx.query<{ id: string }>(
    `INSERT INTO refunds (ticket_id, payment_id, seat_ids, amount, currency, status, reason, initiated_by)
     VALUES ($1, $2, $3, $4, $5, 'processing', $6, 'system') RETURNING id`,
    [t.id, p.id, t.seat_ids, p.amount, p.currency, reason],
  );
  return rows[0].id;
}

/** Refunds still processing `afterSeconds` after they were made, leased like due payments. */
export async function leaseDueRefunds(sql: Sql, afterSeconds: number, batch: number, leaseFloorSeconds: number): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>(
    `WITH due AS (
       SELECT id FROM refunds
        WHERE status = 'processing' AND payment_id IS NOT NULL AND created_at <= now() - make_interval(secs => $1)
          AND (reconcile_at IS NULL OR reconcile_at <= now())
        ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE refunds r SET reconcile_at = now() + make_interval(secs => ${RECONCILE_LEASE}), reconcile_attempts = r.reconcile_attempts + 1
       FROM due WHERE r.id = due.id
     RETURNING r.id`,
    [afterSeconds, batch, leaseFloorSeconds],
  );
  return rows.map((r) => r.id);
}

/** A customer's request waiting for review, overtaken by the screening's cancellation. */
export async function rejectForCancellation(trx: Sql, refundId: string): Promise<void> {
  await trx.query(
    `UPDATE refunds SET status = 'rejected', review_note = 'The screening was cancelled: the cinema refunds the ticket in full',
            reviewed_at = now(), process_time = now(), version = version + 1, updated_at = now()
      WHERE id = $1`,
    [refundId],
  );
}

/** A refund of nothing (free seats, no fee): done without the gateway. */
export async function markSucceededWithoutGateway(trx: Sql, refundId: string): Promise<void> {
  await trx.query(`UPDATE refunds SET status = 'succeeded', process_time = now(), version = version + 1 WHERE id = $1`, [refundId]);
}

/** Up to `batch` of a cancellation's processing refunds not leased by anyone, leased for `leaseSeconds`. */
export async function leaseCancellationRefunds(sql: Sql, cancellationId: number, batch: number, leaseSeconds: number): Promise<string[]> {
  const { rows } = await sql.query<{ id: string }>(
    `WITH due AS (
       SELECT id FROM refunds
        WHERE cancellation_id = $1 AND status = 'processing' AND (reconcile_at IS NULL OR reconcile_at <= now())
        ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
     UPDATE refunds r SET reconcile_at = now() + make_interval(secs => $3), reconcile_attempts = r.reconcile_attempts + 1
       FROM due WHERE r.id = due.id
     RETURNING r.id`,
    [cancellationId, batch, leaseSeconds],
  );
  return rows.map((r) => r.id);
}
