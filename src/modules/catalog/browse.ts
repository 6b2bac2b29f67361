// Public browse reads, served from the read cache (scope 'catalog', made stale by every catalog
// write). Keys are built from the normalised query, values are the JSON text PostgreSQL built.
// Screening lists also change with time (only upcoming shows) and with seat sales (available_seats),
// which do not touch the catalog scope: they live for 5 seconds only. A value is built from the read
// replica when there is one (plus its lag, at most REPLICA_MAX_LAG_MS), from the primary while a
// catalog write is recent.
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import type { TimeKey } from '../../http/paging.ts';
import { searchScreeningsJson, type JsonPage } from '../screenings/index.ts';
import { cityExists, cityTheatersJson, citiesJson, movieExists, moviesJson, theaterExists } from './queries.ts';

const SCOPE = 'catalog';
const LIST_TTL_MS = 30_000;
const SCREENINGS_TTL_MS = 5_000;
const MOVIES_CAP = 100;

const key = (...parts: unknown[]) => JSON.stringify(parts);
/** the replica when it is within its bound and no catalog write is recent (db/replica.ts) */
const reads = (deps: Deps) => deps.reads.lagTolerant(SCOPE);

export function listCities(deps: Deps): Promise<string> {
  return deps.cache.get(SCOPE, key('cities'), LIST_TTL_MS, async () => citiesJson(await reads(deps)));
}

export function listCityTheaters(deps: Deps, cityId: number, includeInactive: boolean): Promise<string> {
  return deps.cache.get(SCOPE, key('city-theaters', cityId, includeInactive), LIST_TTL_MS, async () => {
    const data = await cityTheatersJson(await reads(deps), cityId, includeInactive);
    if (data === null) throw new AppError('city_not_found');
    return data;
  });
}

export interface MovieListQuery {
  status?: 'now_showing' | 'coming_soon';
  cityId?: number;
  q?: string;
}

/** Movies by filter. "Today" for the release window is the UTC date of the service's clock. */
export function listMovies(deps: Deps, query: MovieListQuery): Promise<string> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const q = query.q?.trim() || undefined;
  const f = { status: query.status, cityId: query.cityId, q, today, limit: MOVIES_CAP };
  return deps.cache.get(SCOPE, key('movies', f.status, f.cityId, f.q, today), LIST_TTL_MS, async () => {
    if (f.cityId !== undefined) await requireCity(deps, f.cityId);
    return moviesJson(await reads(deps), f);
  });
}

export interface ScreeningListQuery {
  date?: string;
  after?: TimeKey;
  limit: number;
}

export async function theaterScreenings(deps: Deps, theaterId: number, query: ScreeningListQuery): Promise<JsonPage> {
  const date = localDate(query.date);
  const k = key('theater-screenings', theaterId, date, query.after?.showTime, query.after?.id, query.limit);
  return unpack(
    await deps.cache.get(SCOPE, k, SCREENINGS_TTL_MS, async () => {
      if (!(await theaterExists(await reads(deps), theaterId))) throw new AppError('theater_not_found');
      return pack(await searchScreeningsJson(await reads(deps), { theaterId, date, after: query.after, limit: query.limit, expand: true }));
    }),
  );
}

export async function movieScreenings(deps: Deps, movieId: number, query: ScreeningListQuery & { cityId?: number }): Promise<JsonPage> {
  const date = localDate(query.date);
  const { cityId, after, limit } = query;
  const k = key('movie-screenings', movieId, cityId, date, after?.showTime, after?.id, limit);
  return unpack(
    await deps.cache.get(SCOPE, k, SCREENINGS_TTL_MS, async () => {
      if (!(await movieExists(await reads(deps), movieId))) throw new AppError('movie_not_found');
      if (cityId !== undefined) await requireCity(deps, cityId);
      return pack(await searchScreeningsJson(await reads(deps), { movieId, cityId, date, after, limit, expand: true }));
    }),
  );
}

async function requireCity(deps: Deps, cityId: number) {
  if (!(await cityExists(await reads(deps), cityId))) {
    throw new AppError('unknown_city', `No city with id ${cityId}`, { city_id: cityId });
  }
}

/** YYYY-MM-DD that names a real day (the schema checked the shape; 2026-02-30 gets here). */
function localDate(date: string | undefined): string | undefined {
  if (date === undefined) return undefined;
  const d = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) {
    throw new AppError('validation_failed', `date ${date} is not a calendar date`, {
      errors: [{ path: 'querystring/date', message: 'must be a calendar date (YYYY-MM-DD)' }],
    });
  }
  return date;
}

// A cached page is one string: the next-page key as JSON, a newline, then the items' JSON as is.
const pack = (page: JsonPage) => `${JSON.stringify(page.next)}\n${page.data}`;
function unpack(text: string): JsonPage {
  const cut = text.indexOf('\n');
  return { next: JSON.parse(text.slice(0, cut)) as TimeKey | null, data: text.slice(cut + 1) };
}

/** One upcoming screening on sale, as the browse lists show it; undefined when past, closed or unknown. */
export async function showtime(deps: Deps, id: number): Promise<string> {
  const text = await deps.cache.get(SCOPE, key('showtime', id), SCREENINGS_TTL_MS, async () => {
    const page = await searchScreeningsJson(await reads(deps), { id, limit: 1, expand: true });
    return page.data === '[]' ? '' : page.data.slice(1, -1).trim();
  });
  if (text === '') throw new AppError('screening_not_found', 'No such screening on sale (past, closed or unknown)');
  return text;
}
