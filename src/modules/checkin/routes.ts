import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ok } from '../../http/schemas.ts';
import { actorOf } from '../audit/index.ts';
import { checkIn } from './check-in.ts';
import { checkInSchema } from './schemas.ts';

async function checkinStaffRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/checkin', { schema: checkInSchema, config: { scope: 'checkin:write' } }, async (req) =>
    ok('Admitted', await checkIn(deps, actorOf(req), req.body.code, req.apiKey?.theaterIds)),
  );
}

export const checkinRoutes: RouteGroups = { staff: checkinStaffRoutes };
