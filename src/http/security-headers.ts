// Security headers on every answer, as @fastify/helmet makes them, in two sets:
// - every answer (the API's JSON, errors, 404s): what OWASP's REST Security Cheat Sheet asks of an
//   API: a CSP that allows nothing (`default-src 'none'; frame-ancestors 'none'`), HSTS, nosniff,
//   X-Frame-Options DENY, no referrer, same-origin resource policy; plus the request id;
// - pages (HTML: the web app, Swagger UI, the local mailbox, the simulator's approve page) on top:
//   helmet's defaults for documents (its page CSP, same-origin opener policy, origin agent cluster,
//   no DNS prefetch, no cross-domain policies, X-XSS-Protection 0). A page route may still set a
//   CSP of its own; the scope's hook runs before it.
//
// The plugin builds helmet's middleware again for every request, which cost a third of the seat
// map's throughput here (bench/perimeter.ts), and the document-only headers on JSON cost the hot
// read paths another few per cent (bench/read-paths.ts) for no protection. The headers never depend
// on the request (no CSP nonces), so @fastify/helmet computes each set once, at start, on a probe
// app, and one synchronous hook per scope sets it.
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';

const PAGE: FastifyHelmetOptions = {
  frameguard: { action: 'deny' },
  contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"] } },
};

const API: FastifyHelmetOptions = {
  frameguard: { action: 'deny' },
  contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } },
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
};

/** The headers @fastify/helmet adds to an answer with these options. */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<Readonly<Record<string, string>>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, options);
  probe.get('/with', async () => '');
  probe.get('/without', { helmet: false }, async () => '');
  const [withHelmet, without] = await Promise.all([probe.inject('/with'), probe.inject('/without')]);
  await probe.close();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(withHelmet.headers)) {
    if (!(name in without.headers) && value !== undefined) headers[name] = String(value);
  }
  return Object.freeze(headers);
}

let apiSet: Promise<Readonly<Record<string, string>>> | undefined;
const apiHeaders = () => (apiSet ??= helmetHeaders(API));

/** The page set minus what the API set already gives (same name and value). */
let pageSet: Promise<Readonly<Record<string, string>>> | undefined;
const pageExtras = () =>
  (pageSet ??= Promise.all([helmetHeaders(PAGE), apiHeaders()]).then(([page, api]) =>
    Object.freeze(Object.fromEntries(Object.entries(page).filter(([name, value]) => api[name] !== value))),
  ));

/** Every answer: the API set and x-request-id, first of all hooks (a 429 or a 401 carries them too). */
export async function registerSecurityHeaders(app: FastifyInstance) {
  const headers = await apiHeaders();
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', req.id);
    done();
  });
}

/** The document headers that pages add to the API set. */
export const pageHeaderSet = () => pageExtras();

/** In a scope that serves HTML: the document headers on top of the API set. */
export async function pageHeaders(scope: FastifyInstance) {
  const headers = await pageExtras();
  scope.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}
