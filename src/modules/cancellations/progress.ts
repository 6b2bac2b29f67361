// Where a cancellation stands, per ticket by its latest cancellation refund: refunded (succeeded),
// pending (processing, or not made yet: a customer's refund in flight, a ticket another run held),
// failed (the gateway refused: nothing moved; calling the cancel route again retries these).
import type { Sql } from '../../db/client.ts';
import { minorToNumber, toMinor } from '../../lib/money.ts';
import { type CancellationRow, findCancellation, WAITING_TICKETS } from './cancel-screening.ts';

export interface Progress {
  screening_id: number;
  status: 'in_progress' | 'completed' | 'needs_attention';
  reason: string;
  cancelled_by: number | null;
  cancelled_at: string;
  completed_at: string | null;
  tickets_total: number;
  refunded: number;
  pending: number;
  failed: number;
  amount_refunded: number;
}

export async function progressOf(sql: Sql, c: CancellationRow): Promise<Progress> {
  const { rows } = await sql.query<{ refunded: number; processing: number; failed: number; waiting: number; amount: string }>(
    `WITH c AS (SELECT id, screening_id FROM screening_cancellations WHERE id = $1),
     latest AS (
       SELECT DISTINCT ON (r.ticket_id) r.ticket_id, r.status, r.amount
         FROM refunds r, c WHERE r.cancellation_id = c.id
        ORDER BY r.ticket_id, r.created_at DESC, r.id)
     SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS refunded,
            count(*) FILTER (WHERE status = 'processing')::int AS processing,
            count(*) FILTER (WHERE status = 'failed')::int AS failed,
            (SELECT count(*) FROM c, LATERAL (${WAITING_TICKETS}) w)::int AS waiting,
            coalesce(sum(amount) FILTER (WHERE status = 'succeeded'), 0)::text AS amount
       FROM latest`,
    [c.id],
  );
  const p = rows[0];
  const pending = p.processing + p.waiting;
  return {
    screening_id: c.screening_id,
    status: pending > 0 || c.completed_at === null ? 'in_progress' : p.failed > 0 ? 'needs_attention' : 'completed',
    reason: c.reason,
    cancelled_by: c.cancelled_by,
    cancelled_at: c.created_at.toISOString(),
    completed_at: c.completed_at ? c.completed_at.toISOString() : null,
    tickets_total: p.refunded + p.failed + pending,
    refunded: p.refunded,
    pending,
    failed: p.failed,
    amount_refunded: minorToNumber(toMinor(p.amount)),
  };
}

export async function progressOfScreening(sql: Sql, screeningId: number): Promise<Progress | undefined> {
  const c = await findCancellation(sql, screeningId);
  return c && progressOf(sql, c);
}
