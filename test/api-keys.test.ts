// Partner API keys: issued with scopes, the secret shown once and stored hashed; each scope enforced
// on the routes that name it; never an admin; holds and tickets belong to the partner's account; a
// theater restriction; rotation with a grace period; revocation refused at once (on another
// instance too); per-key rate limits shared through Redis; last-used time; audit entries.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { API_KEY_SCOPES, type ApiKeyScope } from '../src/http/api-key-scopes.ts';
import { DEMO } from '../src/db/seed/demo-ids.ts';
import { approve, listen, webhooksSettled } from './helpers/checkout.ts';
import { assertProblem, call, loginAs, type Res } from './helpers/http.ts';
import { paidTicket } from './helpers/refunds.ts';
import { onPostgres, startTestApp, type TestApp } from './helpers/runtime.ts';
import { plainHall, screeningIn, seatMapOf } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
before(async () => {
  t = await startTestApp({ CHECKIN_OPENS_MINUTES: '1440' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
});
after(() => t.close());

interface Issued {
  id: string;
  secret: string;
  prefix: string;
  account_id: number;
  scopes: string[];
}

async function issue(body: Record<string, unknown>): Promise<Issued> {
  const r = await call(t.app, { method: 'POST', url: '/api/v1/api-keys', token: admin, payload: { name: 'Test partner', ...body } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data;
}

const withKey = (key: string, method: string, url: string, payload?: object, app = t.app): Promise<Res> =>
  call(app, { method: method as 'GET', url: `/api/v1${url}`, headers: { 'x-api-key': key }, payload });

describe('issuing', () => {
  test('the secret is in the answer once, stored only as a hash, never listed; the issue is audited', async () => {
    const k = await issue({ scopes: ['catalog:read'] });
    assert.match(k.secret, /^ck_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    assert.equal(k.secret.slice(0, 11), k.prefix);
    const { rows } = await t.rt.db.query<{ secret_sha256: string; row: string }>(
      'SELECT secret_sha256, to_jsonb(k)::text AS row FROM api_keys k WHERE id = $1',
      [k.id],
    );
    assert.match(rows[0].secret_sha256, /^[0-9a-f]{64}$/);
    assert.ok(!rows[0].row.includes(k.secret.slice(12)), 'the secret part is nowhere in the row');
    const list = await call(t.app, { method: 'GET', url: '/api/v1/api-keys', token: admin });
    const listed = list.body.data.find((x: { id: string }) => x.id === k.id);
    assert.equal(listed.prefix, k.prefix);
    assert.equal(listed.status, 'active');
    assert.ok(!JSON.stringify(list.body).includes(k.secret.slice(12)));
    const audit = await t.rt.db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE action = 'api_key.issue' AND entity_id = $1", [
      k.id,
    ]);
    assert.equal(audit.rows[0].n, 1);
    assert.ok(!JSON.stringify(await t.rt.db.query('SELECT * FROM audit_log')).includes(k.secret.slice(12)), 'nor in the audit trail');
  });

  test('bad requests are 400; customers may not issue keys', async () => {
    const bad = (payload: object) => call(t.app, { method: 'POST', url: '/api/v1/api-keys', token: admin, payload: { name: 'x', ...payload } });
    assertProblem(await bad({ scopes: [] }), 400, 'validation_failed');
    assertProblem(await bad({ scopes: ['admin:all'] }), 400, 'validation_failed');
    assertProblem(await bad({ scopes: ['catalog:read'], account_id: 999999 }), 400, 'validation_failed');
    // a key acts as a customer: never bound to a staff or admin account
    assertProblem(await bad({ scopes: ['tickets:read'], account_id: DEMO.users.admin }), 400, 'validation_failed');
    assertProblem(await bad({ scopes: ['tickets:read'], account_id: DEMO.users.staff }), 400, 'validation_failed');
    const customer = await loginAs(t.app, 'customer@cinema.com');
    assertProblem(
      await call(t.app, { method: 'POST', url: '/api/v1/api-keys', token: customer, payload: { name: 'x', scopes: ['catalog:read'] } }),
      403,
      'forbidden',
    );
  });
});

describe('scopes', () => {
  test('each scope opens its routes and only those; a key is never an admin', async () => {
    // a show whose seats and a paid ticket the calls below use
    const hall = await plainHall(t.app, admin, 2, 10);
    const s = await screeningIn(t.app, admin, hall, 20);
    const map = await seatMapOf(t.app, s.id);
    const all = await issue({ scopes: [...API_KEY_SCOPES] });
    const paid = await paidTicket(t, await loginAs(t.app, 'customer@cinema.com'), s.id, ['B1']);
    const ticket = await call(t.app, { method: 'GET', url: `/api/v1/tickets/${paid.ticketId}`, token: admin });

    // one call per scope; `holds:write` leaves a hold that `checkout:write` pays for
    let holdId = '';
    const calls: Record<ApiKeyScope, (key: string) => Promise<Res>> = {
      'catalog:read': (key) => withKey(key, 'GET', `/cities/${DEMO.cities.jakarta}/theaters`),
      'seatmap:read': (key) => withKey(key, 'GET', `/screenings/${s.id}/seats`),
      'holds:write': async (key) => {
        const r = await withKey(key, 'POST', `/screenings/${s.id}/holds`, { seat_ids: [map.id('A1')] });
        if (r.status === 201) holdId = r.body.data.id;
        return r;
      },
      'checkout:write': (key) =>
        call(t.app, {
          method: 'POST',
          url: `/api/v1/holds/${holdId}/checkout`,
          headers: { 'x-api-key': key, 'idempotency-key': `k-${key.slice(3, 11)}` },
          payload: { payment_method: 'card' },
        }),
      'tickets:read': (key) => withKey(key, 'GET', '/me/tickets'),
      'checkin:write': (key) => withKey(key, 'POST', '/checkin', { code: ticket.body.data.booking_code }),
    };
    for (const scope of API_KEY_SCOPES) {
      const without = await issue({ scopes: API_KEY_SCOPES.filter((x) => x !== scope), account_id: all.account_id });
      if (scope === 'checkout:write') assert.ok(holdId, 'the holds:write call made a hold');
      assertProblem(await calls[scope](without.secret), 403, 'insufficient_scope');
      const r = await calls[scope](all.secret);
      assert.ok(r.status >= 200 && r.status < 300, `${scope}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    // the check-in by key is in the audit trail under the key, not only its account
    const admitted = await t.rt.db.query<{ actor_role: string; actor_label: string; actor_id: number }>(
      "SELECT actor_role, actor_label, actor_id FROM audit_log WHERE action = 'ticket.check_in' AND entity_id = $1",
      [paid.ticketId],
    );
    assert.deepEqual(admitted.rows, [{ actor_role: 'api_key', actor_label: `${all.prefix} Test partner`, actor_id: all.account_id }]);
    // what the key did is its account's: the hold, and the ticket it paid for
    const { rows } = await t.rt.db.query<{ user_id: number }>('SELECT user_id FROM holds WHERE id = $1', [holdId]);
    assert.equal(rows[0].user_id, all.account_id);
    // admin routes: refused whatever the scopes
    assertProblem(await withKey(all.secret, 'GET', '/audit-log'), 403, 'forbidden');
    assertProblem(await withKey(all.secret, 'POST', `/screenings/${s.id}/seats/block`, { seat_ids: [map.id('A5')] }), 403, 'forbidden');
    // a customer route that names no scope refuses keys
    assertProblem(await withKey(all.secret, 'GET', '/me'), 403, 'insufficient_scope');
  });

  test('a key restricted to a theater holds seats there only', async () => {
    const elsewhere = await plainHall(t.app, admin, 1, 5);
    const s = await screeningIn(t.app, admin, elsewhere, 49);
    const k = await issue({ scopes: ['holds:write'], theater_ids: [DEMO.theaters.grandIndonesia] });
    const seat = (await seatMapOf(t.app, s.id)).id('A1');
    assertProblem(await withKey(k.secret, 'POST', `/screenings/${s.id}/holds`, { seat_ids: [seat] }), 403, 'theater_not_allowed');
    assert.equal((await seatMapOf(t.app, s.id)).status('A1'), 'available', 'nothing held');
  });

  test("a key restricted to a theater cannot read, pay for or release its account's holds elsewhere, nor read its tickets there", async () => {
    const elsewhere = await plainHall(t.app, admin, 1, 5);
    const s = await screeningIn(t.app, admin, elsewhere, 49);
    const anywhere = await issue({ scopes: ['holds:write', 'checkout:write', 'tickets:read'] });
    const held = await withKey(anywhere.secret, 'POST', `/screenings/${s.id}/holds`, { seat_ids: [(await seatMapOf(t.app, s.id)).id('A2')] });
    assert.equal(held.status, 201, JSON.stringify(held.body));
    const holdId = held.body.data.id as string;
    const k = await issue({
      scopes: ['holds:write', 'checkout:write', 'tickets:read'],
      theater_ids: [DEMO.theaters.grandIndonesia],
      account_id: anywhere.account_id,
    });
    assertProblem(await withKey(k.secret, 'GET', `/holds/${holdId}`), 403, 'theater_not_allowed');
    const pay = await call(t.app, {
      method: 'POST',
      url: `/api/v1/holds/${holdId}/checkout`,
      headers: { 'x-api-key': k.secret, 'idempotency-key': `restricted-${holdId}` },
      payload: { payment_method: 'card' },
    });
    assertProblem(pay, 403, 'theater_not_allowed');
    assertProblem(await withKey(k.secret, 'DELETE', `/holds/${holdId}`), 403, 'theater_not_allowed');
    const { rows } = await t.rt.db.query<{ status: string }>('SELECT status FROM holds WHERE id = $1', [holdId]);
    assert.equal(rows[0]?.status, 'active', 'nothing paid or released');
    const { rows: tickets } = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets WHERE hold_id = $1', [holdId]);
    assert.equal(tickets[0]?.n, 0);
    // the unrestricted key of the same account still reaches it, and pays: the ticket is not the
    // restricted key's to read either
    assert.equal((await withKey(anywhere.secret, 'GET', `/holds/${holdId}`)).status, 200);
    const paid = await call(t.app, {
      method: 'POST',
      url: `/api/v1/holds/${holdId}/checkout`,
      headers: { 'x-api-key': anywhere.secret, 'idempotency-key': `anywhere-${holdId}` },
      payload: { payment_method: 'card' },
    });
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
    await approve(t, paid.body.data.payment.id);
    await webhooksSettled(t);
    const ticketId = paid.body.data.ticket.id as string;
    assert.equal((await withKey(anywhere.secret, 'GET', `/tickets/${ticketId}`)).status, 200);
    assertProblem(await withKey(k.secret, 'GET', `/tickets/${ticketId}`), 403, 'theater_not_allowed');
    assertProblem(await withKey(k.secret, 'GET', `/tickets/${ticketId}/pdf`), 403, 'theater_not_allowed');
  });

  test('unknown, malformed, or sent with a token too: 401', async () => {
    assertProblem(await withKey('ck_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'GET', '/cities'), 401, 'invalid_api_key');
    assertProblem(await withKey('nonsense', 'GET', '/me/tickets'), 401, 'invalid_api_key');
    const k = await issue({ scopes: ['tickets:read'] });
    assertProblem(
      await call(t.app, { method: 'GET', url: '/api/v1/me/tickets', token: admin, headers: { 'x-api-key': k.secret } }),
      401,
      'unauthorized',
    );
  });
});

describe('lifecycle', () => {
  test('revoked: refused from the next request, on this instance and another', async () => {
    const k = await issue({ scopes: ['catalog:read'] });
    const other = onPostgres ? await startTestApp({}, undefined, { databaseUrl: t.databaseUrl }) : undefined;
    try {
      for (const app of [t.app, other?.app].filter((a) => a !== undefined))
        assert.equal((await withKey(k.secret, 'GET', '/cities', undefined, app)).status, 200);
      const r = await call(t.app, { method: 'POST', url: `/api/v1/api-keys/${k.id}/revoke`, token: admin });
      assert.equal(r.body.data.status, 'revoked');
      for (const app of [t.app, other?.app].filter((a) => a !== undefined))
        assertProblem(await withKey(k.secret, 'GET', '/cities', undefined, app), 401, 'invalid_api_key');
    } finally {
      await other?.close();
    }
  });

  test('rotated: old and new both work for the grace period, then only the new; a rotated key cannot rotate again', async () => {
    const k = await issue({ scopes: ['catalog:read'] });
    const r = await call(t.app, { method: 'POST', url: `/api/v1/api-keys/${k.id}/rotate`, token: admin, payload: { grace_seconds: 1 } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const fresh = r.body.data;
    assert.notEqual(fresh.secret, k.secret);
    assert.deepEqual([fresh.scopes, fresh.account_id, r.body.data.replaces.status], [k.scopes, k.account_id, 'rotating']);
    assert.equal((await withKey(k.secret, 'GET', '/cities')).status, 200, 'old, in grace');
    assert.equal((await withKey(fresh.secret, 'GET', '/cities')).status, 200, 'new');
    await new Promise((done) => setTimeout(done, 1_100));
    assertProblem(await withKey(k.secret, 'GET', '/cities'), 401, 'invalid_api_key');
    assert.equal((await withKey(fresh.secret, 'GET', '/cities')).status, 200);
    assertProblem(await call(t.app, { method: 'POST', url: `/api/v1/api-keys/${k.id}/rotate`, token: admin, payload: {} }), 409, 'api_key_inactive');
  });

  test('its own rate limit: the request over it is 429 with Retry-After; other keys go on; last use is recorded', async () => {
    const slow = await issue({ scopes: ['catalog:read'], rate_limit_per_minute: 3 });
    const other = await issue({ scopes: ['catalog:read'] });
    for (let i = 0; i < 3; i++) assert.equal((await withKey(slow.secret, 'GET', '/cities')).status, 200);
    const over = await withKey(slow.secret, 'GET', '/cities');
    assertProblem(over, 429, 'rate_limited');
    assert.ok(Number(over.headers['retry-after']) >= 1);
    assert.equal((await withKey(other.secret, 'GET', '/cities')).status, 200);
    const { rows } = await t.rt.db.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_keys WHERE id = $1', [slow.id]);
    assert.ok(rows[0].last_used_at && Date.now() - rows[0].last_used_at.getTime() < 60_000);
  });
});
