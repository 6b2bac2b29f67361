// Catalog routes: public browse reads (no token) and admin writes (admin role, If-Match, audit).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { AppError } from '../../http/errors.ts';
import { ifMatch, setEtag } from '../../http/etag.ts';
import { afterCursor, sendPage } from '../../http/paging.ts';
import { sendRawData } from '../../http/raw-json.ts';
import { ok } from '../../http/schemas.ts';
import { actorOf } from '../audit/index.ts';
import { listCities, listCityTheaters, listMovies, movieScreenings, showtime, theaterScreenings } from './browse.ts';
import { createCity, deleteCity, updateCity } from './cities.ts';
import { createMovie, deleteMovie, updateMovie } from './movies.ts';
import { presentCity, presentMovie, presentTheater } from './presenter.ts';
import { findCity, findMovie, findTheater } from './queries.ts';
import { citySchemas, movieSchemas, showtimeSchema, theaterSchemas } from './schemas.ts';
import { createTheater, deleteTheater, updateTheater } from './theaters.ts';
import type { WriteContext } from './write.ts';

const UPDATE_METHODS = ['PUT', 'PATCH'] as const;

const writeContext = (req: FastifyRequest): WriteContext => ({ actor: actorOf(req), ifMatch: ifMatch(req) });

/** Browse: anyone, no token. */
async function browseRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // ---- cities
  app.get('/cities', { schema: citySchemas.list }, async (_req, reply) => sendRawData(reply, 'Cities fetched successfully', await listCities(deps)));

  app.get('/cities/:id', { schema: citySchemas.get }, async (req, reply) => {
    const row = await findCity(await deps.reads.lagTolerant('catalog'), req.params.id);
    if (!row) throw new AppError('city_not_found');
    setEtag(reply, row.version);
    return ok('City fetched successfully', presentCity(row));
  });

  app.get('/cities/:id/theaters', { schema: citySchemas.theaters }, async (req, reply) => {
    const data = await listCityTheaters(deps, req.params.id, req.query.include_inactive ?? false);
    return sendRawData(reply, 'Theaters fetched successfully', data);
  });

  // ---- theaters
  app.get('/theaters/:id', { schema: theaterSchemas.get }, async (req, reply) => {
    const row = await findTheater(await deps.reads.lagTolerant('catalog'), req.params.id);
    if (!row) throw new AppError('theater_not_found');
    setEtag(reply, row.version);
    return ok('Theater fetched successfully', presentTheater(row));
  });

  app.get('/theaters/:id/screenings', { schema: theaterSchemas.screenings }, async (req, reply) => {
    const limit = req.query.limit ?? 20;
    const page = await theaterScreenings(deps, req.params.id, {
      date: req.query.date,
      after: afterCursor(req.query.cursor),
      limit,
    });
    return sendPage(reply, 'Screenings fetched successfully', page, limit);
  });

  // ---- movies
  app.get('/movies', { schema: movieSchemas.list }, async (req, reply) => {
    const { status, city_id: cityId, q } = req.query;
    return sendRawData(reply, 'Movies fetched successfully', await listMovies(deps, { status, cityId, q }));
  });

  app.get('/movies/:id', { schema: movieSchemas.get }, async (req, reply) => {
    const row = await findMovie(await deps.reads.lagTolerant('catalog'), req.params.id);
    if (!row) throw new AppError('movie_not_found');
    setEtag(reply, row.version);
    return ok('Movie fetched successfully', presentMovie(row));
  });

  app.get('/showtimes/:id', { schema: showtimeSchema }, async (req, reply) =>
    sendRawData(reply, 'Screening fetched successfully', await showtime(deps, req.params.id)),
  );

  app.get('/movies/:id/screenings', { schema: movieSchemas.screenings }, async (req, reply) => {
    const limit = req.query.limit ?? 20;
    const page = await movieScreenings(deps, req.params.id, {
      cityId: req.query.city_id,
      date: req.query.date,
      after: afterCursor(req.query.cursor),
      limit,
    });
    return sendPage(reply, 'Screenings fetched successfully', page, limit);
  });
}

/** Catalog writes: admins, with If-Match and the audit trail. */
async function catalogWriteRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/cities', { schema: citySchemas.create }, async (req, reply) => {
    const { data, version } = await createCity(deps, actorOf(req), req.body);
    setEtag(reply, version);
    return reply.code(201).send(ok('City created successfully', data));
  });

  for (const method of UPDATE_METHODS) {
    app.route({
      method,
      url: '/cities/:id',
      schema: citySchemas.update,
      handler: async (req, reply) => {
        const { data, version } = await updateCity(deps, writeContext(req), req.params.id, req.body);
        setEtag(reply, version);
        return ok('City updated successfully', data);
      },
    });
  }

  app.delete('/cities/:id', { schema: citySchemas.delete }, async (req) =>
    ok('City deleted successfully', await deleteCity(deps, writeContext(req), req.params.id)),
  );

  app.post('/theaters', { schema: theaterSchemas.create }, async (req, reply) => {
    const { data, version } = await createTheater(deps, actorOf(req), req.body);
    setEtag(reply, version);
    return reply.code(201).send(ok('Theater created successfully', data));
  });

  for (const method of UPDATE_METHODS) {
    app.route({
      method,
      url: '/theaters/:id',
      schema: theaterSchemas.update,
      handler: async (req, reply) => {
        const { data, version } = await updateTheater(deps, writeContext(req), req.params.id, req.body);
        setEtag(reply, version);
        return ok('Theater updated successfully', data);
      },
    });
  }

  app.delete('/theaters/:id', { schema: theaterSchemas.delete }, async (req) =>
    ok('Theater deleted successfully', await deleteTheater(deps, writeContext(req), req.params.id)),
  );

  app.post('/movies', { schema: movieSchemas.create }, async (req, reply) => {
    const { data, version } = await createMovie(deps, actorOf(req), req.body);
    setEtag(reply, version);
    return reply.code(201).send(ok('Movie created successfully', data));
  });

  for (const method of UPDATE_METHODS) {
    app.route({
      method,
      url: '/movies/:id',
      schema: movieSchemas.update,
      handler: async (req, reply) => {
        const { data, version } = await updateMovie(deps, writeContext(req), req.params.id, req.body);
        setEtag(reply, version);
        return ok('Movie updated successfully', data);
      },
    });
  }

  app.delete('/movies/:id', { schema: movieSchemas.delete }, async (req) =>
    ok('Movie deleted successfully', await deleteMovie(deps, writeContext(req), req.params.id)),
  );
}

export const catalogRoutes: RouteGroups = { public: browseRoutes, admin: catalogWriteRoutes };
