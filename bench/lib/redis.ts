// Redis for a benchmark run: a prefix of its own (so its keys never mix with anyone else's), a
// check that the server answers, and the deletion of the run's keys (by that prefix) at the end.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { log, warn } from './common.ts';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

/** bench:<name>:<pid>:<random>: */
export const runPrefix = (name: string) => `bench:${name}:${process.pid}:${randomBytes(3).toString('hex')}:`;

const client = () => new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });

/** Throws unless Redis answers PING; returns its version. */
export async function redisVersion(): Promise<string> {
  const r = client();
  try {
    await r.connect();
    await r.ping();
    return /redis_version:(\S+)/.exec(await r.info('server'))?.[1] ?? '?';
  } finally {
    r.disconnect();
  }
}

/** Deletes every key under prefix (SCAN + UNLINK); returns how many. Never throws. */
export async function deleteKeys(prefix: string): Promise<number> {
  const r = client();
  let n = 0;
  try {
    await r.connect();
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) n += await r.unlink(...keys);
    } while (cursor !== '0');
    log(`deleted ${n} Redis keys under ${prefix}`);
  } catch (err) {
    warn(`could not delete the Redis keys under ${prefix}: ${(err as Error).message}`);
  } finally {
    r.disconnect();
  }
  return n;
}
