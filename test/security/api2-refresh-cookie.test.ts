// Issue 13 item 6: the web app's refresh token is an HttpOnly, SameSite=Strict cookie scoped to the
// auth routes, out of reach of page scripts; the access token is answered in the body only. The
// bearer-token clients (refresh token in the body) are unchanged.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call } from '../helpers/http.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const cookieOf = (setCookie: unknown) => {
  const header = String(Array.isArray(setCookie) ? setCookie[0] : setCookie);
  return { header, value: /^cinema_refresh=([^;]*)/.exec(header)?.[1] ?? '' };
};
const post = (url: string, payload: unknown, cookie?: string) =>
  call(t.app, { method: 'POST', url, payload: payload as object, headers: cookie ? { cookie: `cinema_refresh=${cookie}` } : {} });

describe('the refresh cookie', () => {
  test('login with refresh_cookie: HttpOnly, SameSite=Strict, Path=/api/v1/auth; the body has no refresh token', async () => {
    const r = await post('/api/v1/auth/login', { email: 'customer@cinema.com', password: 'password', refresh_cookie: true });
    assert.equal(r.status, 200);
    const c = cookieOf(r.headers['set-cookie']);
    assert.ok(c.value.length >= 10);
    assert.match(c.header, /; HttpOnly/);
    assert.match(c.header, /; SameSite=Strict/);
    assert.match(c.header, /; Path=\/api\/v1\/auth(;|$)/);
    assert.match(c.header, /; Max-Age=\d+/);
    assert.doesNotMatch(c.header, /; Secure/, 'plain http in development: a Secure cookie would never come back');
    assert.equal(r.body.data.refresh_token, undefined);
    assert.equal(typeof r.body.data.token, 'string');
  });

  test('refresh reads the cookie and rotates it; the old cookie is then refused and cleared', async () => {
    const login = await post('/api/v1/auth/login', { email: 'customer@cinema.com', password: 'password', refresh_cookie: true });
    const first = cookieOf(login.headers['set-cookie']).value;
    const r = await post('/api/v1/auth/refresh', {}, first);
    assert.equal(r.status, 200);
    assert.equal(r.body.data.refresh_token, undefined);
    const second = cookieOf(r.headers['set-cookie']).value;
    assert.ok(second && second !== first);
    assert.equal((await call(t.app, { method: 'GET', url: '/api/v1/me', token: r.body.data.token })).status, 200);
    // the used one again: reuse revokes the family, and the dead cookie is cleared
    const reused = await post('/api/v1/auth/refresh', {}, first);
    assertProblem(reused, 401, 'invalid_refresh_token');
    assert.match(cookieOf(reused.headers['set-cookie']).header, /^cinema_refresh=;.*Max-Age=0/);
    assertProblem(await post('/api/v1/auth/refresh', {}, second), 401, 'invalid_refresh_token');
  });

  test('no token in the body nor a cookie: 401, not a 500', async () => {
    assertProblem(await post('/api/v1/auth/refresh', {}), 401, 'invalid_refresh_token');
  });

  test('logout with the cookie revokes it and clears it', async () => {
    const login = await post('/api/v1/auth/login', { email: 'customer@cinema.com', password: 'password', refresh_cookie: true });
    const cookie = cookieOf(login.headers['set-cookie']).value;
    const out = await post('/api/v1/auth/logout', {}, cookie);
    assert.equal(out.status, 200);
    assert.match(cookieOf(out.headers['set-cookie']).header, /Max-Age=0/);
    assertProblem(await post('/api/v1/auth/refresh', {}, cookie), 401, 'invalid_refresh_token');
  });

  test('bearer clients are unchanged: no cookie, the refresh token in the body', async () => {
    const r = await post('/api/v1/login', { email: 'customer@cinema.com', password: 'password' });
    assert.equal(r.headers['set-cookie'], undefined);
    const refreshed = await post('/api/v1/auth/refresh', { refresh_token: r.body.data.refresh_token });
    assert.equal(refreshed.status, 200);
    assert.equal(typeof refreshed.body.data.refresh_token, 'string');
    assert.equal(refreshed.headers['set-cookie'], undefined);
  });

  test('https deployments get a Secure cookie', async () => {
    const secure = await startTestApp({ PUBLIC_BASE_URL: 'https://tickets.example.com' });
    try {
      const r = await call(secure.app, {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: 'customer@cinema.com', password: 'password', refresh_cookie: true },
      });
      assert.match(cookieOf(r.headers['set-cookie']).header, /; Secure/);
    } finally {
      await secure.close();
    }
  });

  test('a form post (the shape a cross-site forgery can send without a preflight) is refused before the route', async () => {
    const login = await post('/api/v1/auth/login', { email: 'customer@cinema.com', password: 'password', refresh_cookie: true });
    const cookie = cookieOf(login.headers['set-cookie']).value;
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const r = await call(t.app, {
        method: 'POST',
        url: '/api/v1/auth/refresh',
        payload: '',
        headers: { 'content-type': type, cookie: `cinema_refresh=${cookie}` },
      });
      assertProblem(r, 415, 'unsupported_media_type');
    }
  });
});
