// Defects a customer meets (issue 12, items 18, 20, 23):
// 18 refusals name seats by their labels (E7), not only by ids, in the message and as `seat_labels`;
//    hold answers carry each seat's label and price beside the total;
// 20 the OpenAPI document's hold limits come from the config (HOLD_MAX_SEATS), and the server
//    refuses what the document refuses;
// 23 a purchase grace period in the refund policy: within grace_minutes of buying, while the show is
//    at least grace_min_hours_before away, a refund returns everything paid (fee included).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { listen, newCustomer } from '../helpers/checkout.ts';
import { assertProblem, call, loginAs } from '../helpers/http.ts';
import { assertMoneyInvariant, paidTicket, quote, refund } from '../helpers/refunds.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';
import { newScreening, plainHall, screeningIn, seatMapOf } from '../helpers/screenings.ts';

let t: TestApp;
let admin: string;
let alice: string;
let bob: string;

before(async () => {
  t = await startTestApp();
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
  bob = (await newCustomer(t, 'bob')).token;
});
after(() => t.close());

const hold = (screeningId: number, seatIds: number[], token = alice) =>
  call(t.app, { method: 'POST', url: `/api/v1/screenings/${screeningId}/holds`, token, payload: { seat_ids: seatIds } });

describe('18: seats by their labels', () => {
  test('a refused hold names the taken seats by label in the message and in seat_labels, beside seat_ids', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    assert.equal((await hold(s.id, [m.id('E6'), m.id('E7')])).status, 201);
    const r = await hold(s.id, [m.id('E7'), m.id('E8'), m.id('E9')], bob);
    assertProblem(r, 409, 'seat_unavailable');
    assert.deepEqual(r.body.seat_ids, [m.id('E7')]);
    assert.deepEqual(r.body.seat_labels, ['E7']);
    assert.match(r.body.message, /\bE7\b/);
    assert.doesNotMatch(r.body.message, /\bE8\b/, 'only the refused seat is named');
    // staff blocking seats meet the same refusal, and read the same labels
    const block = await call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${s.id}/seats/block`,
      token: admin,
      payload: { seat_ids: [m.id('E6'), m.id('E10')] },
    });
    assertProblem(block, 409, 'seat_unavailable');
    assert.deepEqual(block.body.seat_labels, ['E6']);
    assert.match(block.body.message, /\bE6\b/);
  });

  test('a seat-rule refusal (a couple seat without its partner) names the seat by label too', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const couple = m.seats.find((x) => x.type === 'couple' && x.pair_seat_id);
    assert.ok(couple, 'the demo hall has couple seats');
    const r = await hold(s.id, [couple.id]);
    assertProblem(r, 400, 'couple_seat_pair');
    assert.deepEqual(r.body.seat_ids, [couple.id]);
    assert.deepEqual(r.body.seat_labels, [couple.label]);
    assert.ok(r.body.message.includes(couple.label), r.body.message);
  });

  test('201 holds (chosen, best available) and GET /holds/{id} carry each seat with its label and price, and the total', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    // two seats of different types where the hall has them, so a price mix-up would show
    const vip = m.seats.find((x) => x.type === 'vip' && x.status === 'available');
    const labels = vip ? ['D6', vip.label] : ['D6', 'D7'];
    const expected = labels.map((l) => ({ id: m.id(l), label: l, price: m.byLabel.get(l)!.price }));
    const r = await hold(
      s.id,
      expected.map((x) => x.id),
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const byId = (seats: { id: number }[]) => [...seats].sort((a, b) => a.id - b.id);
    assert.deepEqual(byId(r.body.data.seats), byId(expected));
    assert.equal(
      r.body.data.total_amount,
      expected.reduce((sum, x) => sum + x.price, 0),
    );

    const got = await call(t.app, { method: 'GET', url: `/api/v1/holds/${r.body.data.id}`, token: alice });
    assert.equal(got.status, 200);
    assert.deepEqual(byId(got.body.data.seats), byId(expected));
    assert.equal(got.body.data.total_amount, r.body.data.total_amount);

    const best = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds/best-available`, token: bob, payload: { count: 2 } });
    assert.equal(best.status, 201, JSON.stringify(best.body));
    const map = await seatMapOf(t.app, s.id);
    const seen = map.seats.filter((x) => best.body.data.seat_ids.includes(x.id)).map((x) => ({ id: x.id, label: x.label, price: x.price }));
    assert.deepEqual(byId(best.body.data.seats), byId(seen));
  });
});

describe('20: the OpenAPI document says what the server allows', () => {
  test('HOLD_MAX_SEATS=5: the hold schemas say 5, and 6 seats are refused with 400', async () => {
    const five = await startTestApp({ HOLD_MAX_SEATS: '5' });
    try {
      const doc = (await call(five.app, { method: 'GET', url: '/swagger/json' })).body;
      const body = (path: string) => doc.paths[path].post.requestBody.content['application/json'].schema;
      assert.equal(body('/api/v1/screenings/{id}/holds').properties.seat_ids.maxItems, 5);
      assert.equal(body('/api/v1/screenings/{id}/holds/best-available').properties.count.maximum, 5);

      const token = await loginAs(five.app, 'customer@cinema.com');
      const s = await newScreening(five.app, await loginAs(five.app, 'admin@cinema.com'));
      const m = await seatMapOf(five.app, s.id);
      const six = ['C4', 'C5', 'C6', 'C7', 'C8', 'C9'].map(m.id);
      const url = `/api/v1/screenings/${s.id}/holds`;
      const over = await call(five.app, { method: 'POST', url, token, payload: { seat_ids: six } });
      assertProblem(over, 400, 'too_many_seats');
      assert.equal(over.body.max, 5);
      assertProblem(await call(five.app, { method: 'POST', url: `${url}/best-available`, token, payload: { count: 6 } }), 400, 'too_many_seats');
      // other schema errors are still validation errors
      assertProblem(await call(five.app, { method: 'POST', url, token, payload: { seat_ids: [] } }), 400, 'validation_failed');
      assert.equal((await call(five.app, { method: 'POST', url, token, payload: { seat_ids: six.slice(0, 5) } })).status, 201);
    } finally {
      await five.close();
    }
  });

  test('the default document says 8 (the default HOLD_MAX_SEATS), not 20', async () => {
    const doc = (await call(t.app, { method: 'GET', url: '/swagger/json' })).body;
    const schema = doc.paths['/api/v1/screenings/{id}/holds'].post.requestBody.content['application/json'].schema;
    assert.equal(schema.properties.seat_ids.maxItems, t.config.HOLD_MAX_SEATS);
    assert.equal(t.config.HOLD_MAX_SEATS, 8);
  });
});

describe('23: a purchase grace period in the refund policy', () => {
  afterEach(async () => {
    await assertMoneyInvariant(t.rt.db, t.rt.simulator!.ledger());
  });

  let hall: { theaterId: number; hallId: number };
  const policyUrl = () => `/api/v1/theaters/${hall.theaterId}/refund-policy`;
  /** Moves a ticket's purchase into the past, as time would. */
  const boughtAgo = (ticketId: string, minutes: number) =>
    t.rt.db.query(`UPDATE tickets SET purchase_time = now() - make_interval(mins => $2) WHERE id = $1`, [ticketId, minutes]);

  before(async () => {
    hall = await plainHall(t.app, admin);
  });

  test('off by default: a refund a minute after buying, 19 h before the show, returns the 50 % tier', async () => {
    const got = await call(t.app, { method: 'GET', url: policyUrl(), token: admin });
    assert.equal(got.body.data.grace_minutes, 0, 'off unless the policy turns it on');
    const s = await screeningIn(t.app, admin, hall, 19);
    const p = await paidTicket(t, alice, s.id, ['A1']);
    const q = (await quote(t, alice, p.ticketId)).body.data;
    assert.equal(q.percent, 50);
    assert.equal(q.tier.kind, 'standard');
  });

  test('policy validation refuses bad grace values', async () => {
    for (const bad of [
      { grace_minutes: -1 },
      { grace_minutes: 1.5 },
      { grace_minutes: 100_000 },
      { grace_min_hours_before: -2 },
      { grace_min_hours_before: 'soon' },
    ]) {
      assertProblem(await call(t.app, { method: 'PUT', url: policyUrl(), token: admin, payload: bad }), 400, 'validation_failed');
    }
    const set = await call(t.app, { method: 'PUT', url: policyUrl(), token: admin, payload: { grace_minutes: 15, grace_min_hours_before: 3 } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.data.grace_minutes, 15);
    assert.equal(set.body.data.grace_min_hours_before, 3);
    // the default is untouched by a theater's override
    const def = await call(t.app, { method: 'GET', url: '/api/v1/refund-policies/default', token: admin });
    assert.equal(def.body.data.grace_minutes, 0);
  });

  test('a minute after buying, 10 h before the show: 100 % and the fee, quoted and refunded', async () => {
    const s = await screeningIn(t.app, admin, hall, 10);
    const p = await paidTicket(t, alice, s.id, ['B1', 'B2']);
    assert.ok(p.fee > 0, 'a card payment has a fee');
    await boughtAgo(p.ticketId, 1);
    const q = (await quote(t, alice, p.ticketId)).body.data;
    assert.equal(q.refundable, true, JSON.stringify(q));
    assert.equal(q.percent, 100);
    assert.equal(q.tier.kind, 'grace');
    assert.equal(q.amount, p.amount, 'everything paid: seats and fee');
    assert.equal(q.fee_refund, p.fee);
    assert.ok(Date.parse(q.deadline) > Date.now() && Date.parse(q.deadline) <= Date.now() + 14 * 60_000, 'grace ends 15 min after purchase');
    const r = await refund(t, alice, p.ticketId);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.data.amount, p.amount);
    assert.equal(r.body.data.percent, 100);
    assert.equal(Number(t.rt.simulator!.ledger().find((e) => e.payment_id === p.paymentId)!.refunded), p.amount, 'the gateway returned it all');
  });

  test('16 minutes after buying (grace 15), 14 h before the show: the normal tier applies', async () => {
    const s = await screeningIn(t.app, admin, hall, 14);
    const p = await paidTicket(t, alice, s.id, ['C1']);
    await boughtAgo(p.ticketId, 16);
    const q = (await quote(t, alice, p.ticketId)).body.data;
    assert.equal(q.percent, 50);
    assert.equal(q.tier.kind, 'standard');
    assert.equal(q.fee_refund, 0);
    const r = await refund(t, alice, p.ticketId);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.data.amount, p.prices[0] / 2);
  });

  test('inside the grace period but too close to the show (2.5 h < 3 h): the normal tier applies', async () => {
    const s = await screeningIn(t.app, admin, hall, 2.5);
    const p = await paidTicket(t, alice, s.id, ['D1']);
    await boughtAgo(p.ticketId, 1);
    const q = (await quote(t, alice, p.ticketId)).body.data;
    assert.equal(q.percent, 50);
    assert.equal(q.tier.kind, 'standard');
    const r = await refund(t, alice, p.ticketId);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.data.amount, p.prices[0] / 2);
  });
});
