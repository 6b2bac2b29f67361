import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { AppError } from '../../http/errors.ts';
import { ifMatch, setEtag } from '../../http/etag.ts';
import { afterCursor, pageBody } from '../../http/paging.ts';
import { sendJsonText } from '../../http/raw-json.ts';
import { isCalendarDate } from '../../lib/dates.ts';
import { ok } from '../../http/schemas.ts';
import { actorOf } from '../audit/index.ts';
import { createScreening } from './create-screening.ts';
import { deleteScreening } from './delete-screening.ts';
import { presentScreening } from './presenter.ts';
import { findScreening, searchScreeningsJson } from './queries.ts';
import { daySchedule } from './day-schedule.ts';
import { createSchema, dayScheduleSchema, deleteSchema, getSchema, listSchema, updateSchema } from './schemas.ts';
import { updateScreening } from './update-screening.ts';

const LIST_TTL_MS = 5_000;

/** Any signed-in account. */
async function screeningCustomerRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/screenings', { schema: listSchema }, async (req, reply) => {
    const q = req.query;
    if (q.date !== undefined && !isCalendarDate(q.date)) throw new AppError('validation_failed', 'date is not a calendar date');
    const limit = q.limit ?? 20;
    const filter = {
      cityId: q.city_id,
      theaterId: q.theater_id,
      movieId: q.movie_id,
      date: q.date,
      from: q.from === undefined ? undefined : new Date(q.from).toISOString(),
      to: q.to === undefined ? undefined : new Date(q.to).toISOString(),
      after: afterCursor(q.cursor),
      limit,
    };
    // Lists are cached briefly: a release-night crowd asks the same first page over and over.
    const key = `screenings:${JSON.stringify(filter)}`;
    const body = await deps.cache.get('catalog', key, LIST_TTL_MS, async () =>
      pageBody('Screenings fetched successfully', await searchScreeningsJson(await deps.reads.lagTolerant('catalog'), filter), limit),
    );
    return sendJsonText(reply, body);
  });

  app.get('/screenings/:id', { schema: getSchema }, async (req, reply) => {
    const row = await findScreening(await deps.reads.lagTolerant('catalog'), req.params.id);
    if (!row) throw new AppError('screening_not_found');
    setEtag(reply, row.version);
    return ok('Screening fetched successfully', presentScreening(row));
  });
}

/** Admins. */
async function screeningAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/screenings', { schema: createSchema }, async (req, reply) => {
    const { version, screening } = await createScreening(deps, actorOf(req), req.body);
    await deps.cache.invalidate('catalog');
    setEtag(reply, version);
    return reply.code(201).send(ok('Screening created successfully', screening));
  });

  app.put('/screenings/:id', { schema: updateSchema }, async (req, reply) => {
    const { version, screening } = await updateScreening(deps, actorOf(req), req.params.id, req.body, ifMatch(req));
    await deps.cache.invalidate('catalog');
    setEtag(reply, version);
    return ok('Screening updated successfully', screening);
  });

  app.get('/theaters/:id/schedule', { schema: dayScheduleSchema }, async (req) => {
    if (!isCalendarDate(req.query.date)) throw new AppError('validation_failed', 'date is not a calendar date');
    return ok(
      'Schedule fetched',
      await daySchedule(await deps.reads.lagTolerant('catalog'), req.params.id, req.query.date, deps.config.CLEANING_GAP_MINUTES),
    );
  });

  app.delete('/screenings/:id', { schema: deleteSchema }, async (req, reply) => {
    const { version, screening } = await deleteScreening(deps, actorOf(req), req.params.id, ifMatch(req));
    await deps.cache.invalidate('catalog');
    setEtag(reply, version);
    return ok('Screening deleted successfully', screening);
  });
}

export const screeningRoutes: RouteGroups = { customer: screeningCustomerRoutes, admin: screeningAdminRoutes };
