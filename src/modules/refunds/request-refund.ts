// A customer's refund of a ticket, whole or some seats. Steps, none holding a lock across the network:
//   1. one transaction: lock the ticket, apply the policy (refund-quote.ts: the same rules the quote
//      shows), write the refund row with its amount and seats: 'processing', or 'pending_review' when
//      the amount is over the policy's review threshold (then staff approve it: review-refund.ts).
//      The seats stay SOLD; the ticket does not change. Commit.
//   2. the gateway's refund, idempotency key = reference = the refund id.
//   3. its yes is applied in one transaction (settle-refund.ts: refund succeeded, seats back
//      on sale, ticket partially_refunded / refunded, payment's refunded amount, the confirmation
//      queued), then the live map hears of it.
// A gateway that says no (declined, invalid) or cannot be reached leaves the refund 'failed' and the
// ticket, its seats and the money as they were: 502 / 503, and a new request may be made. A timeout
// means the refund may have happened: it stays 'processing', the answer is 202, and the reconciler
// asks the gateway again with the same key until it completes, once.
import type { Deps } from '../../deps.ts';
import type { AuthUser } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { minorToDecimal } from '../../lib/money.ts';
import { type SendResult, sendRefund } from './settle-refund.ts';
import { presentRefund, type RefundView } from './presenter.ts';
import { findRefund, insertRefund, type QuoteSnapshot, senderLeaseSeconds } from './queries.ts';
import { type Evaluation, evaluate, loadRefundContext } from './refund-quote.ts';

export interface RefundRequest {
  ticketId: string;
  user: AuthUser;
  /** absent: every seat still sold */
  seatIds?: number[];
  reason: string;
  /** the refund's id when the caller names it first (its Idempotency-Key records it: replay-refund.ts) */
  refundId?: string;
}

/** What a customer's refund request says (replay-refund.ts says the same when it rebuilds an answer). */
export const REFUND_IN_REVIEW = 'Refund requested: it waits for review by our staff';
export const REFUND_COMPLETED = 'Refund completed';

export interface RefundAnswer<Ok extends 200 | 201 = 200 | 201> {
  status: Ok | 202;
  message: string;
  refund: RefundView;
}

export async function requestRefund(deps: Deps, input: RefundRequest): Promise<RefundAnswer<201>> {
  const { id, review } = await deps.db.tx(async (trx) => {
    const ctx = await loadRefundContext(trx, input.ticketId, true);
    if (!ctx || ctx.user_id !== input.user.id) {
      if (ctx && input.user.role === 'admin') {
        throw new AppError('forbidden', "A refund is requested by the ticket's owner; staff review requests or cancel the screening");
      }
      throw new AppError('ticket_not_found');
    }
    const e = await evaluate(trx, ctx, input.seatIds);
    if (e.refusal) {
      const inFlight = e.refusal === 'refund_in_progress' ? { refund_id: ctx.open_refund?.id } : {};
      throw new AppError(e.refusal, e.detail ?? undefined, { ticket_id: ctx.id, ...inFlight });
    }
    const refundId = await insertRefund(trx, {
      id: input.refundId,
      ticketId: ctx.id,
      paymentId: ctx.payment_id as string,
      seatIds: e.seats.map((s) => s.id),
      amount: minorToDecimal(e.lines.amountMinor),
      feeAmount: minorToDecimal(e.lines.feeMinor),
      currency: ctx.currency,
      status: e.needsReview ? 'pending_review' : 'processing',
      reason: input.reason,
      initiatedBy: 'customer',
      requestedBy: input.user.id,
      quote: snapshot(e),
      leaseSeconds: senderLeaseSeconds(deps.config.GATEWAY_TIMEOUT_MS),
    });
    return { id: refundId, review: e.needsReview };
  });
  if (review) {
    return { status: 202, message: REFUND_IN_REVIEW, refund: await viewOf(deps, id) };
  }
  return answerAfterSend(deps, id, await sendRefund(deps, id, { failWhenUnavailable: true }), 201);
}

export function snapshot(e: Evaluation): QuoteSnapshot {
  return {
    percent: e.lines.percent,
    tier: e.lines.tier,
    seats: e.lines.seats.map((s) => ({ id: s.id, label: s.label, price: minorToDecimal(s.priceMinor), refund: minorToDecimal(s.refundMinor) })),
    fee_refund: minorToDecimal(e.lines.feeMinor),
  };
}

async function viewOf(deps: Deps, id: string): Promise<RefundView> {
  return presentRefund((await findRefund(deps.db, id)) as NonNullable<Awaited<ReturnType<typeof findRefund>>>);
}

/**
 * The answer once the gateway was called, read back from the database (a webhook may have settled
 * the refund meanwhile): succeeded -> `okStatus`; failed -> 502 refund_declined / gateway_error or
 * 503 gateway_unavailable, with the failed refund; still processing -> 202.
 */
export async function answerAfterSend<Ok extends 200 | 201>(deps: Deps, id: string, sent: SendResult, okStatus: Ok): Promise<RefundAnswer<Ok>> {
  const refund = await viewOf(deps, id);
  if (refund.status === 'succeeded') return { status: okStatus, message: REFUND_COMPLETED, refund };
  if (refund.status === 'failed') {
    const details = { refund, failure_code: refund.failure_code };
    if (sent.failure === 'declined') throw new AppError('refund_declined', undefined, details);
    if (sent.failure === 'unavailable') {
      throw new AppError('gateway_unavailable', 'The payment gateway is unavailable; nothing was refunded. Try again.', details, {
        'Retry-After': '5',
      });
    }
    throw new AppError('gateway_error', `The payment gateway refused the refund (${refund.failure_code}); nothing was refunded`, details);
  }
  // still in flight: the reconciler may take it over now (this sender's lease ends with its call)
  await deps.db.query(`UPDATE refunds SET reconcile_at = NULL WHERE id = $1 AND status = 'processing'`, [id]);
  const message =
    sent.failure === 'timeout'
      ? 'The payment gateway did not confirm the refund in time; it completes by itself: follow GET /refunds/{id}'
      : sent.failure === 'unavailable'
        ? 'The payment gateway is unavailable; the refund is sent again automatically: follow GET /refunds/{id}'
        : 'Refund is processing';
  return { status: 202, message, refund };
}
