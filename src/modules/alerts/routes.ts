// GET /alerts (the list) and GET /alerts/live (server-sent events), for admins.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ok } from '../../http/schemas.ts';
import { streamAlerts } from './live-feed.ts';
import { latestAlertId } from './queries.ts';
import { alertsPage } from './read-alerts.ts';
import { listAlertsSchema, liveAlertsSchema } from './schemas.ts';

async function alertAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/alerts', { schema: listAlertsSchema }, async (req) => {
    const q = req.query;
    const limit = q.limit ?? 20;
    const page = await alertsPage(deps.db, { screeningId: q.screening_id, theaterId: q.theater_id, cursor: q.cursor, limit });
    return { ...ok('Alerts fetched', page.items), meta: { next_cursor: page.next, limit } };
  });

  // open streams end when the app closes (a hijacked reply would otherwise hold the server open)
  const open = new Set<{ stop(): void }>();
  app.addHook('onClose', async () => {
    for (const s of open) s.stop();
  });
  app.get('/alerts/live', { schema: liveAlertsSchema }, async (req, reply) => {
    const resume = req.headers['last-event-id'] ?? req.query.after;
    const after = resume === undefined ? await latestAlertId(deps.db) : Number(resume);
    const stream = streamAlerts(reply, {
      db: deps.db,
      pollMs: deps.config.ALERT_FEED_POLL_MS,
      after,
      filter: { screeningId: req.query.screening_id, theaterId: req.query.theater_id },
      stillAllowed: () => fastify.sessions.isLive(req.user).catch(() => true),
    });
    open.add(stream);
    reply.raw.on('close', () => open.delete(stream));
  });
}

export const alertRoutes: RouteGroups = { admin: alertAdminRoutes };
