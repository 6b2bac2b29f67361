// The general request limit, as the design's API gateway would set it: every client (its address as
// trust-proxy.ts decides it, an IPv6 one by its /64) has RATE_LIMIT_MAX requests per
// RATE_LIMIT_WINDOW_MS over the whole API, told in the draft standard RateLimit-Limit / -Remaining /
// -Reset headers; past it, 429 rate_limited with Retry-After. @fastify/rate-limit counts in Redis
// (its own Lua store, on a connection of ours) so every instance shares one budget per client; while
// Redis is unreachable each instance counts on its own rather than letting everything through.
//
// Not counted: the health probes and the payment webhook. They come from a few infrastructure
// addresses (the load balancer, the gateway) that a client flood must not starve: a 429 on /readyz
// takes a healthy instance out of rotation, one on the webhook delays settling payments already
// captured. Both are cheap to refuse on their own (no work before the signature check; one SELECT 1).
import type { FastifyRateLimitStore } from '@fastify/rate-limit';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { redisClient } from '../kv/redis.ts';
import { AppError } from './errors.ts';

type Store = Pick<FastifyRateLimitStore, 'incr'>;

const CONNECT_WAIT_MS = 2_000;
const NOT_LIMITED = new Set(['/healthz', '/readyz', '/api/v1/payments/webhook']);

export async function registerRequestLimit(app: FastifyInstance, config: Config) {
  const redis = config.REDIS_URL ? redisClient(config.REDIS_URL) : undefined;
  if (redis) {
    // Start counting in Redis from the first request when it is there, without waiting long when not.
    // Only 'ready' is awaited, never an 'error': ioredis emits one when its connect-time INFO misses
    // the command timeout on a busy start, and a slow Redis must not stop the instance from starting.
    app.addHook('onReady', async () => {
      if (redis.status !== 'ready') await readyOrLater(redis, CONNECT_WAIT_MS);
    });
    app.addHook('onClose', async () => redis.disconnect());
  }
  const store: Store = redis ? sharedStore(redis, `${config.REDIS_PREFIX}rl:requests:`) : new LocalStore(false, false);
  // One hook for every request, unknown routes included, and ahead of the routes' own onRequest
  // hooks: a flood of requests with bad tokens is counted before any token is checked.
  app.addHook('onRequest', limitHook(store, config.RATE_LIMIT_MAX, config.RATE_LIMIT_WINDOW_MS));
}

/**
 * The plugin's own request hook, in callback style: the same store calls and the same draft-standard
 * headers, without the three awaits per request its async pipeline costs (about a tenth of a cached
 * seat map's throughput, measured in bench/read-paths.ts).
 */
function limitHook(store: Store, max: number, windowMs: number): onRequestHookHandler {
  return function requestLimit(req, reply, done) {
    if (NOT_LIMITED.has(req.routeOptions.url ?? '')) return done();
    store.incr(
      clientKey(req.ip),
      (err, res) => {
        if (err || !res) return done(); // the shared store already falls back to counting locally
        const reset = Math.max(0, Math.ceil(res.ttl / 1000));
        reply.header('ratelimit-limit', max);
        reply.header('ratelimit-remaining', Math.max(0, max - res.current));
        reply.header('ratelimit-reset', reset);
        if (res.current <= max) return done();
        const retryAfter = Math.max(1, reset);
        done(
          new AppError(
            'rate_limited',
            `Too many requests; try again in ${retryAfter} s`,
            { retry_after: retryAfter },
            {
              'Retry-After': String(retryAfter),
            },
          ),
        );
      },
      windowMs,
      max,
    );
  };
}

/** The budget's key: an IPv4 address as it is; an IPv6 one by its /64, the share of one subscriber. */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (mapped) return mapped[1] as string;
  const [head = '', tail] = lower.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/** Resolves when the client is ready or after ms, whichever comes first; never rejects. */
function readyOrLater(redis: Redis, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    redis.once('ready', done);
  });
}

/** Counts in Redis; on a Redis error, in this process (the same fixed window). */
function sharedStore(redis: Redis, prefix: string): Store {
  const shared = new RedisStore(false, false, redis, prefix);
  const local = new LocalStore(false, false);
  return {
    incr(key, cb, timeWindow, max) {
      shared.incr(key, (err, res) => (err ? local.incr(key, cb, timeWindow, max) : cb(null, res)), timeWindow, max);
    },
  };
}
