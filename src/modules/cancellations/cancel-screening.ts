// The cinema cancels a screening. Recorded once, then worked off in steps that can each run again
// any number of times, on any instance, so a process that dies halfway is finished by calling the
// route again or by the reconciler (resumeCancellations), and nobody is refunded twice:
//   1. record (one short transaction on the screening row): status 'cancelled', closed for sale
//      (take_seats refuses it; a late payment for it is refunded by confirmPayment), a
//      screening_cancellations row, audit. A second call finds the row and only resumes.
//   2. release its active holds (their unpaid checkouts cancelled at the gateway, best effort).
//   3. one refund per ticket still holding sold seats, in batches of tickets locked SKIP LOCKED:
//      100 % of those seats plus the fee not yet returned, whatever the policy says and even when
//      checked in (the show did not happen); 'processing', initiated_by 'cinema'; the customer's
//      notice queued with it, keyed per ticket. The unique index refunds_once_per_cancellation
//      allows a second row for a ticket only after the first failed (nothing moved then). A
//      customer's refund still in flight is waited for (the ticket is picked up once it settled);
//      one waiting for review is rejected, superseded by this one.
//   4. send them: leased in small batches (reconcile_at, as the reconciler does), CANCEL_CONCURRENCY
//      gateway calls at a time, the refund id as idempotency key; each yes restocks the seats in
//      its own transaction (refunds/settle-refund.ts).
//   5. completed_at once no refund of it is in flight and no ticket waits.
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { minorToDecimal, toMinor } from '../../lib/money.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { endHold } from '../checkout/index.ts';
import { markCancelled } from '../screenings/index.ts';
import type { SeatsChanged } from '../inventory/index.ts';
import {
  afterRestock,
  insertRefund,
  leaseCancellationRefunds,
  loadRefundContext,
  markSucceededWithoutGateway,
  rejectForCancellation,
  sendRefund,
} from '../refunds/index.ts';
import { enqueueScreeningCancelled, restockRefundedSeats } from '../tickets/index.ts';

const TICKET_BATCH = 100;

export interface CancellationRow {
  id: number;
  screening_id: number;
  reason: string;
  cancelled_by: number | null;
  created_at: Date;
  completed_at: Date | null;
}

const COLUMNS = 'id, screening_id, reason, cancelled_by, created_at, completed_at';

export async function findCancellation(sql: Sql, screeningId: number): Promise<CancellationRow | undefined> {
  const { rows } = await sql.query<CancellationRow>(`SELECT ${COLUMNS} FROM screening_cancellations WHERE screening_id = $1`, [screeningId]);
  return rows[0];
}

/** Step 1. Returns the cancellation (new, or the one recorded before: then the reason stays). */
export async function recordCancellation(deps: Deps, actor: Actor, screeningId: number, reason: string): Promise<CancellationRow> {
  const row = await deps.db.tx(async (trx) => {
    const { rows } = await trx.query<{ status: string; ended: boolean; version: number }>(
      'SELECT status, end_time <= now() AS ended, version FROM screenings WHERE id = $1 FOR UPDATE',
      [screeningId],
    );
    const s = rows[0];
    if (!s) throw new AppError('screening_not_found');
    const seen = await findCancellation(trx, screeningId);
    if (seen) return seen;
    if (s.ended) throw new AppError('screening_ended', 'The screening is over: refund its tickets one by one if needed');
    await markCancelled(trx, screeningId, reason);
    const { rows: made } = await trx.query<CancellationRow>(
      `INSERT INTO screening_cancellations (screening_id, reason, cancelled_by) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [screeningId, reason, actor.id],
    );
    await recordAudit(trx, actor, {
      action: 'screening.cancel',
      entity: 'screening',
      entityId: screeningId,
      before: { status: s.status, version: s.version },
      after: { status: 'cancelled', reason },
    });
    return made[0];
  });
  // screening lists and cached reads show it closed for sale
  await deps.cache.invalidate('catalog');
  return row;
}

export interface RunOptions {
  /** create new refunds for tickets whose cancellation refund failed (an explicit call does; the resume job does not) */
  retryFailed: boolean;
}

/** Steps 2-5. Safe to run again and beside other runs of the same cancellation. */
export async function runCancellation(deps: Deps, c: CancellationRow, opts: RunOptions): Promise<void> {
  await releaseHolds(deps, c.screening_id);
  let created = 0;
  for (;;) {
    const batch = await createRefunds(deps, c, opts.retryFailed);
    created += batch.created;
    // a short batch was the last; a full one that made nothing would only find the same tickets again
    if (batch.locked < TICKET_BATCH || batch.created === 0) break;
  }
  if (created > 0) await deps.db.query('UPDATE screening_cancellations SET completed_at = NULL WHERE id = $1', [c.id]);
  await sendRefunds(deps, c.id);
  await deps.db.query(
    `UPDATE screening_cancellations c SET completed_at = now()
      WHERE c.id = $1 AND c.completed_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.cancellation_id = c.id AND r.status = 'processing')
        AND NOT EXISTS (${WAITING_TICKETS})`,
    [c.id],
  );
}

/** Tickets (alias t) of cancellation c still holding seats with no refund of the cancellation at all. */
export const WAITING_TICKETS = `SELECT 1 FROM tickets t
   WHERE t.screening_id = c.screening_id AND t.status IN ('paid', 'partially_refunded')
     AND NOT EXISTS (SELECT 1 FROM refunds cr WHERE cr.ticket_id = t.id AND cr.cancellation_id = c.id)`;

async function releaseHolds(deps: Deps, screeningId: number): Promise<void> {
  const { rows } = await deps.db.query<{ id: string }>(`SELECT id FROM holds WHERE screening_id = $1 AND status = 'active' ORDER BY id`, [
    screeningId,
  ]);
  for (const { id } of rows) await endHold(deps, id, 'screening_cancelled', (hold) => hold?.status === 'active');
}

/** One batch of tickets: a refund each (and its notice), in one transaction. */
async function createRefunds(deps: Deps, c: CancellationRow, retryFailed: boolean): Promise<{ locked: number; created: number }> {
  const restocks: SeatsChanged[] = [];
  const out = await deps.db.tx(async (trx) => {
    const { rows: tickets } = await trx.query<{ id: string }>(
      `SELECT t.id FROM tickets t
        WHERE t.screening_id = $1 AND t.status IN ('paid', 'partially_refunded')
          AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.ticket_id = t.id AND r.cancellation_id = $2 AND (r.status <> 'failed' OR NOT $3))
          AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.ticket_id = t.id AND r.status = 'processing' AND r.initiated_by = 'customer')
        ORDER BY t.id LIMIT $4 FOR UPDATE OF t SKIP LOCKED`,
      [c.screening_id, c.id, retryFailed, TICKET_BATCH],
    );
    let created = 0;
    for (const { id } of tickets) {
      const refund = await refundTicket(trx, c, id);
      if (refund === null) continue;
      created++;
      if (refund.restocked) restocks.push(refund.restocked);
    }
    return { locked: tickets.length, created };
  });
  for (const r of restocks) await afterRestock(deps, r);
  return out;
}

/** The ticket is locked by the caller. Returns null when it has nothing to refund or must wait. */
async function refundTicket(trx: Sql, c: CancellationRow, ticketId: string): Promise<{ id: string; restocked?: SeatsChanged } | null> {
  const ctx = await loadRefundContext(trx, ticketId);
  if (!ctx || ctx.payment_id === null) return null;
  // read again under the ticket's lock: another run may have made it a moment ago
  const { rows: mine } = await trx.query(`SELECT 1 FROM refunds WHERE ticket_id = $1 AND cancellation_id = $2 AND status <> 'failed'`, [
    ticketId,
    c.id,
  ]);
  if (mine.length > 0) return null;
  if (ctx.open_refund?.status === 'pending_review') {
    await rejectForCancellation(trx, ctx.open_refund.id);
  } else if (ctx.open_refund) {
    return null; // a customer's refund in flight: this ticket is picked up once it settled
  }
  const seats = ctx.seats.filter((s) => s.status === 'sold');
  if (seats.length === 0) return null;
  const seatsMinor = seats.reduce((sum, s) => sum + toMinor(s.price), 0);
  const feeMinor = Math.max(0, toMinor(ctx.fee_amount) - toMinor(ctx.fee_refunded));
  const { rows: pay } = await trx.query<{ left: string }>(
    `SELECT (p.amount - p.refunded_amount - coalesce((SELECT sum(r.amount) FROM refunds r WHERE r.payment_id = p.id AND r.status = 'processing'), 0))::text AS left
       FROM payments p WHERE p.id = $1`,
    [ctx.payment_id],
  );
  // never more than the payment still has (the gateway would refuse it anyway)
  const amountMinor = Math.min(seatsMinor + feeMinor, toMinor(pay[0].left));
  const fee = Math.min(feeMinor, amountMinor);
  const id = await insertRefund(trx, {
    ticketId,
    paymentId: ctx.payment_id,
    seatIds: seats.map((s) => s.id),
    amount: minorToDecimal(amountMinor),
    feeAmount: minorToDecimal(fee),
    currency: ctx.currency,
    status: 'processing',
    reason: c.reason,
    initiatedBy: 'cinema',
    requestedBy: c.cancelled_by,
    quote: {
      percent: 100,
      tier: null,
      seats: seats.map((s) => ({ id: s.id, label: s.label, price: minorToDecimal(toMinor(s.price)), refund: minorToDecimal(toMinor(s.price)) })),
      fee_refund: minorToDecimal(fee),
    },
    cancellationId: c.id,
    leaseSeconds: 0,
  });
  await enqueueScreeningCancelled(trx, ticketId, id);
  if (amountMinor > 0) return { id };
  // nothing to send to a gateway (free seats, no fee): the seats go back at once
  await markSucceededWithoutGateway(trx, id);
  const restocked = await restockRefundedSeats(
    trx,
    ticketId,
    id,
    seats.map((s) => s.id),
  );
  return { id, restocked: restocked ?? undefined };
}

/** Leases small batches of the cancellation's processing refunds and sends them, a few at a time. */
async function sendRefunds(deps: Deps, cancellationId: number): Promise<void> {
  const width = deps.config.CANCEL_CONCURRENCY;
  const lease = Math.ceil((deps.config.GATEWAY_TIMEOUT_MS * 2) / 1000);
  for (;;) {
    const ids = await leaseCancellationRefunds(deps.db, cancellationId, width, lease);
    if (ids.length === 0) return;
    // owed money: a gateway that cannot be reached leaves them processing, sent again later
    await Promise.all(ids.map((id) => sendRefund(deps, id)));
  }
}
