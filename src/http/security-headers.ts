// Security headers on every answer, by @fastify/helmet: helmet's defaults (a CSP, HSTS, nosniff,
// no referrer, same-origin opener and resource policies) and X-Frame-Options DENY, nothing here being
// meant to be framed. The CSP of JSON answers matters little; it is there for the HTML pages: Swagger
// UI loads only same-origin scripts (no inline ones) and sets its own, stricter CSP on its routes,
// which replaces this one there; helmet's default style-src keeps 'unsafe-inline' for the inline
// styles Swagger UI's components use.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

export async function registerSecurityHeaders(app: FastifyInstance) {
  await app.register(helmet, {
    frameguard: { action: 'deny' },
    contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"] } },
  });
}
