// No stale seat after an answer, on any instance (PostgreSQL + Redis): once instance A has answered a
// hold (201), a release, a sale or a refund's restock, the seat map read from instance B shows it,
// even though B's map was cached just before. B here hears no seat event at all (its hub is shut),
// the worst a slow pub/sub can do: what keeps B right is the screening's shared version, which A
// advances in Redis before it answers (kv/seat-versions.ts). Without it B serves the cached map.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listen } from './helpers/checkout.ts';
import { call, loginAs } from './helpers/http.ts';
import { paidTicket, refund } from './helpers/refunds.ts';
import { onPostgres, onRedis, startTestApp, type TestApp } from './helpers/runtime.ts';
import { newScreening, seatMapOf } from './helpers/screenings.ts';

describe('a seat map read on another instance right after an answer', {
  skip: !(onPostgres && onRedis) && 'needs PostgreSQL and Redis: instances share them',
}, () => {
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    a = await startTestApp();
    await listen(a); // the gateway simulator's webhooks come back to A
    b = await startTestApp({}, undefined, { databaseUrl: a.databaseUrl, redisPrefix: a.config.REDIS_PREFIX });
    b.rt.hub.close(); // B hears no seat events from now on
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  test('hold, release, sale and restock through A show on B at once, with B cached just before', async () => {
    const admin = await loginAs(a.app, 'admin@cinema.com');
    const customer = await loginAs(a.app, 'customer@cinema.com');
    const s = await newScreening(a.app, admin);
    const m = await seatMapOf(a.app, s.id);
    const onB = async (label: string) => {
      const r = await call(b.app, { method: 'GET', url: `/api/v1/screenings/${s.id}/seats` });
      assert.equal(r.status, 200);
      return r.body.data.seats.find((x: { id: number }) => x.id === m.id(label)).status as string;
    };

    // eight holds, each read on B the moment A has answered
    const holds: string[] = [];
    for (const label of ['B1', 'C1', 'D1', 'E1', 'F1', 'G1', 'H1', 'I1']) {
      assert.equal(await onB(label), 'available'); // B has the map cached now
      const r = await call(a.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds`, token: customer, payload: { seat_ids: [m.id(label)] } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      holds.push(r.body.data.id);
      assert.equal(await onB(label), 'held', `${label} right after its 201`);
    }

    // a release
    assert.equal(await onB('I1'), 'held');
    const released = await call(a.app, { method: 'DELETE', url: `/api/v1/holds/${holds[7]}`, token: customer });
    assert.equal(released.status, 200, JSON.stringify(released.body));
    assert.equal(await onB('I1'), 'available', 'right after the release');

    // a sale, then its refund's restock
    assert.equal(await onB('F8'), 'available');
    const sold = await paidTicket(a, customer, s.id, ['F8']);
    assert.equal(await onB('F8'), 'sold', 'right after the payment was confirmed');
    const r = await refund(a, customer, sold.ticketId);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.data.status, 'succeeded');
    assert.equal(await onB('F8'), 'available', 'right after the refund restocked it');
  });
});
