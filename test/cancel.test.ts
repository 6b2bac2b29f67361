// The cinema cancels a screening: closed for sale, holds released (an unpaid checkout cancelled at the
// gateway), every ticket refunded in full for its seats still sold, fees included, whatever the policy
// and even when checked in; a refund waiting for review is superseded; each customer notified once;
// calling it again changes nothing. Refunds the gateway refuses are retried by calling it again; one
// it cannot reach is finished by the reconciler; a customer's refund in flight is waited for.
// After every test: the money invariant. (Killed halfway through 60 tickets: cancel-crash.test.ts.)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, afterEach, before, describe, test } from 'node:test';
import { runOnce } from '../src/jobs/payment-reconciler.ts';
import { checkout, listen, newCustomer, setFaults } from './helpers/checkout.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { assertMoneyInvariant, paidTicket, quote, refund, refundState, renderedMessages } from './helpers/refunds.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { plainHall, screeningIn, seatMapOf } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
let alice: string;
let staff: string;

before(async () => {
  t = await startTestApp({ GATEWAY_TIMEOUT_MS: '400', RECONCILE_AFTER_SECONDS: '0', CHECKIN_OPENS_MINUTES: '180' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
  staff = await loginAs(t.app, 'staff@cinema.com');
});
afterEach(async () => {
  await setFaults(t, { payments: 'ok', refunds: 'ok', webhooks: 'ok' });
  await assertMoneyInvariant(t.rt.db, t.rt.simulator!.ledger());
});
after(() => t.close());

const sim = () => t.rt.simulator!;
const cancel = (screeningId: number, token = admin, headers: Record<string, string> = {}) =>
  call(t.app, { method: 'POST', url: `/api/v1/screenings/${screeningId}/cancel`, token, payload: { reason: 'Projector failure' }, headers });
const ledgerOf = (gatewayPaymentId: string) =>
  sim()
    .ledger()
    .find((e) => e.payment_id === gatewayPaymentId)!;

async function cinemaRefunds(ticketId: string) {
  const { rows } = await t.rt.db.query<{ status: string; amount: string; fee_amount: string; seat_ids: number[] }>(
    `SELECT status, amount::text AS amount, fee_amount::text AS fee_amount, seat_ids FROM refunds
      WHERE ticket_id = $1 AND initiated_by = 'cinema' ORDER BY created_at`,
    [ticketId],
  );
  return rows;
}

async function notices(ticketId: string) {
  const { rows } = await t.rt.db.query<{ channel: string; n: number }>(
    `SELECT channel, count(*)::int AS n FROM outbox WHERE kind = 'screening_cancelled' AND payload->>'ticket_id' = $1 GROUP BY channel ORDER BY channel`,
    [ticketId],
  );
  return Object.fromEntries(rows.map((r) => [r.channel, r.n]));
}

describe('cancelling a screening', () => {
  test('every ticket refunded in full (partly refunded, checked in, under review too), holds released, sale closed, one notice each', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const bob = await newCustomer(t, 'bob');
    const carol = await newCustomer(t, 'carol');
    const dave = await newCustomer(t, 'dave');
    const erin = await newCustomer(t, 'erin');
    const frank = await newCustomer(t, 'frank');

    const a = await paidTicket(t, alice, s.id, ['A1', 'A2']);
    const b = await paidTicket(t, bob.token, s.id, ['B1', 'B2', 'B3']);
    const partial = await refund(t, bob.token, b.ticketId, { seat_ids: [b.seatIds[0]] });
    assert.equal(partial.status, 201, JSON.stringify(partial.body));
    // carol is admitted (the show moved close for a moment), then the show is cancelled anyway
    const c = await paidTicket(t, carol.token, s.id, ['C1']);
    await t.rt.db.query(`UPDATE screenings SET show_time = now() + interval '1 minute', end_time = now() + interval '3 hours' WHERE id = $1`, [s.id]);
    const qr = (await call(t.app, { method: 'GET', url: `/api/v1/tickets/${c.ticketId}`, token: carol.token })).body.data.qr;
    assert.equal((await call(t.app, { method: 'POST', url: '/api/v1/checkin', token: staff, payload: { code: qr } })).status, 200);
    await t.rt.db.query(`UPDATE screenings SET show_time = now() + interval '30 hours', end_time = now() + interval '33 hours' WHERE id = $1`, [
      s.id,
    ]);
    // dave's refund waits for review
    const d = await paidTicket(t, dave.token, s.id, ['D1', 'D2']);
    const review = await call(t.app, {
      method: 'PUT',
      url: `/api/v1/theaters/${hall.theaterId}/refund-policy`,
      token: admin,
      payload: { review_threshold: 1 },
    });
    assert.equal(review.status, 200);
    const waiting = await refund(t, dave.token, d.ticketId);
    assert.equal(waiting.body.data.status, 'pending_review');
    // erin holds seats; frank is in checkout (payment pending at the gateway)
    const m = await seatMapOf(t.app, s.id);
    const erinHold = await call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${s.id}/holds`,
      token: erin.token,
      payload: { seat_ids: [m.id('E1'), m.id('E2')] },
    });
    assert.equal(erinHold.status, 201);
    const frankHold = await call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${s.id}/holds`,
      token: frank.token,
      payload: { seat_ids: [m.id('F1')] },
    });
    const frankCo = await checkout(t, frank.token, frankHold.body.data.id);
    assert.equal(frankCo.status, 201);

    assertProblem(await cancel(s.id, alice), 403, 'forbidden');
    const key = randomUUID();
    const r = await cancel(s.id, admin, { 'idempotency-key': key });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.status, 'completed');
    assert.deepEqual([r.body.data.tickets_total, r.body.data.refunded, r.body.data.pending, r.body.data.failed], [4, 4, 0, 0]);
    assert.equal(r.body.data.reason, 'Projector failure');

    for (const p of [a, b, c, d]) {
      const st = await refundState(t.rt.db, p.ticketId);
      assert.equal(st.ticket, 'refunded', p.ticketId);
      assert.ok(st.seats.every((x) => x.status === 'available' && x.ticket_status === 'refunded'));
      const e = ledgerOf(p.paymentId);
      assert.equal(e.refunded, e.captured, 'everything paid came back, fees included');
      assert.equal(e.status, 'refunded');
      const mine = await cinemaRefunds(p.ticketId);
      assert.equal(mine.length, 1);
      assert.equal(Number(mine[0].fee_amount), p.fee, 'the fee comes back whole');
      assert.equal(Number(mine[0].amount), p === b ? b.prices[1] + b.prices[2] + b.fee : p.amount);
    }
    assert.deepEqual(await notices(a.ticketId), { email: 1, sms: 1 }, 'the demo customer has a phone');
    for (const p of [b, c, d]) assert.deepEqual(await notices(p.ticketId), { email: 1 });
    const told = await renderedMessages(t, 'screening_cancelled', b.ticketId);
    assert.match(told.email.subject as string, /^Cancelled: The Batman/);
    assert.match(told.email.text, /Seats: B2, B3\n/);
    assert.match(told.email.text, /in full, fees included/);
    assert.equal(
      (await call(t.app, { method: 'GET', url: `/api/v1/refunds/${waiting.body.data.id}`, token: dave.token })).body.data.status,
      'rejected',
    );

    const after = await seatMapOf(t.app, s.id);
    assert.ok(
      after.seats.every((x) => x.status === 'available'),
      'every seat back, holds released too',
    );
    const screening = (await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}`, token: admin })).body.data;
    assert.equal(screening.status, 'cancelled');
    assert.equal(screening.is_available, false);
    assert.equal(screening.available_seats, after.seats.length);
    const holds = await t.rt.db.query<{ id: string; status: string }>('SELECT id, status FROM holds WHERE id = ANY($1) ORDER BY id', [
      [erinHold.body.data.id, frankHold.body.data.id],
    ]);
    assert.ok(holds.rows.every((h) => h.status === 'released'));
    assert.equal(sim().inspect(frankCo.body.data.payment.id)?.status, 'cancelled', "frank's unpaid checkout ended at the gateway");
    assert.equal((await refundState(t.rt.db, frankCo.body.data.ticket.id)).ticket, 'cancelled');

    // closed: no holds, no customer refunds; the quote says why
    assertProblem(
      await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds`, token: erin.token, payload: { seat_ids: [m.id('G1')] } }),
      409,
      'screening_not_on_sale',
    );
    assert.equal((await quote(t, alice, a.ticketId)).body.data.reason_code, 'ticket_already_refunded');

    // again: the same answer, nothing new
    const replay = await cancel(s.id, admin, { 'idempotency-key': key });
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    const again = await cancel(s.id);
    assert.equal(again.status, 200);
    assert.deepEqual(again.body.data, { ...r.body.data });
    const count = await t.rt.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM refunds r JOIN tickets t ON t.id = r.ticket_id WHERE t.screening_id = $1`,
      [s.id],
    );
    assert.equal(count.rows[0].n, 4 + 2, 'four cinema refunds, bob and dave asked once each');
    assert.deepEqual(await notices(a.ticketId), { email: 1, sms: 1 });
    const progress = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}/cancellation`, token: admin });
    assert.equal(progress.status, 200);
    assert.equal(progress.body.data.amount_refunded, a.amount + b.prices[1] + b.prices[2] + b.fee + c.amount + d.amount);
    const list = await call(t.app, { method: 'GET', url: `/api/v1/refunds?screening_id=${s.id}&initiated_by=cinema&limit=3`, token: admin });
    assert.equal(list.body.data.length, 3);
    const rest = await call(t.app, {
      method: 'GET',
      url: `/api/v1/refunds?screening_id=${s.id}&initiated_by=cinema&cursor=${list.body.meta.next_cursor}`,
      token: admin,
    });
    assert.equal(rest.body.data.length, 1);
    assert.equal(rest.body.meta.next_cursor, null);
    const audit = await t.rt.db.query(`SELECT 1 FROM audit_log WHERE action = 'screening.cancel' AND entity_id = $1`, [String(s.id)]);
    assert.equal(audit.rows.length, 1);
  });

  test('three admins cancel at once: one cancellation, every ticket refunded once', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const bought = [];
    for (const row of ['A', 'B', 'C', 'D', 'E', 'F']) bought.push(await paidTicket(t, alice, s.id, [`${row}1`, `${row}2`]));
    const answers = await Promise.all([cancel(s.id), cancel(s.id), cancel(s.id)]);
    assert.ok(
      answers.every((a) => a.status === 200 || a.status === 202),
      JSON.stringify(answers.map((a) => a.body)),
    );
    const done = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}/cancellation`, token: admin });
    assert.equal(done.body.data.status, 'completed');
    assert.equal(done.body.data.refunded, 6);
    for (const p of bought) {
      assert.equal((await cinemaRefunds(p.ticketId)).length, 1);
      assert.equal(ledgerOf(p.paymentId).refunded, ledgerOf(p.paymentId).captured);
      assert.deepEqual(await notices(p.ticketId), { email: 1, sms: 1 });
    }
    const rows = await t.rt.db.query('SELECT 1 FROM screening_cancellations WHERE screening_id = $1', [s.id]);
    assert.equal(rows.rows.length, 1);
  });

  test('refusals: unknown screening 404, a screening that is over 409 screening_ended, no progress before a cancellation', async () => {
    assertProblem(await cancel(999_999), 404, 'screening_not_found');
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}/cancellation`, token: admin }), 404, 'not_found');
    await t.rt.db.query(`UPDATE screenings SET show_time = now() - interval '4 hours', end_time = now() - interval '1 hour' WHERE id = $1`, [s.id]);
    assertProblem(await cancel(s.id), 409, 'screening_ended');
  });
});

describe('cancelling against a failing gateway', () => {
  test('refunds the gateway declines: needs_attention, nothing moved; cancelling again retries them and completes', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const a = await paidTicket(t, alice, s.id, ['A1']);
    const b = await paidTicket(t, alice, s.id, ['B1', 'B2']);
    await setFaults(t, { refunds: 'decline' });
    const r = await cancel(s.id);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.status, 'needs_attention');
    assert.deepEqual([r.body.data.refunded, r.body.data.failed, r.body.data.pending], [0, 2, 0]);
    for (const p of [a, b]) {
      const st = await refundState(t.rt.db, p.ticketId);
      assert.equal(st.ticket, 'paid');
      assert.ok(st.seats.every((x) => x.status === 'sold'));
      assert.equal(Number(ledgerOf(p.paymentId).refunded), 0);
    }
    // the reconciler does not retry refused refunds by itself
    await runOnce(t.rt);
    assert.equal((await cinemaRefunds(a.ticketId)).length, 1);

    await setFaults(t, { refunds: 'ok' });
    const again = await cancel(s.id);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.data.status, 'completed');
    assert.deepEqual([again.body.data.refunded, again.body.data.failed], [2, 0]);
    for (const p of [a, b]) {
      assert.deepEqual(
        (await cinemaRefunds(p.ticketId)).map((x) => x.status),
        ['failed', 'succeeded'],
      );
      assert.equal(ledgerOf(p.paymentId).refunded, ledgerOf(p.paymentId).captured);
      assert.deepEqual(await notices(p.ticketId), { email: 1, sms: 1 }, 'told once, not once per attempt');
    }
  });

  test('a gateway that cannot be reached: 202 in progress; the reconciler finishes it', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const a = await paidTicket(t, alice, s.id, ['A1', 'A2']);
    await setFaults(t, { refunds: 'error' });
    const r = await cancel(s.id);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.data.status, 'in_progress');
    assert.equal(r.body.data.pending, 1);
    assert.equal((await refundState(t.rt.db, a.ticketId)).ticket, 'paid');
    await setFaults(t, { refunds: 'ok' });
    await sleep(1_100); // the lease of the attempt that found the gateway down
    const pass = await runOnce(t.rt);
    assert.ok(pass.cancellations.includes(s.id));
    const done = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}/cancellation`, token: admin });
    assert.equal(done.body.data.status, 'completed');
    assert.equal((await refundState(t.rt.db, a.ticketId)).ticket, 'refunded');
    assert.equal(ledgerOf(a.paymentId).refunded, ledgerOf(a.paymentId).captured);
    assert.deepEqual((await runOnce(t.rt)).cancellations, [], 'nothing left');
  });

  test('while its cancellation refund is in flight, the customer cannot ask for one (screening_cancelled)', async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['A1']);
    await setFaults(t, { refunds: 'error' });
    assert.equal((await cancel(s.id)).status, 202);
    assertProblem(await refund(t, alice, p.ticketId), 409, 'screening_cancelled');
    assert.equal((await quote(t, alice, p.ticketId)).body.data.reason_code, 'screening_cancelled');
    await setFaults(t, { refunds: 'ok' });
    await sleep(1_100);
    await runOnce(t.rt);
    assert.equal((await refundState(t.rt.db, p.ticketId)).ticket, 'refunded');
  });

  test("a customer's refund in flight is waited for; the cancellation then refunds the seats it left", async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 10); // the 50 % tier
    const p = await paidTicket(t, alice, s.id, ['A1', 'A2', 'A3']);
    const other = await paidTicket(t, alice, s.id, ['B1']);
    await setFaults(t, { refunds: 'timeout', webhooks: 'drop' });
    const mine = await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0], p.seatIds[1]] });
    assert.equal(mine.status, 202, JSON.stringify(mine.body));
    await setFaults(t, { refunds: 'ok' });

    const r = await cancel(s.id);
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.deepEqual([r.body.data.tickets_total, r.body.data.refunded, r.body.data.pending], [2, 1, 1]);
    assert.equal((await refundState(t.rt.db, other.ticketId)).ticket, 'refunded');
    assert.equal((await cinemaRefunds(p.ticketId)).length, 0, 'not while the customer refund is in flight');

    await runOnce(t.rt); // the customer's refund completes (50 %), then the cancellation refunds A3 + fee
    const done = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}/cancellation`, token: admin });
    assert.equal(done.body.data.status, 'completed', JSON.stringify(done.body.data));
    const st = await refundState(t.rt.db, p.ticketId);
    assert.equal(st.ticket, 'refunded');
    assert.deepEqual(
      st.refunds.map((x) => x.status),
      ['succeeded', 'succeeded'],
    );
    const cinema = await cinemaRefunds(p.ticketId);
    assert.deepEqual(cinema[0].seat_ids, [p.seatIds[2]]);
    assert.equal(Number(cinema[0].amount), p.prices[2] + p.fee);
    assert.equal(Number(ledgerOf(p.paymentId).refunded), (p.prices[0] + p.prices[1]) / 2 + p.prices[2] + p.fee);
  });
});
