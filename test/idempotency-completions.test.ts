// Answers recorded under their Idempotency-Keys in batches when they queue up
// (http/idempotency-completions.ts): each key gets its own answer, the queue goes out in one
// statement, and a statement that fails rejects every caller whose answer it carried.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createCompletions } from '../src/http/idempotency-completions.ts';
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

async function inFlight(keys: string[]) {
  for (const key of keys)
    await t.rt.db.query(`INSERT INTO idempotency_keys (user_id, scope, key, request_hash) VALUES ($1, 'test', $2, 'h')`, [userId, key]);
}

test('answers queued behind busy statements go out together, each under its own key', async () => {
  const keys = Array.from({ length: 10 }, (_, i) => `batch-${i}`);
  await inFlight(keys);
  const { db, statements } = recording(t.rt.db);
  const completions = createCompletions(db);
  // all at once: two statements leave at once (one answer each), the other eight wait and share one
  await Promise.all(keys.map((key, i) => completions.complete(userId, 'test', key, { status: 200 + i, body: { n: i, text: `it's "${key}"` } })));
  assert.equal(statements.length, 3, 'three statements for ten answers');
  const { rows } = await t.rt.db.query<{ key: string; status: string; response_status: number; response_body: { n: number; text: string } }>(
    `SELECT key, status, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND scope = 'test' AND key LIKE 'batch-%' ORDER BY response_status`,
    [userId],
  );
  assert.deepEqual(
    rows.map((r) => [r.key, r.status, r.response_status, r.response_body]),
    keys.map((key, i) => [key, 'completed', 200 + i, { n: i, text: `it's "${key}"` }]),
  );
});

test('one at a time when nothing queues: an answer is not held back for company', async () => {
  await inFlight(['alone']);
  const { db, statements } = recording(t.rt.db);
  await createCompletions(db).complete(userId, 'test', 'alone', { status: 201, body: null });
  assert.equal(statements.length, 1);
  const { rows } = await t.rt.db.query<{ status: string }>(`SELECT status FROM idempotency_keys WHERE user_id = $1 AND key = 'alone'`, [userId]);
  assert.equal(rows[0].status, 'completed');
});

test('a statement that fails for want of the database rejects every caller whose answer it carried, and is not made again', async () => {
  const keys = ['fail-0', 'fail-1', 'fail-2', 'fail-3'];
  let calls = 0;
  const broken = withQuery(t.rt.db, () => {
    calls++;
    return Promise.reject(new Error('connection terminated'));
  });
  const completions = createCompletions(broken);
  const results = await Promise.allSettled(keys.map((key) => completions.complete(userId, 'test', key, { status: 200, body: {} })));
  assert.deepEqual(
    results.map((r) => r.status),
    keys.map(() => 'rejected'),
  );
  // two alone and one batch of two: no answer recorded again one at a time
  assert.equal(calls, 3);
});

test('a batch PostgreSQL refuses for a deadlock is recorded again one answer at a time, rows in key order', async () => {
  const keys = ['dl-4', 'dl-2', 'dl-0', 'dl-3', 'dl-1'];
  await inFlight(keys);
  // the first batch of several (the third statement) loses a deadlock; everything else goes through
  const sent: { text: string; keys: string[] }[] = [];
  const flaky = withQuery(t.rt.db, (text, params) => {
    const batchKeys = params[2] as string[] | string;
    sent.push({ text, keys: Array.isArray(batchKeys) ? batchKeys : [batchKeys] });
    if (sent.length === 3) return Promise.reject(Object.assign(new Error('deadlock detected'), { code: '40P01' }));
    return t.rt.db.query(text, params);
  });
  const completions = createCompletions(flaky);
  await Promise.all(keys.map((key, i) => completions.complete(userId, 'test', key, { status: 200 + i, body: { key } })));
  assert.deepEqual(sent[2].keys, ['dl-0', 'dl-1', 'dl-3'], 'the batch in key order');
  assert.equal(sent.length, 3 + 3, 'its three answers recorded again one by one');
  const { rows } = await t.rt.db.query<{ key: string; status: string; response_body: { key: string } }>(
    `SELECT key, status, response_body FROM idempotency_keys WHERE user_id = $1 AND scope = 'test' AND key LIKE 'dl-%' ORDER BY key`,
    [userId],
  );
  assert.deepEqual(
    rows.map((r) => [r.key, r.status, r.response_body.key]),
    [...keys].sort().map((key) => [key, 'completed', key]),
  );
});
