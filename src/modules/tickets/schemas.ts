import { Type } from 'typebox';
import { Envelope, ListMeta, problems, Timestamp } from '../../http/schemas.ts';
import { PageQuery } from '../../http/paging.ts';
import { NextActionSchema } from '../payments/index.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const STATUSES = ['pending_payment', 'paid', 'expired', 'cancelled', 'partially_refunded', 'refunded'] as const;

export const TicketSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Enum([...STATUSES]),
  booking_code: Nullable(Type.String({ description: 'Once paid: what the customer reads out at the counter', examples: ['K7Q2M9XD'] })),
  movie: Type.Object({ id: Type.Integer(), title: Type.String(), rating: Nullable(Type.String()), duration: Type.Integer() }),
  theater: Type.Object({ id: Type.Integer(), name: Type.String(), address: Type.String(), time_zone: Type.String() }),
  hall: Type.Object({ id: Type.Integer(), name: Type.String(), screen_type: Nullable(Type.String()) }),
  screening: Type.Object({
    id: Type.Integer(),
    show_time: Timestamp('Start, UTC'),
    local_show_time: Type.String({ description: "Start on the theater's clock, with its offset", examples: ['2026-12-25T19:30:00+07:00'] }),
    time_zone: Type.String({ examples: ['Asia/Jakarta'] }),
    end_time: Timestamp('End, UTC'),
    is_3d: Type.Boolean(),
    status: Type.Enum(['scheduled', 'cancelled']),
  }),
  seats: Type.Array(
    Type.Object({
      id: Type.Integer(),
      label: Type.String({ examples: ['D6'] }),
      type: Type.String(),
      price: Type.Number(),
      status: Type.Enum(['pending', 'sold', 'refunded', 'void']),
    }),
  ),
  total_amount: Type.Number({ description: 'The seats', examples: [150000] }),
  fee_amount: Type.Number({ description: 'Payment fee of the method', examples: [4350] }),
  amount_paid: Nullable(Type.Number({ description: 'Tickets + fee, once paid' })),
  currency: Type.String({ examples: ['IDR'] }),
  payment_method: Nullable(Type.String()),
  payment: Nullable(
    Type.Object({
      id: Nullable(Type.String({ description: "The gateway's payment id" })),
      status: Type.String(),
      method: Type.String(),
      amount: Type.Number(),
      fee: Type.Number(),
      captured_at: Nullable(Type.String()),
      next_action: Type.Union(NextActionSchema.anyOf, {
        description:
          'While the payment is pending: what the customer does next to pay (as the checkout answered it), so the ' +
          'instructions can be shown again after a reload or on another device; null once it is settled',
      }),
    }),
  ),
  purchase_time: Nullable(Type.String({ format: 'date-time' })),
  checked_in_at: Nullable(Type.String({ format: 'date-time' })),
  hold_id: Nullable(
    Type.String({ format: 'uuid', description: 'The hold it was bought from: while it is awaiting payment, checkout goes on there' }),
  ),
  created_at: Type.String({ format: 'date-time' }),
  qr: Nullable(Type.String({ description: 'Signed QR payload (Ed25519), while the ticket admits: scan it at the door' })),
});

const TicketParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const getTicketSchema = {
  tags: ['tickets'],
  summary: 'One ticket (owner or admin)',
  params: TicketParams,
  response: { 200: Envelope(TicketSchema), ...problems(400, 401, 404) },
};

export const myTicketsSchema = {
  tags: ['tickets'],
  summary: 'Your tickets, newest first',
  querystring: Type.Object({ ...PageQuery, status: Type.Optional(Type.Enum([...STATUSES])) }),
  response: { 200: Envelope(Type.Array(TicketSchema), { meta: ListMeta }), ...problems(400, 401) },
};

export const ticketPdfSchema = {
  tags: ['tickets'],
  summary: 'The e-ticket as a PDF (owner or admin; paid tickets)',
  description: 'application/pdf: movie, theater, hall, time in the theater time zone, seats, prices and the QR code. 409 ticket_not_paid otherwise.',
  params: TicketParams,
  response: { ...problems(400, 401, 404, 409) },
};
