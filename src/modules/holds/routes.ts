import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { authenticate } from '../../http/auth.ts';
import { idempotent } from '../../http/idempotency.ts';
import { ok } from '../../http/schemas.ts';
import { holdBestAvailable } from './best-available.ts';
import { createHold } from './create-hold.ts';
import { getHold, releaseHold } from './release-hold.ts';
import { bestAvailableSchema, createHoldSchema, getHoldSchema, releaseHoldSchema } from './schemas.ts';

export async function holdRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const signedIn = authenticate();

  app.post('/screenings/:id/holds', { schema: createHoldSchema, onRequest: signedIn }, async (req, reply) =>
    idempotent(deps.db, req, reply, 'hold', async () => ({
      status: 201,
      body: ok('Seats held', await createHold(deps, { screeningId: req.params.id, userId: req.user.id, seatIds: req.body.seat_ids })),
    })),
  );

  app.post('/screenings/:id/holds/best-available', { schema: bestAvailableSchema, onRequest: signedIn }, async (req, reply) =>
    idempotent(deps.db, req, reply, 'hold', async () => ({
      status: 201,
      body: ok(
        'Best seats held',
        await holdBestAvailable(deps, { screeningId: req.params.id, userId: req.user.id, count: req.body.count, seatType: req.body.seat_type }),
      ),
    })),
  );

  app.get('/holds/:id', { schema: getHoldSchema, onRequest: signedIn }, async (req) =>
    ok('Hold fetched', await getHold(deps, req.user, req.params.id)),
  );

  app.delete('/holds/:id', { schema: releaseHoldSchema, onRequest: signedIn }, async (req) =>
    ok('Hold released', await releaseHold(deps, req.user, req.params.id)),
  );
}
