// Wire shapes of a screening's cancellation and its route schemas.
import { Type } from 'typebox';
import { Envelope, IdParams, problems, Timestamp } from '../../http/schemas.ts';

export const ProgressSchema = Type.Object({
  screening_id: Type.Integer(),
  status: Type.Enum(['in_progress', 'completed', 'needs_attention'], {
    description: 'needs_attention: the gateway refused some refunds (nothing moved for them); cancelling again retries them',
  }),
  reason: Type.String(),
  cancelled_by: Type.Union([Type.Integer(), Type.Null()]),
  cancelled_at: Timestamp('Cancelled'),
  completed_at: Type.Union([Timestamp('No refund of it in flight any more'), Type.Null()]),
  tickets_total: Type.Integer({ description: 'Tickets it refunds' }),
  refunded: Type.Integer(),
  pending: Type.Integer({ description: 'Refunds in flight, or waiting for a customer refund of the ticket to settle' }),
  failed: Type.Integer(),
  amount_refunded: Type.Number({ description: 'Returned so far' }),
});

const tags = ['screenings'];

export const cancelSchema = {
  tags,
  summary: 'Cancel a screening: closed for sale, holds released, every ticket refunded in full (admin)',
  description:
    'Every paid or partly refunded ticket is refunded for its seats still sold, fees included, regardless of the ' +
    'policy and of check-in; each customer is notified once. Resumable: calling it again (or the reconciler) ' +
    'finishes what is left and retries refunds the gateway refused; nobody is refunded twice. 200 when complete, ' +
    '202 with progress while refunds are in flight (follow GET /screenings/{id}/cancellation). Idempotency-Key ' +
    'optional. 409 screening_ended.',
  params: IdParams,
  headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255 })) }),
  body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500, examples: ['Projector failure'] }) }),
  response: { 200: Envelope(ProgressSchema), 202: Envelope(ProgressSchema), ...problems(400, 401, 403, 404, 409, 422) },
};

export const progressSchema = {
  tags,
  summary: "A cancelled screening's refund progress (admin)",
  params: IdParams,
  response: { 200: Envelope(ProgressSchema), ...problems(400, 401, 403, 404) },
};
