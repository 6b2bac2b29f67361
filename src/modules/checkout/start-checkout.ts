// Checkout: a hold becomes a ticket waiting for payment, and a payment at the gateway. Steps, each
// with what undoes or settles it when a later one fails:
//   1. one transaction: lock the hold (it must be live and the caller's; with the seats the customer
//      bought of the screening since, within MAX_SEATS_PER_CUSTOMER_PER_SCREENING), create its one ticket
//      (prices frozen from the hold), a pending payment row (amount = tickets + fee of the method),
//      and give the hold more time once. Commit before calling out: no lock is held across the network.
//   2. the gateway call, idempotent by our payment id (a retry, or the reconciler, gets the same
//      payment back). Our payment id is also the reference, so a webhook that beats step 3 finds it.
//   3. record the gateway's id and next action; a payment the gateway settled at once is confirmed now.
// Compensation: declined / unavailable -> the payment is failed, the ticket and hold stay (another
// method may be tried before the hold ends). Timeout -> the payment may exist at the gateway: it stays
// pending, the client may retry (same payment, same key) and the reconciler settles it either way.
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { cashUnitMinor, minorToDecimal, toMinor } from '../../lib/money.ts';
import { type GatewayPayment, GatewayError, type PaymentMethod } from '../../gateway/gateway.ts';
import { extendHoldOnce, lockCustomerHolds, lockHold, seatLimitPerScreening, secondsLeft } from '../holds/index.ts';
import { confirmPayment } from './confirm-payment.ts';
import {
  enabledMethod,
  failPendingPayment,
  feeMinor,
  insertPayment,
  type MethodRow,
  type PaymentRow,
  pendingPaymentOf,
  recordGatewayPayment,
} from '../payments/index.ts';
import { insertTicket, lockTicketOfHold, seatsBoughtBy, setTicketFee, type TicketRow } from '../tickets/index.ts';
import { checkoutView, presentPayment } from './checkout-view.ts';
import { checkouts } from '../../metrics/business.ts';

export interface CheckoutInput {
  holdId: string;
  userId: number;
  method: string;
  /** the new payment's id when the caller names it first (its Idempotency-Key records it: replay-checkout.ts) */
  paymentId?: string;
}

/** A payment at the gateway never outlives the hold by much; nor is it shorter than a minute. */
const MIN_PAYMENT_SECONDS = 60;

export async function startCheckout(deps: Deps, input: CheckoutInput) {
  const rule = await enabledMethod(deps, input.method);
  const { ticket, payment } = await deps.db.tx((trx) => prepare(trx, deps, input, rule));

  let gp: GatewayPayment;
  try {
    gp = await deps.gateway.createPayment({
      idempotencyKey: payment.id,
      reference: payment.id,
      amount: minorToDecimal(toMinor(payment.amount)),
      currency: payment.currency,
      method: payment.method,
      description: `Cinema tickets ${ticket.id}`,
      expiresInSeconds: Math.max(MIN_PAYMENT_SECONDS, await secondsLeft(deps.db, input.holdId)),
      returnUrl: `${deps.config.publicBaseUrl}/tickets/${ticket.id}`,
    });
  } catch (err) {
    checkouts.inc({ method: payment.method, outcome: err instanceof GatewayError ? err.failure : 'error' });
    return compensate(deps, payment, err);
  }
  await recordGatewayPayment(deps.db, payment.id, gp.id, gp.next_action);
  if (gp.status !== 'pending') await confirmPayment(deps, gp);

  const view = await checkoutView(deps.db, ticket.id, payment.id);
  checkouts.inc({ method: payment.method, outcome: view.payment.status === 'failed' ? 'declined' : view.payment.status });
  if (view.payment.status === 'failed') {
    throw new AppError('payment_declined', undefined, { failure_code: view.payment.failure_code, ticket_id: ticket.id });
  }
  return view;
}

async function prepare(trx: Sql, deps: Deps, input: CheckoutInput, rule: MethodRow): Promise<{ ticket: TicketRow; payment: PaymentRow }> {
  // a new hold of this customer for the screening waits for this checkout, or this for it
  await lockCustomerHolds(trx, input.userId);
  const hold = await lockHold(trx, input.holdId);
  if (!hold || hold.user_id !== input.userId) throw new AppError('hold_not_found');
  if (hold.status === 'converted') throw new AppError('hold_not_active', 'The hold is already paid');
  if (hold.status === 'released') throw new AppError('hold_not_active', 'The hold was released');
  if (!hold.live) throw new AppError('hold_expired');
  // a hold made before its screening was deleted or cancelled pays for nothing: no checkout
  const { rows: open } = await trx.query<{ open: boolean }>(
    `SELECT status = 'scheduled' AND is_available AND show_time > now() AS open FROM screenings WHERE id = $1`,
    [hold.screening_id],
  );
  if (open[0]?.open !== true) throw new AppError('screening_not_on_sale');

  const existing = await lockTicketOfHold(trx, hold.id);
  if (existing && existing.status !== 'pending_payment') {
    throw new AppError('hold_not_active', `The hold's ticket is ${existing.status}`);
  }
  if (!existing) {
    // the hold passed the per-screening cap when it was made; seats bought since (another device,
    // a late payment) count now too
    const bought = await seatsBoughtBy(trx, hold.user_id, hold.screening_id);
    const max = deps.config.MAX_SEATS_PER_CUSTOMER_PER_SCREENING;
    if (bought + hold.seat_ids.length > max) throw seatLimitPerScreening(max, bought);
  }
  const ticket = existing ?? (await insertTicket(trx, hold));

  const pending = await pendingPaymentOf(trx, ticket.id);
  if (pending) {
    // The gateway timed out on this very payment: ask again with its key (same payment there).
    if (pending.gateway_payment_id === null && pending.method === rule.code) return { ticket, payment: pending };
    throw new AppError('payment_in_progress', 'A payment for this hold is in progress: finish it or wait for it to end', {
      payment: presentPayment(pending),
    });
  }

  const totalMinor = toMinor(hold.total_amount);
  const fee = feeMinor(totalMinor, rule, cashUnitMinor(hold.currency));
  const payment = await insertPayment(trx, {
    id: input.paymentId,
    ticketId: ticket.id,
    gateway: deps.gateway.name,
    method: rule.code as PaymentMethod,
    amount: minorToDecimal(totalMinor + fee),
    fee: minorToDecimal(fee),
    currency: hold.currency,
  });
  await setTicketFee(trx, ticket.id, payment.fee);
  await extendHoldOnce(trx, hold, deps.config.CHECKOUT_EXTENSION_SECONDS);
  return { ticket, payment };
}

async function compensate(deps: Deps, payment: PaymentRow, err: unknown): Promise<never> {
  if (!(err instanceof GatewayError)) throw err; // a bug, not an answer: the payment stays pending for the reconciler
  switch (err.failure) {
    case 'declined':
      await failPendingPayment(deps.db, payment.id, err.code);
      throw new AppError('payment_declined', undefined, { failure_code: err.code, ticket_id: payment.ticket_id });
    case 'invalid':
    case 'not_found':
      await failPendingPayment(deps.db, payment.id, err.code);
      throw new AppError('gateway_error', undefined, { failure_code: err.code });
    case 'unavailable':
      await failPendingPayment(deps.db, payment.id, err.code);
      throw new AppError('gateway_unavailable', undefined, { failure_code: err.code }, { 'Retry-After': '5' });
    case 'timeout':
      throw new AppError('gateway_timeout', undefined, { ticket_id: payment.ticket_id }, { 'Retry-After': '5' });
  }
}
