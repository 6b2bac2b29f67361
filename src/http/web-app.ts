// The customer web app (web/, built by Vite into web/dist) served by this process: hashed assets
// cached for a year (their names change with their content), everything else revalidated, and any
// other browser navigation (a GET that accepts HTML, outside the API, the docs and the tools) answered
// with index.html so the app's own routes (/movies/3, /tickets/12) load on a reload or a shared link.
// Not built (web/dist missing): the API runs as before and says so once.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pageHeaders, pageHeaderSet } from './security-headers.ts';

/** web/dist beside src/ (tsx) or dist/ (the compiled server): both are two levels up from here. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

// Paths that are never the app's, even for a browser: their own 404 stays a problem+json.
const NOT_THE_APP = /^\/(api|swagger|_gateway|dev|metrics|healthz|readyz|assets)(\/|$|\?)/;

export type SpaFallback = (req: FastifyRequest, reply: FastifyReply) => boolean;

/**
 * Registers the static files; returns the fallback for the not-found handler (which answers
 * index.html to a browser navigation it owns and false otherwise), or undefined when not built.
 */
export async function registerWebApp(app: FastifyInstance, dir = WEB_DIST): Promise<SpaFallback | undefined> {
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) {
    app.log.warn({ dir }, 'web app not built (npm run build:web): serving the API only');
    return undefined;
  }
  const index = readFileSync(indexFile);
  const pageSet = await pageHeaderSet();
  await app.register(async (scope) => {
    await pageHeaders(scope);
    await scope.register(fastifyStatic, {
      root: dir,
      index: false,
      wildcard: false,
      cacheControl: false,
      setHeaders: (reply, path) => {
        const hashed = path.includes(`${join(dir, 'assets')}/`);
        reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
    scope.get('/', { schema: { hide: true } }, (_req, reply) => sendIndex(reply, index));
  });
  return (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (NOT_THE_APP.test(req.url) || !String(req.headers.accept ?? '').includes('text/html')) return false;
    reply.headers(pageSet);
    sendIndex(reply, index);
    return true;
  };
}

function sendIndex(reply: FastifyReply, index: Buffer) {
  return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(index);
}
