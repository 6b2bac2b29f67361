// Which browser origins may call the API. Tokens travel in the Authorization header, never in cookies,
// so CORS mostly decides who may read answers; still, no page on a foreign origin (nor a sandboxed
// one, whose Origin is `null`) should script a customer's session. CORS_ORIGINS lists the origins
// allowed; without it production is same-origin only (the web client is served by this service) and
// development allows a web client on this machine (vite's dev server, another port).
import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

/** The origins allowed, from NODE_ENV and CORS_ORIGINS; throws on an entry that is not an origin. */
export function allowedOrigins(env: { NODE_ENV: string; CORS_ORIGINS: string }): (string | RegExp)[] {
  const listed = env.CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (listed.length === 0) return env.NODE_ENV === 'production' ? [] : [LOCAL_ORIGIN];
  const bad = listed.filter((o) => !isOrigin(o));
  if (bad.length > 0) {
    throw new Error(`CORS_ORIGINS: ${bad.join(', ')} is not an origin (scheme://host[:port], e.g. https://tickets.example.com; never null or *)`);
  }
  return listed;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

export async function registerCors(app: FastifyInstance, env: { NODE_ENV: string; CORS_ORIGINS: string }) {
  const origins = allowedOrigins(env);
  const options: FastifyCorsOptions = {
    origin: origins.length > 0 ? origins : false,
    // what the API uses: PUT/PATCH/DELETE on admin resources and holds, conditional and idempotent writes
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'x-request-id'],
    exposedHeaders: [
      'ETag',
      'Retry-After',
      'x-request-id',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Idempotent-Replayed',
      'Location',
    ],
    maxAge: 600,
  };
  await app.register(cors, options);
}
