// A job run is traceable like a request: the messages it queues name its id, and so do its log lines
// (jobs/every.ts, lib/request-context.ts, the logger's mixin in src/app.ts). Requests are covered
// where they queue for real (test/checkout.test.ts, test/outbox.test.ts).
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { every } from '../src/jobs/every.ts';
import { enqueueMessage } from '../src/outbox/enqueue.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp;
const lines: Record<string, unknown>[] = [];
before(async () => {
  const logStream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  t = await startTestApp({ LOG_LEVEL: 'info' }, undefined, { logStream });
});
after(() => t.close());

describe('a job run has an id', () => {
  test('on the messages it queues and on its log lines; two runs have two ids; a request line has none of it', async () => {
    let runs = 0;
    const stop = every(
      'probe',
      5,
      async () => {
        const n = ++runs;
        if (n > 2) return;
        await t.rt.db.tx((trx) =>
          enqueueMessage(trx, { dedupeKey: `probe:${n}`, kind: 'probe', channel: 'email', recipient: `p${n}@example.com`, payload: {} }),
        );
        t.app.log.info({ n }, 'probe ran');
      },
      (err) => assert.fail(String(err)),
    );
    while (runs < 3) await new Promise((r) => setTimeout(r, 5));
    await stop();
    const { rows } = await t.rt.db.query<{ dedupe_key: string; request_id: string | null }>(
      `SELECT dedupe_key, request_id FROM outbox WHERE kind = 'probe' ORDER BY dedupe_key`,
    );
    assert.equal(rows.length, 2);
    for (const r of rows) assert.match(r.request_id ?? '', /^probe-[0-9a-f-]{36}$/);
    assert.notEqual(rows[0].request_id, rows[1].request_id);
    for (const [i, r] of rows.entries()) {
      const line = lines.find((l) => l.msg === 'probe ran' && l.n === i + 1);
      assert.equal(line?.requestId, r.request_id, JSON.stringify(line));
    }
    await t.app.inject({ url: '/healthz' });
    const served = lines.find((l) => l.msg === 'request completed');
    assert.ok(served?.reqId, 'a request line has its reqId');
    assert.equal(served?.requestId, undefined);
  });
});
