// Schemas shared by every module: the seed's success envelope, problem+json, ids, money and times.
import { Type, type TSchema } from 'typebox';

/** `{success: true, message, data}`: the seed's envelope, kept for every success. */
export const Envelope = <T extends TSchema>(data: T, extra: Record<string, TSchema> = {}) =>
  Type.Object({ success: Type.Boolean({ examples: [true] }), message: Type.String(), data, ...extra });

export const ListMeta = Type.Object({
  next_cursor: Type.Union([Type.String(), Type.Null()]),
  limit: Type.Integer(),
});

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable, machine-readable error code' }),
    success: Type.Boolean({ examples: [false] }),
    message: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    seat_ids: Type.Optional(Type.Array(Type.Integer(), { description: 'Seat refusals: the seats concerned' })),
    seat_labels: Type.Optional(
      Type.Array(Type.String(), { description: 'The same seats as people see them (E7), in seat_ids order', examples: [['E7', 'E8']] }),
    ),
  },
  { additionalProperties: true, description: 'application/problem+json (RFC 9457)' },
);

/** 429 on a hold route: rate_limited, or waiting_room with the customer's place (modules/waiting-room). */
export const QueuedProblemSchema = Type.Object(
  {
    ...ProblemSchema.properties,
    position: Type.Optional(Type.Integer({ minimum: 1, description: "waiting_room: your place in the screening's queue" })),
    ahead: Type.Optional(Type.Integer({ minimum: 0, description: 'waiting_room: places before yours not yet let through' })),
    retry_after_ms: Type.Optional(Type.Integer({ minimum: 0, description: 'waiting_room: when to ask again (POST .../waiting-room)' })),
  },
  {
    additionalProperties: true,
    description:
      "Rate limited (rate_limited), or in the screening's waiting room (waiting_room: the request was not run; " +
      '`position`, `ahead`, `retry_after_ms`, Retry-After)',
  },
);

/** Error responses for a route, by status. */
export const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { ...ProblemSchema, description: problemDescriptions[s] ?? 'Error' }]));

const problemDescriptions: Record<number, string> = {
  400: 'Invalid request',
  401: 'Missing, expired or invalid token',
  403: 'Wrong role',
  404: 'Not found',
  409: 'Conflict with the current state',
  412: 'Stale If-Match',
  413: 'Body too large',
  422: 'Idempotency-Key reused with another body',
  429: 'Rate limited',
  503: 'Dependency unavailable',
};

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647, description: 'Numeric id' }) });

/** An amount in the currency's major unit, at most two decimals, whole for a currency paid in whole units such as IDR (checked exactly: http/amounts.ts). */
export const Amount = (description: string, example: number) =>
  Type.Number({ exclusiveMinimum: 0, maximum: 9999999999.99, description, examples: [example] });

export const Timestamp = (description: string) =>
  Type.String({ format: 'date-time', description: `${description} (RFC 3339 with offset)`, examples: ['2026-12-25T18:00:00Z'] });

/** How full a show is, as customers are told (the SQL function availability()). */
export const Availability = Type.Enum(['available', 'almost_full', 'sold_out'], {
  description:
    "sold_out: no seat left to take; almost_full: the seats taken (held or sold) reach the theater's lowest sell-out alert threshold (80 % by default)",
});

export function ok<T>(message: string, data: T) {
  return { success: true as const, message, data };
}
