// OWASP API10:2023 (unsafe consumption of APIs): a signed webhook is a hint, not the truth. Whoever
// holds the webhook secret (a leak, a replayed body) must not be able to mint tickets or settle
// refunds: the service asks the gateway's API about the payment (or refund) before acting, and acts
// only when the gateway confirms the amount and currency we asked for. Disagreements change nothing,
// are logged and counted in /metrics (cinema_payment_anomalies_total); a gateway that cannot be asked
// gets the webhook answered 503 so it is delivered again, and the reconciler sells exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runOnce } from '../../src/jobs/payment-reconciler.ts';
import type { GatewayPayment, GatewayRefund } from '../../src/gateway/gateway.ts';
import {
  approve,
  checkout,
  eventually,
  heldSeats,
  listen,
  paymentEvent,
  paymentsOf,
  postWebhook,
  seatStates,
  setFaults,
  ticketState,
  webhooksSettled,
} from '../helpers/checkout.ts';
import { assertProblem, call, loginAs } from '../helpers/http.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';

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

async function pendingCheckout(labels: string[]) {
  const h = await heldSeats(t, admin, alice, labels);
  const r = await checkout(t, alice, h.hold.id, 'card');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { ...h, ticketId: r.body.data.ticket.id as string, gatewayId: r.body.data.payment.id as string };
}

/** cinema_payment_anomalies_total as /metrics shows it, by kind */
async function anomalies(): Promise<Record<string, number>> {
  const r = await call(t.app, { method: 'GET', url: '/metrics' });
  assert.equal(r.status, 200);
  const out: Record<string, number> = {};
  for (const m of String(r.body).matchAll(/^cinema_payment_anomalies_total\{kind="([^"]+)"\} (\d+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}
const total = (a: Record<string, number>) => Object.values(a).reduce((s, n) => s + n, 0);

/** Nothing was sold: the ticket waits for its payment, which is still pending, and the seats are still held. */
async function assertNothingSold(c: Awaited<ReturnType<typeof pendingCheckout>>) {
  assert.equal((await ticketState(t, c.ticketId)).status, 'pending_payment');
  assert.deepEqual(
    (await paymentsOf(t, c.ticketId)).map((p) => p.status),
    ['pending'],
  );
  assert.deepEqual(
    (await seatStates(t, c.screeningId, c.seatIds)).map((s) => s.status),
    c.seatIds.map(() => 'held'),
  );
}

async function soldSeats(screeningId: number, ticketId: string) {
  const { rows } = await t.rt.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ticket_seats WHERE screening_id = $1 AND ticket_id = $2 AND status = 'sold'`,
    [screeningId, ticketId],
  );
  return rows[0].n;
}

async function ticketIssuedMessages(ticketId: string) {
  const { rows } = await t.rt.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox WHERE kind = 'ticket_issued' AND channel = 'email' AND payload->>'ticket_id' = $1`,
    [ticketId],
  );
  return rows[0].n;
}

describe('a signed webhook cannot set its own price', () => {
  test('payment.captured claiming 1.00 (or another currency) for a real pending payment: nothing sold, anomaly counted', async () => {
    await setFaults(t, { webhooks: 'drop' }); // we deliver ourselves
    try {
      const c = await pendingCheckout(['D6', 'D7']);
      const real = sim().inspect(c.gatewayId) as GatewayPayment;
      const now = new Date().toISOString();
      const before = await anomalies();
      const cheap = await postWebhook(t, paymentEvent({ ...real, status: 'captured', amount: '1.00', captured_at: now, next_action: null }));
      assert.equal(cheap.status, 200, JSON.stringify(cheap.body));
      await assertNothingSold(c);
      const foreign = await postWebhook(t, paymentEvent({ ...real, status: 'captured', currency: 'USD', captured_at: now, next_action: null }));
      assert.equal(foreign.status, 200, JSON.stringify(foreign.body));
      await assertNothingSold(c);
      const after = await anomalies();
      assert.ok(total(after) >= total(before) + 2, `two anomalies counted: ${JSON.stringify({ before, after })}`);
      // the real payment still settles, once, for its real amount
      const captured = await approve(t, c.gatewayId);
      assert.equal((await postWebhook(t, paymentEvent(captured))).body.data.result, 'sold');
      assert.equal(await soldSeats(c.screeningId, c.ticketId), 2);
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
  });

  test('the gateway captured another amount than ours: nothing sold by the webhook nor the reconciler, anomaly counted', async () => {
    await setFaults(t, { webhooks: 'drop' });
    try {
      const c = await pendingCheckout(['E6']);
      // our books say one rupiah more than the gateway was asked for (as if a request were tampered with)
      await t.rt.db.query('UPDATE payments SET amount = amount + 1 WHERE ticket_id = $1', [c.ticketId]);
      const before = await anomalies();
      const captured = await approve(t, c.gatewayId);
      const r = await postWebhook(t, paymentEvent(captured));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.data.result, 'anomaly');
      await assertNothingSold(c);
      await t.rt.db.query('UPDATE payments SET reconcile_at = NULL WHERE ticket_id = $1', [c.ticketId]);
      const [p] = await paymentsOf(t, c.ticketId);
      assert.equal((await runOnce(t.rt)).payments[p.id], 'anomaly');
      await assertNothingSold(c);
      const after = await anomalies();
      assert.ok((after.amount_mismatch ?? 0) >= (before.amount_mismatch ?? 0) + 2, JSON.stringify({ before, after }));
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
  });

  test('payment.captured for a payment the gateway says is still pending: nothing sold', async () => {
    await setFaults(t, { webhooks: 'drop' });
    try {
      const c = await pendingCheckout(['F6', 'F7']);
      const real = sim().inspect(c.gatewayId) as GatewayPayment;
      // amount and currency exactly right: only the gateway can say whether the customer paid
      const r = await postWebhook(t, paymentEvent({ ...real, status: 'captured', captured_at: new Date().toISOString(), next_action: null }));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.notEqual(r.body.data.result, 'sold');
      await assertNothingSold(c);
      assert.equal(sim().inspect(c.gatewayId)?.status, 'pending');
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
  });

  test('happy path: the gateway confirms the amount and currency we asked for, the seats are sold', async () => {
    const c = await pendingCheckout(['G6', 'G7']);
    await webhooksSettled(t); // earlier tests' deliveries first: they are not this payment's
    const before = await anomalies();
    await approve(t, c.gatewayId); // the simulator delivers its own signed webhook
    await webhooksSettled(t);
    assert.equal((await ticketState(t, c.ticketId)).status, 'paid');
    assert.equal(await soldSeats(c.screeningId, c.ticketId), 2);
    assert.deepEqual(await anomalies(), before, 'no anomaly on a genuine payment');
  });

  test('a forged payment.captured for a payment the gateway does not know: acknowledged, nothing sold', async () => {
    await setFaults(t, { webhooks: 'drop' });
    try {
      const c = await pendingCheckout(['H6']);
      const real = sim().inspect(c.gatewayId) as GatewayPayment;
      const before = await anomalies();
      const r = await postWebhook(t, paymentEvent({ ...real, id: 'pay_forged', status: 'captured', next_action: null }));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.data.result, 'unknown');
      await assertNothingSold(c);
      assert.equal((await anomalies()).unknown_payment, (before.unknown_payment ?? 0) + 1);
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
  });
});

describe('the gateway cannot be asked', () => {
  for (const fault of ['error', 'timeout'] as const) {
    test(`${fault}: the webhook is answered 503 and not recorded; a redelivery sells exactly once`, async () => {
      await setFaults(t, { webhooks: 'drop' });
      try {
        const c = await pendingCheckout(['J6', 'J7']);
        const event = paymentEvent(await approve(t, c.gatewayId));
        await setFaults(t, { payments: fault });
        try {
          assertProblem(await postWebhook(t, event), 503, 'gateway_unavailable');
        } finally {
          await setFaults(t, { payments: 'ok' });
        }
        await assertNothingSold(c);
        const { rows } = await t.rt.db.query('SELECT 1 FROM webhook_events WHERE event_id = $1', [event.id]);
        assert.equal(rows.length, 0, 'not recorded: the redelivery does the work');
        assert.equal((await postWebhook(t, event)).body.data.result, 'sold');
        assert.equal((await postWebhook(t, event)).body.data.result, 'duplicate');
        assert.equal(await soldSeats(c.screeningId, c.ticketId), 2);
        assert.equal(await ticketIssuedMessages(c.ticketId), 1);
      } finally {
        await setFaults(t, { webhooks: 'ok', payments: 'ok' });
      }
    });
  }

  test("the gateway's own delivery is retried after a 503; the reconciler and the retry sell exactly once", async () => {
    const c = await pendingCheckout(['E8', 'E9']);
    await setFaults(t, { payments: 'error' });
    let eventId: string;
    try {
      const seen = sim().deliveries().length;
      await approve(t, c.gatewayId);
      const delivery = await eventually(
        async () =>
          sim()
            .deliveries()
            .slice(seen)
            .find((d) => d.type === 'payment.captured' && d.last_status === 503),
        5_000,
        'a 503',
      );
      assert.ok(delivery);
      assert.equal(delivery.delivered, false, 'the gateway will deliver it again');
      eventId = delivery.event_id;
      await assertNothingSold(c);
      // the reconciler cannot ask either: it sells nothing and tries later
      await t.rt.db.query('UPDATE payments SET reconcile_at = NULL WHERE ticket_id = $1', [c.ticketId]);
      const [p] = await paymentsOf(t, c.ticketId);
      assert.equal((await runOnce(t.rt)).payments[p.id], 'retry');
      await assertNothingSold(c);
    } finally {
      await setFaults(t, { payments: 'ok' });
    }
    // the gateway is back: the reconciler sells, the redelivery finds it done
    await t.rt.db.query('UPDATE payments SET reconcile_at = NULL WHERE ticket_id = $1', [c.ticketId]);
    const [p] = await paymentsOf(t, c.ticketId);
    assert.equal((await runOnce(t.rt)).payments[p.id], 'sold');
    await webhooksSettled(t);
    const done = sim()
      .deliveries()
      .find((d) => d.event_id === eventId);
    assert.equal(done?.delivered, true);
    assert.equal(await soldSeats(c.screeningId, c.ticketId), 2);
    assert.equal(await ticketIssuedMessages(c.ticketId), 1);
  });
});

describe('refund webhooks are confirmed too', () => {
  test('a forged refund.succeeded for a refund the gateway has not made leaves it owed; the reconciler pays it back', async () => {
    const c = await pendingCheckout(['F8']);
    // the screening is cancelled meanwhile: the payment buys nothing and is owed back, but the
    // gateway refuses refunds for now, so the refund stays processing
    await t.rt.db.query(`UPDATE screenings SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [c.screeningId]);
    await setFaults(t, { refunds: 'error' });
    let refundId: string;
    try {
      await approve(t, c.gatewayId);
      await webhooksSettled(t);
      const row = await eventually(async () => {
        const { rows } = await t.rt.db.query<{ id: string; status: string; amount: string; currency: string }>(
          `SELECT id, status, amount::text AS amount, currency FROM refunds WHERE ticket_id = $1`,
          [c.ticketId],
        );
        return rows[0];
      });
      assert.equal(row.status, 'processing');
      refundId = row.id;
      // the gateway answers again (nobody sends the refund until the reconciler does)
      await setFaults(t, { refunds: 'ok', webhooks: 'drop' });
      const forged: GatewayRefund = {
        id: 're_forged',
        payment_id: c.gatewayId,
        amount: row.amount,
        currency: row.currency,
        status: 'succeeded',
        reference: row.id,
        failure_code: null,
        created_at: new Date().toISOString(),
      };
      const r = await postWebhook(t, { id: `evt_forged_${row.id}`, type: 'refund.succeeded', created_at: forged.created_at, data: forged });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const { rows } = await t.rt.db.query<{ status: string }>('SELECT status FROM refunds WHERE id = $1', [row.id]);
      assert.equal(rows[0].status, 'processing', 'still owed: the gateway has not refunded');
      assert.equal((await paymentsOf(t, c.ticketId))[0].status, 'captured');
    } finally {
      await setFaults(t, { refunds: 'ok', webhooks: 'ok' });
    }
    await t.rt.db.query('UPDATE refunds SET reconcile_at = NULL WHERE id = $1', [refundId]);
    assert.equal((await runOnce(t.rt)).refunds[refundId], 'succeeded');
    assert.equal(
      sim()
        .ledger()
        .find((e) => e.payment_id === c.gatewayId)?.status,
      'refunded',
    );
  });
});
