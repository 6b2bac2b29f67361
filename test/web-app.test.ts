// Issue 13: the web app is served by the API process. Hashed assets are cached for a year, the HTML
// is revalidated, a browser navigation to one of the app's own routes gets index.html, and the API,
// docs and tools keep their own answers (a 404 there stays problem+json). A fixture stands in for
// web/dist, so this runs whether or not the app was built.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call } from './helpers/http.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { DEMO } from '../src/db/seed/demo-ids.ts';

const INDEX = '<!doctype html><title>Cinema</title><script type="module" src="/assets/index-AbC123.js"></script>';
let t: TestApp;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'web-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-AbC123.js'), 'console.log(1)');
  t = await startTestApp({}, undefined, { webDist: dir });
});
after(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const html = { accept: 'text/html,application/xhtml+xml' };

describe('serving the web app', () => {
  test('/ is the app: not cached, with the page security headers', async () => {
    const r = await call(t.app, { method: 'GET', url: '/', headers: html });
    assert.equal(r.status, 200);
    assert.equal(r.body, INDEX);
    assert.equal(r.headers['cache-control'], 'no-cache');
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.match(String(r.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(r.headers['x-frame-options'], 'DENY');
  });

  test("the app's own routes load on a reload or a shared link", async () => {
    for (const url of ['/movies/3', '/showtimes/12', '/tickets/0b6d8c44-51f8-4a39-9c05-4f1a2e2b9f10', '/me/tickets?x=1']) {
      const r = await call(t.app, { method: 'GET', url, headers: html });
      assert.equal(r.status, 200, url);
      assert.equal(r.body, INDEX, url);
    }
  });

  test('hashed assets are cached for a year; a missing one is a 404, not the app', async () => {
    const r = await call(t.app, { method: 'GET', url: '/assets/index-AbC123.js' });
    assert.equal(r.status, 200);
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await call(t.app, { method: 'GET', url: '/assets/gone-XyZ.js', headers: html })).status, 404);
  });

  test('API, docs and tools keep their answers; a client that wants JSON gets the 404 problem', async () => {
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/nope', headers: html }), 404, 'not_found');
    assertProblem(await call(t.app, { method: 'GET', url: '/movies/3' }), 404, 'not_found');
    assertProblem(await call(t.app, { method: 'POST', url: '/movies/3', headers: html, payload: {} }), 404, 'not_found');
    assert.equal((await call(t.app, { method: 'GET', url: '/api/v1/cities', headers: html })).status, 200);
    assert.equal((await call(t.app, { method: 'GET', url: '/healthz', headers: html })).status, 200);
  });
});

describe('GET /api/v1/showtimes/{id}: one screening as the lists show it, public', () => {
  test('an upcoming screening with its movie, theater, hall capacity and local time', async () => {
    const list = await call(t.app, { method: 'GET', url: `/api/v1/movies/${DEMO.movies.avengersEndgame}/screenings?limit=1` });
    const s = list.body.data[0];
    const r = await call(t.app, { method: 'GET', url: `/api/v1/showtimes/${s.id}` });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.data, s);
    assert.equal(typeof r.body.data.hall.capacity, 'number');
    assert.ok(r.body.data.hall.capacity > 0);
  });

  test('unknown: 404 screening_not_found', async () => {
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/showtimes/999999' }), 404, 'screening_not_found');
  });
});
