// confirmPayment: what the gateway says about a payment, applied to our records in ONE transaction.
// The webhook, the reconciler and checkout itself (a payment settled at once) all come here, in any
// order and any number of times: the rules are monotonic, so repeats and reordering change nothing.
// What comes here is the gateway API's own answer, never a webhook's body (webhooks/routes.ts asks first).
//   not ours (amount, currency, or another gateway payment than the one we recorded; any status
//   but failed / cancelled, which moved no money) -> nothing at all: an anomaly, logged and counted
//   (gateway/anomalies.ts); the payment stays pending, so the reconciler keeps asking, less and less often
//   pending                      -> nothing (the gateway's id is recorded if we lacked it)
//   failed / cancelled (expired) -> our pending payment ends so; a settled one is never downgraded
//   captured                     -> if ours is captured already: nothing (dedupe). Else money moved:
//     - the ticket still wants its seats (pending_payment, or expired unpaid), every seat is held
//       by its hold (even past held_until) or free, and the customer stays within
//       MAX_SEATS_PER_CUSTOMER_PER_SCREENING: seats sold, ticket paid, hold converted, version
//       bumped, e-ticket queued; after commit the live map hears of it;
//     - otherwise (seats gone to someone else, screening cancelled or over, seats bought meanwhile
//       that leave no room under the cap, ticket cancelled, ticket paid by another payment):
//       payment captured, a system refund of the whole amount queued with its message; after commit
//       the refund goes to the gateway (a failure leaves it 'processing' for the reconciler).
// The unique index ticket_seats_sold_once is the last guard: if it fires, the transaction rolls back
// and is run again down the refund path, never a 500.
import type { Deps } from '../../deps.ts';
import { pgCode, PG, type Sql } from '../../db/client.ts';
import { customerWrites } from '../../db/replica.ts';
import { MoneyError, toMinor } from '../../lib/money.ts';
import type { GatewayPayment } from '../../gateway/gateway.ts';
import { type HoldRow, lockCustomerHolds, lockHold, markHoldConverted, releaseHoldSeats, seatsHeldElsewhere } from '../holds/index.ts';
import { type Anomaly, type AnomalyLog, reportAnomaly } from '../../gateway/anomalies.ts';
import { afterSeatChange, lockSeatStates, type SeatsChanged, seatEvent } from '../inventory/index.ts';
import { findPaymentRef, lockPayment, markCaptured, markRefundedUncaptured, markUnpaid, recordGatewayPayment } from '../payments/index.ts';
import { insertSystemRefund } from '../refunds/index.ts';
import {
  closeTicket,
  enqueueRefundedLate,
  enqueueTicketIssued,
  type LockedTicket,
  lockTicket,
  markTicketPaid,
  seatsBoughtBy,
  sellTicketSeats,
} from '../tickets/index.ts';
import { settleRefund } from '../refunds/index.ts';
import { holdsEnded, paymentsSettled, seatsSold } from '../../metrics/business.ts';

export type Settlement = 'unknown' | 'duplicate' | 'unchanged' | 'pending' | 'failed' | 'cancelled' | 'sold' | 'refunding' | 'anomaly';

export interface ConfirmOptions {
  /**
   * Runs first, in the same transaction (the webhook records its event there, so recording and
   * effect commit together). Returning false skips the rest: the event was seen before.
   */
  first?: (trx: Sql) => Promise<boolean>;
  /** false: start the refund call without waiting for it (the webhook answers at once). Default true. */
  awaitRefund?: boolean;
  onRefundError?: (err: unknown) => void;
  /** where an anomaly is logged (it is counted in any case) */
  log?: AnomalyLog;
  /** who brought this answer, for the anomaly log: 'webhook', 'reconciler', ... */
  source?: string;
}

interface Outcome {
  result: Settlement;
  /** seat changes to follow up after commit */
  changes: SeatsChanged[];
  refundId?: string;
  anomaly?: Anomaly;
  /** the payment's method, when a payment was settled (metrics) */
  method?: string;
  /** whose tickets changed: their next "my tickets" must see it (read-your-writes, db/replica.ts) */
  customer?: number;
}

const CAPTURED = new Set(['captured', 'partially_refunded', 'refunded']);

export async function confirmPayment(deps: Deps, gp: GatewayPayment, opts: ConfirmOptions = {}): Promise<Settlement> {
  let refundOnly = false;
  for (let attempt = 1; ; attempt++) {
    let out: Outcome;
    try {
      out = await deps.db.tx((trx) => settle(trx, deps, gp, opts, refundOnly));
    } catch (err) {
      if (!refundOnly && soldTwice(err)) {
        refundOnly = true; // the database refused the sale: the seats belong to someone else
        continue;
      }
      if (pgCode(err) === PG.deadlock && attempt < 3) continue;
      throw err;
    }
    if (out.customer !== undefined) await deps.reads.wrote(customerWrites(out.customer));
    if (out.anomaly) reportAnomaly(opts.log, { ...out.anomaly, source: opts.source ?? 'gateway' });
    if (out.method) paymentsSettled.inc({ method: out.method, result: out.result });
    if (out.result === 'sold') {
      seatsSold.inc(out.changes.reduce((n, c) => n + c.event.seats.length, 0));
      holdsEnded.inc({ outcome: 'converted' });
    }
    for (const c of out.changes) await afterSeatChange(deps, c);
    if (out.refundId) {
      const refunding = settleRefund(deps, out.refundId);
      if (opts.awaitRefund === false) void refunding.catch((err) => opts.onRefundError?.(err));
      else await refunding.catch((err) => opts.onRefundError?.(err));
    }
    return out.result;
  }
}

function soldTwice(err: unknown): boolean {
  return pgCode(err) === PG.uniqueViolation && (err as { constraint?: string }).constraint === 'ticket_seats_sold_once';
}

async function settle(trx: Sql, deps: Deps, gp: GatewayPayment, opts: ConfirmOptions, refundOnly: boolean): Promise<Outcome> {
  if (opts.first && !(await opts.first(trx))) return { result: 'duplicate', changes: [] };
  const ref = await findPaymentRef(trx, deps.gateway.name, gp.reference, gp.id);
  if (!ref) return { result: 'unknown', changes: [] };
  // a capture may sell: the customer's seats of a screening are counted under their hold lock, the
  // first lock of the order (as take_seats and checkout take it), so two sales of one customer
  // never pass the cap together
  if (gp.status === 'captured' || gp.status === 'partially_refunded') await lockCustomerHolds(trx, ref.user_id);
  const hold = ref.hold_id ? await lockHold(trx, ref.hold_id) : undefined;
  const ticket = await lockTicket(trx, ref.ticket_id);
  const payment = await lockPayment(trx, ref.payment_id);
  // A payment that moved no money may end whatever it claimed to cost; any other must be ours.
  const anomaly = gp.status === 'failed' || gp.status === 'cancelled' ? undefined : notOurs(payment, gp);
  if (anomaly) return { result: 'anomaly', changes: [], anomaly };

  if (gp.status === 'pending') {
    await recordGatewayPayment(trx, payment.id, gp.id, gp.next_action);
    return { result: 'pending', changes: [] };
  }
  if (gp.status === 'failed' || gp.status === 'cancelled') {
    if (payment.status !== 'pending') return { result: 'unchanged', changes: [] };
    await markUnpaid(trx, payment.id, gp.id, gp.status, gp.failure_code);
    return { result: gp.status, changes: [], method: payment.method, customer: ticket.user_id };
  }
  if (CAPTURED.has(payment.status)) return { result: 'unchanged', changes: [] };
  if (gp.status === 'refunded') {
    // money went back before we ever saw it captured: record that, sell nothing
    await markRefundedUncaptured(trx, payment.id);
    return { result: 'unchanged', changes: [] };
  }

  // captured (or partially refunded at the gateway): the customer paid
  await markCaptured(trx, payment.id, gp.id, gp.captured_at);
  const wantsSeats = (ticket.status === 'pending_payment' || ticket.status === 'expired') && ticket.purchase_time === null;
  const open = wantsSeats && (await screeningOpen(trx, ticket.screening_id));
  const obtainable = open && !refundOnly && (await seatsObtainable(trx, ticket));
  const overCap = obtainable && !(await withinSeatCap(trx, deps, ticket));
  if (obtainable && !overCap) {
    const version = await sellTicketSeats(trx, ticket);
    await markTicketPaid(trx, ticket, payment);
    if (ticket.hold_id) await markHoldConverted(trx, ticket.hold_id);
    await enqueueTicketIssued(trx, ticket.id);
    return {
      result: 'sold',
      method: payment.method,
      customer: ticket.user_id,
      changes: [
        {
          event: seatEvent(ticket.screening_id, version, ticket.seat_ids, 'sold'),
          sales: true,
          // the hold's marks now stand for sold seats (kv/seat-fast-path.ts: at most HOLD_TTL_SECONDS)
          kept: [{ seatIds: ticket.seat_ids, owner: `u${ticket.user_id}`, ms: deps.config.HOLD_TTL_SECONDS * 1000 }],
        },
      ],
    };
  }
  const reason = !wantsSeats
    ? ticket.status === 'cancelled'
      ? 'ticket_cancelled'
      : 'duplicate_payment'
    : !open
      ? 'screening_closed'
      : overCap
        ? 'seat_limit'
        : 'seats_gone';
  return refundLate(trx, ticket, payment, hold, reason);
}

/** The gateway's payment is the one we asked for: same gateway id, amount and currency as our row. */
function notOurs(p: Awaited<ReturnType<typeof lockPayment>>, gp: GatewayPayment): Anomaly | undefined {
  const at = { source: '', gateway_id: gp.id, payment_id: p.id };
  if (p.gateway_payment_id !== null && p.gateway_payment_id !== gp.id) {
    return { ...at, kind: 'payment_mismatch', expected: p.gateway_payment_id, got: gp.id };
  }
  if (gp.currency.toUpperCase() !== p.currency.toUpperCase()) return { ...at, kind: 'currency_mismatch', expected: p.currency, got: gp.currency };
  if (minorOf(gp.amount) !== toMinor(p.amount)) return { ...at, kind: 'amount_mismatch', expected: p.amount, got: gp.amount };
  return undefined;
}

/** An amount from outside: one we cannot read is not ours either. */
function minorOf(amount: unknown): number | undefined {
  try {
    return typeof amount === 'string' || typeof amount === 'number' ? toMinor(amount) : undefined;
  } catch (err) {
    if (err instanceof MoneyError) return undefined;
    throw err;
  }
}

/**
 * A late payment buys nothing for a screening that was cancelled, deleted (closed for sale) or is over.
 * The row is read FOR KEY SHARE: a cancellation or a delete (which lock it FOR UPDATE) either commits first, and this sees it cancelled,
 * or waits for this sale to commit, and then finds the paid ticket to refund. Read without a lock, a
 * sale could see the show open, a whole cancellation run and complete (nothing to refund yet), and
 * the sale commit after it: a paid ticket for a cancelled show, never refunded. KEY SHARE does not
 * wait for holds bumping the map version (NO KEY UPDATE), so holds and sales still never wait in a
 * cycle.
 */
async function screeningOpen(trx: Sql, screeningId: number): Promise<boolean> {
  const { rows } = await trx.query<{ open: boolean }>(
    `SELECT (status = 'scheduled' AND is_available AND end_time > now()) AS open FROM screenings WHERE id = $1 FOR KEY SHARE`,
    [screeningId],
  );
  return rows[0]?.open === true;
}

/**
 * The customer's seats of the screening, with this ticket's, within MAX_SEATS_PER_CUSTOMER_PER_SCREENING.
 * Checkout counted them, but a payment captured after its hold ended may find seats bought since: the
 * ended hold no longer counted when the customer held and bought those, so only this count stops the
 * late sale from passing the cap a hold or a checkout would have refused.
 */
async function withinSeatCap(trx: Sql, deps: Deps, t: LockedTicket): Promise<boolean> {
  const bought = await seatsBoughtBy(trx, t.user_id, t.screening_id);
  // a live hold of the customer's (its payment still on time) was granted under the cap: it keeps
  // its place, and the late payment is the one that does not fit
  const held = await seatsHeldElsewhere(trx, t.user_id, t.screening_id, t.hold_id);
  return bought + held + t.seat_ids.length <= deps.config.MAX_SEATS_PER_CUSTOMER_PER_SCREENING;
}

/** Every seat is held by this ticket's hold (its time may have run out) or free. */
async function seatsObtainable(trx: Sql, t: LockedTicket): Promise<boolean> {
  const seats = await lockSeatStates(trx, t.screening_id, t.seat_ids);
  if (seats.length !== t.seat_ids.length) return false;
  return seats.every((s) => s.status === 'available' || (s.status === 'held' && (s.hold_id === t.hold_id || !s.live)));
}

async function refundLate(
  trx: Sql,
  ticket: LockedTicket,
  payment: Awaited<ReturnType<typeof lockPayment>>,
  hold: HoldRow | undefined,
  reason: 'seats_gone' | 'screening_closed' | 'seat_limit' | 'ticket_cancelled' | 'duplicate_payment',
): Promise<Outcome> {
  const changes: SeatsChanged[] = [];
  if (reason === 'seats_gone' || reason === 'screening_closed' || reason === 'seat_limit') {
    await closeTicket(trx, ticket.id, 'expired');
    // what the hold still holds (past its time) is free now; tell viewers
    if (hold && hold.status === 'active') {
      const freed = await releaseHoldSeats(trx, hold, 'expired', 'payment_late');
      if (freed.version !== null) {
        changes.push({
          event: seatEvent(hold.screening_id, freed.version, freed.seats, 'available'),
          freed: [{ seatIds: freed.seats, owner: `u${ticket.user_id}` }],
        });
      }
    }
  }
  const refundId = await insertSystemRefund(trx, ticket, payment, reason);
  await enqueueRefundedLate(trx, ticket.id, refundId);
  return { result: 'refunding', changes, refundId, method: payment.method, customer: ticket.user_id };
}
