// Checkout scenarios for tests: customers, holds, checkout, the gateway simulator's customer side
// (approve / decline through its control routes), signed webhooks, and reads of the rows that matter.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { GatewayEvent, GatewayPayment } from '../../src/gateway/gateway.ts';
import { GATEWAY_SIGNATURE_HEADER, signWebhook } from '../../src/gateway/webhook-signature.ts';
import { call, type Res } from './http.ts';
import type { TestApp } from './runtime.ts';
import { newScreening, seatMapOf } from './screenings.ts';

/** Listens on a free loopback port (the in-process simulator then delivers its webhooks here). */
export async function listen(t: TestApp): Promise<string> {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
}

/** A new customer account: its token and id. */
export async function newCustomer(t: TestApp, name = 'c'): Promise<{ token: string; id: number; email: string }> {
  const email = `${name}-${randomUUID().slice(0, 8)}@example.com`;
  const r = await call(t.app, { method: 'POST', url: '/api/v1/auth/register', payload: { email, password: 'long enough pw', full_name: name } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { token: r.body.data.token, id: r.body.data.user.id, email };
}

/** A fresh screening and a hold on the given seat labels. */
export async function heldSeats(t: TestApp, admin: string, token: string, labels = ['D6', 'D7'], screening?: { id: number }) {
  const s = screening ?? (await newScreening(t.app, admin));
  const m = await seatMapOf(t.app, s.id);
  const seatIds = labels.map((l) => m.id(l));
  const r = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds`, token, payload: { seat_ids: seatIds } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return {
    screeningId: s.id,
    hold: r.body.data as { id: string; total_amount: number; reserved_until: string; seat_ids: number[] },
    seatIds,
    map: m,
  };
}

export function checkout(t: TestApp, token: string, holdId: string, method = 'card', key: string | null = randomUUID()): Promise<Res> {
  return call(t.app, {
    method: 'POST',
    url: `/api/v1/holds/${holdId}/checkout`,
    token,
    payload: { payment_method: method },
    headers: key === null ? {} : { 'idempotency-key': key },
  });
}

/** The customer pays at the gateway (its control route, as the approve page's button does). */
export async function approve(t: TestApp, gatewayPaymentId: string): Promise<GatewayPayment> {
  const r = await call(t.app, { method: 'POST', url: `/_gateway/payments/${gatewayPaymentId}/approve` });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

export async function decline(t: TestApp, gatewayPaymentId: string): Promise<GatewayPayment> {
  const r = await call(t.app, { method: 'POST', url: `/_gateway/payments/${gatewayPaymentId}/decline`, payload: {} });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

export async function setFaults(t: TestApp, faults: Record<string, unknown>) {
  const r = await call(t.app, { method: 'POST', url: '/_gateway/faults', payload: faults });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

/** Waits until the simulator has no webhook in flight or scheduled. */
export const webhooksSettled = (t: TestApp) => (t.rt.simulator as NonNullable<TestApp['rt']['simulator']>).flushWebhooks();

/** Posts a webhook signed as the gateway would (or with the given header). */
export function postWebhook(t: TestApp, event: GatewayEvent | string, opts: { secret?: string; at?: number; header?: string } = {}) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const at = opts.at ?? Math.floor(Date.now() / 1000);
  const header = opts.header ?? signWebhook(opts.secret ?? t.config.gatewayWebhookSecret, body, at);
  return call(t.app, {
    method: 'POST',
    url: '/api/v1/payments/webhook',
    payload: body,
    headers: { 'content-type': 'application/json', [GATEWAY_SIGNATURE_HEADER]: header },
  });
}

export function paymentEvent(data: GatewayPayment, type: GatewayEvent['type'] = 'payment.captured'): GatewayEvent {
  return { id: `evt_test_${randomUUID()}`, type, created_at: new Date().toISOString(), data };
}

/** Moves a hold's end into the past, as time would (the database clock decides expiry). */
export async function expireHold(t: TestApp, holdId: string) {
  const { rows } = await t.rt.db.query<{ screening_id: number; user_id: number; seat_ids: number[] }>(
    `UPDATE holds SET reserved_until = now() - interval '1 second' WHERE id = $1 RETURNING screening_id, user_id, seat_ids`,
    [holdId],
  );
  await t.rt.db.query(`UPDATE screening_seats SET held_until = now() - interval '1 second' WHERE hold_id = $1`, [holdId]);
  await t.rt.fastPath.unmark(rows[0].screening_id, rows[0].seat_ids, `u${rows[0].user_id}`);
}

export async function ticketState(t: TestApp, ticketId: string) {
  const { rows } = await t.rt.db.query<{ status: string; purchase_time: Date | null; payment_method: string | null; hold_status: string | null }>(
    `SELECT t.status, t.purchase_time, t.payment_method, h.status AS hold_status FROM tickets t LEFT JOIN holds h ON h.id = t.hold_id WHERE t.id = $1`,
    [ticketId],
  );
  return rows[0];
}

export async function paymentsOf(t: TestApp, ticketId: string) {
  const { rows } = await t.rt.db.query<{
    id: string;
    status: string;
    gateway_payment_id: string | null;
    amount: string;
    fee: string;
    failure_code: string | null;
    refunded_amount: string;
  }>(
    `SELECT id, status, gateway_payment_id, amount::text AS amount, fee::text AS fee, failure_code, refunded_amount::text AS refunded_amount
       FROM payments WHERE ticket_id = $1 ORDER BY created_at`,
    [ticketId],
  );
  return rows;
}

export async function seatStates(t: TestApp, screeningId: number, seatIds: number[]) {
  const { rows } = await t.rt.db.query<{ seat_id: number; status: string; ticket_id: string | null }>(
    'SELECT seat_id, status, ticket_id FROM screening_seats WHERE screening_id = $1 AND seat_id = ANY($2::int[]) ORDER BY seat_id',
    [screeningId, seatIds],
  );
  return rows;
}

/** Polls fn until it returns a truthy value (or fails after timeoutMs). */
export async function eventually<T>(fn: () => Promise<T>, timeoutMs = 5_000, what = 'condition', everyMs = 25): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A fee as the tests expect it, written out independently: fixed + half-up(amount * bp / 10000), to the sen. */
export function expectedFee(amount: number, fixed: number, bp: number): number {
  const sen = Math.round(amount * 100); // test amounts are whole rupiah or exact cents
  const num = sen * bp;
  const percentSen = Math.floor(num / 10_000) + (num % 10_000 >= 5_000 ? 1 : 0);
  return fixed + percentSen / 100;
}
