import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { authenticate, requireRole } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { sendRawData } from '../../http/raw-json.ts';
import { ok } from '../../http/schemas.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { actorOf } from '../audit/record.ts';
import { createScreening } from './create-screening.ts';
import { deleteScreening } from './delete-screening.ts';
import { presentScreening } from './presenter.ts';
import { findScreening, listUpcomingJson } from './queries.ts';
import { createSchema, deleteSchema, getSchema, listSchema, updateSchema } from './schemas.ts';
import { updateScreening } from './update-screening.ts';

export async function screeningRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const signedIn = authenticate();
  const admin = [signedIn, requireRole('admin')];

  app.get('/screenings', { schema: listSchema, onRequest: signedIn }, async (req, reply) => {
    const limit = req.query.limit ?? 20;
    let after: { showTime: string; id: number } | undefined;
    if (req.query.cursor !== undefined) {
      const key = decodeCursor(req.query.cursor);
      if (!key || typeof key[0] !== 'string' || !Number.isSafeInteger(key[1])) {
        throw new AppError('validation_failed', 'cursor is not valid');
      }
      after = { showTime: key[0], id: key[1] as number };
    }
    const page = await listUpcomingJson(deps.db, { after, limit });
    const next = page.next ? encodeCursor([page.next.showTime, page.next.id]) : null;
    return sendRawData(reply, 'Screenings fetched successfully', page.data, { meta: { next_cursor: next, limit } });
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
