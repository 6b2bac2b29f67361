// A slow Redis at start must not stop an instance from starting (Redis is an accelerator). ioredis
// emits 'error' when its connect-time INFO misses the command timeout; the request limit once waited
// for 'ready' with events.once(), which rejects on that 'error', so app.ready() failed and the
// instance (or, in CI, a test file's whole set-up) died with "Command timed out".
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { call } from '../helpers/http.ts';
import { startRedis } from '../../ops/lib/redis-server.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';

let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
let t: TestApp | undefined;
after(async () => {
  redis?.resume();
  await t?.close();
  await redis?.stop();
});

test('an instance starts and answers while its Redis hangs', async () => {
  redis = await startRedis();
  redis.pause();
  t = await startTestApp({ REDIS_URL: redis.url, REDIS_PREFIX: 'slowstart:' });
  const r = await call(t.app, { method: 'GET', url: '/api/v1/cities' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.ok(r.headers['ratelimit-limit'] !== undefined, 'the request limit counts (locally) while Redis hangs');
  redis.resume();
});
