// The live seat map over a real WebSocket client: snapshot, deltas with growing versions, auth, and
// (on PostgreSQL + Redis) two instances: a hold made through A reaches a viewer on B.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { call, loginAs } from './helpers/http.ts';
import { claims, signHs256 } from './helpers/jwt.ts';
import { closeCode, liveClient } from './helpers/live-client.ts';
import { onPostgres, onRedis, startTestApp, TEST_SECRET, type TestApp } from './helpers/runtime.ts';
import { newScreening, seatMapOf } from './helpers/screenings.ts';

let a: TestApp;
let baseA: string;
let admin: string;
let alice: string;
const listen = async (t: TestApp) => {
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
};
before(async () => {
  a = await startTestApp({ LIVE_BATCH_MS: '50' });
  baseA = await listen(a);
  admin = await loginAs(a.app, 'admin@cinema.com');
  alice = await loginAs(a.app, 'customer@cinema.com');
});
after(() => a.close());

const holdVia = (app: TestApp, token: string, screeningId: number, seatIds: number[]) =>
  call(app.app, { method: 'POST', url: `/api/v1/screenings/${screeningId}/holds`, token, payload: { seat_ids: seatIds } });

/** The map as GET /seats has it, id -> status. */
async function served(base: string, screeningId: number) {
  const body = (await (await fetch(`${base}/api/v1/screenings/${screeningId}/seats`)).json()) as any;
  return { version: body.data.version as number, map: new Map<number, string>(body.data.seats.map((s: any) => [s.id, s.status])) };
}

describe('one instance', () => {
  test('snapshot, then a delta for a hold within a second, versions growing', async () => {
    const s = await newScreening(a.app, admin);
    const m = await seatMapOf(a.app, s.id);
    const viewer = liveClient(baseA, s.id, alice);
    await viewer.ready;
    assert.equal(viewer.version, m.version);
    assert.equal(viewer.map.size, m.seats.length);
    const r = await holdVia(a, alice, s.id, [m.id('D6'), m.id('D7')]);
    assert.equal(r.status, 201);
    const ms = await viewer.reach(m.version + 1, 1_000);
    assert.ok(ms < 1_000);
    assert.equal(viewer.map.get(m.id('D6')), 'held');
    // an admin block is a seat change too
    const block = await call(a.app, {
      method: 'POST',
      url: `/api/v1/screenings/${s.id}/seats/block`,
      token: admin,
      payload: { seat_ids: [m.id('A7')] },
    });
    assert.equal(block.status, 200);
    await viewer.reach(m.version + 2, 1_000);
    assert.equal(viewer.map.get(m.id('A7')), 'blocked');
    viewer.close();
  });

  test('auth by first message works; a bad token or unknown screening is refused', async () => {
    const s = await newScreening(a.app, admin);
    const viewer = liveClient(baseA, s.id, alice, { authByMessage: true });
    await viewer.ready;
    assert.ok(viewer.version >= 0);
    viewer.close();
    const ws = baseA.replace('http', 'ws');
    assert.equal(await closeCode(`${ws}/api/v1/screenings/${s.id}/live?access_token=nope`), 4401);
    assert.equal(await closeCode(`${ws}/api/v1/screenings/${s.id}/live`, '{"type":"hello"}'), 4401);
    assert.equal(await closeCode(`${ws}/api/v1/screenings/999999/live?access_token=${alice}`), 4404);
  });
});

describe('limits', () => {
  let c: TestApp;
  let baseC: string;
  before(async () => {
    c = await startTestApp({ LIVE_SOCKETS_PER_ACCOUNT: '2', LIVE_SOCKETS_PER_ADDRESS: '3', LIVE_AUTH_WINDOW_MS: '500' });
    baseC = await listen(c);
  });
  after(() => c?.close());

  test('a socket that does not authenticate within LIVE_AUTH_WINDOW_MS is closed', async () => {
    const started = Date.now();
    assert.equal(await closeCode(`${baseC.replace('http', 'ws')}/api/v1/screenings/1/live`, undefined, 3_000), 4401);
    assert.ok(Date.now() - started < 2_000, `closed after ${Date.now() - started} ms (the default window is 5 s)`);
  });

  test('an account and an address hold only so many live sockets; a closed one frees its place', async () => {
    const s = await newScreening(c.app, await loginAs(c.app, 'admin@cinema.com'));
    const customer = await loginAs(c.app, 'customer@cinema.com');
    const admin2 = await loginAs(c.app, 'admin@cinema.com');
    const url = (token: string) => `${baseC.replace('http', 'ws')}/api/v1/screenings/${s.id}/live?access_token=${token}`;
    const first = liveClient(baseC, s.id, customer);
    const second = liveClient(baseC, s.id, customer);
    await Promise.all([first.ready, second.ready]);
    assert.equal(await closeCode(url(customer)), 4429, "a third socket of the customer's");
    const third = liveClient(baseC, s.id, admin2, { authByMessage: true });
    await third.ready; // the address's third place: another account
    assert.equal(await closeCode(url(admin2)), 4429, "the address's fourth");
    first.close();
    await new Promise((r) => setTimeout(r, 100));
    const again = liveClient(baseC, s.id, customer);
    await again.ready;
    for (const v of [second, third, again]) v.close();
  });

  test('a socket is closed with 4401 when its access token expires', async () => {
    const s = await newScreening(a.app, admin);
    const soon = signHs256(claims({ exp: Math.floor(Date.now() / 1000) + 2 }), TEST_SECRET);
    const viewer = liveClient(baseA, s.id, soon);
    await viewer.ready;
    const started = Date.now();
    const code = await closeCode(`${baseA.replace('http', 'ws')}/api/v1/screenings/${s.id}/live?access_token=${soon}`, undefined, 6_000);
    assert.equal(code, 4401);
    assert.ok(Date.now() - started < 5_000, 'closed at exp, not by a later check');
    viewer.close();
  });
});

describe('two instances', { skip: !(onPostgres && onRedis) && 'needs PostgreSQL and Redis: instances share them' }, () => {
  let b: TestApp;
  let baseB: string;
  before(async () => {
    const prefix = a.config.REDIS_PREFIX;
    b = await startTestApp({ LIVE_BATCH_MS: '50' }, undefined, { databaseUrl: a.databaseUrl, redisPrefix: prefix });
    baseB = await listen(b);
  });
  after(() => b?.close());

  test('holds through A and B reach viewers on both within 1 s; versions strictly increase; maps end equal', async () => {
    const s = await newScreening(a.app, admin);
    const m = await seatMapOf(a.app, s.id);
    const onA = liveClient(baseA, s.id, alice);
    const onB = liveClient(baseB, s.id, alice);
    await Promise.all([onA.ready, onB.ready]);

    // a hold made through A, seen by the viewer on B
    const first = await holdVia(a, alice, s.id, [m.id('D6'), m.id('D7')]);
    assert.equal(first.status, 201);
    const ms = await onB.reach(m.version + 1, 1_000);
    assert.ok(ms < 1_000, `reached B after ${ms} ms`);

    // then a burst of holds and releases from many customers through both instances
    const tokens: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await call(a.app, {
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { email: `live${i}@example.com`, password: 'long enough pw', full_name: `L${i}` },
      });
      tokens.push(r.body.data.token);
    }
    const rows = ['B', 'C', 'E', 'F', 'G', 'H'];
    await Promise.all(
      tokens.map(async (token, i) => {
        const via = i % 2 === 0 ? a : b;
        for (const start of [5, 8, 6]) {
          const r = await holdVia(via, token, s.id, [m.id(`${rows[i]}${start}`), m.id(`${rows[i]}${start + 1}`)]);
          assert.ok([201, 409].includes(r.status), JSON.stringify(r.body));
        }
      }),
    );
    const final = await served(baseA, s.id);
    await Promise.all([onA.reach(final.version, 3_000), onB.reach(final.version, 3_000)]);
    for (const viewer of [onA, onB]) {
      for (let i = 1; i < viewer.applied.length; i++) assert.ok(viewer.applied[i] > viewer.applied[i - 1], 'strictly increasing');
      assert.deepEqual(viewer.map, final.map);
      viewer.close();
    }
    assert.deepEqual((await served(baseB, s.id)).map, final.map, 'B serves the same map');
  });
});
