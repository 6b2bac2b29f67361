import { Type, type Static } from 'typebox';
import { PageQuery } from '../../http/paging.ts';
import { Amount, Envelope, IdParams, ListMeta, problems, Timestamp } from '../../http/schemas.ts';

export const ScreeningSchema = Type.Object({
  id: Type.Integer({ examples: [1] }),
  movie_id: Type.Integer({ examples: [1] }),
  theater_id: Type.Integer({ examples: [1] }),
  hall_id: Type.Integer({ examples: [1] }),
  show_time: Timestamp('Start'),
  end_time: Timestamp('show_time + the movie duration'),
  price: Type.Number({ description: "Base price as set (a seat's price adds its type's surcharge and the theater's rules)", examples: [50000] }),
  price_3d: Type.Union([Type.Number(), Type.Null()], { description: 'Base price of a 3D show, as set', examples: [75000] }),
  price_from: Type.Union([Type.Number(), Type.Null()], {
    description: 'What the cheapest seat of this show costs, as its seat map prices it: the price to show a customer ("from")',
    examples: [65000],
  }),
  currency: Type.String({ examples: ['IDR'] }),
  available_seats: Type.Integer({ description: 'Seats not sold or blocked', examples: [150] }),
  is_3d: Type.Boolean(),
  is_available: Type.Boolean({ description: 'false once deleted (soft) or closed for sale' }),
  status: Type.Enum(['scheduled', 'cancelled']),
  created_at: Timestamp('Created'),
  updated_at: Timestamp('Last change'),
});

export const CreateScreeningBody = Type.Object({
  movie_id: Type.Integer({ minimum: 1, maximum: 2147483647, examples: [1] }),
  theater_id: Type.Integer({ minimum: 1, maximum: 2147483647, examples: [1] }),
  hall_id: Type.Integer({ minimum: 1, maximum: 2147483647, examples: [1] }),
  show_time: Timestamp('Start'),
  price: Amount('Ticket price: whole rupiah for IDR (at most 2 decimals in a currency with cents)', 50000),
  price_3d: Type.Optional(Amount('Price when the screening is 3D', 75000)),
  is_3d: Type.Optional(Type.Boolean({ default: false })),
});
export type CreateScreeningBody = Static<typeof CreateScreeningBody>;

export const UpdateScreeningBody = Type.Partial(
  Type.Object({
    movie_id: Type.Integer({ minimum: 1, maximum: 2147483647, examples: [1] }),
    theater_id: Type.Integer({ minimum: 1, maximum: 2147483647, examples: [1] }),
    hall_id: Type.Integer({ minimum: 1, maximum: 2147483647, examples: [1] }),
    show_time: Timestamp('Start'),
    price: Amount('Ticket price', 50000),
    price_3d: Amount('3D price', 75000),
    is_3d: Type.Boolean(),
    is_available: Type.Boolean(),
  }),
);
export type UpdateScreeningBody = Static<typeof UpdateScreeningBody>;

const FilterId = (what: string) => Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: `Only this ${what}` }));

export const ListQuery = Type.Object({
  ...PageQuery,
  city_id: FilterId('city'),
  theater_id: FilterId('theater'),
  movie_id: FilterId('movie'),
  date: Type.Optional(
    Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: "Local date in the theater's time zone", examples: ['2026-12-24'] }),
  ),
  from: Type.Optional(Timestamp('Starting at or after')),
  to: Type.Optional(Timestamp('Starting before')),
});
export type ListQuery = Static<typeof ListQuery>;

const tags = ['screenings'];

export const listSchema = {
  tags,
  summary: 'Upcoming screenings',
  description:
    'Future screenings that are open, soonest first, optionally filtered (a date is the local date of each ' +
    "screening's theater). Paginated: pass meta.next_cursor as cursor. Cached for up to 5 s.",
  querystring: ListQuery,
  response: { 200: Envelope(Type.Array(ScreeningSchema), { meta: ListMeta }), ...problems(400, 401) },
};

export const getSchema = {
  tags,
  summary: 'One screening',
  description: 'Carries an ETag (the row version) for If-Match on PUT and DELETE.',
  params: IdParams,
  response: { 200: Envelope(ScreeningSchema), ...problems(400, 401, 404) },
};

export const createSchema = {
  tags,
  summary: 'Create a screening (admin)',
  description:
    'end_time is show_time plus the movie duration. The hall must belong to the theater, be free at that time ' +
    '(with the cleaning gap) and be 3D-capable for a 3D show.',
  body: CreateScreeningBody,
  response: { 201: Envelope(ScreeningSchema), ...problems(400, 401, 403, 409) },
};

export const updateSchema = {
  tags,
  summary: 'Update a screening (admin)',
  description:
    'Fields left out keep their value. The same checks as on create apply to the result. ' +
    'Optional If-Match: a stale ETag -> 412 and nothing changes.',
  params: IdParams,
  body: UpdateScreeningBody,
  response: { 200: Envelope(ScreeningSchema), ...problems(400, 401, 403, 404, 409, 412) },
};

export const deleteSchema = {
  tags,
  summary: 'Delete a screening (admin, soft)',
  description: 'Sets is_available to false. Refused with 409 while it has sold tickets: cancel the show instead. Optional If-Match.',
  params: IdParams,
  response: { 200: Envelope(ScreeningSchema), ...problems(400, 401, 403, 404, 409, 412) },
};

export const dayScheduleSchema = {
  tags,
  summary: "A theater's day: its halls and every screening on that local day (admin)",
  description:
    'For the schedule page: the screenings that start that day and any from the evening before still running after midnight; closed and cancelled screenings too, each with its version (the ETag If-Match takes on PUT ' +
    'and DELETE) and its seats sold, and the cleaning gap the overlap check keeps between two shows of a hall.',
  params: IdParams,
  querystring: Type.Object({
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: "Local date in the theater's time zone", examples: ['2026-12-24'] }),
  }),
  response: {
    200: Envelope(
      Type.Object({
        theater: Type.Object({ id: Type.Integer(), name: Type.String(), time_zone: Type.String() }),
        date: Type.String(),
        cleaning_gap_minutes: Type.Integer(),
        halls: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), supports_3d: Type.Boolean() })),
        screenings: Type.Array(
          Type.Object({
            id: Type.Integer(),
            hall_id: Type.Integer(),
            movie_id: Type.Integer(),
            movie_title: Type.String(),
            show_time: Timestamp('Start'),
            end_time: Timestamp('End'),
            local_start: Type.String({ examples: ['19:30'] }),
            local_end: Type.String({ examples: ['22:15'] }),
            start_minute: Type.Integer({ description: "Minutes from the day's local midnight; negative for a show that began the evening before" }),
            end_minute: Type.Integer({ description: "Minutes from the day's local midnight; over 1440 past the next midnight" }),
            status: Type.Enum(['scheduled', 'cancelled']),
            is_available: Type.Boolean(),
            is_3d: Type.Boolean(),
            price: Type.Number(),
            sold_seats: Type.Integer(),
            version: Type.Integer(),
          }),
        ),
      }),
    ),
    ...problems(400, 401, 403, 404),
  },
};
