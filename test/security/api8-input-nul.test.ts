// Item 12 of issue 12: a NUL byte (U+0000) in a string answered 500, because PostgreSQL refuses it in
// text (22021) and the error surfaced as a fault. It is a client mistake: 400 validation_failed, on
// every route (query, params and body), before any use case sees it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { listen } from '../helpers/checkout.ts';
import { assertProblem, call, loginAs } from '../helpers/http.ts';
import { paidTicket } from '../helpers/refunds.ts';
import { plainHall, screeningIn } from '../helpers/screenings.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';
import { DEMO } from '../../src/db/seed/demo-ids.ts';

let t: TestApp;
let admin: string;
let alice: string;

before(async () => {
  t = await startTestApp();
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
});
after(() => t.close());

describe('a NUL byte in any string is 400 validation_failed, not 500', () => {
  test('in a search term (query string)', async () => {
    const r = await call(t.app, { method: 'GET', url: '/api/v1/movies?q=bat%00man' });
    assertProblem(r, 400, 'validation_failed');
    // the same search without the NUL still works
    assert.equal((await call(t.app, { method: 'GET', url: '/api/v1/movies?q=batman' })).status, 200);
  });

  test('in a name on an admin write (JSON body, escaped as \\u0000)', async () => {
    const r = await call(t.app, {
      method: 'POST',
      url: '/api/v1/cities',
      token: admin,
      headers: { 'content-type': 'application/json' },
      payload: '{"name":"Zeta\\u0000polis","province":"Jawa Barat"}',
    });
    assertProblem(r, 400, 'validation_failed');
    const cities = await call(t.app, { method: 'GET', url: '/api/v1/cities' });
    assert.ok(!JSON.stringify(cities.body).includes('Zeta'), 'nothing was written');
  });

  test('in a nested body string and in a path parameter', async () => {
    const theater = await call(t.app, {
      method: 'POST',
      url: '/api/v1/theaters',
      token: admin,
      payload: { city_id: DEMO.cities.jakarta, name: 'Nul\u0000 Cinema', address: 'Jl. Test 1', time_zone: 'Asia/Jakarta' },
    });
    assertProblem(theater, 400, 'validation_failed');
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/tickets/abc%00def', token: alice }), 400, 'validation_failed');
  });

  test('in a refund reason', async () => {
    const where = await plainHall(t.app, admin);
    const show = await screeningIn(t.app, admin, where, 24 * 10);
    const paid = await paidTicket(t, alice, show.id, ['A1']);
    const r = await call(t.app, {
      method: 'POST',
      url: `/api/v1/tickets/${paid.ticketId}/refunds`,
      token: alice,
      headers: { 'idempotency-key': crypto.randomUUID() },
      payload: { reason: 'cannot\u0000come' },
    });
    assertProblem(r, 400, 'validation_failed');
    // the ticket is untouched: a clean reason still refunds it
    const ok = await call(t.app, {
      method: 'POST',
      url: `/api/v1/tickets/${paid.ticketId}/refunds`,
      token: alice,
      headers: { 'idempotency-key': crypto.randomUUID() },
      payload: { reason: 'cannot come' },
    });
    assert.ok([200, 201, 202].includes(ok.status), JSON.stringify(ok.body));
  });
});

test("PostgreSQL's refusal of such text (22021, 22P05) maps to 400 too, should a string slip past the guard", async () => {
  const { default: Fastify } = await import('fastify');
  const { registerProblemHandlers } = await import('../../src/http/problem.ts');
  const bare = Fastify();
  registerProblemHandlers(bare);
  bare.get('/:code', async (req) => {
    throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: (req.params as { code: string }).code });
  });
  for (const code of ['22021', '22P05']) {
    const r = await call(bare, { method: 'GET', url: `/${code}` });
    assertProblem(r, 400, 'validation_failed');
  }
  await bare.close();
});

describe('the payment webhook: anyone can post to it, so an unsigned post must stay cheap', () => {
  test('its raw bytes are not walked by the NUL check (a path string per byte stalled the event loop)', async () => {
    const { nulPath } = await import('../../src/http/nul-guard.ts');
    const keys = Object.keys;
    const walkedBytes: number[] = [];
    Object.keys = ((o: object) => {
      if (ArrayBuffer.isView(o)) walkedBytes.push((o as Uint8Array).length);
      return keys(o);
    }) as typeof Object.keys;
    try {
      assert.equal(nulPath(Buffer.alloc(64 * 1024, 0x61), 'body'), undefined);
    } finally {
      Object.keys = keys;
    }
    assert.deepEqual(walkedBytes, [], 'a Buffer body was enumerated byte by byte');
  });

  test('a body past WEBHOOK_BODY_LIMIT_BYTES is 413 before its signature is checked; under it, an unsigned one is 401', async () => {
    assert.equal(t.config.WEBHOOK_BODY_LIMIT_BYTES, 64 * 1024);
    const post = (bytes: number) =>
      call(t.app, {
        method: 'POST',
        url: '/api/v1/payments/webhook',
        headers: { 'content-type': 'application/json' },
        payload: `{"pad":"${'x'.repeat(bytes - 10)}"}`,
      });
    // under BODY_LIMIT_BYTES (512 KiB), over the webhook's own limit
    assertProblem(await post(128 * 1024), 413, 'payload_too_large');
    assertProblem(await post(1024), 401, 'invalid_signature');
  });
});
