import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { authenticate, requireRole } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { afterCursor, sendPage } from '../../http/paging.ts';
import { ok } from '../../http/schemas.ts';
import { actorOf } from '../audit/record.ts';
import { createScreening } from './create-screening.ts';
import { deleteScreening } from './delete-screening.ts';
import { presentScreening } from './presenter.ts';
import { findScreening, searchScreeningsJson } from './queries.ts';
import { createSchema, deleteSchema, getSchema, listSchema, updateSchema } from './schemas.ts';
import { updateScreening } from './update-screening.ts';

export async function screeningRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const signedIn = authenticate();
  const admin = [signedIn, requireRole('admin')];

  app.get('/screenings', { schema: listSchema, onRequest: signedIn }, async (req, reply) => {
    const limit = req.query.limit ?? 20;
    const page = await searchScreeningsJson(deps.db, { after: afterCursor(req.query.cursor), limit });
    return sendPage(reply, 'Screenings fetched successfully', page, limit);
  });

  app.get('/screenings/:id', { schema: getSchema, onRequest: signedIn }, async (req) => {
    const row = await findScreening(deps.db, req.params.id);
    if (!row) throw new AppError('screening_not_found');
    return ok('Screening fetched successfully', presentScreening(row));
  });

  app.post('/screenings', { schema: createSchema, onRequest: admin }, async (req, reply) => {
    const data = await createScreening(deps, actorOf(req), req.body);
    return reply.code(201).send(ok('Screening created successfully', data));
  });

  app.put('/screenings/:id', { schema: updateSchema, onRequest: admin }, async (req) =>
    ok('Screening updated successfully', await updateScreening(deps, actorOf(req), req.params.id, req.body)),
  );

  app.delete('/screenings/:id', { schema: deleteSchema, onRequest: admin }, async (req) =>
    ok('Screening deleted successfully', await deleteScreening(deps, actorOf(req), req.params.id)),
  );
}
