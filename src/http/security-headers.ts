// Security headers on every answer, as @fastify/helmet makes them: helmet's defaults (a CSP, HSTS,
// nosniff, no referrer, same-origin opener and resource policies) and X-Frame-Options DENY, nothing
// here being meant to be framed.
//
// The plugin builds helmet's middleware again for every request, which cost a third of the seat
// map's throughput here (bench/perimeter.ts); the headers never depend on the request (no CSP
// nonces are used). So @fastify/helmet computes them once, at start, on a probe app with the same
// options, and one synchronous hook sets that frozen set on every answer.
//
// The CSP of JSON answers matters little; it is there for the HTML pages. The hook runs first, so a
// route may set its own: Swagger UI does (its plugin's staticCSP: same-origin scripts, none inline).
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';

const OPTIONS: FastifyHelmetOptions = {
  frameguard: { action: 'deny' },
  contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"] } },
};

/** The headers @fastify/helmet adds to an answer with these options. */
export async function helmetHeaders(options: FastifyHelmetOptions = OPTIONS): Promise<Readonly<Record<string, string>>> {
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

export async function registerSecurityHeaders(app: FastifyInstance) {
  const headers = await helmetHeaders();
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}
