// The messages a ticket causes, queued in the transaction that causes them (transactional outbox):
// by email to the account's address, and by SMS when the account has a phone number. Payloads carry
// ids only; the renderer reads the ticket view at send time. Dedupe keys make a re-run a no-op.
import type { Sql } from '../../db/client.ts';
import { enqueueMessage } from '../../outbox/enqueue.ts';

export const TICKET_ISSUED = 'ticket_issued';
export const PAYMENT_REFUNDED_LATE = 'payment_refunded_late';
export const REFUND_SUCCEEDED = 'refund_succeeded';
export const REFUND_REJECTED = 'refund_rejected';
export const SCREENING_CANCELLED = 'screening_cancelled';

async function contactOf(trx: Sql, ticketId: string) {
  const { rows } = await trx.query<{ email: string; phone_number: string | null }>(
    'SELECT u.email, u.phone_number FROM tickets t JOIN users u ON u.id = t.user_id WHERE t.id = $1',
    [ticketId],
  );
  return rows[0];
}

async function enqueueBoth(trx: Sql, kind: string, key: string, ticketId: string, payload: object) {
  const to = await contactOf(trx, ticketId);
  if (!to) return;
  await enqueueMessage(trx, { dedupeKey: `${kind}:${key}:email`, kind, channel: 'email', recipient: to.email, payload });
  const phone = to.phone_number?.trim();
  if (phone) await enqueueMessage(trx, { dedupeKey: `${kind}:${key}:sms`, kind, channel: 'sms', recipient: phone, payload });
}

/** The e-ticket, once per ticket. */
export function enqueueTicketIssued(trx: Sql, ticketId: string): Promise<void> {
  return enqueueBoth(trx, TICKET_ISSUED, ticketId, ticketId, { ticket_id: ticketId });
}

/** "Your payment arrived after the seats were gone (or the ticket was closed): it is refunded", once per refund. */
export function enqueueRefundedLate(trx: Sql, ticketId: string, refundId: string): Promise<void> {
  return enqueueBoth(trx, PAYMENT_REFUNDED_LATE, refundId, ticketId, { ticket_id: ticketId, refund_id: refundId });
}

/** "Your refund went through": amount and seats, once per refund (a customer's request). */
export function enqueueRefundSucceeded(trx: Sql, ticketId: string, refundId: string): Promise<void> {
  return enqueueBoth(trx, REFUND_SUCCEEDED, refundId, ticketId, { ticket_id: ticketId, refund_id: refundId });
}

/** "Staff turned your refund request down", with their note, once per refund. */
export function enqueueRefundRejected(trx: Sql, ticketId: string, refundId: string): Promise<void> {
  return enqueueBoth(trx, REFUND_REJECTED, refundId, ticketId, { ticket_id: ticketId, refund_id: refundId });
}

/**
 * "The cinema cancelled your show; this is refunded in full": once per TICKET (the key is the ticket,
 * not the refund), so a cancellation that is resumed or retried never tells a customer twice.
 */
export function enqueueScreeningCancelled(trx: Sql, ticketId: string, refundId: string): Promise<void> {
  return enqueueBoth(trx, SCREENING_CANCELLED, ticketId, ticketId, { ticket_id: ticketId, refund_id: refundId });
}
