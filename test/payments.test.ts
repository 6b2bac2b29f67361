// Payments after checkout: the signed webhook (duplicates, bad and stale signatures, out of order),
// the reconciler (a gateway timeout at checkout, a lost webhook, a refund the gateway could not take),
// late payments after the hold expired (seats still free -> sold; seats gone -> captured and refunded),
// and the database's last guard against selling a seat twice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runOnce } from '../src/jobs/payment-reconciler.ts';
import type { GatewayPayment } from '../src/gateway/gateway.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import {
  approve,
  checkout,
  expireHold,
  heldSeats,
  listen,
  newCustomer,
  paymentEvent,
  paymentsOf,
  postWebhook,
  seatStates,
  setFaults,
  ticketState,
  webhooksSettled,
} from './helpers/checkout.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp;
let admin: string;
let alice: string;
before(async () => {
  // reconcile anything pending at once; a "timeout" at the gateway hangs 300 ms
  t = await startTestApp({ RECONCILE_AFTER_SECONDS: '0', GATEWAY_TIMEOUT_MS: '300' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
});
after(() => t.close());

const sim = () => t.rt.simulator!;

/** hold + checkout; returns the ids and the gateway payment */
async function pendingCheckout(labels: string[], method = 'card', token = alice) {
  const h = await heldSeats(t, admin, token, labels);
  const r = await checkout(t, token, h.hold.id, method);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { ...h, ticketId: r.body.data.ticket.id as string, gatewayId: r.body.data.payment.id as string };
}

async function soldCount(screeningId: number) {
  const { rows } = await t.rt.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ticket_seats WHERE screening_id = $1 AND status = 'sold'`, [
    screeningId,
  ]);
  return rows[0].n;
}

describe('webhook', () => {
  test('a duplicate delivery (same event id) changes nothing: one paid ticket, one e-ticket message', async () => {
    await setFaults(t, { webhooks: 'drop' }); // we deliver ourselves
    try {
      const c = await pendingCheckout(['D6', 'D7']);
      const captured = await approve(t, c.gatewayId);
      const event = paymentEvent(captured);
      const first = await postWebhook(t, event);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      assert.equal(first.body.data.result, 'sold');
      const again = await postWebhook(t, event);
      assert.equal(again.status, 200);
      assert.equal(again.body.data.result, 'duplicate');
      // another event id with the same capture (a gateway re-emitting): deduplicated by the payment's state
      const other = await postWebhook(t, paymentEvent(captured));
      assert.equal(other.body.data.result, 'unchanged');
      assert.equal((await ticketState(t, c.ticketId)).status, 'paid');
      assert.equal(await soldCount(c.screeningId), 2);
      const { rows } = await t.rt.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox WHERE kind = 'ticket_issued' AND payload->>'ticket_id' = $1 AND channel = 'email'`,
        [c.ticketId],
      );
      assert.equal(rows[0].n, 1);
      const ev = await t.rt.db.query<{ processed: boolean }>('SELECT processed_at IS NOT NULL AS processed FROM webhook_events WHERE event_id = $1', [
        event.id,
      ]);
      assert.deepEqual(ev.rows, [{ processed: true }]);
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
  });

  test('a bad signature and a stale timestamp are 401 invalid_signature and change nothing', async () => {
    await setFaults(t, { webhooks: 'drop' });
    try {
      const c = await pendingCheckout(['E6']);
      const event = paymentEvent(await approve(t, c.gatewayId));
      const forged = await postWebhook(t, event, { secret: 'not-the-secret-0123456789' });
      assertProblem(forged, 401, 'invalid_signature');
      assert.equal(forged.body.reason, 'bad_signature');
      const stale = await postWebhook(t, event, { at: Math.floor(Date.now() / 1000) - 600 });
      assertProblem(stale, 401, 'invalid_signature');
      assert.equal(stale.body.reason, 'stale');
      const missing = await postWebhook(t, event, { header: '' });
      assertProblem(missing, 401, 'invalid_signature');
      // the body altered after signing
      const body = JSON.stringify(event);
      const tampered = await postWebhook(t, body.replace('"captured"', '"failed"'), {
        header: (await import('../src/gateway/webhook-signature.ts')).signWebhook(t.config.gatewayWebhookSecret, body, Math.floor(Date.now() / 1000)),
      });
      assertProblem(tampered, 401, 'invalid_signature');
      assert.equal((await ticketState(t, c.ticketId)).status, 'pending_payment');
      assert.deepEqual(
        (await paymentsOf(t, c.ticketId)).map((p) => p.status),
        ['pending'],
      );
      const { rows } = await t.rt.db.query('SELECT 1 FROM webhook_events WHERE event_id = $1', [event.id]);
      assert.equal(rows.length, 0);
      assert.equal((await postWebhook(t, event)).body.data.result, 'sold');
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
  });

  test('out of order: a failure reported after the capture never downgrades it', async () => {
    await setFaults(t, { webhooks: 'drop' });
    try {
      const c = await pendingCheckout(['F6']);
      const captured = await approve(t, c.gatewayId);
      assert.equal((await postWebhook(t, paymentEvent(captured))).body.data.result, 'sold');
      const late = await postWebhook(t, paymentEvent({ ...captured, status: 'failed', failure_code: 'card_declined' }, 'payment.failed'));
      assert.equal(late.status, 200);
      assert.equal(late.body.data.result, 'unchanged');
      assert.deepEqual(
        (await paymentsOf(t, c.ticketId)).map((p) => p.status),
        ['captured'],
      );
      assert.equal((await ticketState(t, c.ticketId)).status, 'paid');
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
  });

  test('an event for a payment we do not know is acknowledged and ignored', async () => {
    const fake: GatewayPayment = {
      id: 'pay_unknown',
      status: 'captured',
      amount: '1000.00',
      refunded_amount: '0.00',
      currency: 'IDR',
      method: 'card',
      reference: '00000000-0000-4000-8000-000000000000',
      next_action: null,
      failure_code: null,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
      captured_at: new Date().toISOString(),
    };
    const r = await postWebhook(t, paymentEvent(fake));
    assert.equal(r.status, 200);
    assert.equal(r.body.data.result, 'unknown');
  });

  test('not JSON but correctly signed: 400', async () => {
    const r = await postWebhook(t, 'not json');
    assertProblem(r, 400, 'invalid_json');
  });
});

describe('reconciler', () => {
  test('gateway timeout at checkout (the payment was made there): 504, then the reconciler settles it once', async () => {
    const h = await heldSeats(t, admin, alice, ['G6', 'G7']);
    await setFaults(t, { payments: 'timeout' });
    let r: Awaited<ReturnType<typeof checkout>>;
    try {
      r = await checkout(t, alice, h.hold.id, 'card');
    } finally {
      await setFaults(t, { payments: 'ok' });
    }
    assertProblem(r, 504, 'gateway_timeout');
    const ticketId = r.body.ticket_id as string;
    const [p] = await paymentsOf(t, ticketId);
    assert.equal(p.status, 'pending');
    assert.equal(p.gateway_payment_id, null);
    // the payment exists at the gateway under our reference; the customer pays it
    const atGateway = sim()
      .ledger()
      .find((e) => e.reference === p.id);
    assert.ok(atGateway, 'the gateway made the payment although it timed out');
    await setFaults(t, { webhooks: 'drop' }); // and its webhook is lost
    try {
      await approve(t, atGateway.payment_id);
      const first = await runOnce(t.rt);
      assert.equal(first.payments[p.id], 'sold');
      await t.rt.db.query('UPDATE payments SET reconcile_at = NULL');
      const second = await runOnce(t.rt);
      assert.equal(second.payments[p.id], undefined, 'settled: not asked again');
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
    const [after] = await paymentsOf(t, ticketId);
    assert.equal(after.status, 'captured');
    assert.match(after.gateway_payment_id ?? '', /^pay_/);
    assert.equal((await ticketState(t, ticketId)).status, 'paid');
    assert.equal(await soldCount(h.screeningId), 2);
  });

  test('a retry of the timed-out checkout with the same key resumes the same payment', async () => {
    const h = await heldSeats(t, admin, alice, ['G10']);
    const key = 'timeout-retry-key';
    await setFaults(t, { payments: 'timeout' });
    try {
      assertProblem(await checkout(t, alice, h.hold.id, 'qris', key), 504, 'gateway_timeout');
    } finally {
      await setFaults(t, { payments: 'ok' });
    }
    const r = await checkout(t, alice, h.hold.id, 'qris', key);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const payments = await paymentsOf(t, r.body.data.ticket.id);
    assert.equal(payments.length, 1);
    assert.equal(payments[0].gateway_payment_id, r.body.data.payment.id);
    const atGateway = sim()
      .ledger()
      .filter((e) => e.reference === payments[0].id);
    assert.equal(atGateway.length, 1, 'one payment at the gateway');
  });

  test('a lost webhook: the reconciler asks the gateway and sells the seats', async () => {
    await setFaults(t, { webhooks: 'drop' });
    try {
      const c = await pendingCheckout(['H6', 'H7'], 'ewallet');
      const pending = await runOnce(t.rt);
      assert.equal(Object.values(pending.payments).includes('sold'), false);
      await approve(t, c.gatewayId);
      await t.rt.db.query('UPDATE payments SET reconcile_at = NULL');
      const out = await runOnce(t.rt);
      assert.ok(Object.values(out.payments).includes('sold'));
      assert.equal((await ticketState(t, c.ticketId)).status, 'paid');
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
  });
});

describe('late payment, after the hold expired', () => {
  test('seats still free: they are sold to the late payer', async () => {
    const c = await pendingCheckout(['B6', 'B7']);
    await expireHold(t, c.hold.id);
    await approve(t, c.gatewayId);
    await webhooksSettled(t);
    assert.equal((await ticketState(t, c.ticketId)).status, 'paid');
    assert.ok((await seatStates(t, c.screeningId, c.seatIds)).every((s) => s.status === 'sold' && s.ticket_id === c.ticketId));
  });

  test('seats taken by another customer: captured, refunded in full automatically, ticket expired, customer told', async () => {
    const c = await pendingCheckout(['C6', 'C7']);
    await expireHold(t, c.hold.id);
    const bob = await newCustomer(t, 'bob');
    const bobs = await call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${c.screeningId}/holds`,
      token: bob.token,
      payload: { seat_ids: [c.seatIds[1]] },
    });
    assert.equal(bobs.status, 201, JSON.stringify(bobs.body));
    await approve(t, c.gatewayId);
    await webhooksSettled(t);
    const [p] = await paymentsOf(t, c.ticketId);
    const refund = await t.rt.db.query<{ id: string; status: string; amount: string; reason: string; initiated_by: string }>(
      'SELECT id, status, amount::text AS amount, reason, initiated_by FROM refunds WHERE ticket_id = $1',
      [c.ticketId],
    );
    assert.equal(refund.rows.length, 1);
    const rf = refund.rows[0];
    assert.equal(rf.reason, 'seats_gone');
    assert.equal(rf.initiated_by, 'system');
    assert.equal(rf.amount, p.amount, 'the whole amount, fee included');
    // the refund call runs after the webhook's answer: wait for it
    for (let i = 0; i < 100 && (await paymentsOf(t, c.ticketId))[0].status !== 'refunded'; i++) await new Promise((r) => setTimeout(r, 20));
    const [refunded] = await paymentsOf(t, c.ticketId);
    assert.equal(refunded.status, 'refunded');
    assert.equal(refunded.refunded_amount, refunded.amount);
    const done = await t.rt.db.query<{ status: string }>('SELECT status FROM refunds WHERE id = $1', [rf.id]);
    assert.equal(done.rows[0].status, 'succeeded');
    assert.equal((await ticketState(t, c.ticketId)).status, 'expired');
    const seats = await seatStates(t, c.screeningId, c.seatIds);
    assert.equal(seats.find((s) => s.seat_id === c.seatIds[1])?.status, 'held', "bob's hold is untouched");
    assert.equal(seats.find((s) => s.seat_id === c.seatIds[0])?.status, 'available', 'the expired hold let go of the rest');
    const msgs = await t.rt.db.query<{ kind: string; payload: { ticket_id: string; refund_id: string } }>(
      `SELECT kind, payload FROM outbox WHERE payload->>'ticket_id' = $1 AND channel = 'email'`,
      [c.ticketId],
    );
    assert.deepEqual(msgs.rows, [{ kind: 'payment_refunded_late', payload: { ticket_id: c.ticketId, refund_id: rf.id } }]);
    assert.equal(
      sim()
        .ledger()
        .find((e) => e.reference === p.id)?.status,
      'refunded',
    );
  });

  test('the screening was cancelled meanwhile: nothing is sold, the payment is refunded', async () => {
    const c = await pendingCheckout(['A9']);
    await t.rt.db.query(`UPDATE screenings SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [c.screeningId]);
    await approve(t, c.gatewayId);
    await webhooksSettled(t);
    const { rows } = await t.rt.db.query<{ reason: string }>('SELECT reason FROM refunds WHERE ticket_id = $1', [c.ticketId]);
    assert.deepEqual(rows, [{ reason: 'screening_closed' }]);
    assert.equal((await ticketState(t, c.ticketId)).status, 'expired');
    assert.equal(await soldCount(c.screeningId), 0);
  });

  test('the refund call fails at the gateway: the refund stays processing and the reconciler finishes it', async () => {
    const c = await pendingCheckout(['A6', 'A7']);
    await expireHold(t, c.hold.id);
    const bob = await newCustomer(t, 'bob2');
    const held = await call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${c.screeningId}/holds`,
      token: bob.token,
      payload: { seat_ids: [c.seatIds[0]] },
    });
    assert.equal(held.status, 201, JSON.stringify(held.body));
    await setFaults(t, { refunds: 'error' });
    try {
      await approve(t, c.gatewayId);
      await webhooksSettled(t);
      await new Promise((r) => setTimeout(r, 100));
      const { rows } = await t.rt.db.query<{ id: string; status: string }>('SELECT id, status FROM refunds WHERE ticket_id = $1', [c.ticketId]);
      assert.deepEqual(
        rows.map((r) => r.status),
        ['processing'],
      );
      assert.equal((await paymentsOf(t, c.ticketId))[0].status, 'captured');
    } finally {
      await setFaults(t, { refunds: 'ok' });
    }
    const out = await runOnce(t.rt);
    assert.ok(Object.values(out.refunds).includes('succeeded'), JSON.stringify(out));
    assert.equal((await paymentsOf(t, c.ticketId))[0].status, 'refunded');
  });

  test('the unique index is the last guard: a sale it refuses ends as a refund, never a 500', async () => {
    await setFaults(t, { webhooks: 'drop' });
    try {
      const c = await pendingCheckout(['I6']);
      // another ticket already "sold" that seat in ticket_seats (code and seat rows disagreeing)
      const bob = await newCustomer(t, 'bob3');
      await t.rt.db.query(
        `WITH tk AS (INSERT INTO tickets (booking_code, user_id, screening_id, status, total_amount, purchase_time)
                     VALUES ('ZZZZ0001', $1, $2, 'paid', 1, now()) RETURNING id)
         INSERT INTO ticket_seats (ticket_id, screening_id, seat_id, price, status) SELECT id, $2, $3, 1, 'sold' FROM tk`,
        [bob.id, c.screeningId, c.seatIds[0]],
      );
      const r = await postWebhook(t, paymentEvent(await approve(t, c.gatewayId)));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.data.result, 'refunding');
      assert.equal((await ticketState(t, c.ticketId)).status, 'expired');
      const { rows } = await t.rt.db.query<{ reason: string }>('SELECT reason FROM refunds WHERE ticket_id = $1', [c.ticketId]);
      assert.deepEqual(rows, [{ reason: 'seats_gone' }]);
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
  });
});
