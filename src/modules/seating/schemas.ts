import { Type, type Static } from 'typebox';
import { Availability, Envelope, IdParams, problems } from '../../http/schemas.ts';

export const SeatStatus = Type.Enum(['available', 'held', 'sold', 'blocked']);

const Seat = Type.Object({
  id: Type.Integer({ examples: [17] }),
  label: Type.String({ examples: ['C7'] }),
  row: Type.String({ examples: ['C'] }),
  number: Type.Integer({ examples: [7] }),
  type: Type.Enum(['regular', 'vip', 'couple', 'wheelchair', 'companion']),
  x: Type.Integer(),
  y: Type.Integer(),
  status: SeatStatus,
  price: Type.Number({ description: 'What this seat costs now: the price a hold will charge', examples: [75000] }),
  pair_seat_id: Type.Optional(Type.Integer({ description: 'Couple seat partner (couple seats only)' })),
  companion_for_seat_id: Type.Optional(Type.Integer({ description: 'Wheelchair seat served (companion seats only)' })),
});

export const SeatMapSchema = Type.Object({
  screening_id: Type.Integer(),
  version: Type.Integer({ description: 'Increases with every change of seat states of this screening (live deltas carry it)' }),
  on_sale: Type.Boolean({ description: 'Future, scheduled and available' }),
  currency: Type.String({ examples: ['IDR'] }),
  hall: Type.Object({
    id: Type.Integer(),
    name: Type.String(),
    screen_type: Type.Union([Type.String(), Type.Null()]),
    screen: Type.String({ examples: ['top'] }),
    aisles: Type.Array(Type.Integer()),
  }),
  counts: Type.Object({ available: Type.Integer(), held: Type.Integer(), sold: Type.Integer(), blocked: Type.Integer() }),
  availability: Availability,
  seats: Type.Array(Seat),
});

export const BlockBody = Type.Object({
  seat_ids: Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }), { minItems: 1, maxItems: 500, examples: [[1, 2]] }),
  reason: Type.Optional(Type.String({ maxLength: 200, examples: ['house seats'] })),
});
export type BlockBody = Static<typeof BlockBody>;

export const seatMapSchema = {
  tags: ['seating'],
  summary: "A screening's seat map",
  description:
    'The hall layout with every seat’s status and price. Public. Supports If-None-Match (304). ' +
    'A seat held by an expired hold shows as available.',
  params: IdParams,
  response: {
    200: Envelope(SeatMapSchema),
    304: Type.Null({ description: 'Not modified' }),
    ...problems(400, 404),
  },
};

const BlockResult = Type.Object({
  screening_id: Type.Integer(),
  seat_ids: Type.Array(Type.Integer()),
  status: Type.Enum(['blocked', 'available']),
});

export const blockSchema = {
  tags: ['seating'],
  summary: 'Block seats of a screening (admin)',
  description: 'All or nothing: 409 seat_unavailable lists the seats that are held or sold.',
  params: IdParams,
  body: BlockBody,
  response: { 200: Envelope(BlockResult), ...problems(400, 401, 403, 404, 409) },
};

export const unblockSchema = { ...blockSchema, summary: 'Unblock seats of a screening (admin)' };
