// Refund reasons as a person reads them. A reason is free text, but some are written by software in
// English, not by a person: the default this app sends when the customer gives none, and the codes
// the server records for refunds of late or duplicate payments (checkout/confirm-payment.ts). Those
// are shown in the reader's language; anything else (typed by a customer or staff) as it was written.
import type { MessageKey } from './en.ts';
import { t } from './index.ts';

/** Sent when the customer leaves the reason empty; stored as is, so reports group it as one reason. */
export const CUSTOMER_REASON = 'Requested by the customer';

const KNOWN: Readonly<Record<string, MessageKey>> = {
  [CUSTOMER_REASON]: 'refund.reason.customer',
  seats_gone: 'refund.reason.seats_gone',
  screening_closed: 'refund.reason.screening_closed',
  ticket_cancelled: 'refund.reason.ticket_cancelled',
  duplicate_payment: 'refund.reason.duplicate_payment',
  seat_limit: 'refund.reason.seat_limit',
};

export function refundReasonText(reason: string): string;
export function refundReasonText(reason: string | null): string | null;
export function refundReasonText(reason: string | null): string | null {
  if (reason === null) return null;
  const key = Object.hasOwn(KNOWN, reason) ? KNOWN[reason] : undefined;
  return key ? t(key) : reason;
}
