import { Type, type Static } from 'typebox';
import { Envelope, IdParams, problems, QueuedProblemSchema, Timestamp } from '../../http/schemas.ts';

export const HoldSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  screening_id: Type.Integer(),
  seat_ids: Type.Array(Type.Integer(), { examples: [[41, 42]] }),
  prices: Type.Array(Type.Number(), { description: 'Price of each seat, in seat_ids order', examples: [[75000, 75000]] }),
  seats: Type.Array(
    Type.Object({
      id: Type.Integer(),
      label: Type.String({ description: 'As printed on the seat: row label and number', examples: ['E7'] }),
      price: Type.Number({ examples: [75000] }),
    }),
    { description: 'Each seat of the hold with its label and price, in seat_ids order' },
  ),
  total_amount: Type.Number({ examples: [150000] }),
  currency: Type.String({ examples: ['IDR'] }),
  status: Type.Enum(['active', 'released', 'expired', 'converted']),
  reserved_until: Timestamp('The hold ends then unless paid'),
  replaced_hold_ids: Type.Optional(Type.Array(Type.String(), { description: 'Your previous holds this one replaced' })),
});

// The request bodies take their limits from the config (HOLD_MAX_SEATS), so the OpenAPI document
// says what this server accepts; routes.ts answers a body over them with too_many_seats.
export const HoldBody = (maxSeats: number) =>
  Type.Object({
    seat_ids: Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }), {
      minItems: 1,
      maxItems: maxSeats,
      description: `At most ${maxSeats} (HOLD_MAX_SEATS); more answers 400 too_many_seats`,
      examples: [[41, 42]],
    }),
  });
export type HoldBody = Static<ReturnType<typeof HoldBody>>;

export const BestBody = (maxSeats: number) =>
  Type.Object({
    count: Type.Integer({ minimum: 1, maximum: maxSeats, description: `At most ${maxSeats} (HOLD_MAX_SEATS)`, examples: [3] }),
    seat_type: Type.Optional(Type.Enum(['regular', 'vip', 'couple', 'wheelchair'])),
  });
export type BestBody = Static<ReturnType<typeof BestBody>>;

export const HoldParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

const idempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: 'Retries with the same key return the first answer', maxLength: 255 })),
});

// the limits against hoarding (hold-limits.ts, hold-attempts.ts), as both hold routes answer them
const HOLD_LIMITS =
  'Limits: hold_limit_reached (409, `held`, `max`) past the seats one account may hold at once across screenings; ' +
  'seat_limit_per_screening (409, `bought`, `max`) past the seats one customer may hold and have bought for a screening; ' +
  'hold_renewal_limit (409, Retry-After) when your holds for the screening ran for the longest time allowed ' +
  '(re-posting or replacing a hold never extends it past that); rate_limited (429, Retry-After) past the hold attempts ' +
  'a minute of your account or address; waiting_room (429, Retry-After, `position`, `ahead`, `retry_after_ms`) while a rush ' +
  "keeps the screening's waiting room engaged and your turn has not come (the request is not run: ask where you are " +
  'with POST /screenings/{id}/waiting-room and send it again when let through).';

export const createHoldSchema = (maxSeats: number) => ({
  tags: ['holds'],
  summary: 'Hold seats (all or nothing)',
  description:
    'Holds the seats for HOLD_TTL_SECONDS (10 minutes by default). A new hold replaces your previous hold for the ' +
    'same screening. 409 seat_unavailable lists the seats that were taken (`seat_ids`, and `seat_labels` ' +
    'such as E7; `cause`: fast_path, contended or taken); ' +
    'seat rules answer couple_seat_pair, companion_seat_alone (400) or orphan_seat (409); hold_in_checkout (409) while ' +
    'your current hold is being paid; hold_in_progress (409) when another hold request of yours for the screening came first. ' +
    HOLD_LIMITS,
  params: IdParams,
  headers: idempotencyHeader,
  body: HoldBody(maxSeats),
  response: { 201: Envelope(HoldSchema), ...problems(400, 401, 404, 409, 422), 429: QueuedProblemSchema },
});

export const bestAvailableSchema = (maxSeats: number) => ({
  tags: ['holds'],
  summary: 'Hold the best N adjacent seats',
  description:
    'Picks `count` adjacent free seats in one row block, nearest the middle of the hall (rows a third of the way ' +
    'back first), respecting the seat rules, and holds them atomically. 409 not_enough_adjacent_seats when none fit. ' +
    HOLD_LIMITS,
  params: IdParams,
  headers: idempotencyHeader,
  body: BestBody(maxSeats),
  response: { 201: Envelope(HoldSchema), ...problems(400, 401, 404, 409, 422), 429: QueuedProblemSchema },
});

export const getHoldSchema = {
  tags: ['holds'],
  summary: 'One of your holds',
  params: HoldParams,
  response: { 200: Envelope(HoldSchema), ...problems(400, 401, 404) },
};

export const releaseHoldSchema = {
  tags: ['holds'],
  summary: 'Release a hold now',
  description: 'The seats are free at once. Owner or admin.',
  params: HoldParams,
  response: { 200: Envelope(HoldSchema), ...problems(400, 401, 404, 409) },
};
