import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ok } from '../../http/schemas.ts';
import { actorOf } from '../audit/index.ts';
import { admissionCount, checkIn, lookUpTicket } from './check-in.ts';
import { admissionCountSchema, checkInSchema, lookupSchema } from './schemas.ts';

async function checkinStaffRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/checkin', { schema: checkInSchema, config: { scope: 'checkin:write' } }, async (req) =>
    ok('Admitted', await checkIn(deps, actorOf(req), req.body.code, req.apiKey?.theaterIds)),
  );
  app.post('/checkin/lookup', { schema: lookupSchema, config: { scope: 'checkin:write' } }, async (req) =>
    ok('Ticket found', await lookUpTicket(deps, req.body.code, req.apiKey?.theaterIds)),
  );
  app.get('/checkin/screenings/:id', { schema: admissionCountSchema, config: { scope: 'checkin:write' } }, async (req) =>
    ok('Admissions', await admissionCount(deps, req.params.id, req.apiKey?.theaterIds)),
  );
}

export const checkinRoutes: RouteGroups = { staff: checkinStaffRoutes };
