// Checkout: hold -> ticket + payment at the gateway -> approve -> webhook -> paid, seats sold.
// Idempotency, fees per method, enabled methods, ownership, expiry, decline, a webhook that beats the
// checkout response, payment_in_progress. (Webhook faults, reconciliation, late payments: payments.test.ts.)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import {
  approve,
  checkout,
  decline,
  eventually,
  expectedFee,
  expireHold,
  heldSeats,
  listen,
  newCustomer,
  paymentsOf,
  seatStates,
  ticketState,
  webhooksSettled,
} from './helpers/checkout.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { seatMapOf } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
let alice: string;
before(async () => {
  t = await startTestApp({ PAYMENT_METHODS: 'card,ewallet,bank_transfer,qris', CHECKOUT_EXTENSION_SECONDS: '300' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
});
after(() => t.close());

describe('checkout, the happy path', () => {
  test('201 with a pending ticket and the gateway payment; approve -> webhook -> paid, seats sold on the map', async () => {
    const { screeningId, hold, seatIds } = await heldSeats(t, admin, alice);
    const r = await checkout(t, alice, hold.id, 'card');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const { ticket, payment } = r.body.data;
    assert.equal(ticket.status, 'pending_payment');
    assert.equal(ticket.booking_code, undefined, 'the booking code appears once paid');
    assert.equal(ticket.total_amount, hold.total_amount);
    assert.deepEqual(ticket.seats.map((s: any) => s.id).sort(), [...seatIds].sort());
    assert.equal(ticket.hold_id, hold.id);
    assert.match(payment.id, /^pay_/);
    assert.equal(payment.status, 'pending');
    assert.equal(payment.method, 'card');
    assert.equal(payment.next_action.type, 'redirect');
    assert.equal(payment.amount, ticket.total_amount + ticket.fee_amount);
    // the hold was extended once, to at least now + 300 s
    assert.ok(Date.parse(ticket.reserved_until) >= Date.parse(hold.reserved_until));

    await approve(t, payment.id);
    await webhooksSettled(t);
    const state = await ticketState(t, ticket.id);
    assert.equal(state.status, 'paid');
    assert.equal(state.payment_method, 'card');
    assert.equal(state.hold_status, 'converted');
    assert.deepEqual(
      (await paymentsOf(t, ticket.id)).map((p) => p.status),
      ['captured'],
    );
    const seats = await seatStates(t, screeningId, seatIds);
    assert.ok(seats.every((s) => s.status === 'sold' && s.ticket_id === ticket.id));
    const map = await seatMapOf(t.app, screeningId);
    for (const id of seatIds) assert.equal(map.seats.find((s) => s.id === id)?.status, 'sold');
    const { rows } = await t.rt.db.query<{ kind: string; channel: string; request_id: string | null }>(
      `SELECT kind, channel, request_id FROM outbox WHERE payload->>'ticket_id' = $1 ORDER BY channel`,
      [ticket.id],
    );
    // both name the request that confirmed the payment (the gateway's webhook), for the log lines
    assert.ok(rows[0]?.request_id, 'the request that queued the messages is on them');
    assert.equal(rows[1]?.request_id, rows[0].request_id);
    // the demo customer has a phone number: e-mail and SMS
    assert.deepEqual(
      rows.map(({ kind, channel }) => ({ kind, channel })),
      [
        { kind: 'ticket_issued', channel: 'email' },
        { kind: 'ticket_issued', channel: 'sms' },
      ],
    );
    // checking out a converted hold again is refused
    assertProblem(await checkout(t, alice, hold.id, 'card'), 409, 'hold_not_active');
  });

  test('the hold is extended only once however often checkout runs', async () => {
    const { hold } = await heldSeats(t, admin, alice, ['E6']);
    const first = await checkout(t, alice, hold.id, 'card');
    assert.equal(first.status, 201);
    await decline(t, first.body.data.payment.id);
    await webhooksSettled(t);
    const { rows: before } = await t.rt.db.query<{ reserved_until: Date; extended: boolean }>(
      'SELECT reserved_until, extended FROM holds WHERE id = $1',
      [hold.id],
    );
    assert.equal(before[0].extended, true);
    const second = await checkout(t, alice, hold.id, 'qris');
    assert.equal(second.status, 201, JSON.stringify(second.body));
    const { rows: after } = await t.rt.db.query<{ reserved_until: Date }>('SELECT reserved_until FROM holds WHERE id = $1', [hold.id]);
    assert.equal(after[0].reserved_until.getTime(), before[0].reserved_until.getTime());
  });
});

describe('idempotency', () => {
  test('Idempotency-Key is required', async () => {
    const { hold } = await heldSeats(t, admin, alice, ['F6']);
    assertProblem(await checkout(t, alice, hold.id, 'card', null), 400, 'validation_failed');
  });

  test('the same key twice: one ticket, one payment, the same answer; another body with it: 422', async () => {
    const { hold } = await heldSeats(t, admin, alice, ['F8']);
    const key = randomUUID();
    const a = await checkout(t, alice, hold.id, 'ewallet', key);
    const b = await checkout(t, alice, hold.id, 'ewallet', key);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.headers['idempotent-replayed'], 'true');
    assert.deepEqual(b.body, a.body);
    const { rows } = await t.rt.db.query<{ n: number; p: number }>(
      `SELECT count(DISTINCT t.id)::int AS n, count(p.id)::int AS p FROM tickets t LEFT JOIN payments p ON p.ticket_id = t.id WHERE t.hold_id = $1`,
      [hold.id],
    );
    assert.deepEqual(rows[0], { n: 1, p: 1 });
    assertProblem(await checkout(t, alice, hold.id, 'card', key), 422, 'idempotency_key_reused');
    // a new key while that payment is pending: 409 with the payment to continue
    const c = await checkout(t, alice, hold.id, 'ewallet');
    assertProblem(c, 409, 'payment_in_progress');
    assert.equal(c.body.payment.id, a.body.data.payment.id);
  });
});

describe('fees and methods', () => {
  test('GET /payment-methods lists the enabled methods with their fee rules', async () => {
    const r = await call(t.app, { method: 'GET', url: '/api/v1/payment-methods' });
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.data.map((m: any) => [m.code, m.fee.fixed, m.fee.rate_bp]),
      [
        ['card', 2000, 290],
        ['ewallet', 0, 150],
        ['bank_transfer', 4000, 0],
        ['qris', 0, 70],
      ],
    );
  });

  test('each method charges tickets + its fee, exactly', async () => {
    const rules: Record<string, [number, number]> = { card: [2000, 290], ewallet: [0, 150], bank_transfer: [4000, 0], qris: [0, 70] };
    const actions: Record<string, string> = { card: 'redirect', ewallet: 'redirect', bank_transfer: 'virtual_account', qris: 'qr' };
    for (const [method, [fixed, bp]] of Object.entries(rules)) {
      const { hold } = await heldSeats(t, admin, alice, ['G6', 'G7', 'G8']);
      const r = await checkout(t, alice, hold.id, method);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const fee = expectedFee(hold.total_amount, fixed, bp);
      assert.equal(r.body.data.ticket.fee_amount, fee, method);
      assert.equal(r.body.data.payment.fee, fee, method);
      assert.equal(r.body.data.payment.amount, hold.total_amount + fee, method);
      assert.equal(r.body.data.payment.next_action.type, actions[method]);
      const [p] = await paymentsOf(t, r.body.data.ticket.id);
      assert.equal(Number(p.amount), hold.total_amount + fee);
    }
  });

  test('a method not enabled is 400 payment_method_unavailable; an unknown one 400 validation_failed', async () => {
    const other = await startTestApp({ PAYMENT_METHODS: 'qris' });
    try {
      const adminB = await loginAs(other.app, 'admin@cinema.com');
      const aliceB = await loginAs(other.app, 'customer@cinema.com');
      const listed = await call(other.app, { method: 'GET', url: '/api/v1/payment-methods' });
      assert.deepEqual(
        listed.body.data.map((m: any) => m.code),
        ['qris'],
      );
      const { hold } = await heldSeats(other, adminB, aliceB, ['D6']);
      const r = await checkout(other, aliceB, hold.id, 'card');
      assertProblem(r, 400, 'payment_method_unavailable');
      assertProblem(await checkout(other, aliceB, hold.id, 'bitcoin'), 400, 'validation_failed');
      assert.equal((await checkout(other, aliceB, hold.id, 'qris')).status, 201);
    } finally {
      await other.close();
    }
  });
});

describe('refusals', () => {
  test("another customer's hold is 404 hold_not_found (so is an unknown id)", async () => {
    const { hold } = await heldSeats(t, admin, alice, ['H6']);
    const bob = await newCustomer(t, 'bob');
    assertProblem(await checkout(t, bob.token, hold.id), 404, 'hold_not_found');
    assertProblem(await checkout(t, admin, hold.id), 404, 'hold_not_found');
    assertProblem(await checkout(t, alice, randomUUID()), 404, 'hold_not_found');
    const { rows } = await t.rt.db.query('SELECT 1 FROM tickets WHERE hold_id = $1', [hold.id]);
    assert.equal(rows.length, 0);
  });

  test('an expired hold is 410 hold_expired; a released one 409 hold_not_active', async () => {
    const a = await heldSeats(t, admin, alice, ['H8']);
    await expireHold(t, a.hold.id);
    assertProblem(await checkout(t, alice, a.hold.id), 410, 'hold_expired');
    const b = await heldSeats(t, admin, alice, ['H10']);
    assert.equal((await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${b.hold.id}`, token: alice })).status, 200);
    assertProblem(await checkout(t, alice, b.hold.id), 409, 'hold_not_active');
  });

  test('declined at the gateway: 402, payment failed, ticket unpaid, hold kept; another method then works', async () => {
    const { hold, screeningId, seatIds } = await heldSeats(t, admin, alice, ['C6']);
    await call(t.app, { method: 'POST', url: '/_gateway/faults', payload: { payments: 'decline' } });
    try {
      const r = await checkout(t, alice, hold.id, 'card');
      assertProblem(r, 402, 'payment_declined');
      assert.equal(r.body.failure_code, 'card_declined');
      const ticketId = r.body.ticket_id as string;
      assert.equal((await ticketState(t, ticketId)).status, 'pending_payment');
      assert.deepEqual(
        (await paymentsOf(t, ticketId)).map((p) => [p.status, p.failure_code]),
        [['failed', 'card_declined']],
      );
      const h = await call(t.app, { method: 'GET', url: `/api/v1/holds/${hold.id}`, token: alice });
      assert.equal(h.body.data.status, 'active');
      assert.ok((await seatStates(t, screeningId, seatIds)).every((s) => s.status === 'held'));
    } finally {
      await call(t.app, { method: 'POST', url: '/_gateway/faults', payload: { payments: 'ok' } });
    }
    const again = await checkout(t, alice, hold.id, 'qris');
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(again.body.data.payment.method, 'qris');
  });

  test('declined by the customer on the gateway page: the webhook marks the payment failed, nothing sold', async () => {
    const { hold, screeningId, seatIds } = await heldSeats(t, admin, alice, ['C8']);
    const r = await checkout(t, alice, hold.id, 'ewallet');
    await decline(t, r.body.data.payment.id);
    await webhooksSettled(t);
    const [p] = await paymentsOf(t, r.body.data.ticket.id);
    assert.equal(p.status, 'failed');
    assert.equal((await ticketState(t, r.body.data.ticket.id)).status, 'pending_payment');
    assert.ok((await seatStates(t, screeningId, seatIds)).every((s) => s.status === 'held'));
  });
});

describe('a webhook that beats the checkout response', () => {
  test('captured and delivered before createPayment returns: the response shows it paid', async () => {
    const { hold, screeningId, seatIds } = await heldSeats(t, admin, alice, ['B6', 'B7']);
    const gateway = t.rt.gateway;
    t.rt.gateway = {
      ...gateway,
      name: gateway.name,
      async createPayment(input) {
        const p = await gateway.createPayment(input);
        await approve(t, p.id);
        await webhooksSettled(t); // our webhook route has processed the capture
        return p; // the answer the gateway gave before the capture: pending
      },
    };
    try {
      const r = await checkout(t, alice, hold.id, 'card');
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.data.ticket.status, 'paid');
      assert.match(r.body.data.ticket.booking_code, /^[0-9A-Z]{8}$/);
      assert.equal(r.body.data.payment.status, 'captured');
      assert.match(r.body.data.payment.id, /^pay_/);
      assert.ok((await seatStates(t, screeningId, seatIds)).every((s) => s.status === 'sold'));
    } finally {
      t.rt.gateway = gateway;
    }
  });

  test('auto-captured at once: the response already shows the ticket paid, one ticket, seats sold', async () => {
    const fast = await startTestApp({ GATEWAY_AUTO_CAPTURE_MS: '0', GATEWAY_LATENCY_MS: '30' });
    try {
      await listen(fast);
      const adminB = await loginAs(fast.app, 'admin@cinema.com');
      const aliceB = await loginAs(fast.app, 'customer@cinema.com');
      const { hold, screeningId, seatIds } = await heldSeats(fast, adminB, aliceB, ['D6', 'D7']);
      const r = await checkout(fast, aliceB, hold.id, 'qris');
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const ticketId = r.body.data.ticket.id;
      // the capture's webhook lands while (or right after) the checkout answers
      await eventually(async () => (await ticketState(fast, ticketId)).status === 'paid', 5_000, 'ticket paid');
      await fast.rt.simulator!.flushWebhooks();
      const { rows } = await fast.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets WHERE hold_id = $1', [hold.id]);
      assert.equal(rows[0].n, 1);
      assert.deepEqual(
        (await paymentsOf(fast, ticketId)).map((p) => p.status),
        ['captured'],
      );
      assert.ok((await seatStates(fast, screeningId, seatIds)).every((s) => s.status === 'sold'));
    } finally {
      await fast.close();
    }
  });
});
