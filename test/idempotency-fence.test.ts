// An Idempotency-Key's answer is recorded, and its key freed, only by the attempt that holds its
// claim (http/idempotency.ts). A first attempt so slow that its claim went stale is taken over by a
// retry; when the slow one finally ends, it must neither overwrite the answer the retry recorded
// (every later retry replays one answer) nor delete the key the retry is working under (a third
// copy would then run beside it).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { idempotent, type Outcome } from '../src/http/idempotency.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp;
let app: FastifyInstance;
let userId: number;
/** what each request's run does, taken in arrival order */
const runs: (() => Promise<Outcome>)[] = [];
let ran = 0;

before(async () => {
  t = await startTestApp();
  const { rows } = await t.rt.db.query<{ id: number }>(`SELECT id FROM users WHERE email = 'customer@cinema.com'`);
  userId = rows[0].id;
  // a route like the money routes, whose use case the test controls
  app = Fastify();
  app.setErrorHandler((err: Error & { status?: number; code?: string }, _req, reply) => {
    reply.code(err.status ?? 500).send({ code: err.code ?? 'internal' });
  });
  app.post('/op', async (req, reply) => {
    (req as unknown as { user: { id: number } }).user = { id: userId };
    const run = runs.shift() ?? (async () => ({ status: 500, body: { unexpected: true } }));
    return idempotent(t.rt.db, req, reply, 'fence-test', async () => {
      ran++;
      return run();
    });
  });
  await app.ready();
});
after(async () => {
  await app?.close();
  await t?.close();
});

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const send = (key: string) => app.inject({ method: 'POST', url: '/op', payload: { n: 1 }, headers: { 'idempotency-key': key } });

/** A run that says it started and waits for the test to end it. */
function slowRun() {
  const started = deferred();
  const finish = deferred<Outcome>();
  runs.push(async () => {
    started.resolve();
    return finish.promise;
  });
  return { started: started.promise, finish };
}

/** The claim of `key` looks older than the in-flight timeout, as after a minute's wait. */
const age = (key: string) =>
  t.rt.db.query(`UPDATE idempotency_keys SET created_at = now() - interval '2 minutes' WHERE user_id = $1 AND key = $2`, [userId, key]);

test("a slow first attempt whose claim was taken over does not overwrite the retry's recorded answer", async () => {
  const first = slowRun();
  const a = send('fence-answer');
  await first.started;
  await age('fence-answer');
  runs.push(async () => ({ status: 201, body: { by: 'retry' } }));
  const b = await send('fence-answer');
  assert.equal(b.statusCode, 201, b.body);
  assert.deepEqual(b.json(), { by: 'retry' });
  // the slow one ends now, with another answer
  first.finish.resolve({ status: 201, body: { by: 'slow first' } });
  assert.deepEqual((await a).json(), { by: 'slow first' });

  const c = await send('fence-answer');
  assert.equal(c.headers['idempotent-replayed'], 'true');
  assert.deepEqual(c.json(), { by: 'retry' }, 'later retries replay the answer recorded first under the claim that held the key');
  const { rows } = await t.rt.db.query<{ response_body: unknown }>(`SELECT response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2`, [
    userId,
    'fence-answer',
  ]);
  assert.deepEqual(rows[0].response_body, { by: 'retry' });
});

test('a slow first attempt that fails after its claim was taken over does not free the key the retry works under', async () => {
  const before = ran;
  const first = slowRun();
  const a = send('fence-delete');
  await first.started;
  await age('fence-delete');
  const second = slowRun();
  const b = send('fence-delete');
  await second.started;
  // the slow first attempt fails on our side (a 5xx frees a key it holds)
  first.finish.reject(new Error('database went away'));
  assert.equal((await a).statusCode, 500);

  // a third copy while the retry is still running: in flight, not run again
  runs.push(async () => ({ status: 201, body: { by: 'third' } }));
  const c = await send('fence-delete');
  assert.equal(c.statusCode, 409, c.body);
  assert.deepEqual(c.json(), { code: 'idempotency_in_flight' });
  runs.length = 0;

  second.finish.resolve({ status: 201, body: { by: 'retry' } });
  assert.deepEqual((await b).json(), { by: 'retry' });
  assert.equal(ran - before, 2, 'the first attempt and its retry ran; the third copy did not');
  const d = await send('fence-delete');
  assert.equal(d.headers['idempotent-replayed'], 'true');
  assert.deepEqual(d.json(), { by: 'retry' });
});
