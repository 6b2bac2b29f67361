// The gateway's books and their state machine. A payment: pending -> captured | failed | cancelled
// (cancelled with failure_code 'expired' when its time ran out); captured -> partially_refunded ->
// refunded as refunds succeed. Every transition leaves an event. Amounts are integer minor units in
// the maths and decimal strings at rest.
import { randomBytes } from 'node:crypto';
import { cashUnitMinor, MoneyError, minorToDecimal, toMinor } from '../lib/money.ts';
import {
  GatewayError,
  PAYMENT_METHODS,
  type CreatePaymentInput,
  type CreateRefundInput,
  type GatewayEventType,
  type GatewayPayment,
  type GatewayRefund,
} from '../gateway/gateway.ts';
import type { PaymentRecord, RefundRecord, SimulatorState } from './store.ts';

/** What the transitions need from the simulator around them. */
export interface Books {
  state: SimulatorState;
  clock: () => number;
  present(p: PaymentRecord): GatewayPayment;
  emit(type: GatewayEventType, data: GatewayPayment | GatewayRefund): void;
  /** the state changed: persist it */
  save(): void;
}

const CAPTURED = new Set(['captured', 'partially_refunded', 'refunded']);

export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const iso = (b: Books) => new Date(b.clock()).toISOString();

export const presentRefund = ({ reason: _r, ...refund }: RefundRecord): GatewayRefund => refund;

function positiveMinor(value: string): number {
  let minor: number;
  try {
    minor = toMinor(value);
  } catch (err) {
    if (err instanceof MoneyError) throw new GatewayError('invalid', 'invalid_amount', err.message);
    throw err;
  }
  if (minor <= 0) throw new GatewayError('invalid', 'invalid_amount', 'amount must be positive');
  return minor;
}

/** As Indonesian gateways do: an IDR amount with sen is refused (virtual accounts and QRIS take whole rupiah). */
function wholeUnits(minor: number, currency: string): void {
  if (minor % cashUnitMinor(currency) !== 0) throw new GatewayError('invalid', 'invalid_amount', `${currency} amounts are whole units`);
}

// Expiry is checked whenever a payment is looked at, so it never depends on the sweep's timing.
export function expireIfDue(b: Books, p: PaymentRecord): void {
  if (p.status !== 'pending' || b.clock() < Date.parse(p.expires_at)) return;
  p.status = 'cancelled';
  p.failure_code = 'expired';
  p.updated_at = iso(b);
  b.emit('payment.expired', b.present(p));
  b.save();
}

export function expireDue(b: Books): number {
  let n = 0;
  for (const p of b.state.payments.values()) {
    if (p.status !== 'pending') continue;
    expireIfDue(b, p);
    if (p.status !== 'pending') n += 1;
  }
  return n;
}

export function findPayment(b: Books, id: string): PaymentRecord {
  const p = b.state.payments.get(id);
  if (!p) throw new GatewayError('not_found', 'payment_not_found');
  expireIfDue(b, p);
  return p;
}

export function findRefund(b: Books, id: string): RefundRecord {
  const r = b.state.refunds.get(id);
  if (!r) throw new GatewayError('not_found', 'refund_not_found');
  return r;
}

/** The same key with the same parameters finds the first object; other parameters are refused. */
function replay(b: Books, kind: 'payment' | 'refund', key: string, fingerprint: string): string | undefined {
  if (!key) throw new GatewayError('invalid', 'idempotency_key_required');
  const seen = b.state.idempotency.get(`${kind}:${key}`);
  if (!seen) return undefined;
  if (seen.fingerprint !== fingerprint) throw new GatewayError('invalid', 'idempotency_mismatch');
  return seen.id;
}

/** A new pending payment, or the one this idempotency key made before (created: false). */
export function openPayment(b: Books, input: CreatePaymentInput, defaultTtlSeconds: number): { payment: PaymentRecord; created: boolean } {
  const minor = positiveMinor(input.amount);
  if (!PAYMENT_METHODS.includes(input.method)) throw new GatewayError('invalid', 'invalid_method');
  if (!/^[A-Z]{3}$/.test(input.currency)) throw new GatewayError('invalid', 'invalid_currency');
  wholeUnits(minor, input.currency);
  if (!input.reference) throw new GatewayError('invalid', 'reference_required');
  const ttl = input.expiresInSeconds ?? defaultTtlSeconds;
  if (!(ttl > 0)) throw new GatewayError('invalid', 'invalid_expiry');
  // What is charged decides sameness: a retry after a crash may compute another expiry or description.
  const fingerprint = JSON.stringify([minor, input.currency, input.method, input.reference]);
  const existing = replay(b, 'payment', input.idempotencyKey, fingerprint);
  if (existing) return { payment: findPayment(b, existing), created: false };
  const now = b.clock();
  const p: PaymentRecord = {
    id: newId('pay'),
    status: 'pending',
    amount: minorToDecimal(minor),
    refunded_amount: '0.00',
    currency: input.currency,
    method: input.method,
    reference: input.reference,
    description: input.description ?? null,
    return_url: input.returnUrl ?? null,
    failure_code: null,
    created_at: new Date(now).toISOString(),
    updated_at: new Date(now).toISOString(),
    captured_at: null,
    expires_at: new Date(now + ttl * 1000).toISOString(),
  };
  b.state.payments.set(p.id, p);
  b.state.idempotency.set(`payment:${input.idempotencyKey}`, { fingerprint, id: p.id });
  b.save();
  return { payment: p, created: true };
}

/** The customer paid. */
export function capture(b: Books, id: string): PaymentRecord {
  const p = findPayment(b, id);
  if (p.status !== 'pending') throw new GatewayError('invalid', 'payment_not_pending');
  p.status = 'captured';
  p.captured_at = p.updated_at = iso(b);
  b.emit('payment.captured', b.present(p));
  b.save();
  return p;
}

/** The customer (or the bank) said no. */
export function fail(b: Books, id: string, failureCode?: string): PaymentRecord {
  const p = findPayment(b, id);
  if (p.status !== 'pending') throw new GatewayError('invalid', 'payment_not_pending');
  p.status = 'failed';
  p.failure_code = failureCode ?? (p.method === 'card' ? 'card_declined' : 'declined');
  p.updated_at = iso(b);
  b.emit('payment.failed', b.present(p));
  b.save();
  return p;
}

/** Pending -> cancelled; already failed or cancelled stays as it is; captured money needs a refund. */
export function cancel(b: Books, id: string): PaymentRecord {
  const p = findPayment(b, id);
  if (CAPTURED.has(p.status)) throw new GatewayError('invalid', 'payment_captured');
  if (p.status !== 'pending') return p;
  p.status = 'cancelled';
  p.updated_at = iso(b);
  b.emit('payment.cancelled', b.present(p));
  b.save();
  return p;
}

/** Refunds succeed at once here (real gateways may take days; the event says the same either way). */
export function refund(b: Books, input: CreateRefundInput): RefundRecord {
  const minor = positiveMinor(input.amount);
  if (!input.reference) throw new GatewayError('invalid', 'reference_required');
  const fingerprint = JSON.stringify([input.paymentId, minor, input.reference]);
  const existing = replay(b, 'refund', input.idempotencyKey, fingerprint);
  if (existing) return findRefund(b, existing);
  const p = findPayment(b, input.paymentId);
  if (!CAPTURED.has(p.status)) throw new GatewayError('invalid', 'payment_not_captured');
  wholeUnits(minor, p.currency);
  const amount = toMinor(p.amount);
  const refunded = toMinor(p.refunded_amount);
  if (minor > amount - refunded) throw new GatewayError('invalid', 'amount_exceeds_remaining');
  const now = iso(b);
  const r: RefundRecord = {
    id: newId('re'),
    payment_id: p.id,
    amount: minorToDecimal(minor),
    currency: p.currency,
    status: 'succeeded',
    reference: input.reference,
    failure_code: null,
    created_at: now,
    reason: input.reason ?? null,
  };
  p.refunded_amount = minorToDecimal(refunded + minor);
  p.status = refunded + minor === amount ? 'refunded' : 'partially_refunded';
  p.updated_at = now;
  b.state.refunds.set(r.id, r);
  b.state.idempotency.set(`refund:${input.idempotencyKey}`, { fingerprint, id: r.id });
  b.emit('refund.succeeded', presentRefund(r));
  b.save();
  return r;
}
