// The outbox's dead letters for admins (the operator's page): the messages that could not be
// delivered, and putting one back in the queue once its cause is fixed. Requeueing is audited.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { AppError } from '../../http/errors.ts';
import { ok } from '../../http/schemas.ts';
import { listDead, requeueDead } from '../../outbox/dead-letters.ts';
import { actorOf, recordAudit } from '../audit/index.ts';
import { listDeadSchema, requeueSchema } from './schemas.ts';

async function deadLetterAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/outbox/dead', { schema: listDeadSchema }, async (req) => {
    const rows = await listDead(deps.db, req.query.limit ?? 100);
    return ok(
      'Dead letters fetched',
      rows.map((r) => ({ ...r, created_at: r.created_at.toISOString() })),
    );
  });
  app.post('/outbox/:id/requeue', { schema: requeueSchema }, async (req) =>
    deps.db.tx(async (trx) => {
      if (!(await requeueDead(trx, req.params.id))) throw new AppError('dead_letter_not_found');
      await recordAudit(trx, actorOf(req), { action: 'outbox.requeue', entity: 'outbox', entityId: req.params.id, after: { status: 'pending' } });
      return ok('Queued again', { id: req.params.id, status: 'pending' as const });
    }),
  );
}

export const deadLetterRoutes: RouteGroups = { admin: deadLetterAdminRoutes };
