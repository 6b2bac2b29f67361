// The shared seat-map versions (src/kv/seat-versions.ts) on a real Redis: they only go up; a read
// that begins after an advance sees it, also when reads of the same screening were under way (they
// share a GET only while it is unsent); and a Redis that cannot answer reads as 0, never an error.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { redisClient } from '../src/kv/redis.ts';
import { redisSeatVersions } from '../src/kv/seat-versions.ts';
import { onRedis } from './helpers/runtime.ts';

describe('shared seat-map versions', { skip: !onRedis && 'needs Redis' }, () => {
  const client = onRedis ? redisClient(String(process.env.REDIS_URL)) : undefined;
  const prefix = `test:${randomBytes(4).toString('hex')}:`;
  after(async () => {
    const keys = await client?.keys(`${prefix}*`);
    if (keys?.length) await client?.del(...keys);
    client?.disconnect();
  });

  test('only up; a read begun after an advance sees it, whatever was in flight', async () => {
    // no offline queue (commands fail fast while Redis is away): wait until connected
    if (client!.status !== 'ready') await new Promise((ok) => client!.once('ready', ok));
    const v = redisSeatVersions(client!, prefix);
    assert.equal(await v.latest(7), 0);
    await v.advance(7, 5);
    await v.advance(7, 3); // a writer that committed earlier but answers later
    assert.equal(await v.latest(7), 5);

    const early = [v.latest(7), v.latest(7)]; // share one GET, sent on the next turn
    await v.advance(7, 9);
    const late = await v.latest(7);
    assert.equal(late, 9, 'a read begun after the advance');
    for (const r of await Promise.all(early)) assert.ok(r === 5 || r === 9);
    assert.equal(await v.latest(8), 0, 'screenings are apart');
  });

  test('Redis unreachable: reads are 0 and advances are dropped, nothing throws', async () => {
    const dead = redisClient('redis://127.0.0.1:1/0');
    const v = redisSeatVersions(dead, prefix);
    await v.advance(1, 4);
    assert.equal(await v.latest(1), 0);
    dead.disconnect();
  });
});
