// Redis is an accelerator: holds stay correct while it is gone, and the fast path comes back with it.
// Uses a private redis-server so the machine's own is never touched.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { call, loginAs } from './helpers/http.ts';
import { startRedis } from '../ops/lib/redis-server.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { newScreening, seatMapOf } from './helpers/screenings.ts';

let redis: Awaited<ReturnType<typeof startRedis>>;
let t: TestApp;
before(async () => {
  redis = await startRedis();
  t = await startTestApp({ REDIS_URL: redis.url, REDIS_PREFIX: 'outage:' });
});
after(async () => {
  await t.close();
  await redis.stop();
});

test('fast path while up, PostgreSQL alone while down, fast path again once Redis is back', async () => {
  const admin = await loginAs(t.app, 'admin@cinema.com');
  const alice = await loginAs(t.app, 'customer@cinema.com');
  const bob = (
    await call(t.app, {
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'bob@outage.test', password: 'long enough pw', full_name: 'Bob' },
    })
  ).body.data.token;
  const s = await newScreening(t.app, admin);
  const m = await seatMapOf(t.app, s.id);
  const hold = (token: string, labels: string[]) =>
    call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds`, token, payload: { seat_ids: labels.map(m.id) } });

  assert.equal((await hold(alice, ['D6', 'D7'])).status, 201);
  const up = await hold(bob, ['D7', 'D8']);
  assert.equal(up.status, 409);
  assert.equal(up.body.cause, 'fast_path');

  await redis.stop();
  const down = await hold(bob, ['D7', 'D8']);
  assert.equal(down.status, 409, 'still refused: PostgreSQL decides');
  assert.equal(down.body.cause, 'taken');
  assert.equal((await hold(bob, ['E6', 'E7'])).status, 201, 'holds go on without Redis');
  const ready = await call(t.app, { method: 'GET', url: '/readyz' });
  assert.equal(ready.status, 200);
  assert.equal(ready.body.status, 'degraded');

  await redis.start(); // the same port, empty
  const deadline = Date.now() + 10_000;
  while (!(await t.rt.kv.ping())) {
    assert.ok(Date.now() < deadline, 'reconnected to Redis');
    await new Promise((r) => setTimeout(r, 200));
  }
  // the fast-path connection reconnects on its own schedule too: give it the same chance
  let cause = '';
  while (Date.now() < deadline) {
    assert.equal((await hold(alice, ['F6', 'F7'])).status, 201);
    const again = await hold(bob, ['F7', 'F8']);
    cause = again.body.cause;
    if (cause === 'fast_path') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(cause, 'fast_path', 'the fast path works again');
  assert.equal((await call(t.app, { method: 'GET', url: '/readyz' })).body.status, 'ready');
});
