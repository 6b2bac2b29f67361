// The cinema cancels a screening (admin), and follows its refunds.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { AppError } from '../../http/errors.ts';
import { idempotent } from '../../http/idempotency.ts';
import { ok } from '../../http/schemas.ts';
import { actorOf } from '../audit/index.ts';
import { progressOfScreening } from './progress.ts';
import { type Background, cancelScreening } from './run.ts';
import { cancelSchema, progressSchema } from './schemas.ts';

async function cancellationAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const bg: Background = {
    running: new Set(),
    onError: (err) => app.log.error({ err }, 'screening cancellation stopped; calling it again or the reconciler resumes it'),
  };
  // work still going in the background finishes before the pools close
  app.addHook('onClose', async () => {
    await Promise.allSettled([...bg.running]);
  });

  app.post('/screenings/:id/cancel', { schema: cancelSchema }, async (req, reply) =>
    idempotent(deps.db, req, reply, 'screening-cancel', async () => {
      const progress = await cancelScreening(deps, actorOf(req), req.params.id, req.body.reason, bg);
      const done = progress.status !== 'in_progress';
      return {
        status: done ? 200 : 202,
        body: ok(done ? 'Screening cancelled; its tickets are refunded' : 'Screening cancelled; refunds are in progress', progress),
      };
    }),
  );

  app.get('/screenings/:id/cancellation', { schema: progressSchema }, async (req) => {
    const progress = await progressOfScreening(deps.db, req.params.id);
    if (!progress) throw new AppError('not_found', 'The screening is not cancelled');
    return ok('Cancellation progress', progress);
  });
}

export const cancellationRoutes: RouteGroups = { admin: cancellationAdminRoutes };
