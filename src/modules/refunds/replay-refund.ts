// The answer a customer's refund request gave, rebuilt from the refund it made: for a retry whose
// Idempotency-Key names that refund but holds no recorded answer (see http/idempotency.ts). Only the
// answers that end a request are rebuilt: completed (201) and waiting for review (202). A refund
// still 'processing' may have its first request still talking to the gateway, and a failed one was
// answered with a 5xx, which frees the key: both leave the retry to the usual path.
import type { Deps } from '../../deps.ts';
import type { Outcome } from '../../http/idempotency.ts';
import { ok } from '../../http/schemas.ts';
import { presentRefund } from './presenter.ts';
import { findRefund } from './queries.ts';
import { REFUND_COMPLETED, REFUND_IN_REVIEW } from './request-refund.ts';

export async function replayRefundRequest(deps: Deps, userId: number, refundId: string): Promise<Outcome | undefined> {
  const row = await findRefund(deps.db, refundId);
  if (!row || row.requested_by !== userId) return undefined;
  if (row.status === 'pending_review') return { status: 202, body: ok(REFUND_IN_REVIEW, presentRefund(row)) };
  // reviewed ones were answered "in review" first; their later fate is for GET /refunds/{id}
  if (row.status === 'succeeded' && row.reviewed_by === null) return { status: 201, body: ok(REFUND_COMPLETED, presentRefund(row)) };
  return undefined;
}
