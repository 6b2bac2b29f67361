// A NUL byte (U+0000) in any string of a request is refused with 400 validation_failed before the
// route's schema and use case run: PostgreSQL cannot store it in text (22021), and no field of this
// API has a use for it. One check here instead of a pattern on every string schema.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';

const MAX_DEPTH = 32;

/** The path of the first string (or object key) holding a NUL, or undefined. */
export function nulPath(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  // Raw bytes (the payment webhook keeps its body as a Buffer, checked by signature before it is
  // parsed) hold no strings: walked as an object they cost a path string per byte, hundreds of
  // milliseconds for a body at the limit, before the signature check and by anyone.
  if (ArrayBuffer.isView(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}/${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key.includes('\u0000')) return `${path}/${key.replaceAll('\u0000', '\\u0000')}`;
    const found = nulPath((value as Record<string, unknown>)[key], `${path}/${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const refusal = (path: string) => {
  const errors = [{ path, message: 'must not contain a NUL character (U+0000)' }];
  return new AppError('validation_failed', `${path}: ${errors[0].message}`, { errors });
};

/**
 * Params and query come from the URL, where a NUL can only arrive as `%00` (the HTTP parser refuses a
 * raw one), so most requests are passed on one `includes`; a body is walked only on routes that take
 * one. Both run before authentication: a malformed request is refused whoever sends it.
 */
export function refuseNulBytes(app: FastifyInstance) {
  app.addHook('onRequest', (req, _reply, done) => {
    if (!req.url.includes('%00')) return done();
    done(refusal(nulPath(req.params, 'params') ?? nulPath(req.query, 'querystring') ?? 'url'));
  });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => BODY_METHODS.has(m))) return;
    const check = (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
      const path = nulPath(req.body, 'body');
      done(path ? refusal(path) : undefined);
    };
    route.preValidation = [check, ...(route.preValidation ? [route.preValidation].flat() : [])];
  });
}
