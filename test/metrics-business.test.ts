// Business metrics at /metrics: a scripted stretch of a release night (holds granted, refused,
// released, expired, paid; a declined checkout; a refund; a live viewer; the outbox and the
// reconciler's backlog) moves each number by exactly what happened. Counters are process-wide, so
// the test reads them before and after.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sweepExpiredHolds } from '../src/modules/holds/index.ts';
import { approve, checkout, eventually, expireHold, heldSeats, listen, newCustomer, setFaults, webhooksSettled } from './helpers/checkout.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { liveClient } from './helpers/live-client.ts';
import { refund } from './helpers/refunds.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { newScreening } from './helpers/screenings.ts';

let t: TestApp;
let base: string;
let admin: string;
before(async () => {
  t = await startTestApp({ RECONCILE_AFTER_SECONDS: '0' });
  base = await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
});
after(() => t.close());

/** Every sample of /metrics by its name and labels as written: `name{a="x"}` -> value. */
async function scrape(): Promise<Map<string, number>> {
  const r = await call(t.app, { method: 'GET', url: '/metrics' });
  assert.equal(r.status, 200);
  const out = new Map<string, number>();
  for (const line of String(r.body).split('\n')) {
    const m = /^(cinema_[a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}
const delta = (a: Map<string, number>, b: Map<string, number>, key: string) => (b.get(key) ?? 0) - (a.get(key) ?? 0);

test('each business number moves by what happened', async () => {
  const alice = await newCustomer(t, 'alice');
  const bob = await newCustomer(t, 'bob');
  const s = await newScreening(t.app, admin);
  const before = await scrape();

  // two holds granted (one chosen, one best available), one refused (taken), one released
  const held = await heldSeats(t, admin, alice.token, ['D6', 'D7'], s);
  assertProblem(
    await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds`, token: bob.token, payload: { seat_ids: held.seatIds } }),
    409,
    'seat_unavailable',
  );
  const best = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds/best-available`, token: bob.token, payload: { count: 2 } });
  assert.equal(best.status, 201, JSON.stringify(best.body));
  assert.equal((await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${best.body.data.id}`, token: bob.token })).status, 200);

  // alice pays by card: pending at checkout, sold by the webhook (2 seats, the hold converted)
  const co = await checkout(t, alice.token, held.hold.id, 'card');
  assert.equal(co.status, 201, JSON.stringify(co.body));
  await approve(t, co.body.data.payment.id);
  await webhooksSettled(t);

  // bob's card is declined
  const bobs = await heldSeats(t, admin, bob.token, ['E6'], s);
  await setFaults(t, { payments: 'decline' });
  assertProblem(await checkout(t, bob.token, bobs.hold.id, 'card'), 402, 'payment_declined');
  await setFaults(t, { payments: 'ok' });
  // and his hold runs out
  await expireHold(t, bobs.hold.id);
  await sweepExpiredHolds(t.rt);

  // alice refunds one seat
  const r = await refund(t, alice.token, co.body.data.ticket.id, { seat_ids: [held.seatIds[0]] });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await webhooksSettled(t);

  // a live viewer of the seat map
  const viewer = liveClient(base, s.id, alice.token);
  await viewer.ready; // connected and given the snapshot (rejects with the reason if it could not)
  try {
    await eventually(async () => (await scrape()).get('cinema_live_viewers') === 1, 10_000, 'the viewer counted', 100);
    const after = await scrape();
    const d = (key: string) => delta(before, after, key);
    assert.equal(d('cinema_holds_created_total{via="seats"}'), 2);
    assert.equal(d('cinema_holds_created_total{via="best_available"}'), 1);
    assert.equal(d('cinema_hold_refusals_total{cause="seat_unavailable"}'), 1);
    assert.equal(d('cinema_holds_ended_total{outcome="released"}'), 1);
    assert.equal(d('cinema_holds_ended_total{outcome="converted"}'), 1);
    assert.equal(d('cinema_holds_ended_total{outcome="expired"}'), 1);
    assert.equal(d('cinema_checkouts_total{method="card",outcome="pending"}'), 1);
    assert.equal(d('cinema_checkouts_total{method="card",outcome="declined"}'), 1);
    assert.equal(d('cinema_payments_settled_total{method="card",result="sold"}'), 1);
    assert.equal(d('cinema_seats_sold_total'), 2);
    assert.equal(d('cinema_refunds_total{outcome="succeeded"}'), 1);
    assert.equal(after.get('cinema_live_viewers'), 1);
    // the ticket and refund e-mails wait in the outbox (no worker runs in this test)
    assert.ok((after.get('cinema_outbox_waiting') ?? 0) >= 2);
    assert.ok((after.get('cinema_outbox_lag_seconds') ?? -1) >= 0);
  } finally {
    viewer.close();
  }

  // a dead letter, and a payment the reconciler should ask about
  await t.rt.db.query("UPDATE outbox SET status = 'dead' WHERE id = (SELECT id FROM outbox WHERE status = 'pending' LIMIT 1)");
  const stuck = await heldSeats(t, admin, bob.token, ['F1'], s);
  await setFaults(t, { payments: 'timeout' });
  await checkout(t, bob.token, stuck.hold.id, 'card');
  await setFaults(t, { payments: 'ok' });
  const later = await scrape();
  assert.equal(later.get('cinema_outbox_dead'), 1);
  assert.ok((later.get('cinema_reconciler_backlog') ?? 0) >= 1);
});
