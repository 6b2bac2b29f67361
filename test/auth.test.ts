import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { claims, signHs256, unsigned } from './helpers/jwt.ts';
import { startTestApp, TEST_SECRET, type TestApp } from './helpers/runtime.ts';
import { dummyCosts, dummyHash } from '../src/modules/auth/passwords.ts';
import { DEMO } from '../src/db/seed/demo-ids.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const login = (email: string, password: string) => call(t.app, { method: 'POST', url: '/api/v1/login', payload: { email, password } });

describe('login', () => {
  test('the seed admin logs in with the seed password and gets a usable token', async () => {
    const r = await login('admin@cinema.com', 'password');
    assert.equal(r.status, 200);
    assert.equal(r.body.success, true);
    assert.equal(r.body.data.user.email, 'admin@cinema.com');
    assert.equal(r.body.data.user.full_name, 'Admin User');
    assert.equal(r.body.data.user.role, 'admin');
    assert.equal(r.body.data.user.password_hash, undefined);
    assert.equal(typeof r.body.data.refresh_token, 'string');
    const me = await call(t.app, { method: 'GET', url: '/api/v1/me', token: r.body.data.token });
    assert.equal(me.status, 200);
    assert.equal(me.body.data.id, 1);
  });

  test('email is case-insensitive', async () => {
    assert.equal((await login('Admin@Cinema.com', 'password')).status, 200);
  });

  test('a wrong password and an unknown email get the same 401', async () => {
    const wrong = await login('admin@cinema.com', 'nope');
    const unknown = await login('nobody@cinema.com', 'password');
    assertProblem(wrong, 401, 'invalid_credentials');
    assertProblem(unknown, 401, 'invalid_credentials');
    assert.equal(wrong.body.message, unknown.body.message);
  });

  test('a malformed body is a 400 with the field named', async () => {
    const r = await call(t.app, { method: 'POST', url: '/api/v1/login', payload: { email: 'not-an-email' } });
    assertProblem(r, 400, 'validation_failed');
    assert.ok(r.body.errors.length >= 1);
  });
});

describe('password hashing', () => {
  test('BCRYPT_COST sets the cost of new hashes; a hash of another cost still verifies', async () => {
    const costly = await startTestApp({ BCRYPT_COST: '11' });
    try {
      const email = `cost-${Date.now()}@example.com`;
      const password = 'correct horse battery staple';
      const r = await call(costly.app, { method: 'POST', url: '/api/v1/auth/register', payload: { email, password, full_name: 'Cost' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const { rows } = await costly.rt.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', [email]);
      assert.match(rows[0].password_hash, /^\$2[aby]\$11\$/);
      // an unknown email is compared against a dummy of the same cost: its answer takes as long
      assert.ok(!dummyCosts().includes(11));
      const unknown = await call(costly.app, { method: 'POST', url: '/api/v1/login', payload: { email: 'nobody-11@example.com', password } });
      assert.equal(unknown.status, 401);
      assert.ok(dummyCosts().includes(11), `dummies made: ${dummyCosts()}`);
      assert.match(await dummyHash(11), /^\$2b\$11\$/);
      // the demo accounts' cost-10 hashes still log in
      assert.equal(
        (await call(costly.app, { method: 'POST', url: '/api/v1/login', payload: { email: 'admin@cinema.com', password: 'password' } })).status,
        200,
      );
    } finally {
      await costly.close();
    }
  });
});

describe('access tokens', () => {
  const screenings = (authorization?: string) =>
    call(t.app, { method: 'GET', url: '/api/v1/screenings', headers: authorization ? { authorization } : {} });

  test('missing token -> 401 with WWW-Authenticate', async () => {
    const r = await screenings();
    assertProblem(r, 401, 'unauthorized');
    assert.equal(r.headers['www-authenticate'], 'Bearer');
  });

  test('expired token -> 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const r = await screenings(`Bearer ${signHs256(claims({ iat: now - 7200, exp: now - 60 }), TEST_SECRET)}`);
    assertProblem(r, 401, 'invalid_token');
    assert.match(r.body.message, /expired/);
  });

  test('tampered token (role changed after signing) -> 401', async () => {
    const token = await loginAs(t.app, 'customer@cinema.com');
    const [h, , s] = token.split('.');
    const forged = Buffer.from(JSON.stringify(claims({ sub: '3', role: 'admin' }))).toString('base64url');
    assertProblem(await screenings(`Bearer ${h}.${forged}.${s}`), 401, 'invalid_token');
  });

  test('alg:none -> 401', async () => {
    assertProblem(await screenings(`Bearer ${unsigned(claims())}`), 401, 'invalid_token');
  });

  test('signed with another key -> 401', async () => {
    assertProblem(await screenings(`Bearer ${signHs256(claims(), 'x'.repeat(40))}`), 401, 'invalid_token');
  });

  test('a refresh-type or malformed claim set is refused even when signed correctly', async () => {
    assertProblem(await screenings(`Bearer ${signHs256(claims({ typ: 'refresh' }), TEST_SECRET)}`), 401, 'invalid_token');
    assertProblem(await screenings(`Bearer ${signHs256(claims({ role: 'root' }), TEST_SECRET)}`), 401, 'invalid_token');
  });

  test('garbage in Authorization -> 401', async () => {
    assertProblem(await screenings('Basic YWRtaW46cGFzc3dvcmQ='), 401, 'unauthorized');
  });

  test("the Postman collection's raw API-key style (no Bearer) works", async () => {
    const token = await loginAs(t.app, 'customer@cinema.com');
    assert.equal((await screenings(token)).status, 200);
  });
});

describe('roles', () => {
  test('a customer gets 403 on every admin route; staff too', async () => {
    for (const email of ['customer@cinema.com', 'staff@cinema.com']) {
      const token = await loginAs(t.app, email);
      const body = {
        movie_id: DEMO.movies.avengersEndgame,
        theater_id: DEMO.theaters.grandIndonesia,
        hall_id: DEMO.halls.grandIndonesiaImax,
        show_time: '2030-01-01T10:00:00Z',
        price: 50000,
      };
      assertProblem(await call(t.app, { method: 'POST', url: '/api/v1/screenings', token, payload: body }), 403, 'forbidden');
      assertProblem(await call(t.app, { method: 'PUT', url: '/api/v1/screenings/999999', token, payload: { price: 1 } }), 403, 'forbidden');
      assertProblem(await call(t.app, { method: 'DELETE', url: '/api/v1/screenings/999999', token }), 403, 'forbidden');
    }
    const { rows } = await t.rt.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM screenings WHERE show_time = '2030-01-01T10:00:00Z' OR price = 1",
    );
    assert.equal(rows[0].n, 0);
  });
});

describe('registration and refresh tokens', () => {
  const register = (payload: Record<string, unknown>) => call(t.app, { method: 'POST', url: '/api/v1/auth/register', payload });
  const refresh = (refresh_token: string) => call(t.app, { method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token } });

  test('register makes a customer whatever role is asked for', async () => {
    const r = await register({ email: 'Eve@Example.com', password: 'long enough pw', full_name: 'Eve', role: 'admin' });
    assert.equal(r.status, 201);
    assert.equal(r.body.data.user.role, 'customer');
    assert.equal(r.body.data.user.email, 'eve@example.com');
    const token = r.body.data.token;
    const create = await call(t.app, {
      method: 'POST',
      url: '/api/v1/screenings',
      token,
      payload: {
        movie_id: DEMO.movies.avengersEndgame,
        theater_id: DEMO.theaters.grandIndonesia,
        hall_id: DEMO.halls.grandIndonesiaImax,
        show_time: '2030-01-01T10:00:00Z',
        price: 50000,
      },
    });
    assertProblem(create, 403, 'forbidden');
  });

  test('the same email twice -> 409, and a short password -> 400', async () => {
    assertProblem(await register({ email: 'eve@example.com', password: 'another password', full_name: 'E2' }), 409, 'email_taken');
    assertProblem(await register({ email: 'short@example.com', password: 'short', full_name: 'S' }), 400, 'validation_failed');
    const { rows } = await t.rt.db.query("SELECT 1 FROM users WHERE email = 'short@example.com'");
    assert.equal(rows.length, 0);
  });

  test('refresh rotates; reusing a rotated token revokes the whole family', async () => {
    const first = await login('customer@cinema.com', 'password');
    const r1 = first.body.data.refresh_token;
    const second = await refresh(r1);
    assert.equal(second.status, 200);
    const r2 = second.body.data.refresh_token;
    assert.notEqual(r2, r1);
    assert.equal((await call(t.app, { method: 'GET', url: '/api/v1/me', token: second.body.data.token })).status, 200);

    const reuse = await refresh(r1);
    assertProblem(reuse, 401, 'invalid_refresh_token');
    assert.equal(reuse.body.reason, 'reused');
    // the thief's replay killed the family: the legitimate newest token is dead too
    assertProblem(await refresh(r2), 401, 'invalid_refresh_token');
    // another login (another family) is unaffected
    const other = await login('customer@cinema.com', 'password');
    assert.equal((await refresh(other.body.data.refresh_token)).status, 200);
  });

  test('logout revokes the refresh token; unknown tokens are 401 on refresh', async () => {
    const s = await login('customer@cinema.com', 'password');
    const rt = s.body.data.refresh_token;
    const out = await call(t.app, { method: 'POST', url: '/api/v1/auth/logout', payload: { refresh_token: rt } });
    assert.equal(out.status, 200);
    assertProblem(await refresh(rt), 401, 'invalid_refresh_token');
    assertProblem(await refresh('x'.repeat(43)), 401, 'invalid_refresh_token');
  });
});

describe('rate limits', () => {
  let limited: TestApp;
  before(async () => {
    limited = await startTestApp({ AUTH_RATE_LIMIT: '3' });
  });
  after(() => limited.close());

  test('after AUTH_RATE_LIMIT failed logins in a minute the address waits: 429 with Retry-After', async () => {
    const attempt = () => call(limited.app, { method: 'POST', url: '/api/v1/login', payload: { email: 'staff@cinema.com', password: 'wrong' } });
    for (let i = 0; i < 3; i++) assert.equal((await attempt()).status, 401);
    const r = await attempt();
    assertProblem(r, 429, 'rate_limited');
    const retry = Number(r.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${r.headers['retry-after']}`);
    // even the right password is refused from that address while it waits (it could be the guesser);
    // the owner elsewhere is not (test/security/api2-login-throttle.test.ts)
    const right = await call(limited.app, {
      method: 'POST',
      url: '/api/v1/login',
      payload: { email: 'staff@cinema.com', password: 'password' },
    });
    assert.equal(right.status, 429);
  });

  test('registration is limited per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call(limited.app, {
        method: 'POST',
        url: '/api/v1/auth/register',
        remoteAddress: '10.9.9.9',
        payload: { email: `r${i}@example.com`, password: 'long enough pw', full_name: 'R' },
      });
      statuses.push(r.status);
    }
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
  });
});
