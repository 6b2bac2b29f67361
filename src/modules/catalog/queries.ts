// Data access for cities, theaters and movies. Writers take a transaction and lock the row they
// change (FOR UPDATE), so the If-Match check and the write see the same version. Browse lists are
// built as JSON by PostgreSQL (json_agg); presenter.ts builds the same shapes from rows.
import type { Sql } from '../../db/client.ts';

// ---- cities -------------------------------------------------------------------------------------

export interface CityRow {
  id: number;
  name: string;
  province: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface CityWrite {
  name: string;
  province: string | null;
}

const CITY_COLUMNS = 'c.id, c.name, c.province, c.version, c.created_at, c.updated_at';
const CITY_JSON = `json_build_object('id', c.id, 'name', c.name, 'province', c.province,
  'created_at', iso8601(c.created_at), 'updated_at', iso8601(c.updated_at))`;

export async function findCity(sql: Sql, id: number, lock = false): Promise<CityRow | undefined> {
  const { rows } = await sql.query<CityRow>(`SELECT ${CITY_COLUMNS} FROM cities c WHERE c.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

export async function cityExists(sql: Sql, id: number): Promise<boolean> {
  const { rows } = await sql.query('SELECT 1 FROM cities WHERE id = $1', [id]);
  return rows.length > 0;
}

export async function insertCity(sql: Sql, w: CityWrite): Promise<CityRow> {
  const { rows } = await sql.query<CityRow>(`INSERT INTO cities AS c (name, province) VALUES ($1, $2) RETURNING ${CITY_COLUMNS}`, [
    w.name,
    w.province,
  ]);
  return rows[0];
}

export async function updateCityRow(sql: Sql, id: number, w: CityWrite): Promise<CityRow> {
  const { rows } = await sql.query<CityRow>(
    `UPDATE cities c SET name = $2, province = $3, version = version + 1, updated_at = now()
      WHERE c.id = $1 RETURNING ${CITY_COLUMNS}`,
    [id, w.name, w.province],
  );
  return rows[0];
}

export async function deleteCityRow(sql: Sql, id: number): Promise<void> {
  await sql.query('DELETE FROM cities WHERE id = $1', [id]);
}

export async function theatersOfCity(sql: Sql, cityId: number): Promise<number> {
  const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM theaters WHERE city_id = $1', [cityId]);
  return rows[0].n;
}

/** All cities as a JSON array, by name. */
export async function citiesJson(sql: Sql): Promise<string> {
  const { rows } = await sql.query<{ data: string }>(
    `SELECT coalesce(json_agg(${CITY_JSON} ORDER BY c.name, c.province NULLS FIRST, c.id), '[]')::text AS data FROM cities c`,
  );
  return rows[0].data;
}

// ---- theaters -----------------------------------------------------------------------------------

export interface TheaterRow {
  id: number;
  city_id: number;
  name: string;
  address: string;
  contact_phone: string | null;
  contact_email: string | null;
  time_zone: string;
  is_active: boolean;
  orphan_seat_rule: boolean;
  companion_needs_wheelchair: boolean;
  sellout_alert_percents: number[];
  total_halls: number;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export type TheaterWrite = Pick<
  TheaterRow,
  | 'city_id'
  | 'name'
  | 'address'
  | 'contact_phone'
  | 'contact_email'
  | 'time_zone'
  | 'is_active'
  | 'orphan_seat_rule'
  | 'companion_needs_wheelchair'
  | 'sellout_alert_percents'
>;

const HALL_COUNT = '(SELECT count(*)::int FROM halls h WHERE h.theater_id = t.id)';
const THEATER_COLUMNS = `t.id, t.city_id, t.name, t.address, t.contact_phone, t.contact_email, t.time_zone, t.is_active,
  t.orphan_seat_rule, t.companion_needs_wheelchair, t.sellout_alert_percents::int[] AS sellout_alert_percents, ${HALL_COUNT} AS total_halls, t.version, t.created_at, t.updated_at`;
const THEATER_JSON = `json_build_object('id', t.id, 'city_id', t.city_id, 'name', t.name, 'address', t.address,
  'contact_phone', t.contact_phone, 'contact_email', t.contact_email, 'time_zone', t.time_zone,
  'is_active', t.is_active, 'orphan_seat_rule', t.orphan_seat_rule,
  'companion_needs_wheelchair', t.companion_needs_wheelchair, 'sellout_alert_percents', t.sellout_alert_percents,
  'total_halls', ${HALL_COUNT},
  'created_at', iso8601(t.created_at), 'updated_at', iso8601(t.updated_at))`;

export async function findTheater(sql: Sql, id: number, lock = false): Promise<TheaterRow | undefined> {
  const { rows } = await sql.query<TheaterRow>(`SELECT ${THEATER_COLUMNS} FROM theaters t WHERE t.id = $1${lock ? ' FOR UPDATE OF t' : ''}`, [id]);
  return rows[0];
}

export async function theaterExists(sql: Sql, id: number): Promise<boolean> {
  const { rows } = await sql.query('SELECT 1 FROM theaters WHERE id = $1', [id]);
  return rows.length > 0;
}

export async function insertTheater(sql: Sql, w: TheaterWrite): Promise<TheaterRow> {
  const { rows } = await sql.query<TheaterRow>(
    `INSERT INTO theaters AS t (city_id, name, address, contact_phone, contact_email, time_zone, is_active,
                                orphan_seat_rule, companion_needs_wheelchair, sellout_alert_percents)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${THEATER_COLUMNS}`,
    [
      w.city_id,
      w.name,
      w.address,
      w.contact_phone,
      w.contact_email,
      w.time_zone,
      w.is_active,
      w.orphan_seat_rule,
      w.companion_needs_wheelchair,
      w.sellout_alert_percents,
    ],
  );
  return rows[0];
}

export async function updateTheaterRow(sql: Sql, id: number, w: TheaterWrite): Promise<TheaterRow> {
  const { rows } = await sql.query<TheaterRow>(
    `UPDATE theaters t SET city_id = $2, name = $3, address = $4, contact_phone = $5, contact_email = $6,
            time_zone = $7, is_active = $8, orphan_seat_rule = $9, companion_needs_wheelchair = $10,
            sellout_alert_percents = $11, version = version + 1, updated_at = now()
      WHERE t.id = $1 RETURNING ${THEATER_COLUMNS}`,
    [
      id,
      w.city_id,
      w.name,
      w.address,
      w.contact_phone,
      w.contact_email,
      w.time_zone,
      w.is_active,
      w.orphan_seat_rule,
      w.companion_needs_wheelchair,
      w.sellout_alert_percents,
    ],
  );
  return rows[0];
}

export async function deleteTheaterRow(sql: Sql, id: number): Promise<void> {
  await sql.query('DELETE FROM theaters WHERE id = $1', [id]);
}

/** Whether PostgreSQL knows the time zone: the browse queries convert with it (AT TIME ZONE). */
export async function databaseKnowsTimeZone(sql: Sql, zone: string): Promise<boolean> {
  const { rows } = await sql.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE lower(name) = lower($1)) AS ok', [zone]);
  return rows[0].ok;
}

/** The theaters of a city as a JSON array by name, or null when the city does not exist. */
export async function cityTheatersJson(sql: Sql, cityId: number, includeInactive: boolean): Promise<string | null> {
  const { rows } = await sql.query<{ data: string | null }>(
    `SELECT CASE WHEN EXISTS (SELECT 1 FROM cities WHERE id = $1) THEN
              (SELECT coalesce(json_agg(${THEATER_JSON} ORDER BY t.name, t.id), '[]')::text
                 FROM theaters t WHERE t.city_id = $1 AND ($2 OR t.is_active))
            END AS data`,
    [cityId, includeInactive],
  );
  return rows[0].data;
}

// ---- movies -------------------------------------------------------------------------------------

export interface MovieRow {
  id: number;
  title: string;
  description: string | null;
  duration: number;
  genre: string[];
  rating: string | null;
  director: string | null;
  cast: string[];
  language: string | null;
  /** YYYY-MM-DD */
  release_date: string | null;
  end_date: string | null;
  poster_url: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export type MovieWrite = Omit<MovieRow, 'id' | 'version' | 'created_at' | 'updated_at'>;

// Dates as text: a JavaScript Date would put them at some time zone's midnight.
const MOVIE_COLUMNS = `m.id, m.title, m.description, m.duration, m.genre, m.rating, m.director, m."cast", m.language,
  m.release_date::text AS release_date, m.end_date::text AS end_date, m.poster_url, m.version, m.created_at, m.updated_at`;
const MOVIE_JSON = `json_build_object('id', m.id, 'title', m.title, 'description', m.description,
  'duration', m.duration, 'genre', m.genre, 'rating', m.rating, 'director', m.director, 'cast', m."cast",
  'language', m.language, 'release_date', m.release_date, 'end_date', m.end_date, 'poster_url', m.poster_url,
  'created_at', iso8601(m.created_at), 'updated_at', iso8601(m.updated_at))`;
const MOVIE_PARAMS = (w: MovieWrite) => [
  w.title,
  w.description,
  w.duration,
  w.genre,
  w.rating,
  w.director,
  w.cast,
  w.language,
  w.release_date,
  w.end_date,
  w.poster_url,
];

export async function findMovie(sql: Sql, id: number, lock = false): Promise<MovieRow | undefined> {
  const { rows } = await sql.query<MovieRow>(`SELECT ${MOVIE_COLUMNS} FROM movies m WHERE m.id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0];
}

export async function movieExists(sql: Sql, id: number): Promise<boolean> {
  const { rows } = await sql.query('SELECT 1 FROM movies WHERE id = $1', [id]);
  return rows.length > 0;
}

export async function insertMovie(sql: Sql, w: MovieWrite): Promise<MovieRow> {
  const { rows } = await sql.query<MovieRow>(
    `INSERT INTO movies AS m (title, description, duration, genre, rating, director, "cast", language,
                              release_date, end_date, poster_url)
     VALUES ($1, $2, $3, $4::text[], $5, $6, $7::text[], $8, $9::date, $10::date, $11) RETURNING ${MOVIE_COLUMNS}`,
    MOVIE_PARAMS(w),
  );
  return rows[0];
}

export async function updateMovieRow(sql: Sql, id: number, w: MovieWrite): Promise<MovieRow> {
  const { rows } = await sql.query<MovieRow>(
    `UPDATE movies m SET title = $2, description = $3, duration = $4, genre = $5::text[], rating = $6, director = $7,
            "cast" = $8::text[], language = $9, release_date = $10::date, end_date = $11::date, poster_url = $12,
            version = version + 1, updated_at = now()
      WHERE m.id = $1 RETURNING ${MOVIE_COLUMNS}`,
    [id, ...MOVIE_PARAMS(w)],
  );
  return rows[0];
}

export async function deleteMovieRow(sql: Sql, id: number): Promise<void> {
  await sql.query('DELETE FROM movies WHERE id = $1', [id]);
}

/** Screenings of the movie (any, past and cancelled too: they keep their tickets' history). */
export async function screeningsOfMovie(sql: Sql, movieId: number, upcomingOnly = false): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM screenings
      WHERE movie_id = $1 AND (NOT $2 OR (show_time > now() AND status = 'scheduled'))`,
    [movieId, upcomingOnly],
  );
  return rows[0].n;
}

export interface MovieFilter {
  status?: 'now_showing' | 'coming_soon';
  /** YYYY-MM-DD the status is judged on */
  today: string;
  cityId?: number;
  q?: string;
  limit: number;
}

/** LIKE pattern matching `text` anywhere, with its own % _ and \ taken literally. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Movies matching the filter as a JSON array: newest release first, undated last, then title. With a
 * search text (q): titles having all its words (the last one may be a beginning, see title_query()
 * in src/db/functions/title_query.sql) or containing it as typed, case and accents aside; best match first: all words
 * whole, then closer and in a shorter title, then a match inside a word only.
 */
export async function moviesJson(sql: Sql, f: MovieFilter): Promise<string> {
  const params: unknown[] = [f.limit];
  const where: string[] = [];
  const add = (clause: (p: string) => string, value: unknown) => {
    params.push(value);
    where.push(clause(`$${params.length}`));
  };
  if (f.status === 'now_showing') {
    add((p) => `m.release_date <= ${p}::date AND (m.end_date IS NULL OR m.end_date >= ${p}::date)`, f.today);
  } else if (f.status === 'coming_soon') {
    add((p) => `m.release_date > ${p}::date`, f.today);
  }
  let search = '';
  let rank = '';
  if (f.q !== undefined) {
    params.push(f.q, containsPattern(f.q));
    const [text, pattern] = [`$${params.length - 1}`, `$${params.length}`];
    // the query is made once, not once per title
    search = `CROSS JOIN (SELECT title_query(${text}, true) AS words, title_query(${text}, false) AS whole_words,
                                 search_fold(${pattern}) AS pattern) sq`;
    where.push(`(m.title_words @@ sq.words OR search_fold(m.title) LIKE sq.pattern ESCAPE '\\')`);
    rank = `coalesce(m.title_words @@ sq.whole_words, false) DESC, coalesce(ts_rank_cd(m.title_words, sq.words, 1), 0) DESC, `;
  }
  if (f.cityId !== undefined) {
    add(
      (p) => `EXISTS (SELECT 1 FROM screenings s JOIN theaters t ON t.id = s.theater_id
                      WHERE s.movie_id = m.id AND t.city_id = ${p} AND s.show_time > now()
                        AND s.is_available AND s.status = 'scheduled')`,
      f.cityId,
    );
  }
  const order = `${rank}m.release_date DESC NULLS LAST, m.title, m.id`;
  const { rows } = await sql.query<{ data: string }>(
    `SELECT coalesce(json_agg(item ORDER BY rn), '[]')::text AS data
       FROM (SELECT ${MOVIE_JSON} AS item, row_number() OVER (ORDER BY ${order}) AS rn
               FROM movies m ${search} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
              ORDER BY ${order} LIMIT $1) page`,
    params,
  );
  return rows[0].data;
}
