// Refusals of taken seats answered from Redis (kv/seat-fast-path.ts, holds/fast-refusal.ts): a
// granted hold's and a sold ticket's seats stay marked, so the next customers asking for them are
// refused without a PostgreSQL write; every way seats go back on sale (release, expiry, refund)
// drops the marks, so those seats can be held again at once; and PostgreSQL alone still decides
// everything while Redis is gone. Real PostgreSQL and Redis only: the embedded phase has no Redis.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sweepExpiredHolds } from '../src/modules/holds/index.ts';
import { listen, newCustomer } from './helpers/checkout.ts';
import { call, loginAs } from './helpers/http.ts';
import { startRedis } from '../ops/lib/redis-server.ts';
import { paidTicket, refund } from './helpers/refunds.ts';
import { onPostgres, onRedis, startTestApp, type TestApp } from './helpers/runtime.ts';
import { newScreening, plainHall, screeningIn, seatMapOf } from './helpers/screenings.ts';

const needs = !(onPostgres && onRedis) && 'needs PostgreSQL and Redis';

/** Every statement the app sends to PostgreSQL while fn runs (a spy on its Db). */
async function statementsDuring(t: TestApp, fn: () => Promise<unknown>): Promise<string[]> {
  const db = t.rt.db as unknown as Record<'query' | 'exec' | 'tx', (...a: unknown[]) => Promise<unknown>>;
  const seen: string[] = [];
  const real = { query: db.query, exec: db.exec, tx: db.tx };
  db.query = (text, ...rest) => (seen.push(String(text)), real.query.call(t.rt.db, text, ...rest));
  db.exec = (text, ...rest) => (seen.push(String(text)), real.exec.call(t.rt.db, text, ...rest));
  db.tx = (...a) => (seen.push('BEGIN'), real.tx.apply(t.rt.db, a));
  try {
    await fn();
  } finally {
    Object.assign(db, real);
  }
  return seen;
}

const writes = (statements: string[]) => statements.filter((s) => !/^\s*SELECT\b/i.test(s) || /take_seats/i.test(s));

describe('refusals of taken seats from Redis', { skip: needs }, () => {
  let t: TestApp;
  let admin: string;
  let alice: string;
  let bob: { token: string; id: number };
  before(async () => {
    // marks made before PostgreSQL decides live 1 s: a refusal after that is the kept mark's
    t = await startTestApp({ FASTPATH_TTL_MS: '1000' });
    await listen(t); // the gateway simulator's webhooks need a listening app (a sale, a refund)
    admin = await loginAs(t.app, 'admin@cinema.com');
    alice = await loginAs(t.app, 'customer@cinema.com');
    bob = await newCustomer(t, 'bob');
  });
  after(() => t?.close());

  const hold = (screeningId: number, seatIds: number[], token: string, key?: string) =>
    call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${screeningId}/holds`,
      token,
      payload: { seat_ids: seatIds },
      headers: key ? { 'idempotency-key': key } : {},
    });

  test('a held seat is refused from Redis after the first mark ran out (the mark kept for the hold), without a PostgreSQL statement (with or without a key)', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const seats = ['D6', 'D7'].map(m.id);
    assert.equal((await hold(s.id, seats, alice)).status, 201);
    // past the first mark's life: only a mark kept for the hold refuses now
    await new Promise((r) => setTimeout(r, 1_300));
    await hold(s.id, [m.id('A1')], bob.token); // bob's session is looked up once, before we count
    for (const key of [undefined, randomUUID()]) {
      let r: Awaited<ReturnType<typeof hold>> | undefined;
      const statements = await statementsDuring(t, async () => {
        r = await hold(s.id, [m.id('D7'), m.id('D8')], bob.token, key);
      });
      assert.equal(r?.status, 409, JSON.stringify(r?.body));
      assert.equal(r?.body.cause, 'fast_path', 'answered from Redis');
      assert.deepEqual(r?.body.seat_labels, ['D7']);
      // not a single statement, with a key too: whether the key has an answer is read from its claim mark in Redis
      assert.deepEqual(statements, [], `no PostgreSQL statement (key: ${key ? 'yes' : 'no'})`);
      if (key) {
        // the key was only read: nothing recorded, and the same key asks again later
        const { rows } = await t.rt.db.query('SELECT 1 FROM idempotency_keys WHERE key = $1', [key]);
        assert.equal(rows.length, 0);
        // remembered in Redis: the retry gets the same refusal, replayed, still without a write
        let again: Awaited<ReturnType<typeof hold>> | undefined;
        const retried = await statementsDuring(t, async () => {
          again = await hold(s.id, [m.id('D7'), m.id('D8')], bob.token, key);
        });
        assert.equal(again?.status, 409);
        assert.equal(again?.headers['idempotent-replayed'], 'true');
        assert.deepEqual(writes(retried), []);
      }
    }
  });

  test('a key that already has an answer replays it, even once Redis would refuse its seats', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const key = randomUUID();
    const first = await hold(s.id, [m.id('E6')], bob.token, key);
    assert.equal(first.status, 201);
    // alice takes E6 once bob let it go; bob's retry with the first key still gets his first answer
    assert.equal((await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${first.body.data.id}`, token: bob.token })).status, 200);
    assert.equal((await hold(s.id, [m.id('E6')], alice)).status, 201);
    const retry = await hold(s.id, [m.id('E6')], bob.token, key);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.body.data.id, first.body.data.id);
  });

  test('a refusal remembered under a key that a copy of the same request then got granted replays the grant', async () => {
    // two copies of one click, at once: one refused from Redis (and remembered), the other claims
    // the key in PostgreSQL and is granted. Made here in that order by hand: the grant, then the memo.
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const key = randomUUID();
    const url = `/api/v1/screenings/${s.id}/holds`;
    const body = { seat_ids: [m.id('H6')] };
    const granted = await hold(s.id, body.seat_ids, bob.token, key);
    assert.equal(granted.status, 201);
    const hash = createHash('sha256')
      .update(`POST ${url}\n${JSON.stringify(body)}`)
      .digest('hex');
    const refused = { request_hash: hash, status: 409, body: { code: 'seat_unavailable', status: 409 } };
    await t.rt.kv.set(`idem:${bob.id}:hold:${key}`, JSON.stringify(refused), 60_000);
    const retry = await hold(s.id, body.seat_ids, bob.token, key);
    assert.equal(retry.status, 201, JSON.stringify(retry.body));
    assert.equal(retry.headers['idempotent-replayed'], 'true');
    assert.equal(retry.body.data.id, granted.body.data.id);
  });

  test('released, expired and refunded seats can be held again at once', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);

    const released = await hold(s.id, ['F6', 'F7'].map(m.id), alice);
    assert.equal(released.status, 201);
    assert.equal((await hold(s.id, [m.id('F7')], bob.token)).body.cause, 'fast_path');
    assert.equal((await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${released.body.data.id}`, token: alice })).status, 200);
    assert.equal((await hold(s.id, [m.id('F7')], bob.token)).status, 201, 'released: grantable at once');

    const expiring = await hold(s.id, ['G6', 'G7'].map(m.id), alice);
    assert.equal(expiring.status, 201);
    assert.equal((await hold(s.id, [m.id('G6')], bob.token)).body.cause, 'fast_path');
    // the hold's end moved into the past by the database clock; its Redis marks still live (they
    // were kept for the whole hold): the sweep's release must drop them
    await t.rt.db.query(`UPDATE holds SET reserved_until = now() - interval '1 second' WHERE id = $1`, [expiring.body.data.id]);
    await t.rt.db.query(`UPDATE screening_seats SET held_until = now() - interval '1 second' WHERE hold_id = $1`, [expiring.body.data.id]);
    assert.ok((await sweepExpiredHolds(t.rt)).holds.includes(expiring.body.data.id));
    assert.equal((await hold(s.id, [m.id('G6')], bob.token)).status, 201, 'expired: grantable at once');

    const hall = await plainHall(t.app, admin);
    const far = await screeningIn(t.app, admin, hall, 48);
    const sold = await paidTicket(t, alice, far.id, ['C4', 'C5']);
    const refused = await hold(far.id, [sold.seatIds[1]], bob.token);
    assert.equal(refused.status, 409);
    assert.equal(refused.body.cause, 'fast_path', 'sold seats stay marked');
    const r = await refund(t, alice, sold.ticketId, { seat_ids: [sold.seatIds[1]] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal((await hold(far.id, [sold.seatIds[1]], bob.token)).status, 201, 'refunded: grantable at once');
  });

  test('a replaced hold’s seats are free at once, the kept ones stay marked', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    assert.equal((await hold(s.id, ['H6', 'H7'].map(m.id), alice)).status, 201);
    assert.equal((await hold(s.id, ['H7', 'H8'].map(m.id), alice)).status, 201, 'alice moves one seat over');
    assert.equal((await hold(s.id, [m.id('H6')], bob.token)).status, 201, 'the seat she let go');
    assert.equal((await hold(s.id, [m.id('H7')], bob.token)).body.cause, 'fast_path', 'the seat she kept');
  });
});

describe('refusals and grants while Redis is gone', { skip: needs }, () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let t: TestApp;
  before(async () => {
    redis = await startRedis();
    t = await startTestApp({ REDIS_URL: redis.url, REDIS_PREFIX: 'fast-refusal:' });
  });
  after(async () => {
    await t?.close();
    await redis?.stop();
  });

  test('PostgreSQL refuses and grants correctly, with and without a key; no seat twice', async () => {
    const admin = await loginAs(t.app, 'admin@cinema.com');
    const alice = await loginAs(t.app, 'customer@cinema.com');
    const bob = await newCustomer(t, 'bob');
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const hold = (token: string, labels: string[], key?: string) =>
      call(t.app, {
        method: 'POST',
        url: `/api/v1/screenings/${s.id}/holds`,
        token,
        payload: { seat_ids: labels.map(m.id) },
        headers: key ? { 'idempotency-key': key } : {},
      });
    assert.equal((await hold(alice, ['D6', 'D7'])).status, 201);
    await redis.stop();
    for (const key of [undefined, randomUUID()]) {
      const down = await hold(bob.token, ['D7', 'D8'], key);
      assert.equal(down.status, 409, JSON.stringify(down.body));
      assert.equal(down.body.cause, 'taken', 'PostgreSQL refused');
    }
    const granted = await hold(bob.token, ['E6', 'E7'], randomUUID());
    assert.equal(granted.status, 201, 'grants go on without Redis');
    assert.equal((await hold(alice, ['E7'])).body.cause, 'taken');
    const { rows } = await t.rt.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT seat_id FROM holds, unnest(seat_ids) seat_id
        WHERE screening_id = $1 AND status = 'active' GROUP BY seat_id HAVING count(*) > 1) x`,
      [s.id],
    );
    assert.equal(Number(rows[0].n), 0);
  });
});
