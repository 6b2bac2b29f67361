// Staff decide on refunds over the policy's review threshold (status pending_review):
// - approve: the request is honoured as it was quoted (amount and seats fixed when asked), unless the
//   ticket was checked in or the show was cancelled since; the refund becomes 'processing' and goes
//   to the gateway like any other. Once approved it is owed: a gateway that cannot be reached leaves
//   it processing for the reconciler (202); only a decline fails it. Never by the account that asked
//   for the refund (403 forbidden): an admin may own tickets too.
// - reject: 'rejected' with the reviewer's note; the customer is told; the ticket stays valid.
// Both are audited and take an optional If-Match with the refund's version.
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { checkIfMatch } from '../../http/etag.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { sendRefund } from './settle-refund.ts';
import { enqueueRefundRejected } from '../tickets/index.ts';
import { presentRefund } from './presenter.ts';
import { findRefund, type RefundRow, senderLeaseSeconds } from './queries.ts';
import { loadRefundContext } from './refund-quote.ts';
import { answerAfterSend, type RefundAnswer } from './request-refund.ts';

/** Locks the refund's ticket, then the refund (the lock order), and checks it still waits for review. */
async function lockPending(trx: Sql, id: string, expected?: number[]) {
  const found = await findRefund(trx, id);
  if (!found) throw new AppError('refund_not_found');
  const ctx = await loadRefundContext(trx, found.ticket_id, true);
  const refund = (await findRefund(trx, id, true)) as RefundRow;
  if (refund.status !== 'pending_review') {
    throw new AppError('refund_not_pending_review', `The refund is ${refund.status}`, { refund_status: refund.status });
  }
  checkIfMatch(expected, refund.version);
  return { refund, ctx: ctx as NonNullable<typeof ctx> };
}

export async function approveRefund(deps: Deps, actor: Actor, id: string, note: string | undefined, expected?: number[]): Promise<RefundAnswer<200>> {
  await deps.db.tx(async (trx) => {
    const { refund, ctx } = await lockPending(trx, id, expected);
    // review is a second pair of eyes: an admin who asked for a refund of a ticket of their own
    // (they cannot ask for a customer's) does not send its money by approving it too
    if (refund.requested_by === actor.id) {
      throw new AppError('forbidden', 'A refund is approved by another account than the one that asked for it', { refund_id: id });
    }
    if (ctx.screening_status === 'cancelled') {
      throw new AppError('screening_cancelled', 'The screening was cancelled: the cinema refunds the ticket in full; reject this request');
    }
    if (ctx.checked_in_at !== null) throw new AppError('ticket_checked_in', 'The ticket was checked in since the request; reject it');
    const sold = new Set(ctx.seats.filter((s) => s.status === 'sold').map((s) => s.id));
    if (!refund.seat_ids.every((s) => sold.has(s))) throw new AppError('ticket_already_refunded');
    await trx.query(
      `UPDATE refunds SET status = 'processing', reviewed_by = $2, reviewed_at = now(), review_note = $3,
              reconcile_at = now() + make_interval(secs => $4), version = version + 1, updated_at = now()
        WHERE id = $1`,
      [id, actor.id, note ?? null, senderLeaseSeconds(deps.config.GATEWAY_TIMEOUT_MS)],
    );
    await recordAudit(trx, actor, {
      action: 'refund.approve',
      entity: 'refund',
      entityId: id,
      before: { status: refund.status },
      after: { status: 'processing', note: note ?? null },
    });
  });
  return answerAfterSend(deps, id, await sendRefund(deps, id), 200);
}

export async function rejectRefund(deps: Deps, actor: Actor, id: string, reason: string, expected?: number[]) {
  return deps.db.tx(async (trx) => {
    const { refund } = await lockPending(trx, id, expected);
    await trx.query(
      `UPDATE refunds SET status = 'rejected', reviewed_by = $2, reviewed_at = now(), review_note = $3, process_time = now(),
              version = version + 1, updated_at = now()
        WHERE id = $1`,
      [id, actor.id, reason],
    );
    await recordAudit(trx, actor, {
      action: 'refund.reject',
      entity: 'refund',
      entityId: id,
      before: { status: refund.status },
      after: { status: 'rejected', note: reason },
    });
    await enqueueRefundRejected(trx, refund.ticket_id, id);
    const after = (await findRefund(trx, id)) as RefundRow;
    return { version: after.version, refund: presentRefund(after) };
  });
}
