// Kv on Redis (ioredis). Commands fail fast while Redis is down (no offline queue, short timeout)
// so callers can fall back instead of hanging a request.
import { Redis } from 'ioredis';
import type { Kv, WindowHit } from './kv.ts';

const HIT = `local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local t = redis.call('PTTL', KEYS[1])
if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {c, t}`;

export function redisClient(url: string): Redis {
  const client = new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    // Commands issued in one turn of the event loop leave in one write: under load each socket
    // write is a system call that costs more than the command (a profile of the holds benchmark
    // spent half the API's time in writev), and concurrent requests issue their marks together.
    enableAutoPipelining: true,
    // Keep trying to come back, at most every 2 s.
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  // Connection errors are expected while Redis is down; readiness reports them.
  client.on('error', () => {});
  return client;
}

/** A connection for SUBSCRIBE: it queues commands until connected and re-subscribes after reconnects. */
export function redisSubscriber(url: string): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: true,
    autoResubscribe: true,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  client.on('error', () => {});
  return client;
}

export function redisKv(url: string, prefix = 'cinema:'): Kv {
  // EVALSHA once the script is known (defineCommand falls back to EVAL once): every hold attempt
  // counts twice and every login once, and EVAL resent and rehashed the script text each time
  const client = redisClient(url) as Redis & { hitWindow(key: string, windowMs: number): Promise<[number, number]> };
  client.defineCommand('hitWindow', { numberOfKeys: 1, lua: HIT });
  return {
    kind: 'redis',
    async hit(key, windowMs): Promise<WindowHit> {
      const [count, resetMs] = await client.hitWindow(prefix + key, windowMs);
      return { count, resetMs };
    },
    async get(key) {
      return (await client.get(prefix + key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      await client.set(prefix + key, value, 'PX', ttlMs);
    },
    async del(key) {
      await client.del(prefix + key);
    },
    incr: (key) => client.incr(prefix + key),
    async ping() {
      try {
        return (await client.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      client.disconnect();
    },
  };
}
