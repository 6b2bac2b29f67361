// buildApp(deps): plugins, then each module's routes, explicitly. It never listens: server.ts does.
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import type { Deps } from './deps.ts';
import { registerByAccess } from './http/access.ts';
import { authPlugin } from './http/auth.ts';
import { registerDocs } from './http/docs.ts';
import { registerMetrics } from './http/metrics.ts';
import { registerCors } from './http/cors.ts';
import { serializeRequest } from './http/log-serializers.ts';
import { refuseNulBytes } from './http/nul-guard.ts';
import { registerProblemHandlers } from './http/problem.ts';
import { requestIdOf } from './http/request-id.ts';
import { jobLogFields, runForRequest } from './lib/request-context.ts';
import { registerGracefulClose } from './http/graceful-close.ts';
import { registerRequestLimit } from './http/request-limit.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { registerWebApp, type SpaFallback } from './http/web-app.ts';
import { trustProxyOf } from './http/trust-proxy.ts';
import { BUSINESS_COUNTERS } from './metrics/business.ts';
import { businessGauges } from './metrics/gauges.ts';
import { selloutAlertsRaised, selloutCheckFailures } from './modules/alerts/index.ts';
import { alertRoutes } from './modules/alerts/routes.ts';
import { deadLetterRoutes } from './modules/dead-letters/routes.ts';
import { auditRoutes } from './modules/audit/routes.ts';
import { apiKeyVerifier } from './modules/apikeys/index.ts';
import { apiKeyRoutes } from './modules/apikeys/routes.ts';
import { reportRoutes } from './modules/reports/routes.ts';
import { authRoutes } from './modules/auth/routes.ts';
import { sessionState } from './modules/auth/index.ts';
import { catalogRoutes } from './modules/catalog/routes.ts';
import { hallRoutes } from './modules/halls/routes.ts';
import { registerOwnWrites } from './http/own-writes.ts';
import { healthRoutes } from './modules/health/routes.ts';
import { screeningRoutes } from './modules/screenings/routes.ts';
import { pricingRoutes } from './modules/pricing/routes.ts';
import { seatingRoutes } from './modules/seating/routes.ts';
import { holdRoutes } from './modules/holds/routes.ts';
import { waitingRoomRoutes } from './modules/waiting-room/index.ts';
import { liveRoutes } from './realtime/routes.ts';
import { checkinRoutes } from './modules/checkin/routes.ts';
import { checkoutRoutes } from './modules/checkout/routes.ts';
import { webhookRoutes } from './modules/webhooks/routes.ts';
import { ticketRoutes } from './modules/tickets/routes.ts';
import { refundRoutes } from './modules/refunds/routes.ts';
import { cancellationRoutes } from './modules/cancellations/routes.ts';
import { simulatorControlRoutes } from './gateway-simulator/control-routes.ts';
import { mailboxDir } from './jobs/outbox.ts';
import { mailboxRoutes } from './notify/mailbox-routes.ts';

export interface BuildOptions {
  /** where log lines go (default: stdout); tests read them */
  logStream?: DestinationStream;
  /** the built web app (default web/dist); tests give a folder of their own */
  webDist?: string;
  /** sees every route as it is registered (the routes-and-access test walks them all) */
  onRoute?: (route: RouteOptions) => void;
}

export async function buildApp(deps: Deps, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refresh_token'],
      serializers: { req: serializeRequest },
      // a job run's lines carry its id, as the outbox rows it queues do (lib/request-context.ts)
      mixin: jobLogFields,
      ...(opts.logStream ? { stream: opts.logStream } : {}),
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: trustProxyOf(config.TRUST_PROXY),
    requestIdHeader: false,
    genReqId: requestIdOf,
    ajv: { customOptions: { removeAdditional: true, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  });
  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  registerGracefulClose(app, deps.lifecycle);
  // the rest of the request runs in its context: what it queues names it (lib/request-context.ts)
  app.addHook('onRequest', (req, _reply, done) => runForRequest(String(req.id), done));
  // first of all onRequest hooks: every answer carries them, a 401 or a 429 too
  await registerSecurityHeaders(app);
  // A browser navigation no route matched gets the web app's index.html (registered last, below).
  let webApp: SpaFallback | undefined;
  registerProblemHandlers(app, { page: (req, reply) => webApp?.(req, reply) ?? false });
  refuseNulBytes(app);
  // JSON only: a text/plain body is a client mistake (415), not an empty object.
  app.removeContentTypeParser('text/plain');
  await registerCors(app, config);
  // after CORS (a preflight is not counted), before every route it counts
  await registerRequestLimit(app, config);
  await app.register(authPlugin, {
    secret: config.jwtSecret,
    accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    issuer: config.JWT_ISSUER,
    audience: config.JWT_AUDIENCE,
    apiKeys: apiKeyVerifier(deps),
    sessions: sessionState(deps.db, deps.kv, { checkMs: config.SESSION_CHECK_MS, accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS }),
  });
  await app.register(websocket, {
    options: { maxPayload: 4096 },
    // On shutdown every live seat map is told to reconnect (1012 service restart): behind a balancer
    // its client lands on another instance and catches up from the map it fetches.
    preClose(done) {
      for (const client of this.websocketServer.clients) client.close(1012, 'service restart: reconnect');
      this.websocketServer.close(() => done());
    },
  });
  await registerDocs(app, { ui: config.apiDocs });
  await registerMetrics(app, {
    token: config.METRICS_TOKEN,
    production: config.production,
    business: [...BUSINESS_COUNTERS, selloutAlertsRaised, selloutCheckFailures, ...businessGauges(deps)],
  });

  registerOwnWrites(app, deps.reads);
  await app.register(healthRoutes, deps);
  // Each module's routes by who may call them, each group inside the scope that checks it
  // (http/access.ts): a route cannot be added here without saying who may call it.
  const modules = [
    authRoutes,
    screeningRoutes,
    hallRoutes,
    catalogRoutes,
    seatingRoutes,
    pricingRoutes,
    holdRoutes,
    waitingRoomRoutes,
    liveRoutes,
    checkoutRoutes,
    webhookRoutes,
    ticketRoutes,
    checkinRoutes,
    refundRoutes,
    cancellationRoutes,
    auditRoutes,
    alertRoutes,
    deadLetterRoutes,
    apiKeyRoutes,
    reportRoutes,
  ];
  await app.register((api) => registerByAccess(api, modules, deps), { prefix: '/api/v1' });
  // The simulator's control panel (approve page, faults) exists only while it is the gateway. Its
  // webhooks come back to this process, on whatever port it ends up listening.
  const simulator = deps.simulator;
  if (simulator) {
    await app.register(simulatorControlRoutes, { simulator });
    app.addHook('onListen', async () => simulator.setWebhookUrl(webhookUrlOf(app.server.address())));
  }
  // The embedded default's mail goes to a local mailbox; /dev/mail lets a person read it. Only there:
  // it shows every customer's mail, so a deployment with a database server never serves it, nor
  // production (mailDelivery is never 'local' there), nor anything on a non-loopback HOST by default.
  if (config.embedded && config.mailDelivery === 'local') await app.register(mailboxRoutes, { dir: mailboxDir(config) });
  // after every global hook (limits, CORS), so its files are counted and checked like the API
  webApp = await registerWebApp(app, opts.webDist);
  return app;
}

/** The webhook route of this process as seen from itself (an unspecified bind address means loopback). */
export function webhookUrlOf(address: AddressInfo | string | null): string | undefined {
  if (typeof address !== 'object' || address === null) return undefined;
  const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/api/v1/payments/webhook`;
}
