// Idempotency-Keys claimed in batches when they queue up (http/idempotency-claims.ts): the queue goes
// out in one statement, each caller learns about its own key as from its own INSERT, two copies of
// one key in a batch claim it once, and a row PostgreSQL refuses fails only its own caller.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClaims } from '../src/http/idempotency-claims.ts';
import { recording, withQuery } from './helpers/db-spy.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp;
let userId: number;
before(async () => {
  t = await startTestApp();
  const { rows } = await t.rt.db.query<{ id: number }>(`SELECT id FROM users WHERE email = 'customer@cinema.com'`);
  userId = rows[0].id;
});
after(() => t?.close());

const claimOf = (key: string, extra: { userId?: number; pending?: string | null; requestHash?: string } = {}) => ({
  userId: extra.userId ?? userId,
  scope: 'claims-test',
  key,
  requestHash: extra.requestHash ?? 'h',
  pending: extra.pending ?? null,
});

async function rowsOf(prefix: string) {
  const { rows } = await t.rt.db.query<{ key: string; status: string; response_body: unknown }>(
    `SELECT key, status, response_body FROM idempotency_keys WHERE user_id = $1 AND scope = 'claims-test' AND key LIKE $2 ORDER BY key`,
    [userId, `${prefix}%`],
  );
  return rows;
}

test('claims queued behind busy statements go out together, in key order, each key claimed in flight with its own effect', async () => {
  // arriving out of order: the batch sends them sorted, and each caller still gets its own row
  const keys = ['batch-9', 'batch-3', 'batch-7', 'batch-1', 'batch-8', 'batch-0', 'batch-5', 'batch-2', 'batch-6', 'batch-4'];
  const { db, statements, params } = recording(t.rt.db);
  const claims = createClaims(db, 60);
  // all at once: two statements leave at once (one claim each), the other eight wait and share one
  const claimed = await Promise.all(keys.map((key) => claims.claim(claimOf(key, { pending: JSON.stringify({ effect: `e-${key}` }) }))));
  assert.deepEqual(
    claimed,
    keys.map(() => true),
  );
  assert.equal(statements.length, 3, 'three statements for ten claims');
  const batchKeys = params[2][2] as string[];
  assert.deepEqual(batchKeys, [...keys.slice(2)].sort(), 'the batch sends its rows in key order');
  assert.deepEqual(
    (await rowsOf('batch-')).map((r) => [r.key, r.status, r.response_body]),
    [...keys].sort().map((key) => [key, 'in_flight', { effect: `e-${key}` }]),
  );
});

test('a key already claimed, answered or not, is not claimed again, in a batch as on its own', async () => {
  const claims = createClaims(t.rt.db, 60);
  assert.equal(await claims.claim(claimOf('taken-0')), true);
  assert.equal(await claims.claim(claimOf('taken-1')), true);
  await t.rt.db.query(`UPDATE idempotency_keys SET status = 'completed' WHERE user_id = $1 AND key = 'taken-1'`, [userId]);
  const again = await Promise.all(['taken-0', 'taken-1', 'taken-2', 'taken-0', 'taken-1'].map((k) => claims.claim(claimOf(k))));
  assert.deepEqual(again, [false, false, true, false, false]);
});

test('two copies of one key in one batch: the first claims it, the other finds it taken', async () => {
  const { db, statements } = recording(t.rt.db);
  const claims = createClaims(db, 60);
  // two leave at once and fill both slots; the next four share the third statement
  const out = await Promise.all(['dup-a', 'dup-b', 'dup-c', 'dup-d', 'dup-c', 'dup-e'].map((k) => claims.claim(claimOf(k))));
  assert.deepEqual(out, [true, true, true, true, false, true]);
  assert.equal(statements.length, 3);
  assert.equal((await rowsOf('dup-')).length, 5);
});

test('a stale claim in flight that names no effect is taken over; one that names an effect is not', async () => {
  const claims = createClaims(t.rt.db, 60);
  await claims.claim(claimOf('stale-bare'));
  await claims.claim(claimOf('stale-effect', { pending: JSON.stringify({ effect: 'x' }) }));
  await t.rt.db.query(`UPDATE idempotency_keys SET created_at = now() - interval '2 minutes' WHERE user_id = $1 AND key LIKE 'stale-%'`, [userId]);
  // the first two leave alone and fill both slots; the stale ones go in the batch after them
  const out = await Promise.all(['stale-fresh', 'stale-other', 'stale-bare', 'stale-effect'].map((k) => claims.claim(claimOf(k))));
  assert.deepEqual(out, [true, true, true, false]);
});

test('a row PostgreSQL refuses fails only its own caller: the batch is made again one claim at a time', async () => {
  const { db, statements } = recording(t.rt.db);
  const claims = createClaims(db, 60);
  const gone = 2_000_000_000; // no such user: a foreign key violation
  const out = await Promise.allSettled([
    claims.claim(claimOf('fk-0')),
    claims.claim(claimOf('fk-1')),
    claims.claim(claimOf('fk-2')),
    claims.claim(claimOf('fk-bad', { userId: gone })),
    claims.claim(claimOf('fk-3')),
  ]);
  assert.deepEqual(
    out.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as { code?: string }).code)),
    [true, true, true, '23503', true],
  );
  // 2 alone, the batch of 3 that failed, then its 3 again one by one
  assert.equal(statements.length, 2 + 1 + 3);
  assert.deepEqual(
    (await rowsOf('fk-')).map((r) => r.key),
    ['fk-0', 'fk-1', 'fk-2', 'fk-3'],
  );
});

test('a statement that fails for want of the database rejects every caller whose claim it carried', async () => {
  let calls = 0;
  const broken = withQuery(t.rt.db, () => {
    calls++;
    return Promise.reject(Object.assign(new Error('connection terminated'), { code: 'ECONNRESET' }));
  });
  const claims = createClaims(broken, 60);
  const keys = ['down-0', 'down-1', 'down-2', 'down-3'];
  const results = await Promise.allSettled(keys.map((k) => claims.claim(claimOf(k))));
  assert.deepEqual(
    results.map((r) => r.status),
    keys.map(() => 'rejected'),
  );
  assert.equal(calls, 3, 'no claim made again one at a time');
});
