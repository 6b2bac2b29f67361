// Prometheus metrics at /metrics: request latency by route and status, plus Node's own. One
// registry per app instance, so tests that build many apps do not collide.
import type { FastifyInstance } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Histogram, type Metric, Registry } from 'prom-client';
import { AppError } from './errors.ts';
import { problems } from './schemas.ts';
import { paymentAnomalies } from '../gateway/anomalies.ts';

export interface MetricsOptions {
  /** METRICS_TOKEN: when set, /metrics asks for `Authorization: Bearer <token>` */
  token?: string;
  /** production without a token: /metrics is not served at all (the numbers describe the business) */
  production?: boolean;
  /** the modules' process-wide counters (sell-out alerts, ...), registered in this app's registry */
  business?: Metric[];
}

export async function registerMetrics(app: FastifyInstance, opts: MetricsOptions = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registry.registerMetric(paymentAnomalies);
  for (const m of opts.business ?? []) registry.registerMetric(m);
  const latency = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // Synchronous hook: an async one costs a promise per request on the hot path.
  app.addHook('onResponse', (req, reply, done) => {
    // The route pattern, not the URL: ids must not explode the label set.
    const route = req.routeOptions.url ?? 'unmatched';
    latency.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
  if (opts.production && !opts.token) return;
  const allowed = opts.token ? bearerCheck(opts.token) : () => true;
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['ops'],
        summary: 'Prometheus metrics (text exposition format)',
        description:
          'Request latency by route and status, payment anomalies, and Node process metrics. With METRICS_TOKEN set it needs ' +
          '`Authorization: Bearer <METRICS_TOKEN>` (401 otherwise); in production without METRICS_TOKEN it is not served.',
        ...(opts.token ? { security: [{ metricsToken: [] }] } : {}),
        response: {
          200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } },
          ...(opts.token ? problems(401) : {}),
        },
      },
    },
    async (req, reply) => {
      if (!allowed(req.headers.authorization)) throw new AppError('unauthorized', 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  );
}

// Compares digests, so the time taken says nothing about how much of the token was right.
function bearerCheck(token: string) {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = digest(token);
  return (header: string | undefined) => {
    const given = /^Bearer (.+)$/i.exec(header ?? '')?.[1];
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };
}
