// Route schemas of the reports: JSON by default, CSV (RFC 4180, UTF-8, a header row) with
// format=csv, the same numbers in both.
import { type TSchema, Type } from 'typebox';
import { Envelope, problems } from '../../http/schemas.ts';
import { OCCUPANCY_GROUPS } from './occupancy.ts';
import { SALES_GROUPS } from './sales.ts';

const tags = ['reports'];
const Day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description, examples: ['2026-12-01'] });
const base = {
  from: Day("First day, in each theater's local time"),
  to: Day('Last day (inclusive); at most 400 days after from'),
  theater_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
};
const format = { format: Type.Optional(Type.Enum(['json', 'csv'], { default: 'json', description: 'csv: text/csv, streamed' })) };
const Money = (description: string) => Type.Number({ description: `${description} (IDR)` });
const Period = Type.Object({ from: Type.String(), to: Type.String() });

const jsonOrCsv = (data: TSchema, meta: Record<string, TSchema>) => ({
  200: {
    description: 'The report (JSON), or with format=csv the same rows as CSV',
    content: {
      'application/json': { schema: Envelope(data, { meta: Type.Object(meta) }) },
      'text/csv': { schema: { type: 'string' } },
    },
  },
  ...problems(400, 401, 403),
});

export const SalesRowSchema = Type.Object({
  key: Type.String({ description: 'The group: a local date, a movie / theater / hall id, or a payment method' }),
  label: Type.String(),
  tickets: Type.Integer({ description: 'Payments captured (one per ticket)' }),
  seats: Type.Integer({ description: 'Seats those tickets bought' }),
  gross: Money('Captured: seats and booking fees'),
  fees: Money('Booking fees within gross'),
  refunds: Money('Refunds the gateway confirmed in the period'),
  refunded_seats: Type.Integer(),
  net: Money('gross - refunds'),
});

export const salesSchema = {
  tags,
  summary: 'Sales by day, movie, theater, hall or payment method (admin)',
  description:
    "Cash basis, in each theater's local days: a sale on the day its payment was captured, a refund on the day the gateway confirmed it. " +
    'Over a period, gross equals the captured payments and refunds the succeeded refunds, to the cent. See docs/operations.md.',
  querystring: Type.Object({ ...base, group_by: Type.Enum([...SALES_GROUPS], { default: 'day' }), movie_id: base.theater_id, ...format }),
  response: jsonOrCsv(Type.Array(SalesRowSchema), { period: Period, group_by: Type.String(), currency: Type.String(), totals: SalesRowSchema }),
};

export const OccupancyRowSchema = Type.Object({
  key: Type.String({ description: 'A screening id, a hall id, or a local start hour (19:00)' }),
  label: Type.String(),
  screenings: Type.Integer(),
  capacity: Type.Integer({ description: 'Seats of those shows' }),
  sold: Type.Integer(),
  held: Type.Integer({ description: 'Held at this moment' }),
  occupancy: Type.Number({ description: 'sold / capacity, 0-1' }),
});

export const occupancySchema = {
  tags,
  summary: 'Occupancy per screening, hall or time slot (admin)',
  description:
    'Screenings that start in the period (local days), cancelled ones left out. By screening, JSON comes in pages in start order ' +
    '(limit, cursor: meta.next_cursor of the previous page); the CSV has every row.',
  querystring: Type.Object({
    ...base,
    group_by: Type.Enum([...OCCUPANCY_GROUPS], { default: 'screening' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Page size by screening, 1-1000' })),
    cursor: Type.Optional(Type.String({ maxLength: 200, description: 'meta.next_cursor of the previous page (by screening)' })),
    ...format,
  }),
  response: jsonOrCsv(Type.Array(OccupancyRowSchema), {
    period: Period,
    group_by: Type.String(),
    limit: Type.Optional(Type.Integer()),
    next_cursor: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'By screening: the next page, null at the end' })),
  }),
};

export const TopMovieSchema = Type.Object({
  movie_id: Type.Integer(),
  title: Type.String(),
  screenings: Type.Integer(),
  seats_sold: Type.Integer({ description: 'Seats sold and not refunded, of screenings in the period' }),
  revenue: Money('Their seat prices'),
});

export const topMoviesSchema = {
  tags,
  summary: 'Top movies by seats sold (admin)',
  querystring: Type.Object({ ...base, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 10 })), ...format }),
  response: jsonOrCsv(Type.Array(TopMovieSchema), { period: Period }),
};

export const refundsReportSchema = {
  tags,
  summary: 'Refund rate and reasons (admin)',
  querystring: Type.Object(base),
  response: {
    200: Envelope(
      Type.Object({
        seats_sold: Type.Integer({ description: 'Seats sold in the period (each on the day its payment was captured)' }),
        seats_refunded: Type.Integer({ description: 'Seats refunded in the period (each on the day the refund succeeded)' }),
        refund_rate: Type.Number(),
        by_reason: Type.Array(
          Type.Object({
            reason: Type.String(),
            initiated_by: Type.String(),
            refunds: Type.Integer(),
            seats: Type.Integer(),
            amount: Money('Returned'),
          }),
        ),
      }),
      { meta: Type.Object({ period: Period }) },
    ),
    ...problems(400, 401, 403),
  },
};

export const noShowsSchema = {
  tags,
  summary: 'No-show rate: tickets of screenings that have ended, never checked in (admin)',
  querystring: Type.Object(base),
  response: {
    200: Envelope(Type.Object({ tickets: Type.Integer(), checked_in: Type.Integer(), no_shows: Type.Integer(), no_show_rate: Type.Number() }), {
      meta: Type.Object({ period: Period }),
    }),
    ...problems(400, 401, 403),
  },
};
