// The audit trail: what is recorded (staff and admin writes, logins, failed logins, role changes),
// that the database keeps it append-only, retention, and the read API with its filters and pages.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { applyRetention, purgeAuditLog } from '../src/modules/audit/index.ts';
import { DEMO } from '../src/db/seed/demo-ids.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { signedInApp, type TestApp } from './helpers/runtime.ts';
import { createScreening, farSlot, seatMapOf } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
let customer: string;
before(async () => {
  ({ t, admin, customer } = await signedInApp());
});
after(() => t.close());

interface Entry {
  actor_id: number | null;
  actor_role: string | null;
  actor_label: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: any;
  after: any;
  ip: string | null;
  request_id: string | null;
}

const entriesOf = async (requestId: string) =>
  (await t.rt.db.query<Entry>('SELECT * FROM audit_log WHERE request_id = $1 ORDER BY id', [requestId])).rows;

/** A request with its own x-request-id, to find its audit entries by. */
async function traced(method: string, url: string, token: string | undefined, payload?: object) {
  const rid = randomUUID();
  const res = await call(t.app, { method: method as 'POST', url: `/api/v1${url}`, token, payload, headers: { 'x-request-id': rid } });
  return { res, rid };
}

describe('what is recorded', () => {
  test('each kind of staff and admin write leaves an entry with the actor, role, address and request id', async () => {
    const writes: [string, string, string, () => object][] = [
      ['POST', '/cities', 'city.create', () => ({ name: `Audit City ${randomUUID().slice(0, 8)}`, province: 'Test' })],
      ['POST', '/movies', 'movie.create', () => ({ title: `Audit Movie ${randomUUID().slice(0, 8)}`, duration: 95 })],
      [
        'PUT',
        `/theaters/${DEMO.theaters.parisVanJava}/refund-policy`,
        'refund_policy.update',
        () => ({ tiers: [{ min_hours_before: 24, percent: 100 }] }),
      ],
    ];
    for (const [method, url, action, body] of writes) {
      const { res, rid } = await traced(method, url, admin, body());
      assert.ok(res.status < 300, `${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
      const [e] = await entriesOf(rid);
      assert.ok(e, `${method} ${url} left no audit entry`);
      assert.equal(e.action.split('.')[0], action.split('.')[0], `${method} ${url}: ${e.action}`);
      assert.deepEqual([e.actor_id, e.actor_role, e.ip], [DEMO.users.admin, 'admin', '127.0.0.1']);
    }
    // a seat block, recorded against its screening
    const s = await createScreening(t.app, admin, { show_time: farSlot(170) });
    const map = await seatMapOf(t.app, s.id);
    const block = await traced('POST', `/screenings/${s.id}/seats/block`, admin, { seat_ids: [map.id('A1')] });
    assert.equal(block.res.status, 200, JSON.stringify(block.res.body));
    const [b] = await entriesOf(block.rid);
    assert.equal(b.entity, 'screening');
    assert.equal(b.entity_id, String(s.id));
  });

  test("an admin releasing a customer's hold is recorded; the customer releasing their own is not", async () => {
    const s = await createScreening(t.app, admin, { show_time: farSlot(171) });
    const map = await seatMapOf(t.app, s.id);
    const hold = async (label: string) => {
      const r = await call(t.app, {
        method: 'POST',
        url: `/api/v1/screenings/${s.id}/holds`,
        token: customer,
        payload: { seat_ids: [map.id(label)] },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.data.id as string;
    };
    const theirs = await hold('B4');
    const byAdmin = await traced('DELETE', `/holds/${theirs}`, admin);
    assert.equal(byAdmin.res.status, 200, JSON.stringify(byAdmin.res.body));
    const [e] = await entriesOf(byAdmin.rid);
    assert.deepEqual(
      { action: e?.action, entity: e?.entity, entity_id: e?.entity_id, by: e?.actor_id, owner: e?.before?.user_id, after: e?.after },
      { action: 'hold.release', entity: 'hold', entity_id: theirs, by: DEMO.users.admin, owner: DEMO.users.customer, after: { status: 'released' } },
    );
    const own = await hold('B6');
    const byOwner = await traced('DELETE', `/holds/${own}`, customer);
    assert.equal(byOwner.res.status, 200, JSON.stringify(byOwner.res.body));
    assert.deepEqual(await entriesOf(byOwner.rid), []);
  });

  test('a role change records the role before and after, under the admin who made it', async () => {
    const email = `audit-role-${randomUUID().slice(0, 8)}@example.com`;
    const reg = await call(t.app, {
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { email, password: 'correct horse battery staple', full_name: 'Audit Role' },
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const id = reg.body.data.user.id;
    const { res, rid } = await traced('PATCH', `/users/${id}`, admin, { role: 'staff' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [e] = await entriesOf(rid);
    assert.deepEqual(
      { action: e.action, entity: e.entity, entity_id: e.entity_id, before: e.before, after: e.after, by: e.actor_id, role: e.actor_role },
      {
        action: 'user.role_change',
        entity: 'user',
        entity_id: String(id),
        before: { role: 'customer' },
        after: { role: 'staff' },
        by: DEMO.users.admin,
        role: 'admin',
      },
    );
    // refused (unknown account): nothing recorded
    const missing = await traced('PATCH', '/users/999999', admin, { role: 'staff' });
    assertProblem(missing.res, 404, 'not_found');
    assert.deepEqual(await entriesOf(missing.rid), []);
  });

  test('a login is recorded under its account and role; a failed one under the e-mail it tried, never the password', async () => {
    const ok = await traced('POST', '/login', undefined, { email: 'staff@cinema.com', password: 'password' });
    assert.equal(ok.res.status, 200);
    const [e] = await entriesOf(ok.rid);
    assert.deepEqual([e.action, e.actor_id, e.actor_role, e.entity_id], ['auth.login', DEMO.users.staff, 'staff', String(DEMO.users.staff)]);

    const secret = `wrong-${randomUUID()}`;
    const bad = await traced('POST', '/login', undefined, { email: 'Staff@Cinema.com', password: secret });
    assertProblem(bad.res, 401, 'invalid_credentials');
    const [f] = await entriesOf(bad.rid);
    assert.deepEqual(
      [f.action, f.actor_id, f.actor_role, f.actor_label, f.entity_id, f.ip],
      ['auth.login_failed', null, null, 'staff@cinema.com', String(DEMO.users.staff), '127.0.0.1'],
    );
    const nobody = await traced('POST', '/login', undefined, { email: 'nobody@example.com', password: secret });
    const [n] = await entriesOf(nobody.rid);
    assert.deepEqual([n.action, n.actor_label, n.entity_id], ['auth.login_failed', 'nobody@example.com', null]);
    const { rows } = await t.rt.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE strpos(coalesce(after::text, '') || coalesce(before::text, ''), $1) > 0",
      [secret],
    );
    assert.equal(rows[0].n, 0);
  });
});

describe('append-only', () => {
  test('the database refuses UPDATE, DELETE and TRUNCATE of entries within retention', async () => {
    const { rows } = await t.rt.db.query<{ id: number; action: string }>('SELECT id::int AS id, action FROM audit_log ORDER BY id DESC LIMIT 1');
    const id = rows[0].id;
    await assert.rejects(t.rt.db.query("UPDATE audit_log SET action = 'forged' WHERE id = $1", [id]), /append-only \(UPDATE refused\)/);
    await assert.rejects(t.rt.db.query('DELETE FROM audit_log WHERE id = $1', [id]), /append-only \(DELETE refused\)/);
    await assert.rejects(t.rt.db.exec('TRUNCATE audit_log'), /append-only \(TRUNCATE refused\)/);
    const again = await t.rt.db.query<{ action: string }>('SELECT action FROM audit_log WHERE id = $1', [id]);
    assert.equal(again.rows[0].action, rows[0].action);
  });

  test('retention: the purge deletes only what is older than AUDIT_RETENTION_DAYS; a change of it is recorded', async () => {
    const old = await t.rt.db.query<{ id: number }>(
      `INSERT INTO audit_log (action, entity, at) VALUES ('test.old', 'test', now() - interval '40 days'), ('test.young', 'test', now() - interval '20 days')
       RETURNING id::int AS id`,
    );
    const [oldId, youngId] = old.rows.map((r) => r.id);
    try {
      await applyRetention(t.rt.db, 30);
      const change = await t.rt.db.query<Entry>("SELECT * FROM audit_log WHERE action = 'audit.retention_change' ORDER BY id DESC LIMIT 1");
      assert.deepEqual([change.rows[0].before, change.rows[0].after, change.rows[0].actor_role], [{ days: 730 }, { days: 30 }, 'system']);
      await assert.rejects(t.rt.db.query('DELETE FROM audit_log WHERE id = $1', [youngId]), /append-only/);
      // a change made with SQL, not through the service, is recorded all the same
      await t.rt.db.query('UPDATE audit_retention SET days = 29');
      const bySql = await t.rt.db.query<Entry>("SELECT * FROM audit_log WHERE action = 'audit.retention_change' ORDER BY id DESC LIMIT 1");
      assert.deepEqual([bySql.rows[0].before, bySql.rows[0].after], [{ days: 30 }, { days: 29 }]);
      assert.ok(bySql.rows[0].actor_label, 'the database user who made it');
      await applyRetention(t.rt.db, 30);
      assert.equal(await purgeAuditLog(t.rt.db), 1);
      const left = await t.rt.db.query<{ id: number }>('SELECT id::int AS id FROM audit_log WHERE id = ANY($1::bigint[])', [[oldId, youngId]]);
      assert.deepEqual(
        left.rows.map((r) => r.id),
        [youngId],
      );
    } finally {
      await applyRetention(t.rt.db, 730);
    }
  });
});

describe('GET /audit-log', () => {
  const list = async (q: string, token = admin) => call(t.app, { method: 'GET', url: `/api/v1/audit-log?${q}`, token });

  test('admins only', async () => {
    assertProblem(await list('', customer), 403, 'forbidden');
    assertProblem(await list('', await loginAs(t.app, 'staff@cinema.com')), 403, 'forbidden');
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/audit-log' }), 401, 'unauthorized');
  });

  test('filters by actor, action (or its prefix), entity and time; newest first', async () => {
    const city = await traced('POST', '/cities', admin, { name: `Filter City ${randomUUID().slice(0, 8)}`, province: 'Test' });
    const id = String(city.res.body.data.id);
    const byEntity = await list(`entity=city&entity_id=${id}`);
    assert.equal(byEntity.status, 200, JSON.stringify(byEntity.body));
    assert.equal(byEntity.body.data.length, 1);
    const e = byEntity.body.data[0];
    assert.deepEqual(
      { action: e.action, actor: e.actor, request_id: e.request_id, ip: e.ip },
      { action: 'city.create', actor: { id: DEMO.users.admin, role: 'admin', label: null }, request_id: city.rid, ip: '127.0.0.1' },
    );
    assert.equal(e.after.name, city.res.body.data.name);

    const logins = (await list('action=auth.&limit=100')).body.data as { action: string; id: number }[];
    assert.ok(logins.length > 0);
    for (const l of logins) assert.match(l.action, /^auth\./);
    assert.deepEqual(
      logins.map((l) => l.id),
      [...logins.map((l) => l.id)].sort((a, b) => b - a),
    );
    for (const l of (await list(`actor_id=${DEMO.users.staff}&limit=100`)).body.data) assert.equal(l.actor.id, DEMO.users.staff);

    const future = new Date(Date.now() + 60_000).toISOString();
    assert.deepEqual((await list(`from=${future}`)).body.data, []);
    const recent = (await list(`to=${future}&from=${new Date(Date.now() - 60_000).toISOString()}&entity=city&entity_id=${id}`)).body.data;
    assert.equal(recent.length, 1);
  });

  test('pages neither skip nor repeat while entries are added; a forged cursor is 400', async () => {
    const all = new Set<number>();
    const firstPage = await list('limit=5');
    const head = firstPage.body.data[0].id as number;
    let cursor: string | null = firstPage.body.meta.next_cursor;
    for (const e of firstPage.body.data) all.add(e.id);
    while (cursor) {
      await traced('POST', '/login', undefined, { email: 'nobody@example.com', password: 'x' }); // a new entry each page
      const r = await list(`limit=5&cursor=${cursor}`);
      for (const e of r.body.data) {
        assert.ok(!all.has(e.id), `entry ${e.id} repeated`);
        all.add(e.id);
      }
      cursor = r.body.meta.next_cursor;
    }
    const { rows } = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE id <= $1', [head]);
    assert.equal(all.size, rows[0].n);
    assertProblem(await list('cursor=bm9wZQ'), 400, 'validation_failed');
    assertProblem(await list('from=yesterday'), 400, 'validation_failed');
  });
});
