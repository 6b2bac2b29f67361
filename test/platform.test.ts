// The HTTP platform: problem+json everywhere, limits, docs, health, readiness, metrics.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp;
let admin: string;
before(async () => {
  t = await startTestApp({ BODY_LIMIT_BYTES: '4096' });
  admin = await loginAs(t.app, 'admin@cinema.com');
});
after(() => t.close());

describe('errors', () => {
  test('unknown routes are 404 problem+json', async () => {
    const r = await call(t.app, { method: 'GET', url: '/api/v1/nothing-here?x=1' });
    assertProblem(r, 404, 'not_found');
    assert.match(r.body.detail, /GET \/api\/v1\/nothing-here/);
  });

  test('malformed JSON is 400 invalid_json', async () => {
    const r = await call(t.app, {
      method: 'POST',
      url: '/api/v1/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "admin@cinema.com",',
    });
    assertProblem(r, 400, 'invalid_json');
  });

  test('a body over the limit is 413 and nothing is created', async () => {
    const r = await call(t.app, {
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email: 'big@example.com', password: 'long enough pw', full_name: 'x'.repeat(8000) },
    });
    assertProblem(r, 413, 'payload_too_large');
    const { rows } = await t.rt.db.query("SELECT 1 FROM users WHERE email = 'big@example.com'");
    assert.equal(rows.length, 0);
  });

  test('a body that is not JSON is 415', async () => {
    const r = await call(t.app, {
      method: 'POST',
      url: '/api/v1/login',
      headers: { 'content-type': 'text/plain' },
      payload: 'email=admin',
    });
    assertProblem(r, 415, 'unsupported_media_type');
  });

  test('every response carries a request id', async () => {
    const r = await call(t.app, { method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    assert.equal(r.headers['x-request-id'], 'abc-123');
  });
});

describe('docs', () => {
  test('/swagger/index.html (the seed link) leads to the Swagger UI page', async () => {
    const r = await call(t.app, { method: 'GET', url: '/swagger/index.html' });
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, '/swagger/');
    const page = await call(t.app, { method: 'GET', url: '/swagger/' });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(String(page.body), /swagger/i);
  });

  test('the OpenAPI document covers every API route with a summary, responses and security', async () => {
    const r = await call(t.app, { method: 'GET', url: '/swagger/json' });
    assert.equal(r.status, 200);
    const doc = r.body;
    assert.match(doc.openapi, /^3\./);
    assert.ok(doc.components.securitySchemes.bearerAuth);
    const ops: [string, string, any][] = [];
    for (const [path, item] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) ops.push([method, path, op]);
    }
    for (const p of ['/api/v1/login', '/api/v1/screenings', '/api/v1/screenings/{id}', '/api/v1/auth/refresh']) {
      assert.ok(doc.paths[p], `path ${p}`);
    }
    for (const [method, path, op] of ops) {
      assert.ok(op.summary, `${method} ${path} has a summary`);
      assert.ok(Object.keys(op.responses).length >= 1, `${method} ${path} has responses`);
    }
    // the seed's screening routes need a token; the seat map is public like the rest of browsing
    const seedRoutes = ops.filter(([m, p]) => p.startsWith('/api/v1/screenings') && !(m === 'get' && p.endsWith('/seats')));
    for (const [method, path, op] of seedRoutes) {
      assert.deepEqual(op.security, [{ bearerAuth: [] }], `${method} ${path} declares bearer auth`);
      assert.ok(op.responses['401'], `${method} ${path} documents 401`);
    }
  });
});

describe('health', () => {
  test('/healthz and /readyz answer 200 with every check ok', async () => {
    assert.deepEqual((await call(t.app, { method: 'GET', url: '/healthz' })).body, { status: 'ok' });
    const r = await call(t.app, { method: 'GET', url: '/readyz' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.status, 'ready');
    assert.equal(r.body.checks.database.ok, true);
    assert.equal(r.body.checks.migrations.ok, true);
    assert.equal(r.body.checks.redis.ok, true);
  });

  test('/readyz is 503 when a migration is missing', async () => {
    const [row] = (await t.rt.db.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations')).rows;
    await t.rt.db.query('DELETE FROM schema_migrations WHERE version = $1', [row.version]);
    try {
      const r = await call(t.app, { method: 'GET', url: '/readyz' });
      assert.equal(r.status, 503);
      assert.equal(r.body.checks.migrations.ok, false);
    } finally {
      await t.rt.db.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [row.version, row.checksum]);
    }
  });

  test('/metrics exposes request latency by route pattern', async () => {
    const first = (await call(t.app, { method: 'GET', url: '/api/v1/screenings?limit=1', token: admin })).body.data[0];
    assert.equal((await call(t.app, { method: 'GET', url: `/api/v1/screenings/${first.id}`, token: admin })).status, 200);
    const r = await call(t.app, { method: 'GET', url: '/metrics' });
    assert.equal(r.status, 200);
    assert.match(String(r.body), /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/screenings\/:id",status="200"\} \d+/);
  });
});

describe('database down', () => {
  test('requests get 503 unavailable with Retry-After, readiness says not ready', async () => {
    const down = await startTestApp();
    const token = await loginAs(down.app, 'customer@cinema.com');
    await down.rt.db.close();
    try {
      const r = await call(down.app, { method: 'GET', url: '/api/v1/screenings?limit=1', token });
      assertProblem(r, 503, 'unavailable');
      assert.equal(r.headers['retry-after'], '1');
      const ready = await call(down.app, { method: 'GET', url: '/readyz' });
      assert.equal(ready.status, 503);
      assert.equal(ready.body.checks.database.ok, false);
    } finally {
      // closes the rest (Redis connections, the already closed pool is ignored) and drops the database
      await down.close();
    }
  });
});
