import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { AppError } from '../../http/errors.ts';
import { ifMatch, setEtag } from '../../http/etag.ts';
import { ok } from '../../http/schemas.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { actorOf } from '../audit/index.ts';
import { createHall } from './create-hall.ts';
import { deleteHall } from './delete-hall.ts';
import { presentHall, presentHallWithLayout } from './presenter.ts';
import { findHallWithSeats, hallsOfTheater, theaterExists } from './queries.ts';
import { replaceLayout } from './replace-layout.ts';
import { createSchema, deleteSchema, getSchema, listByTheaterSchema, replaceLayoutSchema, updateSchema } from './schemas.ts';
import { updateHall } from './update-hall.ts';

/** Anyone, no token. */
async function hallPublicRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // Public: a cinema website draws hall maps from it.
  app.get('/halls/:id', { schema: getSchema }, async (req, reply) => {
    const hall = await findHallWithSeats(deps.db, req.params.id);
    if (!hall) throw new AppError('hall_not_found');
    setEtag(reply, hall.version);
    return ok('Hall fetched successfully', presentHallWithLayout(hall));
  });

  app.get('/theaters/:id/halls', { schema: listByTheaterSchema }, async (req) => {
    const limit = req.query.limit ?? 20;
    const afterId = afterIdCursor(req.query.cursor);
    const rows = await hallsOfTheater(deps.db, req.params.id, afterId, limit + 1);
    if (rows.length === 0 && afterId === 0 && !(await theaterExists(deps.db, req.params.id))) {
      throw new AppError('theater_not_found');
    }
    const page = rows.slice(0, limit);
    const next = rows.length > limit ? encodeCursor([page[page.length - 1].id]) : null;
    return { ...ok('Halls fetched successfully', page.map(presentHall)), meta: { next_cursor: next, limit } };
  });
}

/** Admins. */
async function hallAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/halls', { schema: createSchema }, async (req, reply) => {
    const data = await createHall(deps, actorOf(req), req.body);
    setEtag(reply, data.version);
    reply.header('Location', `/api/v1/halls/${data.id}`);
    return reply.code(201).send(ok('Hall created successfully', data));
  });

  // PUT and PATCH alike: both change only the fields sent (the layout has its own route).
  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: '/halls/:id',
      schema: updateSchema,
      handler: async (req, reply) => {
        const data = await updateHall(deps, actorOf(req), req.params.id, ifMatch(req), req.body);
        setEtag(reply, data.version);
        return ok('Hall updated successfully', data);
      },
    });
  }

  app.put('/halls/:id/layout', { schema: replaceLayoutSchema }, async (req, reply) => {
    const data = await replaceLayout(deps, actorOf(req), req.params.id, ifMatch(req), req.body);
    setEtag(reply, data.version);
    return ok('Hall layout replaced successfully', data);
  });

  app.delete('/halls/:id', { schema: deleteSchema }, async (req) =>
    ok('Hall deleted successfully', await deleteHall(deps, actorOf(req), req.params.id, ifMatch(req))),
  );
}

/** The id a list cursor names (0 = from the start), or 400 for anything we did not issue. */
function afterIdCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const key = decodeCursor(cursor);
  const id = key?.[0];
  if (key?.length !== 1 || typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) {
    throw new AppError('validation_failed', 'cursor is not valid');
  }
  return id;
}

export const hallRoutes: RouteGroups = { public: hallPublicRoutes, admin: hallAdminRoutes };
