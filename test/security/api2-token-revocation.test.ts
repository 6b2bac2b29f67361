// OWASP API2 (broken authentication), issue 12 item 7: an access token outlived its logout, the
// revocation of its refresh-token family, its user's demotion and password change (`/me` answered
// 200; the role was read from the token for up to an hour). Now each token names its session (sid)
// and its user's token version (ver); the old token is refused within SESSION_CHECK_MS, on every
// instance (polled, not slept for).
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { assertProblem, call, loginAs, type Res } from '../helpers/http.ts';
import { closeCode } from '../helpers/live-client.ts';
import { onPostgres, onRedis, startTestApp, type TestApp } from '../helpers/runtime.ts';
import { newScreening } from '../helpers/screenings.ts';

let a: TestApp;
let admin: string;
before(async () => {
  a = await startTestApp({ SESSION_CHECK_MS: '500' });
  admin = await loginAs(a.app, 'admin@cinema.com');
});
after(() => a.close());

const PASSWORD = 'violet tractor umbrella sings';
let n = 0;
async function newCustomer(t: TestApp = a) {
  const email = `revoke${++n}-${Date.now()}@example.com`;
  const r = await call(t.app, { method: 'POST', url: '/api/v1/auth/register', payload: { email, password: PASSWORD, full_name: 'Tia' } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return { email, id: r.body.data.user.id as number, token: r.body.data.token as string, refresh: r.body.data.refresh_token as string };
}
const login = async (t: TestApp, email: string, password = PASSWORD) => {
  const r = await call(t.app, { method: 'POST', url: '/api/v1/login', payload: { email, password } });
  return r;
};
const me = (t: TestApp, token: string) => call(t.app, { method: 'GET', url: '/api/v1/me', token });

/** Polls until `probe` answers `status` (a revocation may take up to SESSION_CHECK_MS to arrive). */
async function eventually(probe: () => Promise<Res>, status: number, withinMs = 10_000): Promise<Res> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const r = await probe();
    if (r.status === status || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the old access token is refused', () => {
  test('after logout; another session of the same account keeps working', async () => {
    const c = await newCustomer();
    const other = (await login(a, c.email)).body.data.token;
    assert.equal((await me(a, c.token)).status, 200);
    assert.equal((await call(a.app, { method: 'POST', url: '/api/v1/auth/logout', payload: { refresh_token: c.refresh } })).status, 200);
    assertProblem(await eventually(() => me(a, c.token), 401), 401, 'invalid_token');
    assert.equal((await me(a, other)).status, 200, 'logout ends its own session, not every device');
  });

  test('after refresh-token reuse revoked the family: the first and the rotated token both', async () => {
    const c = await newCustomer();
    const refresh = (token: string) => call(a.app, { method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: token } });
    const rotated = await refresh(c.refresh);
    assert.equal(rotated.status, 200);
    const second = rotated.body.data.token as string;
    assert.equal((await me(a, second)).status, 200);
    assertProblem(await refresh(c.refresh), 401, 'invalid_refresh_token'); // reuse: the family is revoked
    assertProblem(await eventually(() => me(a, c.token), 401), 401, 'invalid_token');
    assertProblem(await eventually(() => me(a, second), 401), 401, 'invalid_token');
  });

  test('after a demotion: the old admin token is refused on an admin route; a refreshed one is a customer', async () => {
    const c = await newCustomer();
    const promote = await call(a.app, { method: 'PATCH', url: `/api/v1/users/${c.id}`, token: admin, payload: { role: 'admin' } });
    assert.equal(promote.status, 200, JSON.stringify(promote.body));
    assert.equal(promote.body.data.role, 'admin');
    const session = (await login(a, c.email)).body.data;
    const addCity = (token: string, name: string) => call(a.app, { method: 'POST', url: '/api/v1/cities', token, payload: { name } });
    assert.equal((await addCity(session.token, `Revoke City ${c.id}`)).status, 201);

    const demote = await call(a.app, { method: 'PATCH', url: `/api/v1/users/${c.id}`, token: admin, payload: { role: 'customer' } });
    assert.equal(demote.status, 200);
    assertProblem(await eventually(() => addCity(session.token, `Revoke City ${c.id}b`), 401), 401, 'invalid_token');
    const refreshed = await call(a.app, { method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: session.refresh_token } });
    assert.equal(refreshed.status, 200, 'a role change does not log the account out');
    assert.equal(refreshed.body.data.user.role, 'customer');
    assertProblem(await addCity(refreshed.body.data.token, `Revoke City ${c.id}c`), 403, 'forbidden');
  });

  test('only an admin changes a role, and not their own', async () => {
    const c = await newCustomer();
    assertProblem(await call(a.app, { method: 'PATCH', url: `/api/v1/users/${c.id}`, token: c.token, payload: { role: 'admin' } }), 403, 'forbidden');
    assertProblem(await call(a.app, { method: 'PATCH', url: '/api/v1/users/1', token: admin, payload: { role: 'customer' } }), 409, 'own_role');
    assertProblem(await call(a.app, { method: 'PATCH', url: '/api/v1/users/999999', token: admin, payload: { role: 'staff' } }), 404, 'not_found');
  });

  test('two admins demoting each other at once leave one admin: a demoted caller changes no role', async () => {
    for (let round = 0; round < 3; round++) {
      const pair = await Promise.all([newCustomer(), newCustomer()]);
      for (const c of pair) {
        assert.equal((await call(a.app, { method: 'PATCH', url: `/api/v1/users/${c.id}`, token: admin, payload: { role: 'admin' } })).status, 200);
      }
      const [x, y] = await Promise.all(pair.map(async (c) => ({ ...c, token: (await login(a, c.email)).body.data.token as string })));
      const demote = (by: typeof x, whom: typeof x) =>
        call(a.app, { method: 'PATCH', url: `/api/v1/users/${whom.id}`, token: by.token, payload: { role: 'customer' } });
      const answers = await Promise.all([demote(x, y), demote(y, x)]);
      assert.equal(answers.filter((r) => r.status === 200).length, 1, `one demotion, not both: ${answers.map((r) => r.status)}`);
      const loser = answers.find((r) => r.status !== 200)!;
      assert.ok([401, 403].includes(loser.status), `the demoted caller is refused: ${loser.status} ${JSON.stringify(loser.body)}`);
      const roles = await a.rt.db.query<{ role: string }>('SELECT role FROM users WHERE id = ANY($1::int[])', [[x.id, y.id]]);
      assert.deepEqual(roles.rows.map((r) => r.role).sort(), ['admin', 'customer']);
    }
  });

  test('after a password change: every old session ends, the caller gets a new one', async () => {
    const c = await newCustomer();
    const elsewhere = (await login(a, c.email)).body.data;
    const change = (token: string, current: string, next: string) =>
      call(a.app, { method: 'POST', url: '/api/v1/me/password', token, payload: { current_password: current, new_password: next } });

    assertProblem(await change(c.token, 'not my password at all', 'marble kettle forest drums'), 403, 'wrong_password');
    assertProblem(await change(c.token, PASSWORD, 'password123'), 400, 'weak_password');
    const changed = await change(c.token, PASSWORD, 'marble kettle forest drums');
    assert.equal(changed.status, 200, JSON.stringify(changed.body));

    assertProblem(await eventually(() => me(a, c.token), 401), 401, 'invalid_token');
    assertProblem(await eventually(() => me(a, elsewhere.token), 401), 401, 'invalid_token');
    const stale = await call(a.app, { method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: elsewhere.refresh_token } });
    assertProblem(stale, 401, 'invalid_refresh_token');
    assert.equal((await me(a, changed.body.data.token)).status, 200, 'the session the change hands back works');
    assertProblem(await login(a, c.email), 401, 'invalid_credentials');
    assert.equal((await login(a, c.email, 'marble kettle forest drums')).status, 200);
  });

  test('at the live seat map: a revoked token cannot open it', async () => {
    await a.app.listen({ host: '127.0.0.1', port: 0 });
    const ws = `ws://127.0.0.1:${(a.app.server.address() as AddressInfo).port}`;
    const s = await newScreening(a.app, admin);
    const c = await newCustomer();
    await call(a.app, { method: 'POST', url: '/api/v1/auth/logout', payload: { refresh_token: c.refresh } });
    await eventually(() => me(a, c.token), 401);
    assert.equal(await closeCode(`${ws}/api/v1/screenings/${s.id}/live?access_token=${c.token}`), 4401);
  });

  test('at the live seat map: an open socket of a session that ends is closed with 4401', async () => {
    const port = (a.app.server.address() as AddressInfo).port;
    const s = await newScreening(a.app, admin);
    const c = await newCustomer();
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/screenings/${s.id}/live?access_token=${c.token}`);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => socket.once('message', () => resolve())); // the snapshot
    await call(a.app, { method: 'POST', url: '/api/v1/auth/logout', payload: { refresh_token: c.refresh } });
    assert.equal(await closed, 4401);
  });
});

describe('two instances', { skip: !(onPostgres && onRedis) && 'needs PostgreSQL and Redis: instances share them' }, () => {
  let b: TestApp;
  before(async () => {
    b = await startTestApp({ SESSION_CHECK_MS: '500' }, undefined, { databaseUrl: a.databaseUrl, redisPrefix: a.config.REDIS_PREFIX });
  });
  after(() => b?.close());

  test('a logout on A is honoured on B, which had the token cached as good', async () => {
    const c = await newCustomer();
    assert.equal((await me(b, c.token)).status, 200);
    assert.equal((await me(b, c.token)).status, 200);
    await call(a.app, { method: 'POST', url: '/api/v1/auth/logout', payload: { refresh_token: c.refresh } });
    assertProblem(await eventually(() => me(b, c.token), 401), 401, 'invalid_token');
  });

  test('a demotion on A is honoured on B', async () => {
    const c = await newCustomer();
    await call(a.app, { method: 'PATCH', url: `/api/v1/users/${c.id}`, token: admin, payload: { role: 'staff' } });
    const staff = (await login(b, c.email)).body.data.token as string;
    assert.equal((await me(b, staff)).status, 200);
    await call(a.app, { method: 'PATCH', url: `/api/v1/users/${c.id}`, token: admin, payload: { role: 'customer' } });
    assertProblem(await eventually(() => me(b, staff), 401), 401, 'invalid_token');
  });
});
