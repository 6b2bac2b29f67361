// Wire shapes of the catalog (cities, theaters, movies) and the route schemas of its admin CRUD and
// public browse routes. JSON names are the column names.
import { Type, type Static, type TSchema } from 'typebox';
import { PageQuery } from '../../http/paging.ts';
import { Availability, Envelope, IdParams, ListMeta, problems, Timestamp } from '../../http/schemas.ts';
import { ScreeningSchema } from '../screenings/index.ts';

/**
 * A string that may be null. `nullable` rather than a union with null: with coerceTypes, ajv tries
 * the string branch of a union first and turns null into "".
 */
const NullableString = (opts: Record<string, unknown>) => Type.Unsafe<string | null>({ type: 'string', nullable: true, ...opts });
const StringOrNull = (opts: Record<string, unknown>) => Type.Union([Type.String(), Type.Null()], opts);
const DateOrNull = (opts: Record<string, unknown>) => Type.Union([Type.String({ format: 'date' }), Type.Null()], opts);

// ---- resources ----------------------------------------------------------------------------------

export const CitySchema = Type.Object({
  id: Type.Integer({ examples: [1] }),
  name: Type.String({ examples: ['Jakarta'] }),
  province: StringOrNull({ examples: ['DKI Jakarta'] }),
  created_at: Timestamp('Created'),
  updated_at: Timestamp('Last change'),
});

export const TheaterSchema = Type.Object({
  id: Type.Integer({ examples: [1] }),
  city_id: Type.Integer({ examples: [1] }),
  name: Type.String({ examples: ['Cinema XXI Grand Indonesia'] }),
  address: Type.String({ examples: ['Jl. M.H. Thamrin No.1, Jakarta'] }),
  contact_phone: StringOrNull({ examples: ['021-1234567'] }),
  contact_email: StringOrNull({ examples: ['gi@cinema21.com'] }),
  time_zone: Type.String({ description: 'IANA time zone of the theater: local dates and times use it', examples: ['Asia/Jakarta'] }),
  is_active: Type.Boolean({ description: 'Inactive theaters are left out of the browse list' }),
  orphan_seat_rule: Type.Boolean({ description: 'Refuse holds that leave a single seat stranded' }),
  companion_needs_wheelchair: Type.Boolean({ description: 'A companion seat is held only with its wheelchair seat' }),
  sellout_alert_percents: Type.Array(Type.Integer(), {
    description: "Sold shares (percent of sellable seats) whose crossing raises a sell-out alert; the lowest is where customers see 'almost full'",
    examples: [[80, 95, 100]],
  }),
  total_halls: Type.Integer({ description: 'Number of halls (computed)', examples: [2] }),
  created_at: Timestamp('Created'),
  updated_at: Timestamp('Last change'),
});

export const MovieSchema = Type.Object({
  id: Type.Integer({ examples: [1] }),
  title: Type.String({ examples: ['Avengers: Endgame'] }),
  description: StringOrNull({ examples: ['After Thanos wipes out half of all life, the Avengers assemble once more.'] }),
  duration: Type.Integer({ description: 'Minutes', examples: [181] }),
  genre: Type.Array(Type.String(), { examples: [['Action', 'Adventure']] }),
  rating: StringOrNull({ examples: ['13+'] }),
  director: StringOrNull({ examples: ['Russo Brothers'] }),
  cast: Type.Array(Type.String(), { examples: [['Robert Downey Jr.', 'Chris Evans']] }),
  language: StringOrNull({ examples: ['English'] }),
  release_date: DateOrNull({ description: 'First day of the run', examples: ['2026-04-24'] }),
  end_date: DateOrNull({ description: 'Last day of the run; null = open-ended', examples: ['2026-06-30'] }),
  poster_url: StringOrNull({ examples: ['https://img.example.com/posters/endgame.jpg'] }),
  created_at: Timestamp('Created'),
  updated_at: Timestamp('Last change'),
});

// ---- request bodies -----------------------------------------------------------------------------

const cityFields = {
  name: Type.String({ minLength: 1, maxLength: 100, examples: ['Yogyakarta'] }),
  province: NullableString({ minLength: 1, maxLength: 100, examples: ['DI Yogyakarta'] }),
};

const theaterFields = {
  city_id: Type.Integer({ minimum: 1, maximum: 2147483647, examples: [1] }),
  name: Type.String({ minLength: 1, maxLength: 200, examples: ['CGV Grand Indonesia'] }),
  address: Type.String({ minLength: 1, maxLength: 500, examples: ['Jl. M.H. Thamrin No.1, Jakarta'] }),
  contact_phone: NullableString({ pattern: '^[0-9+() -]{5,30}$', examples: ['021-1234567'] }),
  contact_email: NullableString({ format: 'email', maxLength: 254, examples: ['gi@cgv.com'] }),
  time_zone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA name', examples: ['Asia/Jakarta'] }),
  is_active: Type.Boolean({ examples: [true] }),
  orphan_seat_rule: Type.Boolean({ examples: [true] }),
  companion_needs_wheelchair: Type.Boolean({ examples: [true] }),
  sellout_alert_percents: Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), {
    minItems: 1,
    maxItems: 5,
    uniqueItems: true,
    description: 'Ascending, 1-100',
    examples: [[80, 95, 100]],
  }),
};

const movieFields = {
  title: Type.String({ minLength: 1, maxLength: 200, examples: ['Jumbo'] }),
  description: NullableString({ maxLength: 5000, examples: ['A boy sets out to win a village talent show.'] }),
  duration: Type.Integer({ minimum: 1, maximum: 600, description: 'Minutes, 1-600', examples: [102] }),
  genre: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20, examples: [['Animation', 'Family']] }),
  rating: NullableString({ minLength: 1, maxLength: 20, examples: ['SU'] }),
  director: NullableString({ minLength: 1, maxLength: 200, examples: ['Ryan Adriandhy'] }),
  cast: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100, examples: [['Prince Poetiray']] }),
  language: NullableString({ minLength: 1, maxLength: 50, examples: ['Indonesian'] }),
  release_date: NullableString({ format: 'date', examples: ['2026-03-31'] }),
  end_date: NullableString({ format: 'date', description: 'Not before release_date', examples: ['2026-05-31'] }),
  poster_url: NullableString({ format: 'uri', pattern: '^https?://', maxLength: 2000, examples: ['https://img.example.com/jumbo.jpg'] }),
};

type Fields = Record<string, TSchema>;
/** Every field optional, at least one sent; unknown fields are dropped. PUT and PATCH share it. */
const patchOf = <F extends Fields>(fields: F) => Type.Partial(Type.Object(fields), { minProperties: 1, additionalProperties: false });

export const CreateCityBody = Type.Object({ name: cityFields.name, province: Type.Optional(cityFields.province) }, { additionalProperties: false });
export type CreateCityBody = Static<typeof CreateCityBody>;
export const UpdateCityBody = patchOf(cityFields);
export type UpdateCityBody = Static<typeof UpdateCityBody>;

const { city_id, name, address, ...theaterOptional } = theaterFields;
export const CreateTheaterBody = Type.Object(
  {
    city_id,
    name,
    address,
    contact_phone: Type.Optional(theaterOptional.contact_phone),
    contact_email: Type.Optional(theaterOptional.contact_email),
    time_zone: Type.Optional(Type.String({ ...theaterOptional.time_zone, default: 'Asia/Jakarta' })),
    is_active: Type.Optional(Type.Boolean({ default: true })),
    orphan_seat_rule: Type.Optional(Type.Boolean({ default: true })),
    companion_needs_wheelchair: Type.Optional(Type.Boolean({ default: true })),
    sellout_alert_percents: Type.Optional(theaterOptional.sellout_alert_percents),
  },
  { additionalProperties: false },
);
export type CreateTheaterBody = Static<typeof CreateTheaterBody>;
export const UpdateTheaterBody = patchOf(theaterFields);
export type UpdateTheaterBody = Static<typeof UpdateTheaterBody>;

const { title, duration, ...movieOptional } = movieFields;
export const CreateMovieBody = Type.Object(
  { title, duration, ...Type.Partial(Type.Object(movieOptional)).properties },
  { additionalProperties: false },
);
export type CreateMovieBody = Static<typeof CreateMovieBody>;
export const UpdateMovieBody = patchOf(movieFields);
export type UpdateMovieBody = Static<typeof UpdateMovieBody>;

// ---- query strings ------------------------------------------------------------------------------

const Id = (description: string) => Type.Integer({ minimum: 1, maximum: 2147483647, description });
const LocalDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: "YYYY-MM-DD: screenings starting on that day in the theater's own time zone",
  examples: ['2026-12-25'],
});

export const CityTheatersQuery = Type.Object({
  include_inactive: Type.Optional(Type.Boolean({ default: false, description: 'Also list inactive theaters' })),
});
export type CityTheatersQuery = Static<typeof CityTheatersQuery>;

export const MoviesQuery = Type.Object({
  status: Type.Optional(
    Type.Enum(['now_showing', 'coming_soon'], {
      description: 'now_showing: released and not ended today; coming_soon: released after today (UTC dates)',
    }),
  ),
  city_id: Type.Optional(Id('Only movies with an upcoming open screening in this city')),
  q: Type.Optional(
    Type.String({
      maxLength: 100,
      description:
        'Title search, case and accents aside: titles with all these words (the last may be a beginning: "dune pa") ' +
        'or containing the text as typed; best match first (whole words, then words close together in a short title)',
      examples: ['dune part'],
    }),
  ),
});
export type MoviesQuery = Static<typeof MoviesQuery>;

export const TheaterScreeningsQuery = Type.Object({ date: Type.Optional(LocalDate), ...PageQuery });
export type TheaterScreeningsQuery = Static<typeof TheaterScreeningsQuery>;

export const MovieScreeningsQuery = Type.Object({
  city_id: Type.Optional(Id('Only screenings in this city')),
  date: Type.Optional(LocalDate),
  ...PageQuery,
});
export type MovieScreeningsQuery = Static<typeof MovieScreeningsQuery>;

const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({ description: 'ETag of the version you read; a stale one gets 412 and nothing changes', examples: ['"3"'] }),
  ),
});

// A screening in a browse list: the seed's fields plus the movie, theater, hall and local time.
export const BrowseScreeningSchema = Type.Object({
  ...ScreeningSchema.properties,
  local_time: Type.String({ description: "Start in the theater's time zone (YYYY-MM-DDTHH:MM)", examples: ['2026-12-25T19:30'] }),
  movie: Type.Object({
    id: Type.Integer(),
    title: Type.String(),
    duration: Type.Integer(),
    rating: StringOrNull({}),
    genre: Type.Array(Type.String()),
    poster_url: StringOrNull({}),
  }),
  theater: Type.Object({ id: Type.Integer(), name: Type.String(), city_id: Type.Integer(), time_zone: Type.String() }),
  hall: Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    screen_type: StringOrNull({}),
    capacity: Type.Integer({ description: 'Seats in the hall (with available_seats: how full the show is)' }),
  }),
  availability: Availability,
});

// ---- route schemas ------------------------------------------------------------------------------

const browse = ['browse'];
const catalog = ['catalog'];

/** The admin routes of one resource: create, update (PUT and PATCH), delete. */
function adminSchemas<R extends TSchema, C extends TSchema, U extends TSchema>(
  noun: string,
  resource: R,
  create: C,
  update: U,
  deleteRefusal: string,
) {
  return {
    create: {
      tags: catalog,
      summary: `Create a ${noun} (admin)`,
      description: 'Answers 201 with the new resource and its ETag.',
      body: create,
      response: { 201: Envelope(resource), ...problems(400, 401, 403, 409) },
    },
    update: {
      tags: catalog,
      summary: `Update a ${noun} (admin)`,
      description:
        'PUT and PATCH both change only the fields sent. With If-Match, a stale ETag answers 412 and nothing ' +
        'changes. The response carries the new ETag.',
      params: IdParams,
      headers: IfMatchHeaders,
      body: update,
      response: { 200: Envelope(resource), ...problems(400, 401, 403, 404, 409, 412) },
    },
    delete: {
      tags: catalog,
      summary: `Delete a ${noun} (admin)`,
      description: `Removes it for good (the audit log keeps its last state). ${deleteRefusal}`,
      params: IdParams,
      headers: IfMatchHeaders,
      response: { 200: Envelope(resource), ...problems(400, 401, 403, 404, 409, 412) },
    },
    get: {
      tags: browse,
      summary: `One ${noun}`,
      description: 'Public. The ETag header is the version to send as If-Match when changing it.',
      params: IdParams,
      response: { 200: Envelope(resource), ...problems(400, 404) },
    },
  };
}

export const citySchemas = {
  ...adminSchemas('city', CitySchema, CreateCityBody, UpdateCityBody, 'Refused with 409 in_use while it has theaters.'),
  list: {
    tags: browse,
    summary: 'Cities',
    description: 'Public. Every city, ordered by name.',
    response: { 200: Envelope(Type.Array(CitySchema)) },
  },
  theaters: {
    tags: browse,
    summary: 'Theaters of a city',
    description: 'Public. Active theaters of the city, ordered by name (include_inactive=true lists all).',
    params: IdParams,
    querystring: CityTheatersQuery,
    response: { 200: Envelope(Type.Array(TheaterSchema)), ...problems(400, 404) },
  },
};

export const theaterSchemas = {
  ...adminSchemas('theater', TheaterSchema, CreateTheaterBody, UpdateTheaterBody, 'Refused with 409 in_use while it has halls.'),
  screenings: {
    tags: browse,
    summary: 'Upcoming screenings of a theater',
    description:
      "Public. Open screenings that have not started, soonest first; `date` picks a day in the theater's time " +
      'zone. Paginated: pass meta.next_cursor as cursor.',
    params: IdParams,
    querystring: TheaterScreeningsQuery,
    response: { 200: Envelope(Type.Array(BrowseScreeningSchema), { meta: ListMeta }), ...problems(400, 404) },
  },
};

export const showtimeSchema = {
  tags: browse,
  summary: 'One screening on sale, as the browse lists show it (public)',
  description:
    'The movie, theater, hall (with its capacity), local time and `price_from` of an upcoming open screening; 404 when it is past, closed or unknown. ' +
    "The seed's `GET /screenings/{id}` keeps its token; this is the customer site's read.",
  params: IdParams,
  response: { 200: Envelope(BrowseScreeningSchema), ...problems(400, 404) },
};

export const movieSchemas = {
  ...adminSchemas('movie', MovieSchema, CreateMovieBody, UpdateMovieBody, 'Refused with 409 in_use while it has screenings.'),
  list: {
    tags: browse,
    summary: 'Movies',
    description:
      'Public. Filters combine. Ordered by release date (newest first, undated last), then title; at most 100 ' +
      'movies. Dates are compared with today in UTC.',
    querystring: MoviesQuery,
    response: { 200: Envelope(Type.Array(MovieSchema)), ...problems(400) },
  },
  screenings: {
    tags: browse,
    summary: 'Upcoming screenings of a movie',
    description:
      "Public. Open screenings that have not started, soonest first; `date` is a day in each theater's time zone. " +
      'Paginated: pass meta.next_cursor as cursor.',
    params: IdParams,
    querystring: MovieScreeningsQuery,
    response: { 200: Envelope(Type.Array(BrowseScreeningSchema), { meta: ListMeta }), ...problems(400, 404) },
  },
};
