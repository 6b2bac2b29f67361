import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ok } from '../../http/schemas.ts';
import { actorOf } from '../audit/index.ts';
import { setBlocked } from './block-seats.ts';
import { blockSchema, seatMapSchema, unblockSchema } from './schemas.ts';
import { seatMap } from './seat-map.ts';

/** Anyone, no token. */
async function seatingPublicRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Public, cached, pre-serialised: the busiest read of a release night.
  app.get('/screenings/:id/seats', { schema: seatMapSchema, config: { scope: 'seatmap:read' } }, async (req, reply) => {
    const map = await seatMap(deps, req.params.id);
    reply.header('ETag', map.etag).header('Cache-Control', 'no-cache');
    const inm = req.headers['if-none-match'];
    if (inm?.split(',').some((t) => t.trim() === map.etag)) {
      // no body and no Content-Length on a 304 (send(null) would announce a 4-byte "null")
      return (reply as FastifyReply).code(304).send();
    }
    return (reply as FastifyReply).type('application/json; charset=utf-8').send(map.body);
  });
}

/** Admins. */
async function seatingAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/screenings/:id/seats/block', { schema: blockSchema }, async (req) =>
    ok('Seats blocked', await setBlocked(deps, actorOf(req), req.params.id, req.body.seat_ids, true, req.body.reason)),
  );
  app.post('/screenings/:id/seats/unblock', { schema: unblockSchema }, async (req) =>
    ok('Seats unblocked', await setBlocked(deps, actorOf(req), req.params.id, req.body.seat_ids, false, req.body.reason)),
  );
}

export const seatingRoutes: RouteGroups = { public: seatingPublicRoutes, admin: seatingAdminRoutes };
