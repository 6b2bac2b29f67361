import { Type, type Static } from 'typebox';
import { PageQuery } from '../../http/paging.ts';
import { Envelope, IdParams, ListMeta, problems, Timestamp } from '../../http/schemas.ts';

export const SEAT_TYPES = ['regular', 'vip', 'couple', 'wheelchair', 'companion'] as const;
export type SeatType = (typeof SEAT_TYPES)[number];

// Field-level shape (types, ranges, label pattern) is checked here and answers 400
// validation_failed; the rules between seats (duplicates, pairs, companions, aisles) are layout.ts's
// and answer 400 invalid_layout with every problem listed.
const Coord = (description: string) => Type.Integer({ minimum: 0, maximum: 999, description });
const SeatNumber = (description: string, example: number) => Type.Integer({ minimum: 1, maximum: 9999, description, examples: [example] });

const seatFields = {
  number: SeatNumber('Seat number, unique within its row', 1),
  x: Coord('Column, 0-999; aisle columns stay empty'),
  type: Type.Enum([...SEAT_TYPES], { description: 'regular | vip | couple | wheelchair | companion' }),
  pair_with: Type.Optional(SeatNumber('Couple seats only: number of the partner seat, same row, adjacent (x +/- 1), pointing back', 2)),
  companion_for: Type.Optional(SeatNumber('Companion seats only (required there): number of the wheelchair seat it serves, same row', 3)),
};

export const LayoutSeatIn = Type.Object({
  ...seatFields,
  id: Type.Optional(Type.Integer({ description: 'Ignored on input: seats are matched by row label and number' })),
  y: Type.Optional(Coord('Distance from the screen, 0-999; defaults to the row index')),
});

const layoutExample = {
  screen: 'top',
  aisles: [2],
  rows: [
    {
      label: 'A',
      seats: [
        { number: 1, x: 0, type: 'wheelchair' },
        { number: 2, x: 1, type: 'companion', companion_for: 1 },
        { number: 3, x: 3, type: 'regular' },
      ],
    },
    {
      label: 'B',
      seats: [
        { number: 1, x: 0, type: 'couple', pair_with: 2 },
        { number: 2, x: 1, type: 'couple', pair_with: 1 },
        { number: 3, x: 3, type: 'vip' },
      ],
    },
  ],
};

export const LayoutIn = Type.Object(
  {
    screen: Type.Optional(Type.Literal('top', { default: 'top', description: 'Where the screen is drawn' })),
    aisles: Type.Optional(Type.Array(Coord('An x column kept empty'), { maxItems: 1000, default: [], examples: [[4, 13]] })),
    rows: Type.Array(
      Type.Object({
        label: Type.String({ pattern: '^[A-Z0-9]{1,4}$', description: '1-4 characters A-Z 0-9', examples: ['A'] }),
        seats: Type.Array(LayoutSeatIn, { maxItems: 2000 }),
      }),
      { minItems: 1, maxItems: 2000, description: 'In any order; at most 2000 seats in all' },
    ),
  },
  { examples: [layoutExample] },
);
export type LayoutIn = Static<typeof LayoutIn>;

/** The stored layout rebuilt from the active seats: the input format with each seat's id and y. */
export const LayoutOut = Type.Object({
  screen: Type.Literal('top'),
  aisles: Type.Array(Type.Integer()),
  rows: Type.Array(
    Type.Object({
      label: Type.String(),
      seats: Type.Array(Type.Object({ id: Type.Integer({ examples: [101] }), ...seatFields, y: Type.Integer({ minimum: 0 }) })),
    }),
  ),
});

const hallFields = {
  id: Type.Integer({ examples: [11] }),
  theater_id: Type.Integer({ examples: [1] }),
  name: Type.String({ examples: ['Hall 3'] }),
  screen_type: Type.Union([Type.String(), Type.Null()], { examples: ['IMAX'] }),
  has_3d_capability: Type.Boolean(),
  capacity: Type.Integer({ description: 'Number of seats in the layout (derived, never posted)', examples: [150] }),
  version: Type.Integer({ description: 'Row version; the ETag carries it', examples: [1] }),
  created_at: Timestamp('Created'),
  updated_at: Timestamp('Last change'),
};

export const HallSchema = Type.Object(hallFields);
export const HallWithLayout = Type.Object({ ...hallFields, layout: LayoutOut });

const HallName = Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', examples: ['Hall 3'] });
const ScreenType = Type.Union([Type.String({ minLength: 1, maxLength: 50 }), Type.Null()], {
  description: 'e.g. IMAX, 4DX, Regular; null for none',
  examples: ['IMAX'],
});

export const CreateHallBody = Type.Object(
  {
    theater_id: Type.Integer({ minimum: 1, maximum: 2147483647, examples: [1] }),
    name: HallName,
    screen_type: Type.Optional(ScreenType),
    has_3d_capability: Type.Optional(Type.Boolean({ default: false })),
    layout: LayoutIn,
  },
  { examples: [{ theater_id: 1, name: 'Hall 3', screen_type: 'Regular', layout: layoutExample }] },
);
export type CreateHallBody = Static<typeof CreateHallBody>;

export const UpdateHallBody = Type.Object(
  {
    name: Type.Optional(HallName),
    screen_type: Type.Optional(ScreenType),
    has_3d_capability: Type.Optional(Type.Boolean()),
  },
  { minProperties: 1, description: 'Only the fields sent change; the layout has its own route' },
);
export type UpdateHallBody = Static<typeof UpdateHallBody>;

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag last read; a stale one answers 412 and changes nothing', examples: ['"3"'] })),
});

export const TheaterHallsQuery = Type.Object({
  limit: PageQuery.limit,
  cursor: PageQuery.cursor,
});
export type TheaterHallsQuery = Static<typeof TheaterHallsQuery>;

const tags = ['halls'];
const etagHeader = { ETag: { type: 'string', description: 'The hall version, for If-Match' } };

export const getSchema = {
  tags,
  summary: 'One hall with its seat layout (public)',
  description: 'The layout is rebuilt from the active seats, in the format it is posted in, with seat ids.',
  params: IdParams,
  response: { 200: { ...Envelope(HallWithLayout), headers: etagHeader }, ...problems(400, 404) },
};

export const listByTheaterSchema = {
  tags,
  summary: "A theater's halls (public)",
  description: 'Without layouts, oldest first. Paginated: pass meta.next_cursor as cursor.',
  params: IdParams,
  querystring: TheaterHallsQuery,
  response: { 200: Envelope(Type.Array(HallSchema), { meta: ListMeta }), ...problems(400, 404) },
};

export const createSchema = {
  tags,
  summary: 'Create a hall with its seat layout (admin)',
  description:
    'The layout is validated as a whole: every problem is listed in `problems` of a 400 invalid_layout. ' + 'Capacity is the number of seats.',
  body: CreateHallBody,
  response: { 201: { ...Envelope(HallWithLayout), headers: etagHeader }, ...problems(400, 401, 403, 409) },
};

export const updateSchema = {
  tags,
  summary: 'Update a hall (admin)',
  description:
    'Partial: name, screen_type, has_3d_capability. PUT and PATCH behave alike. Send If-Match with the ETag read; ' +
    'turning 3D off is refused while upcoming 3D screenings use the hall.',
  params: IdParams,
  headers: IfMatchHeaders,
  body: UpdateHallBody,
  response: { 200: { ...Envelope(HallSchema), headers: etagHeader }, ...problems(400, 401, 403, 404, 409, 412) },
};

export const replaceLayoutSchema = {
  tags,
  summary: "Replace a hall's seat layout (admin)",
  description:
    'Seats are matched to existing ones by row label and number, so their ids (and tickets) stay. Seats left out ' +
    'are retired; that is refused with 409 layout_removes_sold_seats while one is sold or held in a screening ' +
    'that has not ended. Upcoming screenings gain the added seats and lose the removed ones.',
  params: IdParams,
  headers: IfMatchHeaders,
  body: LayoutIn,
  response: { 200: { ...Envelope(HallWithLayout), headers: etagHeader }, ...problems(400, 401, 403, 404, 409, 412) },
};

export const deleteSchema = {
  tags,
  summary: 'Delete a hall (admin)',
  description: 'Refused with 409 in_use while any screening (past or future) uses the hall; its seats go with it.',
  params: IdParams,
  headers: IfMatchHeaders,
  response: { 200: Envelope(HallSchema), ...problems(400, 401, 403, 404, 409, 412) },
};
