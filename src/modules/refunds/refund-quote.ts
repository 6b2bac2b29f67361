// What refunding (some seats of) a ticket would return now, and whether the customer may: read by
// GET /tickets/{id}/refund-quote and, under the ticket's row lock, by the refund request itself, so
// the two always agree. "Now" is the database's clock (now()), the one every instance shares.
import type { Static } from 'typebox';
import type { QuoteSchema } from './schemas.ts';
import type { Sql } from '../../db/client.ts';
import { AppError, ERRORS, type ErrorCode } from '../../http/errors.ts';
import { cashUnitMinor, minorToNumber, toMinor } from '../../lib/money.ts';
import { effectivePolicy, type PolicyRow, presentPolicy, reviewThresholdMinor, rulesOf } from './policy.ts';
import { type AppliedTier, type QuoteLines, quoteLines } from './quote.ts';

export interface TicketSeatRow {
  id: number;
  label: string;
  price: string;
  status: 'pending' | 'sold' | 'refunded' | 'void';
}

export interface RefundContext {
  id: string;
  user_id: number;
  status: 'pending_payment' | 'paid' | 'expired' | 'cancelled' | 'partially_refunded' | 'refunded';
  screening_id: number;
  checked_in_at: Date | null;
  fee_amount: string;
  currency: string;
  show_time: Date;
  screening_status: 'scheduled' | 'cancelled';
  theater_id: number;
  now: Date;
  /** whole seconds from now to the show (negative once it started) */
  seconds_before: number;
  /** when the ticket was paid for, and whole seconds since (null: never paid) */
  purchase_time: Date | null;
  seconds_since_purchase: number | null;
  seats: TicketSeatRow[];
  /** fee already returned by earlier refunds of the ticket */
  fee_refunded: string;
  open_refund: { id: string; status: string } | null;
  /** the captured payment that paid the ticket */
  payment_id: string | null;
}

/** The ticket with everything a refund decision needs; `lock` takes the ticket row (FOR UPDATE) first. */
export async function loadRefundContext(sql: Sql, ticketId: string, lock = false): Promise<RefundContext | undefined> {
  // The lock is its own statement: a SELECT ... FOR UPDATE that waited for another refund's commit
  // would still compute its subqueries (open refunds, seat states) from the snapshot it started with.
  if (lock) await sql.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [ticketId]);
  const { rows } = await sql.query<RefundContext>(
    `SELECT t.id, t.user_id, t.status, t.screening_id, t.checked_in_at, t.fee_amount::text AS fee_amount, t.currency,
            s.show_time, s.status AS screening_status, s.theater_id, now() AS now,
            floor(extract(epoch FROM s.show_time - now()))::bigint AS seconds_before,
            t.purchase_time, floor(extract(epoch FROM now() - t.purchase_time))::bigint AS seconds_since_purchase,
            coalesce((SELECT json_agg(json_build_object('id', ts.seat_id, 'label', st.row_label || st.number,
                                                        'price', ts.price::text, 'status', ts.status) ORDER BY st.y, st.x)
                        FROM ticket_seats ts JOIN seats st ON st.id = ts.seat_id WHERE ts.ticket_id = t.id), '[]'::json) AS seats,
            (SELECT coalesce(sum(r.fee_amount), 0)::text FROM refunds r
              WHERE r.ticket_id = t.id AND r.status = 'succeeded' AND r.initiated_by <> 'system') AS fee_refunded,
            (SELECT json_build_object('id', r.id, 'status', r.status) FROM refunds r
              WHERE r.ticket_id = t.id AND r.status IN ('requested', 'pending_review', 'processing') AND r.initiated_by <> 'system'
              LIMIT 1) AS open_refund,
            ${PAYING_PAYMENT} AS payment_id
       FROM tickets t JOIN screenings s ON s.id = t.screening_id
      WHERE t.id = $1`,
    [ticketId],
  );
  return rows[0];
}

/**
 * The captured payment that paid a ticket (alias t): a system refund marks a payment that bought
 * nothing (late, or a second one), so it is not this one.
 */
export const PAYING_PAYMENT = `(SELECT p.id FROM payments p
   WHERE p.ticket_id = t.id AND p.status IN ('captured', 'partially_refunded')
     AND NOT EXISTS (SELECT 1 FROM refunds sr WHERE sr.payment_id = p.id AND sr.initiated_by = 'system')
   ORDER BY p.captured_at LIMIT 1)`;

export interface Evaluation {
  refusal: ErrorCode | null;
  detail: string | null;
  /** the seats asked about (all still sold ones when none were named) */
  seats: TicketSeatRow[];
  lines: QuoteLines;
  emptiesTicket: boolean;
  needsReview: boolean;
  policy: PolicyRow;
}

/**
 * The policy applied to the ticket for these seats. Seats that are not the ticket's are a bad
 * request (400 seats_not_in_ticket); every other "no" is a refusal with its code.
 */
export async function evaluate(sql: Sql, ctx: RefundContext, seatIds?: number[]): Promise<Evaluation> {
  const policy = await effectivePolicy(sql, ctx.theater_id);
  const own = new Map(ctx.seats.map((s) => [s.id, s]));
  if (seatIds !== undefined) {
    const foreign = [...new Set(seatIds)].filter((id) => !own.has(id));
    if (foreign.length > 0) throw new AppError('seats_not_in_ticket', undefined, { seat_ids: foreign });
  }
  const sold = ctx.seats.filter((s) => s.status === 'sold');
  const seats = seatIds === undefined ? sold : [...new Set(seatIds)].map((id) => own.get(id) as TicketSeatRow);
  const emptiesTicket = seats.length > 0 && sold.every((s) => seats.some((x) => x.id === s.id));
  const feeLeft = Math.max(0, toMinor(ctx.fee_amount) - toMinor(ctx.fee_refunded));
  const lines = quoteLines(
    rulesOf(policy),
    Number(ctx.seconds_before),
    seats.map((s) => ({ id: s.id, label: s.label, priceMinor: toMinor(s.price) })),
    feeLeft,
    emptiesTicket,
    ctx.seconds_since_purchase === null ? null : Number(ctx.seconds_since_purchase),
    cashUnitMinor(ctx.currency),
  );
  const threshold = reviewThresholdMinor(policy);
  const needsReview = threshold !== null && lines.amountMinor > threshold;
  const refuse = (code: ErrorCode, detail?: string): Evaluation => ({
    refusal: code,
    detail: detail ?? ERRORS[code][1],
    seats,
    lines,
    emptiesTicket,
    needsReview,
    policy,
  });

  if (ctx.status === 'refunded') return refuse('ticket_already_refunded', 'The ticket is refunded');
  if ((ctx.status !== 'paid' && ctx.status !== 'partially_refunded') || ctx.payment_id === null) {
    return refuse('ticket_not_paid', `The ticket is ${ctx.status}`);
  }
  if (ctx.screening_status === 'cancelled') return refuse('screening_cancelled', 'The screening was cancelled: the cinema refunds it in full');
  if (ctx.checked_in_at !== null) return refuse('ticket_checked_in');
  const refunded = seats.filter((s) => s.status !== 'sold');
  if (seats.length === 0 || refunded.length > 0) {
    return refuse('ticket_already_refunded', `Already refunded: ${(refunded.length ? refunded : ctx.seats).map((s) => s.label).join(', ')}`);
  }
  if (ctx.open_refund) return refuse('refund_in_progress', `Refund ${ctx.open_refund.id} is ${ctx.open_refund.status}`);
  if (Number(ctx.seconds_before) <= 0) return refuse('screening_started');
  if (lines.percent === 0) return refuse('refund_not_allowed', 'The refund policy returns nothing this close to the show');
  if (lines.amountMinor === 0) return refuse('refund_not_allowed', 'Nothing would be returned');
  return { refusal: null, detail: null, seats, lines, emptiesTicket, needsReview, policy };
}

export function presentQuote(ctx: RefundContext, e: Evaluation): Static<typeof QuoteSchema> {
  const tier = e.lines.tier;
  return {
    ticket_id: ctx.id,
    refundable: e.refusal === null,
    reason_code: e.refusal,
    reason: e.detail,
    percent: e.lines.percent,
    tier,
    deadline: tier ? deadlineOf(ctx, tier, e.policy).toISOString() : null,
    seats: e.lines.seats.map((s) => ({ id: s.id, label: s.label, price: minorToNumber(s.priceMinor), refund: minorToNumber(s.refundMinor) })),
    fee_refund: minorToNumber(e.lines.feeMinor),
    amount: minorToNumber(e.lines.amountMinor),
    currency: ctx.currency,
    needs_review: e.needsReview,
    show_time: ctx.show_time.toISOString(),
    quoted_at: ctx.now.toISOString(),
    policy: presentPolicy(e.policy, ctx.theater_id),
  };
}

/** When the tier that applies ends: show time minus its hours; a grace period may end sooner, at purchase + its minutes. */
function deadlineOf(ctx: RefundContext, tier: AppliedTier, policy: PolicyRow): Date {
  const byShow = ctx.show_time.getTime() - tier.min_hours_before * 3_600_000;
  if (tier.kind !== 'grace' || ctx.purchase_time === null) return new Date(byShow);
  return new Date(Math.min(byShow, ctx.purchase_time.getTime() + policy.grace_minutes * 60_000));
}
