// GET /audit-log: the trail, for admins.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ok } from '../../http/schemas.ts';
import { auditPage } from './read-audit.ts';
import { listAuditSchema } from './schemas.ts';

async function auditAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/audit-log', { schema: listAuditSchema }, async (req) => {
    const q = req.query;
    const limit = q.limit ?? 20;
    const page = await auditPage(deps.db, {
      actorId: q.actor_id,
      action: q.action,
      entity: q.entity,
      entityId: q.entity_id,
      from: q.from,
      to: q.to,
      cursor: q.cursor,
      limit,
    });
    return { ...ok('Audit entries fetched', page.items), meta: { next_cursor: page.next, limit } };
  });
}

export const auditRoutes: RouteGroups = { admin: auditAdminRoutes };
