// Admin writes of movies. The run must not end before it starts (400 invalid_date_range). The
// duration is frozen while screenings are scheduled: their end_time (and the hall's schedule around
// it) was computed from it. A movie with screenings cannot be deleted (409 in_use).
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { checkIfMatch } from '../../http/etag.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { presentMovie } from './presenter.ts';
import { deleteMovieRow, findMovie, insertMovie, type MovieWrite, screeningsOfMovie, updateMovieRow } from './queries.ts';
import type { CreateMovieBody, UpdateMovieBody } from './schemas.ts';
import { catalogWrite, onForeignKey, requireChanges, type Versioned, type WriteContext } from './write.ts';

type Movie = ReturnType<typeof presentMovie>;

export async function createMovie(deps: Deps, actor: Actor, body: CreateMovieBody): Promise<Versioned<Movie>> {
  const w: MovieWrite = {
    title: body.title,
    description: body.description ?? null,
    duration: body.duration,
    genre: body.genre ?? [],
    rating: body.rating ?? null,
    director: body.director ?? null,
    cast: body.cast ?? [],
    language: body.language ?? null,
    release_date: body.release_date ?? null,
    end_date: body.end_date ?? null,
    poster_url: body.poster_url ?? null,
  };
  checkRun(w);
  return catalogWrite(deps, async (trx) => {
    const row = await insertMovie(trx, w);
    const data = presentMovie(row);
    await recordAudit(trx, actor, { action: 'movie.create', entity: 'movie', entityId: row.id, after: data });
    return { data, version: row.version };
  });
}

/** Changes only the fields sent (PUT and PATCH alike); null clears an optional field. */
export async function updateMovie(deps: Deps, ctx: WriteContext, id: number, patch: UpdateMovieBody): Promise<Versioned<Movie>> {
  requireChanges(patch);
  return catalogWrite(deps, async (trx) => {
    const current = await findMovie(trx, id, true);
    if (!current) throw new AppError('movie_not_found');
    checkIfMatch(ctx.ifMatch, current.version);
    const pick = <K extends keyof MovieWrite>(k: K): MovieWrite[K] => (patch[k] === undefined ? current[k] : patch[k]) as MovieWrite[K];
    const w: MovieWrite = {
      title: pick('title'),
      description: pick('description'),
      duration: pick('duration'),
      genre: pick('genre'),
      rating: pick('rating'),
      director: pick('director'),
      cast: pick('cast'),
      language: pick('language'),
      release_date: pick('release_date'),
      end_date: pick('end_date'),
      poster_url: pick('poster_url'),
    };
    checkRun(w);
    if (w.duration !== current.duration) {
      const upcoming = await screeningsOfMovie(trx, id, true);
      if (upcoming > 0) {
        throw new AppError('in_use', `The movie has ${upcoming} upcoming screening(s) timed by its duration`, {
          screenings: upcoming,
        });
      }
    }
    const row = await updateMovieRow(trx, id, w);
    const data = presentMovie(row);
    await recordAudit(trx, ctx.actor, { action: 'movie.update', entity: 'movie', entityId: id, before: presentMovie(current), after: data });
    return { data, version: row.version };
  });
}

export async function deleteMovie(deps: Deps, ctx: WriteContext, id: number): Promise<Movie> {
  return catalogWrite(deps, async (trx) => {
    const current = await findMovie(trx, id, true);
    if (!current) throw new AppError('movie_not_found');
    checkIfMatch(ctx.ifMatch, current.version);
    const screenings = await screeningsOfMovie(trx, id);
    if (screenings > 0) throw inUse(screenings);
    await onForeignKey(
      () => deleteMovieRow(trx, id),
      () => inUse(1),
    );
    const before = presentMovie(current);
    await recordAudit(trx, ctx.actor, { action: 'movie.delete', entity: 'movie', entityId: id, before });
    return before;
  });
}

// YYYY-MM-DD strings compare as dates.
function checkRun(w: MovieWrite) {
  if (w.release_date !== null && w.end_date !== null && w.end_date < w.release_date) {
    throw new AppError('invalid_date_range', `end_date ${w.end_date} is before release_date ${w.release_date}`);
  }
}

const inUse = (screenings: number) => new AppError('in_use', `The movie has ${screenings} screening(s); it cannot be deleted`, { screenings });
