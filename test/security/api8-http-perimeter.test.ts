// Items 5, 9 and 11 of issue 12 and the security headers of item 4: what the HTTP edge trusts and says.
// - 5: X-Forwarded-For is believed only from configured proxies (TRUST_PROXY), so rotating it does not
//   dodge per-address limits; with TRUST_PROXY set, the client behind the proxy is the one counted.
// - 9: a WebSocket ?access_token= never reaches the logs; a client's x-request-id is used only when it
//   is short and plain, otherwise the service makes its own.
// - 11: CORS answers only configured origins (never `null`), and its preflight allows what the API uses.
// - helmet's headers (a CSP among them) on every answer, and Swagger UI still loads under its CSP.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { allowedOrigins, registerCors } from '../../src/http/cors.ts';
import { trustProxyOf } from '../../src/http/trust-proxy.ts';
import { assertProblem, call } from '../helpers/http.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';

const register = (t: TestApp, remoteAddress: string, xff: string) =>
  call(t.app, {
    method: 'POST',
    url: '/api/v1/auth/register',
    remoteAddress,
    headers: { 'x-forwarded-for': xff },
    payload: { email: `xff-${randomUUID()}@example.com`, password: `Tall-Lantern-${randomUUID()}`, full_name: 'X' },
  });
const rotating = (i: number) => `203.0.113.${i + 1}`;

// Apps are slow to start: one with the defaults (no trusted proxy) and small limits, one behind a
// trusted proxy, each test speaking from addresses of its own; a third, with the test helper's
// generous limits, logs into `lines`.
let plain: TestApp;
let proxied: TestApp;
let logged: TestApp;
const lines: string[] = [];
before(async () => {
  plain = await startTestApp({ AUTH_RATE_LIMIT: '3', RATE_LIMIT_MAX: '6' });
  proxied = await startTestApp({ AUTH_RATE_LIMIT: '3', RATE_LIMIT_MAX: '6', TRUST_PROXY: '10.60.0.0/16, 127.0.0.1' });
  const logStream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  logged = await startTestApp({ LOG_LEVEL: 'info' }, undefined, { logStream });
});
after(async () => {
  await plain.close();
  await proxied.close();
  await logged.close();
});

describe('5: X-Forwarded-For is trusted only from configured proxies', () => {
  test('by default a rotating X-Forwarded-For does not bypass the per-address registration limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await register(plain, '10.60.0.1', rotating(i))).status);
    assert.deepEqual(statuses, [201, 201, 201, 429, 429]);
  });

  test('by default a rotating X-Forwarded-For does not bypass the general request limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push(
        (await call(plain.app, { method: 'GET', url: '/api/v1/movies', remoteAddress: '10.60.0.2', headers: { 'x-forwarded-for': rotating(i) } }))
          .status,
      );
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
  });

  test('TRUST_PROXY: the address a trusted proxy forwards is the client counted', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await register(proxied, '10.60.0.3', rotating(i))).status, 201);
    // one client behind the proxy is still limited, whichever proxy it comes through
    const same: number[] = [];
    for (let i = 0; i < 4; i++) same.push((await register(proxied, `10.60.1.${i + 1}`, '198.51.100.7')).status);
    assert.deepEqual(same, [201, 201, 201, 429]);
  });

  test('an X-Forwarded-For from an address that is not a configured proxy is ignored', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await register(proxied, '192.0.2.9', rotating(i + 10))).status);
    assert.deepEqual(statuses, [201, 201, 201, 429]);
  });

  test('TRUST_PROXY forms: none by default, a hop count, addresses and ranges; anything else refuses to boot', () => {
    assert.equal(trustProxyOf(''), false);
    assert.equal(trustProxyOf('0'), false);
    const hops = trustProxyOf('2');
    assert.equal(typeof hops, 'function');
    if (typeof hops === 'function')
      assert.deepEqual(
        [0, 1, 2].map((hop) => hops('192.0.2.1', hop)),
        [true, true, false],
      );
    assert.deepEqual(trustProxyOf(' 10.0.0.0/8, ::1, fd00::/8 , loopback'), ['10.0.0.0/8', '::1', 'fd00::/8', 'loopback']);
    for (const bad of ['everyone', 'true', '10.0.0.0/33', '300.1.1.1', '10.0.0.1/8/8']) {
      assert.throws(() => loadConfig({ DATA_DIR: ':memory:', TRUST_PROXY: bad }), /TRUST_PROXY/, bad);
    }
  });
});

describe('9: logs and request ids', () => {
  const t = {
    get app() {
      return logged.app;
    },
  };

  test('a WebSocket ?access_token= is not logged', async () => {
    const secret = `eyJhbGciOiJIUzI1NiJ9.${randomUUID()}.sig`;
    await call(t.app, { method: 'GET', url: `/api/v1/screenings/999999/live?access_token=${secret}` });
    await call(t.app, { method: 'GET', url: `/api/v1/no-such-route?x=1&access_token=${secret}` });
    const log = lines.join('');
    assert.ok(log.includes('/api/v1/screenings/999999/live'), 'the request is logged');
    assert.ok(!log.includes(secret), 'the token is not');
    assert.match(log, /access_token=\[REDACTED\]/);
  });

  test('a long or odd x-request-id is replaced by one of ours; a plain one is kept', async () => {
    const long = 'a'.repeat(3000);
    const r1 = await call(t.app, { method: 'GET', url: '/healthz', headers: { 'x-request-id': long } });
    const id1 = String(r1.headers['x-request-id']);
    assert.notEqual(id1, long);
    assert.match(id1, /^[A-Za-z0-9._-]{1,128}$/);
    assert.ok(!lines.join('').includes(long), 'the long id is not logged');

    for (const odd of ['abc def', 'a"b', '<script>', 'x'.repeat(129), 'ok\u00e9']) {
      const r = await call(t.app, { method: 'GET', url: '/healthz', headers: { 'x-request-id': odd } });
      assert.notEqual(r.headers['x-request-id'], odd);
      assert.match(String(r.headers['x-request-id']), /^[A-Za-z0-9._-]{1,128}$/);
    }
    const plain = `trace-${randomUUID()}.1_a`;
    const r2 = await call(t.app, { method: 'GET', url: '/healthz', headers: { 'x-request-id': plain } });
    assert.equal(r2.headers['x-request-id'], plain);
  });
});

describe('11: CORS', () => {
  const t = {
    get app() {
      return logged.app;
    },
  };

  const acao = (origin: string) =>
    call(t.app, { method: 'GET', url: '/api/v1/movies', headers: { origin } }).then((r) => r.headers['access-control-allow-origin']);

  test('development: a local web client is allowed; `null` and a foreign origin are not', async () => {
    assert.equal(await acao('http://localhost:5173'), 'http://localhost:5173');
    assert.equal(await acao('http://127.0.0.1:4000'), 'http://127.0.0.1:4000');
    assert.equal(await acao('null'), undefined);
    assert.equal(await acao('https://evil.example'), undefined);
    assert.equal(await acao('http://localhost.evil.example'), undefined);
  });

  test('an allowed origin can read the headers the API sends', async () => {
    const r = await call(t.app, { method: 'GET', url: '/api/v1/movies', headers: { origin: 'http://localhost:5173' } });
    const exposed = String(r.headers['access-control-expose-headers']).toLowerCase().split(/,\s*/);
    for (const h of ['etag', 'retry-after', 'x-request-id', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'idempotent-replayed']) {
      assert.ok(exposed.includes(h), `${h} exposed: ${exposed}`);
    }
  });

  test('the preflight of a DELETE with If-Match and Idempotency-Key is allowed', async () => {
    const r = await call(t.app, {
      method: 'OPTIONS',
      url: `/api/v1/holds/${randomUUID()}`,
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization, content-type, if-match, idempotency-key, x-request-id',
      },
    });
    assert.equal(r.status, 204);
    assert.equal(r.headers['access-control-allow-origin'], 'http://localhost:5173');
    const methods = String(r.headers['access-control-allow-methods']).split(/,\s*/);
    for (const m of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']) assert.ok(methods.includes(m), `${m} in ${methods}`);
    const headers = String(r.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
    for (const h of ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'x-request-id']) {
      assert.ok(headers.includes(h), `${h} in ${headers}`);
    }
  });

  test('CORS_ORIGINS: only the listed origins', async () => {
    const bare = Fastify();
    await registerCors(bare, { NODE_ENV: 'development', CORS_ORIGINS: 'https://tickets.example, https://admin.tickets.example' });
    bare.get('/x', async () => ({}));
    const get = (origin: string) =>
      call(bare, { method: 'GET', url: '/x', headers: { origin } }).then((r) => r.headers['access-control-allow-origin']);
    assert.equal(await get('https://tickets.example'), 'https://tickets.example');
    assert.equal(await get('https://admin.tickets.example'), 'https://admin.tickets.example');
    assert.equal(await get('http://localhost:5173'), undefined);
    assert.equal(await get('null'), undefined);
    await bare.close();
  });

  test('production without CORS_ORIGINS: same origin only (no cross-origin reader)', () => {
    assert.deepEqual(allowedOrigins({ NODE_ENV: 'production', CORS_ORIGINS: '' }), []);
    assert.deepEqual(allowedOrigins({ NODE_ENV: 'production', CORS_ORIGINS: 'https://a.example' }), ['https://a.example']);
    assert.throws(() => allowedOrigins({ NODE_ENV: 'production', CORS_ORIGINS: 'null' }), /CORS_ORIGINS/);
    assert.throws(() => allowedOrigins({ NODE_ENV: 'production', CORS_ORIGINS: 'tickets.example' }), /CORS_ORIGINS/);
  });
});

describe('security headers (helmet) on every answer, the document set on pages', () => {
  const t = {
    get app() {
      return plain.app;
    },
  };

  const assertHeaders = (h: Record<string, unknown>, what: string) => {
    // OWASP REST Security Cheat Sheet: an API answer may be rendered by nothing and framed by nobody
    assert.equal(h['content-security-policy'], "default-src 'none';frame-ancestors 'none'", what);
    assert.equal(h['x-content-type-options'], 'nosniff', what);
    assert.match(String(h['strict-transport-security']), /max-age=\d+/, what);
    assert.equal(h['x-frame-options'], 'DENY', what);
    assert.equal(h['referrer-policy'], 'no-referrer', what);
    assert.equal(h['cross-origin-resource-policy'], 'same-origin', what);
    assert.ok(h['x-request-id'], `${what}: x-request-id`);
  };

  test('a success, a 404, a 400 and a 429 all carry them', async () => {
    assertHeaders((await call(t.app, { method: 'GET', url: '/api/v1/movies', remoteAddress: '10.1.0.1' })).headers, '200');
    assertHeaders((await call(t.app, { method: 'GET', url: '/api/v1/nothing-here', remoteAddress: '10.1.0.1' })).headers, '404');
    assertHeaders((await call(t.app, { method: 'GET', url: '/api/v1/movies/abc', remoteAddress: '10.1.0.1' })).headers, '400');
    let r = await call(t.app, { method: 'GET', url: '/api/v1/movies', remoteAddress: '10.1.0.1' });
    for (let i = 0; i < 5 && r.status !== 429; i++) r = await call(t.app, { method: 'GET', url: '/api/v1/movies', remoteAddress: '10.1.0.1' });
    assertProblem(r, 429, 'rate_limited');
    assertHeaders(r.headers, '429');
  });

  test('Swagger UI still loads under its CSP: no inline script it does not allow, every asset same-origin and served', async () => {
    const page = await call(t.app, { method: 'GET', url: '/swagger/', remoteAddress: '10.1.0.2' });
    assert.equal(page.status, 200);
    // a document: helmet's page set on top of the API's
    assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(page.headers['origin-agent-cluster'], '?1');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    const csp = String(page.headers['content-security-policy']);
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `)) ?? '';
    const scriptSrc = directive('script-src') || directive('default-src');
    assert.match(scriptSrc, /'self'/);
    const html = String(page.body);
    for (const [, attrs, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
      if (/\bsrc=/.test(attrs) || body.trim() === '') continue;
      const hash = `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
      assert.ok(scriptSrc.includes(hash) || scriptSrc.includes("'unsafe-inline'"), `inline script allowed by ${scriptSrc}`);
    }
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => new URL(m[1], 'http://api.test/swagger/'));
    assert.ok(assets.length >= 4, 'the page loads its scripts and styles');
    for (const url of assets) {
      assert.equal(url.origin, 'http://api.test', `${url} is same-origin`);
      const r = await call(t.app, { method: 'GET', url: url.pathname, remoteAddress: `10.1.1.${assets.indexOf(url)}` });
      assert.equal(r.status, 200, `${url.pathname} served`);
    }
    // the document it fetches (connect-src falls back to default-src 'self')
    assert.match(directive('connect-src') || directive('default-src'), /'self'/);
    assert.equal((await call(t.app, { method: 'GET', url: '/swagger/json', remoteAddress: '10.1.2.1' })).status, 200);
  });
});
