// Wire shapes of refunds, quotes and refund policies, and the route schemas that validate, type,
// filter and document them.
import { Type } from 'typebox';
import { Envelope, IdParams, ListMeta, problems, Timestamp } from '../../http/schemas.ts';
import { PageQuery } from '../../http/paging.ts';
import { REFUND_STATUSES } from './queries.ts';

export const MAX_TIERS = 10;
/** A grace period of at most a day (the column's check, migration 017). */
export const MAX_GRACE_MINUTES = 1440;

const Money = (description: string) => Type.Number({ description, examples: [50_000] });
const Nullable = <T extends ReturnType<typeof Type.String>>(s: T) => Type.Union([s, Type.Null()]);

const TierSchema = Type.Object({
  min_hours_before: Type.Integer({
    minimum: 0,
    maximum: 8760,
    description: 'Applies when at least this many hours are left before the show',
    examples: [24],
  }),
  percent: Type.Integer({ minimum: 0, maximum: 100, description: 'Share of each seat price returned', examples: [100] }),
});

const GraceMinutes = Type.Integer({
  minimum: 0,
  maximum: MAX_GRACE_MINUTES,
  description: 'Purchase grace period: a refund asked for within this many minutes of buying returns everything paid (seats and fee); 0 = off',
  examples: [15],
});
const GraceMinHours = Type.Integer({
  minimum: 0,
  maximum: 8760,
  description: 'The grace period applies only while the show is at least this many hours away',
  examples: [2],
});

// The tier a quote applied: one of the policy's tiers, or the purchase grace period.
const AppliedTierSchema = Type.Object({
  kind: Type.Enum(['standard', 'grace'], { description: "grace: within the policy's grace_minutes of buying (100 %, fee included)" }),
  min_hours_before: TierSchema.properties.min_hours_before,
  percent: TierSchema.properties.percent,
});

export const PolicySchema = Type.Object({
  theater_id: Type.Union([Type.Integer(), Type.Null()], { description: 'null for the default policy' }),
  source: Type.Enum(['default', 'theater'], { description: "theater: the theater's own override; default: the default applies" }),
  tiers: Type.Array(TierSchema, { description: 'Largest min_hours_before first; before the last tier nothing is refunded' }),
  fees_refundable: Type.Boolean({ description: 'The payment fee is returned (at the tier percent) by the refund that leaves no seat sold' }),
  review_threshold: Type.Union([Type.Number(), Type.Null()], {
    description: "A customer's refund above this amount waits for staff review; null = never",
  }),
  rounding: Type.Enum(['half_up', 'down'], { description: 'Per-seat rounding of percentages to the smallest unit paid (a whole rupiah for IDR)' }),
  grace_minutes: GraceMinutes,
  grace_min_hours_before: GraceMinHours,
  version: Type.Integer(),
  updated_at: Timestamp('Last change'),
});

const PolicyBody = Type.Object(
  {
    tiers: Type.Optional(Type.Array(TierSchema, { maxItems: MAX_TIERS })),
    fees_refundable: Type.Optional(Type.Boolean()),
    // nullable the OpenAPI way: a union would let ajv's type coercion turn null into 0
    review_threshold: Type.Optional(
      Type.Unsafe<number | null>({ type: 'number', nullable: true, minimum: 0, maximum: 9999999999.99, description: 'null: no review' }),
    ),
    rounding: Type.Optional(Type.Enum(['half_up', 'down'])),
    grace_minutes: Type.Optional(GraceMinutes),
    grace_min_hours_before: Type.Optional(GraceMinHours),
  },
  { minProperties: 1, description: 'Only the fields sent change; a new theater override starts from the default' },
);

const IfMatch = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'The ETag last read; a stale one answers 412 and changes nothing', examples: ['"3"'] })),
});
const etag = (what: string) => ({ ETag: { type: 'string', description: `The ${what} version, for If-Match` } });

const QuoteSeat = Type.Object({ id: Type.Integer(), label: Type.String(), price: Money('Paid for the seat'), refund: Money('Returned for it') });

export const QuoteSchema = Type.Object({
  ticket_id: Type.String({ format: 'uuid' }),
  refundable: Type.Boolean(),
  reason_code: Nullable(
    Type.String({ description: 'Why not, when refundable is false (the code POST would answer)', examples: ['refund_not_allowed'] }),
  ),
  reason: Nullable(Type.String()),
  percent: Type.Integer({ description: 'Of each seat price, by the tier that applies now' }),
  tier: Type.Union([AppliedTierSchema, Type.Null()]),
  deadline: Nullable(
    Timestamp('When this tier ends (show time minus its hours; a grace period also ends its minutes after purchase); null when none applies'),
  ),
  seats: Type.Array(QuoteSeat),
  fee_refund: Money('Fee returned'),
  amount: Money('Total returned: seat refunds + fee refund'),
  currency: Type.String({ examples: ['IDR'] }),
  needs_review: Type.Boolean({ description: 'Over the review threshold: staff approve it first' }),
  show_time: Timestamp('The show'),
  quoted_at: Timestamp("The database's now, which the tiers were measured from"),
  policy: PolicySchema,
});

export const RefundSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  ticket_id: Type.String({ format: 'uuid' }),
  screening_id: Type.Integer(),
  status: Type.Enum([...REFUND_STATUSES]),
  amount: Money('Returned in all'),
  fee_amount: Money('Of which fee'),
  currency: Type.String({ examples: ['IDR'] }),
  seat_ids: Type.Array(Type.Integer()),
  percent: Type.Union([Type.Integer(), Type.Null()]),
  seats: Type.Array(QuoteSeat, { description: 'Per seat, as quoted when asked' }),
  reason: Nullable(Type.String()),
  initiated_by: Type.Enum(['customer', 'cinema', 'system']),
  requested_by: Type.Union([Type.Integer(), Type.Null()]),
  cancellation_id: Type.Union([Type.Integer(), Type.Null()]),
  failure_code: Nullable(Type.String({ description: "The gateway's reason when failed", examples: ['refund_declined'] })),
  gateway_refund_id: Nullable(Type.String()),
  review: Type.Union([
    Type.Object({ by: Type.Union([Type.Integer(), Type.Null()]), at: Timestamp('Reviewed'), note: Nullable(Type.String()) }),
    Type.Null(),
  ]),
  requested_at: Timestamp('Asked for'),
  processed_at: Nullable(Timestamp('Settled (succeeded, failed or rejected)')),
  updated_at: Timestamp('Last change'),
});

const TicketParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const RefundParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const tags = ['refunds'];

export const quoteSchema = {
  tags,
  summary: 'What a refund would return now, and why (owner or admin)',
  description:
    'Applies the refund policy of the theater (a purchase grace period first, then tiers by hours before the show, on ' +
    'the database clock; fees; rounding per seat). `seat_ids=1,2` quotes some seats; without it every seat still sold. A refusal is reported as ' +
    '`refundable: false` with the `reason_code` POST would answer. Seats not on the ticket: 400 seats_not_in_ticket.',
  params: TicketParams,
  querystring: Type.Object({
    seat_ids: Type.Optional(Type.String({ pattern: '^[0-9]{1,10}(,[0-9]{1,10}){0,99}$', description: 'Comma-separated seat ids' })),
  }),
  response: { 200: Envelope(QuoteSchema), ...problems(400, 401, 404) },
};

export const requestSchema = {
  tags,
  summary: 'Refund a ticket, whole or some seats (owner; Idempotency-Key)',
  description:
    '201 with the succeeded refund (seats back on sale, ticket partially_refunded or refunded); 202 when it waits for ' +
    'staff review (pending_review) or the gateway did not confirm in time (processing: it completes by itself). ' +
    '409 refund_not_allowed, ticket_already_refunded, ticket_checked_in, screening_started, screening_cancelled, ' +
    'refund_in_progress, ticket_not_paid; 400 seats_not_in_ticket; 502 refund_declined / gateway_error and 503 ' +
    'gateway_unavailable leave the ticket, seats and money as they were (the failed refund is in `refund`).',
  params: TicketParams,
  headers: Type.Object({
    'idempotency-key': Type.String({ minLength: 1, maxLength: 255, description: 'Required: retries return the first answer' }),
  }),
  body: Type.Object({
    seat_ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 2147483647 }), { minItems: 1, maxItems: 100, uniqueItems: true })),
    reason: Type.String({ minLength: 1, maxLength: 500, examples: ['Cannot make it'] }),
  }),
  response: {
    201: Envelope(RefundSchema),
    202: Envelope(RefundSchema),
    ...problems(400, 401, 403, 404, 409, 422, 502, 503),
  },
};

export const getSchema = {
  tags,
  summary: 'One refund (owner of the ticket or admin)',
  params: RefundParams,
  response: { 200: { ...Envelope(RefundSchema), headers: etag('refund') }, ...problems(400, 401, 404) },
};

export const listSchema = {
  tags,
  summary: 'Refunds, newest first (admin)',
  description: 'Filters: status, ticket_id, screening_id, initiated_by, from / to (requested at, RFC 3339). Keyset pages.',
  querystring: Type.Object({
    ...PageQuery,
    status: Type.Optional(Type.Enum([...REFUND_STATUSES])),
    ticket_id: Type.Optional(Type.String({ format: 'uuid' })),
    screening_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
    initiated_by: Type.Optional(Type.Enum(['customer', 'cinema', 'system'])),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  }),
  response: { 200: Envelope(Type.Array(RefundSchema), { meta: ListMeta }), ...problems(400, 401, 403) },
};

export const myRefundsSchema = {
  tags,
  summary: 'My refunds, newest first',
  description: "The refunds of your tickets (yours and the cinema's). Filters: status, ticket_id. Keyset pages.",
  querystring: Type.Object({
    ...PageQuery,
    status: Type.Optional(Type.Enum([...REFUND_STATUSES])),
    ticket_id: Type.Optional(Type.String({ format: 'uuid' })),
  }),
  response: { 200: Envelope(Type.Array(RefundSchema), { meta: ListMeta }), ...problems(400, 401) },
};

export const approveSchema = {
  tags,
  summary: 'Approve a refund waiting for review (admin)',
  description:
    'The refund is sent to the gateway as quoted: 200 succeeded, 202 still processing (the reconciler completes it), ' +
    '502 refund_declined. 409 refund_not_pending_review, ticket_checked_in, screening_cancelled. Optional If-Match.',
  params: RefundParams,
  headers: IfMatch,
  body: Type.Optional(Type.Object({ note: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) })),
  response: { 200: Envelope(RefundSchema), 202: Envelope(RefundSchema), ...problems(400, 401, 403, 404, 409, 412, 502) },
};

export const rejectSchema = {
  tags,
  summary: 'Reject a refund waiting for review (admin)',
  description: 'The ticket stays valid; the customer is told, with the reason. 409 refund_not_pending_review. Optional If-Match.',
  params: RefundParams,
  headers: IfMatch,
  body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500, examples: ['Outside our policy'] }) }),
  response: { 200: { ...Envelope(RefundSchema), headers: etag('refund') }, ...problems(400, 401, 403, 404, 409, 412) },
};

const policyResponse = { 200: { ...Envelope(PolicySchema), headers: etag('policy') }, ...problems(400, 401, 403, 404, 412) };
const policyTags = ['refund policies'];

export const getDefaultPolicySchema = {
  tags: policyTags,
  summary: 'The default refund policy (admin)',
  response: policyResponse,
};

export const putDefaultPolicySchema = {
  tags: policyTags,
  summary: 'Change the default refund policy (admin)',
  description:
    'Only the fields sent change. Tiers: min_hours_before strictly different, percent never rising as the show nears ' +
    '(400 invalid_refund_policy). grace_minutes (0 = off) and grace_min_hours_before: a refund within that many ' +
    'minutes of buying, while the show is at least that many hours away, returns everything paid. Audited. Optional If-Match.',
  headers: IfMatch,
  body: PolicyBody,
  response: policyResponse,
};

export const getTheaterPolicySchema = {
  tags: policyTags,
  summary: 'The refund policy that applies in a theater: its own, or the default (admin)',
  params: IdParams,
  response: policyResponse,
};

export const putTheaterPolicySchema = {
  tags: policyTags,
  summary: "Set a theater's own refund policy (admin)",
  description: 'Only the fields sent change; the first override starts from the default. Audited. Optional If-Match.',
  params: IdParams,
  headers: IfMatch,
  body: PolicyBody,
  response: policyResponse,
};

export const deleteTheaterPolicySchema = {
  tags: policyTags,
  summary: "Remove a theater's own refund policy: the default applies again (admin)",
  params: IdParams,
  headers: IfMatch,
  response: policyResponse,
};
