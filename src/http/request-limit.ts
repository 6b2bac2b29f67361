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
import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import RedisStore from '@fastify/rate-limit/store/RedisStore.js';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { redisClient } from '../kv/redis.ts';
import { AppError } from './errors.ts';

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
  await app.register(rateLimit, {
    global: false,
    max: config.RATE_LIMIT_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW_MS,
    enableDraftSpec: true,
    store: redis ? sharedStore(redis, `${config.REDIS_PREFIX}rl:requests:`) : undefined,
    allowList: (req) => NOT_LIMITED.has(req.routeOptions.url ?? ''),
    errorResponseBuilder: (_req, context) => {
      const retryAfter = Math.max(1, Math.ceil(context.ttl / 1000));
      return new AppError('rate_limited', `Too many requests; try again in ${retryAfter} s`, { retry_after: retryAfter }, {
        'Retry-After': String(retryAfter),
      });
    },
  });
  // One hook for every request, unknown routes included, and ahead of the routes' own onRequest
  // hooks: a flood of requests with bad tokens is counted before any token is checked.
  app.addHook('onRequest', app.rateLimit());
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
function sharedStore(redis: Redis, prefix: string) {
  return class SharedStore implements FastifyRateLimitStore {
    private readonly shared = new RedisStore(false, false, redis, prefix);
    private readonly local = new LocalStore(false, false);

    incr(key: string, cb: (err: Error | null, res?: { current: number; ttl: number }) => void, timeWindow: number, max: number) {
      this.shared.incr(key, (err, res) => (err ? this.local.incr(key, cb, timeWindow, max) : cb(null, res)), timeWindow, max);
    }

    child(): FastifyRateLimitStore {
      // per-route limits are not used: one budget per client over the whole API
      throw new Error('per-route rate limits are not configured');
    }
  };
}
