// Item 4 of issue 12 (its general part): every client has a request budget over the whole API
// (@fastify/rate-limit), told in the draft standard RateLimit-* headers; past it, 429 rate_limited in
// the problem+json shape with Retry-After. The budget lives in Redis when configured, so all
// instances share it. Health probes and the gateway's webhook are not starved by it. Registration is
// limited per client address and per account, per minute and per hour.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call, type Res } from '../helpers/http.ts';
import { onRedis, startTestApp, type TestApp } from '../helpers/runtime.ts';

// one app for the file (each test speaks from addresses of its own): starting one is slow
let t: TestApp;
before(async () => {
  t = await startTestApp({ RATE_LIMIT_MAX: '5', RATE_LIMIT_WINDOW_MS: '60000', AUTH_RATE_LIMIT: '100', REGISTRATIONS_PER_HOUR: '3' });
});
after(() => t.close());

describe('the general per-client request limit', () => {
  const get = (remoteAddress: string, url = '/api/v1/movies') => call(t.app, { method: 'GET', url, remoteAddress });

  test('RateLimit-* headers count down; past the budget 429 rate_limited with Retry-After', async () => {
    const remaining: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await get('10.20.0.1');
      assert.equal(r.status, 200);
      assert.equal(r.headers['ratelimit-limit'], '5');
      const reset = Number(r.headers['ratelimit-reset']);
      assert.ok(reset >= 1 && reset <= 60, `RateLimit-Reset ${reset}`);
      remaining.push(Number(r.headers['ratelimit-remaining']));
    }
    assert.deepEqual(remaining, [4, 3, 2, 1, 0]);
    const r = await get('10.20.0.1');
    assertProblem(r, 429, 'rate_limited');
    const retry = Number(r.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${r.headers['retry-after']}`);
    assert.equal(r.body.retry_after, retry);
    assert.equal(r.headers['ratelimit-remaining'], '0');
    // any route counts against the same budget, authenticated or not
    assertProblem(await get('10.20.0.1', '/api/v1/screenings'), 429, 'rate_limited');
  });

  test('another client has its own budget', async () => {
    for (let i = 0; i < 6; i++) await get('10.20.0.2');
    assert.equal((await get('10.20.0.3')).status, 200);
  });

  test('an IPv6 client is counted by its /64: rotating the interface id does not buy a new budget', async () => {
    for (let i = 1; i <= 5; i++) assert.equal((await get(`2001:db8:a:b::${i}`)).status, 200);
    assertProblem(await get('2001:db8:a:b:ffff:1:2:3'), 429, 'rate_limited');
    assertProblem(await get('2001:0db8:000a:000b::9'), 429, 'rate_limited');
    assert.equal((await get('2001:db8:a:c::1')).status, 200, 'the next /64 is another subscriber');
    // an IPv4-mapped address is the IPv4 client it maps
    for (let i = 0; i < 5; i++) await get('10.20.0.9');
    assertProblem(await get('::ffff:10.20.0.9'), 429, 'rate_limited');
  });

  test('health probes and the payment webhook are not starved by a spent budget', async () => {
    for (let i = 0; i < 6; i++) await get('10.20.0.4');
    assertProblem(await get('10.20.0.4'), 429, 'rate_limited');
    assert.equal((await get('10.20.0.4', '/healthz')).status, 200);
    assert.equal((await get('10.20.0.4', '/readyz')).status, 200);
    // unsigned, so refused: but by the signature check, not by the limit
    const hook = await call(t.app, { method: 'POST', url: '/api/v1/payments/webhook', remoteAddress: '10.20.0.4', payload: { id: 'evt_1' } });
    assert.notEqual(hook.status, 429);
  });
});

describe('registration rate per client address and per account', () => {
  const register = (email: string, remoteAddress: string) =>
    call(t.app, {
      method: 'POST',
      url: '/api/v1/auth/register',
      remoteAddress,
      payload: { email, password: `Quiet-Harbour-${randomUUID()}`, full_name: 'R' },
    });

  test('an address registers at most REGISTRATIONS_PER_HOUR accounts an hour', async () => {
    const rs: Res[] = [];
    for (let i = 0; i < 5; i++) rs.push(await register(`hour-${randomUUID()}@example.com`, '10.30.0.1'));
    assert.deepEqual(
      rs.map((r) => r.status),
      [201, 201, 201, 429, 429],
    );
    const r = rs[4];
    assertProblem(r, 429, 'rate_limited');
    assert.ok(Number(r.headers['retry-after']) > 60, `an hour's window: Retry-After ${r.headers['retry-after']}`);
    assert.equal((await register(`hour-${randomUUID()}@example.com`, '10.30.0.2')).status, 201);
  });

  test('one email is tried at most REGISTRATIONS_PER_HOUR times an hour, from any address', async () => {
    const email = `same-${randomUUID()}@example.com`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await register(email, `10.31.0.${i + 1}`)).status);
    assert.deepEqual(statuses, [201, 409, 409, 429, 429]);
  });
});

describe('limits are shared by every instance (Redis)', { skip: !onRedis && 'needs REDIS_URL' }, () => {
  let a: TestApp;
  let b: TestApp;
  before(async () => {
    const redisPrefix = `test:${randomUUID().slice(0, 8)}:`;
    const env = { RATE_LIMIT_MAX: '5', REGISTRATIONS_PER_HOUR: '2', LOGIN_FREE_FAILURES: '3' };
    a = await startTestApp(env, undefined, { redisPrefix });
    b = await startTestApp(env, undefined, { redisPrefix, databaseUrl: a.databaseUrl });
  });
  after(async () => {
    await b.close();
    await a.close();
  });

  const on = (i: number) => (i % 2 === 0 ? a.app : b.app);

  test('a client that spent its budget on one instance is refused by the other', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await call(on(i), { method: 'GET', url: '/api/v1/movies', remoteAddress: '10.40.0.1' })).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
    assertProblem(await call(a.app, { method: 'GET', url: '/api/v1/movies', remoteAddress: '10.40.0.1' }), 429, 'rate_limited');
  });

  test('registrations and failed logins count across instances too', async () => {
    const reg: number[] = [];
    for (let i = 0; i < 3; i++) {
      const payload = { email: `both-${randomUUID()}@example.com`, password: `Quiet-Harbour-${randomUUID()}`, full_name: 'R' };
      reg.push((await call(on(i), { method: 'POST', url: '/api/v1/auth/register', remoteAddress: '10.40.0.2', payload })).status);
    }
    assert.deepEqual(reg, [201, 201, 429]);
    const logins: number[] = [];
    for (let i = 0; i < 5; i++) {
      const payload = { email: 'customer@cinema.com', password: 'wrong' };
      logins.push((await call(on(i), { method: 'POST', url: '/api/v1/login', remoteAddress: '10.40.0.3', payload })).status);
    }
    // three free failures, the 4th let through as the backoff starts, the 5th waits: on either instance
    assert.deepEqual(logins, [401, 401, 401, 401, 429]);
  });
});
