// The wire shape of a refund (GET /refunds, /refunds/{id}, and what refund requests answer).
import type { Static } from 'typebox';
import type { RefundSchema } from './schemas.ts';
import { decimalToNumber } from '../../lib/money.ts';
import type { RefundRow } from './queries.ts';

export function presentRefund(r: RefundRow): Static<typeof RefundSchema> {
  return {
    id: r.id,
    ticket_id: r.ticket_id,
    screening_id: r.screening_id,
    status: r.status,
    amount: decimalToNumber(r.amount) as number,
    fee_amount: decimalToNumber(r.fee_amount) as number,
    currency: r.currency,
    seat_ids: r.seat_ids,
    percent: r.quote?.percent ?? null,
    seats: (r.quote?.seats ?? []).map((s) => ({
      id: s.id,
      label: s.label,
      price: decimalToNumber(s.price) as number,
      refund: decimalToNumber(s.refund) as number,
    })),
    reason: r.reason,
    initiated_by: r.initiated_by,
    requested_by: r.requested_by,
    cancellation_id: r.cancellation_id,
    failure_code: r.failure_code,
    gateway_refund_id: r.gateway_refund_id,
    review: r.reviewed_at ? { by: r.reviewed_by, at: r.reviewed_at.toISOString(), note: r.review_note } : null,
    requested_at: r.request_time.toISOString(),
    processed_at: r.process_time ? r.process_time.toISOString() : null,
    updated_at: r.updated_at.toISOString(),
  };
}

export type RefundView = ReturnType<typeof presentRefund>;
