// Customer refunds: the policy's tiers (100 / 50 / 0 % by hours before the show), fees and per-seat
// rounding, a partial refund of 1 of 3 seats (only that seat back on sale: seat map, available_seats,
// a live WebSocket viewer), one refund per Idempotency-Key, refusals (already refunded, checked in,
// started, not paid, other seats), BOLA, review (pending_review -> approve / reject), gateway faults
// (decline, 5xx, dropped connection, timeout completed once by the reconciler), refund webhooks
// deduplicated and monotonic, and the policy admin routes. After every test: the money invariant.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import { runOnce } from '../src/jobs/payment-reconciler.ts';
import type { GatewayRefund } from '../src/gateway/gateway.ts';
import { checkout, listen, newCustomer, postWebhook, setFaults } from './helpers/checkout.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { liveClient } from './helpers/live-client.ts';
import { assertMoneyInvariant, paidTicket, quote, refund, refundState, renderedMessages } from './helpers/refunds.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { plainHall, screeningIn, seatMapOf } from './helpers/screenings.ts';

let t: TestApp;
let base: string;
let admin: string;
let alice: string;
let staff: string;
let bob: { token: string; id: number };

before(async () => {
  t = await startTestApp({ GATEWAY_TIMEOUT_MS: '400', RECONCILE_AFTER_SECONDS: '0', LIVE_BATCH_MS: '20', CHECKIN_OPENS_MINUTES: '180' });
  base = await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
  staff = await loginAs(t.app, 'staff@cinema.com');
  bob = await newCustomer(t, 'bob');
});
afterEach(async () => {
  await setFaults(t, { payments: 'ok', refunds: 'ok', webhooks: 'ok' });
  await assertMoneyInvariant(t.rt.db, t.rt.simulator!.ledger());
});
after(() => t.close());

const sim = () => t.rt.simulator!;
const ledgerOf = (gatewayPaymentId: string) =>
  sim()
    .ledger()
    .find((e) => e.payment_id === gatewayPaymentId)!;
const refundedAt = (gatewayPaymentId: string) => Number(ledgerOf(gatewayPaymentId).refunded);
const outboxOf = async (kind: string, ticketId: string) =>
  (
    await t.rt.db.query<{ channel: string }>(`SELECT channel FROM outbox WHERE kind = $1 AND payload->>'ticket_id' = $2 ORDER BY channel`, [
      kind,
      ticketId,
    ])
  ).rows.map((r) => r.channel);

describe('policy tiers', () => {
  test('30 h before: 100 %; 10 h: 50 %; 1 h: nothing (refund_not_allowed); the fee stays by default', async () => {
    const hall = await plainHall(t.app, admin);
    const cases = [
      { hours: 30, percent: 100, tier: 24 },
      { hours: 10, percent: 50, tier: 2 },
      { hours: 1, percent: 0, tier: null },
    ];
    for (const c of cases) {
      const s = await screeningIn(t.app, admin, hall, c.hours);
      const p = await paidTicket(t, alice, s.id, ['B5']);
      const q = await quote(t, alice, p.ticketId);
      assert.equal(q.status, 200, JSON.stringify(q.body));
      const d = q.body.data;
      assert.equal(d.percent, c.percent, `${c.hours} h`);
      assert.equal(d.tier?.min_hours_before ?? null, c.tier);
      assert.equal(d.fee_refund, 0, 'fees are not refundable by default');
      assert.equal(d.amount, (p.prices[0] * c.percent) / 100);
      assert.deepEqual(
        d.seats.map((x: any) => [x.id, x.label, x.price, x.refund]),
        [[p.seatIds[0], 'B5', p.prices[0], d.amount]],
      );
      assert.equal(d.policy.source, 'default');
      if (c.tier !== null) {
        assert.equal(d.refundable, true);
        assert.equal(d.reason_code, null);
        assert.equal(Date.parse(d.deadline), Date.parse(s.show_time) - c.tier * 3_600_000, 'the tier lasts until show time minus its hours');
        const r = await refund(t, alice, p.ticketId);
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.body.data.status, 'succeeded');
        assert.equal(r.body.data.amount, d.amount);
        assert.equal(r.body.data.percent, c.percent);
        assert.equal(refundedAt(p.paymentId), d.amount, 'the gateway refunded exactly the quote');
        const st = await refundState(t.rt.db, p.ticketId);
        assert.equal(st.ticket, 'refunded');
        assert.deepEqual(
          st.seats.map((x) => [x.status, x.ticket_status]),
          [['available', 'refunded']],
        );
      } else {
        assert.equal(d.refundable, false);
        assert.equal(d.reason_code, 'refund_not_allowed');
        assert.equal(d.deadline, null);
        assertProblem(await refund(t, alice, p.ticketId), 409, 'refund_not_allowed');
        assert.equal((await refundState(t.rt.db, p.ticketId)).ticket, 'paid');
      }
    }
  });

  test("a theater's own policy: fees refundable, rounding down per seat; the fee comes back with the last seats", async () => {
    const hall = await plainHall(t.app, admin);
    const put = await call(t.app, {
      method: 'PUT',
      url: `/api/v1/theaters/${hall.theaterId}/refund-policy`,
      token: admin,
      payload: {
        tiers: [
          { min_hours_before: 2, percent: 33 },
          { min_hours_before: 48, percent: 100 },
        ],
        fees_refundable: true,
        rounding: 'down',
      },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.data.source, 'theater');
    assert.deepEqual(
      put.body.data.tiers,
      [
        { min_hours_before: 48, percent: 100 },
        { min_hours_before: 2, percent: 33 },
      ],
      'stored largest first',
    );
    // rupiah are whole: 10,050 x 33 % = 3,316.5 -> 3,316 per seat rounded down (half up would give 3,317)
    const s = await screeningIn(t.app, admin, hall, 10, 10_050);
    const p = await paidTicket(t, alice, s.id, ['C1', 'C2']);
    assert.deepEqual(p.prices, [10_050, 10_050]);
    // the card fee, 2,000 + 2.9 % of 20,100 = 582.9, is rounded to a whole rupiah too: 2,583
    assert.equal(p.fee, 2_583);
    const both = (await quote(t, alice, p.ticketId)).body.data;
    assert.deepEqual(
      both.seats.map((x: any) => x.refund),
      [3316, 3316],
    );
    const feeBack = Math.floor((p.fee * 33) / 100); // 852.39 -> 852
    assert.equal(both.fee_refund, feeBack);
    assert.equal(both.policy.rounding, 'down');

    const one = (await quote(t, alice, p.ticketId, [p.seatIds[0]])).body.data;
    assert.equal(one.fee_refund, 0, 'the fee stays while a seat is still sold');
    const r1 = await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] });
    assert.equal(r1.status, 201, JSON.stringify(r1.body));
    assert.equal(r1.body.data.amount, 3316);
    assert.equal(r1.body.data.fee_amount, 0);
    const r2 = await refund(t, alice, p.ticketId);
    assert.equal(r2.status, 201, JSON.stringify(r2.body));
    assert.deepEqual(r2.body.data.seat_ids, [p.seatIds[1]]);
    assert.equal(r2.body.data.fee_amount, feeBack);
    assert.equal(r2.body.data.amount, 3316 + feeBack);
    assert.equal(refundedAt(p.paymentId), 2 * 3316 + feeBack);
    assert.equal((await refundState(t.rt.db, p.ticketId)).payment.status, 'partially_refunded', 'the cinema kept 67 %');
    const { rows } = await t.rt.db.query(`SELECT 1 FROM audit_log WHERE entity = 'refund_policy' AND entity_id = $1`, [String(hall.theaterId)]);
    assert.equal(rows.length, 1);
  });
});

describe('partial refund and restock', () => {
  test('1 of 3 seats: only that seat is back on sale (map, available_seats, live viewer), for its price', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['D4', 'D5', 'D6']);
    const before = await seatMapOf(t.app, s.id);
    const avail = async () => (await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}`, token: alice })).body.data.available_seats;
    const availBefore = await avail();
    const viewer = liveClient(base, s.id, alice);
    await viewer.ready;
    assert.equal(viewer.map.get(p.seatIds[1]), 'sold');

    const r = await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[1]], reason: 'friend cannot come' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.data.amount, p.prices[1]);
    assert.deepEqual(r.body.data.seat_ids, [p.seatIds[1]]);
    assert.equal(r.body.data.initiated_by, 'customer');
    await viewer.reach(before.version + 1, 2_000);
    assert.equal(viewer.map.get(p.seatIds[1]), 'available', 'the viewer saw the seat come back');
    assert.equal(viewer.map.get(p.seatIds[0]), 'sold');
    viewer.close();

    const after = await seatMapOf(t.app, s.id);
    assert.equal(after.version, before.version + 1);
    assert.deepEqual([after.status('D4'), after.status('D5'), after.status('D6')], ['sold', 'available', 'sold']);
    assert.equal(await avail(), availBefore + 1);
    const st = await refundState(t.rt.db, p.ticketId);
    assert.equal(st.ticket, 'partially_refunded');
    assert.equal(st.payment.status, 'partially_refunded');
    assert.equal(Number(st.payment.refunded_amount), p.prices[1]);
    assert.deepEqual(await outboxOf('refund_succeeded', p.ticketId), ['email', 'sms']);
    const msg = await renderedMessages(t, 'refund_succeeded', p.ticketId);
    assert.match(msg.email.subject as string, /^Refund of Rp 50\.000: The Batman$/);
    assert.match(msg.email.text, /Seats refunded: D5\n/);
    assert.match(msg.email.text, /Seats still valid on your ticket: D4, D6/);
    assert.match(msg.sms.text, /refunded for seats D5/);
    // the ticket still admits with its other seats; the refunded seat can be bought again
    const v = await call(t.app, { method: 'GET', url: `/api/v1/tickets/${p.ticketId}`, token: alice });
    assert.equal(v.body.data.status, 'partially_refunded');
    assert.ok(v.body.data.qr);
    const again = await call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${s.id}/holds`,
      token: bob.token,
      payload: { seat_ids: [p.seatIds[1]] },
    });
    assert.equal(again.status, 201, JSON.stringify(again.body));
  });
});

describe('idempotency and refusals', () => {
  test('the same key twice: one refund, one gateway refund; another key for the same seats: ticket_already_refunded', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['E1', 'E2']);
    const key = randomUUID();
    const first = await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] }, key);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const second = await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] }, key);
    assert.equal(second.status, 201);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(second.body.data.id, first.body.data.id);
    assertProblem(await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[1]] }, key), 422, 'idempotency_key_reused');
    assert.equal((await refundState(t.rt.db, p.ticketId)).refunds.length, 1);
    assert.equal(refundedAt(p.paymentId), p.prices[0], 'one refund at the gateway');
    assertProblem(await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] }), 409, 'ticket_already_refunded');
    assertProblem(await refund(t, alice, p.ticketId, { seat_ids: [9_999_999] }), 400, 'seats_not_in_ticket');
    assertProblem(await quote(t, alice, p.ticketId, [9_999_999]), 400, 'seats_not_in_ticket');
    assertProblem(await refund(t, alice, p.ticketId, {}, null), 400, 'validation_failed');
    const rest = await refund(t, alice, p.ticketId);
    assert.equal(rest.status, 201);
    assert.deepEqual(rest.body.data.seat_ids, [p.seatIds[1]]);
    assertProblem(await refund(t, alice, p.ticketId), 409, 'ticket_already_refunded');
    const q = (await quote(t, alice, p.ticketId)).body.data;
    assert.equal(q.refundable, false);
    assert.equal(q.reason_code, 'ticket_already_refunded');
  });

  test('racing requests with different keys: one refund; the others are told which one is in flight or done', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['L1', 'L2']);
    const answers = await Promise.all(Array.from({ length: 6 }, () => refund(t, alice, p.ticketId)));
    const won = answers.filter((a) => a.status === 201);
    assert.equal(won.length, 1, JSON.stringify(answers.map((a) => [a.status, a.body.code])));
    for (const a of answers.filter((x) => x.status !== 201)) {
      assert.equal(a.status, 409);
      assert.ok(['refund_in_progress', 'ticket_already_refunded'].includes(a.body.code), a.body.code);
      if (a.body.code === 'refund_in_progress') assert.equal(a.body.refund_id, won[0].body.data.id);
    }
    assert.equal((await refundState(t.rt.db, p.ticketId)).refunds.length, 1);
    assert.equal(refundedAt(p.paymentId), p.prices[0] + p.prices[1]);
  });

  test('a checked-in ticket is refused (ticket_checked_in); so is a started show and an unpaid ticket', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['A1']);
    // at the door a minute before the show, then the show is moved back to tomorrow: still checked in
    await t.rt.db.query(`UPDATE screenings SET show_time = now() + interval '1 minute', end_time = now() + interval '3 hours' WHERE id = $1`, [s.id]);
    const qr = (await call(t.app, { method: 'GET', url: `/api/v1/tickets/${p.ticketId}`, token: alice })).body.data.qr;
    const admitted = await call(t.app, { method: 'POST', url: '/api/v1/checkin', token: staff, payload: { code: qr } });
    assert.equal(admitted.status, 200, JSON.stringify(admitted.body));
    await t.rt.db.query(`UPDATE screenings SET show_time = now() + interval '30 hours', end_time = now() + interval '33 hours' WHERE id = $1`, [
      s.id,
    ]);
    assertProblem(await refund(t, alice, p.ticketId), 409, 'ticket_checked_in');
    assert.equal((await quote(t, alice, p.ticketId)).body.data.reason_code, 'ticket_checked_in');

    const started = await paidTicket(t, alice, s.id, ['A2']);
    await t.rt.db.query(`UPDATE screenings SET show_time = now() - interval '5 minutes', end_time = now() + interval '3 hours' WHERE id = $1`, [
      s.id,
    ]);
    assertProblem(await refund(t, alice, started.ticketId), 409, 'screening_started');

    const s2 = await screeningIn(t.app, admin, hall, 60);
    const m = await seatMapOf(t.app, s2.id);
    const hold = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s2.id}/holds`, token: alice, payload: { seat_ids: [m.id('A1')] } });
    const co = await checkout(t, alice, hold.body.data.id);
    assert.equal(co.status, 201);
    assertProblem(await refund(t, alice, co.body.data.ticket.id), 409, 'ticket_not_paid');
    await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${hold.body.data.id}`, token: alice });
  });

  test("BOLA: another customer's ticket or refund is 404 on quote, refund and read; an admin reads but does not refund", async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['F1', 'F2']);
    const r = await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] });
    assert.equal(r.status, 201);
    assertProblem(await quote(t, bob.token, p.ticketId), 404, 'ticket_not_found');
    assertProblem(await refund(t, bob.token, p.ticketId), 404, 'ticket_not_found');
    assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/refunds/${r.body.data.id}`, token: bob.token }), 404, 'refund_not_found');
    assertProblem(await refund(t, staff, p.ticketId), 404, 'ticket_not_found');
    assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/refunds`, token: bob.token }), 403, 'forbidden');
    assertProblem(await refund(t, admin, p.ticketId), 403, 'forbidden');
    assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/refunds/${r.body.data.id}` }), 401, 'unauthorized');
    assert.equal((await quote(t, admin, p.ticketId)).status, 200);
    const mine = await call(t.app, { method: 'GET', url: `/api/v1/refunds/${r.body.data.id}`, token: alice });
    assert.equal(mine.status, 200);
    assert.equal(mine.headers.etag, `"${2}"`);
    assert.equal((await call(t.app, { method: 'GET', url: `/api/v1/refunds/${r.body.data.id}`, token: admin })).status, 200);
    assert.equal((await refundState(t.rt.db, p.ticketId)).refunds.length, 1);
    // GET /me/refunds: the owner's own, nobody else's
    const minePage = await call(t.app, { method: 'GET', url: '/api/v1/me/refunds', token: alice });
    assert.equal(minePage.status, 200);
    assert.ok(minePage.body.data.some((x: { id: string }) => x.id === r.body.data.id));
    const bobs = await call(t.app, { method: 'GET', url: '/api/v1/me/refunds', token: bob.token });
    assert.equal(bobs.status, 200);
    assert.ok(!bobs.body.data.some((x: { id: string }) => x.id === r.body.data.id), "another customer's refund is not listed");
    const filtered = await call(t.app, { method: 'GET', url: `/api/v1/me/refunds?ticket_id=${p.ticketId}&limit=1`, token: alice });
    assert.deepEqual(
      filtered.body.data.map((x: { id: string }) => x.id),
      [r.body.data.id],
    );
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/me/refunds' }), 401, 'unauthorized');
  });
});

describe('review', () => {
  test('over the threshold: pending_review (seats stay sold), approved -> succeeded; rejected -> ticket stays valid', async () => {
    const current = await call(t.app, { method: 'GET', url: '/api/v1/refund-policies/default', token: admin });
    const put = await call(t.app, {
      method: 'PUT',
      url: '/api/v1/refund-policies/default',
      token: admin,
      payload: { review_threshold: 60_000 },
      headers: { 'if-match': current.headers.etag as string },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    try {
      const hall = await plainHall(t.app, admin);
      const s = await screeningIn(t.app, admin, hall, 30);
      const small = await paidTicket(t, alice, s.id, ['G1']);
      assert.equal((await refund(t, alice, small.ticketId)).body.data.status, 'succeeded', 'under the threshold: no staff needed');

      const p = await paidTicket(t, alice, s.id, ['G3', 'G4']);
      assert.equal((await quote(t, alice, p.ticketId)).body.data.needs_review, true);
      const r = await refund(t, alice, p.ticketId);
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(r.body.data.status, 'pending_review');
      assert.equal(refundedAt(p.paymentId), 0);
      assert.deepEqual(
        (await refundState(t.rt.db, p.ticketId)).seats.map((x) => x.status),
        ['sold', 'sold'],
      );
      assertProblem(await refund(t, alice, p.ticketId), 409, 'refund_in_progress');

      const queue = await call(t.app, { method: 'GET', url: `/api/v1/refunds?status=pending_review&screening_id=${s.id}`, token: admin });
      assert.equal(queue.status, 200, JSON.stringify(queue.body));
      assert.deepEqual(
        queue.body.data.map((x: any) => x.id),
        [r.body.data.id],
      );
      const id = r.body.data.id;
      assertProblem(
        await call(t.app, { method: 'POST', url: `/api/v1/refunds/${id}/approve`, token: admin, payload: {}, headers: { 'if-match': '"99"' } }),
        412,
        'precondition_failed',
      );
      assertProblem(await call(t.app, { method: 'POST', url: `/api/v1/refunds/${id}/approve`, token: alice, payload: {} }), 403, 'forbidden');
      const ok = await call(t.app, {
        method: 'POST',
        url: `/api/v1/refunds/${id}/approve`,
        token: admin,
        payload: { note: 'fine' },
        headers: { 'if-match': '"1"' },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.data.status, 'succeeded');
      assert.equal(ok.body.data.review.note, 'fine');
      assert.equal(refundedAt(p.paymentId), p.prices[0] + p.prices[1]);
      assert.equal((await refundState(t.rt.db, p.ticketId)).ticket, 'refunded');
      // (no body at all: the note is optional)
      assertProblem(await call(t.app, { method: 'POST', url: `/api/v1/refunds/${id}/approve`, token: admin }), 409, 'refund_not_pending_review');

      const q = await paidTicket(t, alice, s.id, ['G6', 'G7']);
      const asked = await refund(t, alice, q.ticketId);
      assert.equal(asked.body.data.status, 'pending_review');
      const no = await call(t.app, {
        method: 'POST',
        url: `/api/v1/refunds/${asked.body.data.id}/reject`,
        token: admin,
        payload: { reason: 'Outside our policy' },
      });
      assert.equal(no.status, 200, JSON.stringify(no.body));
      assert.equal(no.body.data.status, 'rejected');
      assert.equal(no.body.data.review.note, 'Outside our policy');
      const st = await refundState(t.rt.db, q.ticketId);
      assert.equal(st.ticket, 'paid');
      assert.deepEqual(
        st.seats.map((x) => x.status),
        ['sold', 'sold'],
      );
      assert.equal(refundedAt(q.paymentId), 0);
      assert.deepEqual(await outboxOf('refund_rejected', q.ticketId), ['email', 'sms']);
      assert.match((await renderedMessages(t, 'refund_rejected', q.ticketId)).email.text, /declined.*Reason: Outside our policy/s);
      const audit = await t.rt.db.query(`SELECT action FROM audit_log WHERE entity = 'refund' AND entity_id = ANY($1) ORDER BY id`, [
        [id, asked.body.data.id],
      ]);
      assert.deepEqual(
        audit.rows.map((a: any) => a.action),
        ['refund.approve', 'refund.reject'],
      );
    } finally {
      const now = await call(t.app, { method: 'GET', url: '/api/v1/refund-policies/default', token: admin });
      const back = await call(t.app, {
        method: 'PUT',
        url: '/api/v1/refund-policies/default',
        token: admin,
        payload: { review_threshold: null },
        headers: { 'if-match': now.headers.etag as string },
      });
      assert.equal(back.status, 200);
      assert.equal(back.body.data.review_threshold, null);
    }
  });
});

describe('gateway faults', () => {
  for (const [fault, status, code] of [
    ['decline', 502, 'refund_declined'],
    ['error', 503, 'gateway_unavailable'],
  ] as const) {
    test(`${fault}: ${status} ${code}; the ticket, its seats and the money are as they were; asking again later works`, async () => {
      const hall = await plainHall(t.app, admin);
      const s = await screeningIn(t.app, admin, hall, 30);
      const p = await paidTicket(t, alice, s.id, ['H1', 'H2']);
      const mapBefore = await seatMapOf(t.app, s.id);
      await setFaults(t, { refunds: fault });
      const key = randomUUID();
      const r = await refund(t, alice, p.ticketId, {}, key);
      assertProblem(r, status, code);
      assert.equal(r.body.refund.status, 'failed');
      assert.ok(r.body.refund.failure_code);
      if (status === 503) assert.equal(r.headers['retry-after'], '5');
      const st = await refundState(t.rt.db, p.ticketId);
      assert.equal(st.ticket, 'paid');
      assert.deepEqual(
        st.seats.map((x) => [x.status, x.ticket_status]),
        [
          ['sold', 'sold'],
          ['sold', 'sold'],
        ],
      );
      assert.equal(st.payment.status, 'captured');
      assert.equal(Number(st.payment.refunded_amount), 0);
      assert.equal(refundedAt(p.paymentId), 0);
      assert.equal((await seatMapOf(t.app, s.id)).version, mapBefore.version, 'no seat event');
      assert.deepEqual(await outboxOf('refund_succeeded', p.ticketId), []);

      await setFaults(t, { refunds: 'ok' });
      // a failed refund may be asked for again: the same key after a 5xx, a new key after a decline
      const again = await refund(t, alice, p.ticketId, {}, fault === 'decline' ? randomUUID() : key);
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.notEqual(again.body.data.id, r.body.refund.id);
      assert.deepEqual(
        (await refundState(t.rt.db, p.ticketId)).refunds.map((x) => x.status),
        ['failed', 'succeeded'],
      );
      assert.equal(refundedAt(p.paymentId), p.prices[0] + p.prices[1]);
    });
  }

  test('drop: a connection broken under the request may have carried it: 202 processing, never failed; the reconciler completes it once', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['G1', 'G2']);
    await setFaults(t, { refunds: 'drop' });
    const r = await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.data.status, 'processing', 'not failed: asking again would be a second refund under a new key');
    assertProblem(await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] }), 409, 'refund_in_progress');
    await setFaults(t, { refunds: 'ok' });
    assert.equal((await runOnce(t.rt)).refunds[r.body.data.id], 'succeeded');
    assert.equal(refundedAt(p.paymentId), p.prices[0], 'refunded once');
    assert.equal((await refundState(t.rt.db, p.ticketId)).ticket, 'partially_refunded');
  });

  test('timeout: 202 processing with nothing changed here; the reconciler completes it once, by the same key', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['J1', 'J2', 'J3']);
    await setFaults(t, { refunds: 'timeout', webhooks: 'drop' });
    const r = await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0], p.seatIds[1]] });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.data.status, 'processing');
    assert.match(r.body.message, /did not confirm/);
    const amount = p.prices[0] + p.prices[1];
    assert.equal(refundedAt(p.paymentId), amount, 'the gateway did refund: only its answer was lost');
    const st = await refundState(t.rt.db, p.ticketId);
    assert.equal(st.ticket, 'paid');
    assert.deepEqual(
      st.seats.map((x) => x.status),
      ['sold', 'sold', 'sold'],
    );
    assert.equal(Number(st.payment.refunded_amount), 0);
    assertProblem(await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[2]] }), 409, 'refund_in_progress');

    await setFaults(t, { refunds: 'ok' });
    const pass = await runOnce(t.rt);
    assert.equal(pass.refunds[r.body.data.id], 'succeeded');
    const done = await refundState(t.rt.db, p.ticketId);
    assert.equal(done.ticket, 'partially_refunded');
    assert.deepEqual(
      done.seats.map((x) => x.status),
      ['available', 'available', 'sold'],
    );
    assert.equal(Number(done.payment.refunded_amount), amount);
    assert.equal((await runOnce(t.rt)).refunds[r.body.data.id], undefined, 'nothing left to do');
    assert.equal(refundedAt(p.paymentId), amount, 'refunded once');
    assert.deepEqual(await outboxOf('refund_succeeded', p.ticketId), ['email', 'sms']);

    // the gateway's webhooks: a duplicate event is recorded once; a late "failed" never undoes a success
    const row = (await t.rt.db.query<{ gateway_refund_id: string }>('SELECT gateway_refund_id FROM refunds WHERE id = $1', [r.body.data.id])).rows[0];
    const gr = sim().inspectRefund(row.gateway_refund_id) as GatewayRefund;
    const event = { id: `evt_${randomUUID()}`, type: 'refund.succeeded' as const, created_at: new Date().toISOString(), data: gr };
    assert.equal((await postWebhook(t, event)).body.data.result, 'succeeded');
    assert.equal((await postWebhook(t, event)).body.data.result, 'duplicate');
    const failed = {
      ...event,
      id: `evt_${randomUUID()}`,
      type: 'refund.failed' as const,
      data: { ...gr, status: 'failed' as const, failure_code: 'x' },
    };
    assert.equal((await postWebhook(t, failed)).body.data.result, 'succeeded');
    assert.equal((await refundState(t.rt.db, p.ticketId)).refunds[0].status, 'succeeded');
    assert.equal(Number((await refundState(t.rt.db, p.ticketId)).payment.refunded_amount), amount, 'applied once');
  });
});

describe('refund policy administration', () => {
  test('validation, roles, If-Match, theater override and its removal, audit', async () => {
    const hall = await plainHall(t.app, admin);
    const url = `/api/v1/theaters/${hall.theaterId}/refund-policy`;
    const got = await call(t.app, { method: 'GET', url, token: admin });
    assert.equal(got.status, 200);
    assert.equal(got.body.data.source, 'default');
    assert.deepEqual(got.body.data.tiers, [
      { min_hours_before: 24, percent: 100 },
      { min_hours_before: 2, percent: 50 },
    ]);
    const rising = {
      tiers: [
        { min_hours_before: 24, percent: 50 },
        { min_hours_before: 2, percent: 100 },
      ],
    };
    assertProblem(await call(t.app, { method: 'PUT', url, token: admin, payload: rising }), 400, 'invalid_refund_policy');
    const twice = {
      tiers: [
        { min_hours_before: 24, percent: 50 },
        { min_hours_before: 24, percent: 40 },
      ],
    };
    assertProblem(await call(t.app, { method: 'PUT', url, token: admin, payload: twice }), 400, 'invalid_refund_policy');
    assertProblem(
      await call(t.app, { method: 'PUT', url, token: admin, payload: { tiers: [{ min_hours_before: 1, percent: 101 }] } }),
      400,
      'validation_failed',
    );
    assertProblem(await call(t.app, { method: 'PUT', url, token: admin, payload: {} }), 400, 'validation_failed');
    assertProblem(await call(t.app, { method: 'PUT', url, token: alice, payload: { fees_refundable: true } }), 403, 'forbidden');
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/theaters/999999/refund-policy', token: admin }), 404, 'theater_not_found');

    const set = await call(t.app, { method: 'PUT', url, token: admin, payload: { tiers: [{ min_hours_before: 72, percent: 80 }] } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.data.source, 'theater');
    assert.equal(set.body.data.fees_refundable, false, 'taken from the default');
    assertProblem(
      await call(t.app, { method: 'PUT', url, token: admin, payload: { rounding: 'down' }, headers: { 'if-match': '"7"' } }),
      412,
      'precondition_failed',
    );
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['K1']);
    const q = (await quote(t, alice, p.ticketId)).body.data;
    assert.equal(q.reason_code, 'refund_not_allowed', 'one 72 h tier: 30 h before the show returns nothing');
    assert.equal(q.policy.source, 'theater');

    const del = await call(t.app, { method: 'DELETE', url, token: admin });
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assert.equal(del.body.data.source, 'default');
    assert.equal((await quote(t, alice, p.ticketId)).body.data.percent, 100);
    const audit = await t.rt.db.query(`SELECT action FROM audit_log WHERE entity = 'refund_policy' AND entity_id = $1 ORDER BY id`, [
      String(hall.theaterId),
    ]);
    assert.deepEqual(
      audit.rows.map((a: any) => a.action),
      ['refund_policy.create', 'refund_policy.delete'],
    );
  });
});
