// Turns an outbox row into the words the customer receives, at send time (the row holds ids only):
// the e-ticket (email with the PDF attached; SMS with the booking code and a link), the notice that a
// payment arriving too late was refunded, a refund's confirmation or rejection, and the notice that
// the cinema cancelled the show. An unknown kind, or a ticket that is gone, throws:
// the worker retries and, after its attempts, dead-letters it where an operator sees it.
import type { Sql } from '../../db/client.ts';
import { toMinor } from '../../lib/money.ts';
import type { OutboxRow, Render, RenderedMessage } from '../../outbox/message.ts';
import { formatBookingCode } from '../../eticket/booking-code.ts';
import { formatMoney, formatShowTime, renderTicketPdf, type TicketPdfView } from '../../eticket/pdf.ts';
import type { TicketKeys } from '../../eticket/signing-key.ts';
import { PAYMENT_REFUNDED_LATE, REFUND_REJECTED, REFUND_SUCCEEDED, SCREENING_CANCELLED, TICKET_ISSUED } from './messages.ts';
import { loadTicketView, soldSeats, type TicketView, ticketQr, toPdfView } from './ticket-view.ts';

export interface RenderDeps {
  db: Sql;
  ticketKeys: TicketKeys;
  /** where the customer's links point, e.g. https://tickets.example.com */
  publicBaseUrl: string;
  brand?: string;
  /** renders the PDF (default: here, in this thread; the outbox worker passes a worker thread's) */
  renderPdf?: (view: TicketPdfView) => Promise<Uint8Array>;
}

export function messageRenderer(d: RenderDeps): Render {
  return async (msg: OutboxRow): Promise<RenderedMessage> => {
    const ticketId = String(msg.payload.ticket_id ?? '');
    const view = await loadTicketView(d.db, ticketId);
    if (!view) throw new Error(`ticket ${ticketId} not found for message ${msg.id}`);
    if (msg.kind === TICKET_ISSUED) return ticketIssued(d, msg, view);
    if (msg.kind === PAYMENT_REFUNDED_LATE) return refundedLate(d, msg, view);
    if (msg.kind === REFUND_SUCCEEDED) return refundSucceeded(d, msg, view);
    if (msg.kind === REFUND_REJECTED) return refundRejected(d, msg, view);
    if (msg.kind === SCREENING_CANCELLED) return screeningCancelled(d, msg, view);
    throw new Error(`no renderer for message kind ${msg.kind}`);
  };
}

function when(v: TicketView) {
  return formatShowTime(v.show_time, v.time_zone);
}

function seatList(v: TicketView, status: 'sold' | 'all' = 'sold') {
  const seats = status === 'sold' ? soldSeats(v) : v.seats;
  return seats.map((s) => s.label).join(', ');
}

async function ticketIssued(d: RenderDeps, msg: OutboxRow, v: TicketView): Promise<RenderedMessage> {
  const qr = ticketQr(d.ticketKeys, v);
  if (!qr) throw new Error(`ticket ${v.id} does not admit (status ${v.status}): no e-ticket to send`);
  const code = formatBookingCode(v.booking_code);
  const link = `${d.publicBaseUrl}/tickets/${v.id}`;
  if (msg.channel === 'sms') {
    return {
      text: `${d.brand ?? 'Cinema'}: ${v.movie_title}, ${when(v)}, ${v.theater_name} ${v.hall_name}, seats ${seatList(v)}. Booking ${code}. ${link}`,
    };
  }
  const pdf = await (d.renderPdf ?? renderTicketPdf)({ ...toPdfView(v, qr), brand: d.brand ?? null });
  const total = formatMoney(toMinor(v.total_amount) + toMinor(v.fee_amount), v.currency);
  const text = [
    `Hello ${v.customer_name},`,
    '',
    `Your tickets for ${v.movie_title} are confirmed.`,
    '',
    `Booking code: ${code}`,
    `When: ${when(v)}`,
    `Where: ${v.theater_name}, ${v.hall_name}${v.theater_address ? ` (${v.theater_address})` : ''}`,
    `Seats: ${seatList(v)}`,
    `Paid: ${total}`,
    '',
    'Your e-ticket is attached as a PDF. Show its QR code at the entrance.',
    `Your ticket online: ${link}`,
  ].join('\n');
  return {
    subject: `Your e-ticket ${code}: ${v.movie_title}, ${when(v)}`,
    text,
    attachments: [{ filename: `e-ticket-${v.booking_code}.pdf`, content: Buffer.from(pdf), contentType: 'application/pdf' }],
  };
}

// refunds.reason of the refunds confirmPayment starts by itself (checkout/confirm-payment.ts)
const LATE_REASONS: Record<string, { short: string; long: string }> = {
  seats_gone: {
    short: 'arrived after the seats were released',
    long: 'reached us after your seat hold had ended and the seats were no longer free',
  },
  screening_closed: {
    short: 'arrived after the show was closed for sale',
    long: 'reached us after the show had started or was cancelled',
  },
  ticket_cancelled: {
    short: 'arrived after you cancelled the booking',
    long: 'reached us after the booking had been cancelled',
  },
  duplicate_payment: {
    short: 'was a second payment for a booking already paid',
    long: 'was a second payment for a booking that was already paid',
  },
};

async function refundedLate(d: RenderDeps, msg: OutboxRow, v: TicketView): Promise<RenderedMessage> {
  const refundId = String(msg.payload.refund_id ?? '');
  const { rows } = await d.db.query<{ amount: string; currency: string; reason: string | null }>(
    'SELECT amount::text AS amount, currency, reason FROM refunds WHERE id = $1',
    [refundId],
  );
  if (!rows[0]) throw new Error(`refund ${refundId} not found for message ${msg.id}`);
  const amount = formatMoney(toMinor(rows[0].amount), rows[0].currency);
  const what = `${v.movie_title}, ${when(v)}, seats ${seatList(v, 'all')}`;
  const why = LATE_REASONS[rows[0].reason ?? ''] ?? LATE_REASONS.seats_gone;
  if (msg.channel === 'sms') {
    return { text: `${d.brand ?? 'Cinema'}: your payment for ${what} ${why.short}. ${amount} is being refunded to you.` };
  }
  return {
    subject: `Your payment was refunded: ${v.movie_title}`,
    text: [
      `Hello ${v.customer_name},`,
      '',
      `Your payment for ${what} ${why.long}, so no ticket was issued.`,
      `We are refunding ${amount} to the way you paid; your bank may take a few days to show it.`,
      '',
      `Reference: ${formatBookingCode(v.booking_code)}`,
    ].join('\n'),
  };
}

interface RefundFacts {
  amount: string;
  fee_amount: string;
  currency: string;
  seat_ids: number[];
  review_note: string | null;
}

async function refundOf(d: RenderDeps, msg: OutboxRow): Promise<RefundFacts> {
  const refundId = String(msg.payload.refund_id ?? '');
  const { rows } = await d.db.query<RefundFacts>(
    'SELECT amount::text AS amount, fee_amount::text AS fee_amount, currency, seat_ids, review_note FROM refunds WHERE id = $1',
    [refundId],
  );
  if (!rows[0]) throw new Error(`refund ${refundId} not found for message ${msg.id}`);
  return rows[0];
}

const labelsOf = (v: TicketView, seatIds: number[]) =>
  v.seats
    .filter((s) => seatIds.includes(s.id))
    .map((s) => s.label)
    .join(', ');

async function refundSucceeded(d: RenderDeps, msg: OutboxRow, v: TicketView): Promise<RenderedMessage> {
  const r = await refundOf(d, msg);
  const amount = formatMoney(toMinor(r.amount), r.currency);
  const seats = labelsOf(v, r.seat_ids);
  const left = soldSeats(v);
  if (msg.channel === 'sms') {
    return {
      text: `${d.brand ?? 'Cinema'}: ${amount} refunded for seats ${seats}, ${v.movie_title}, ${when(v)}. Booking ${formatBookingCode(v.booking_code)}.`,
    };
  }
  return {
    subject: `Refund of ${amount}: ${v.movie_title}`,
    text: [
      `Hello ${v.customer_name},`,
      '',
      `Your refund for ${v.movie_title}, ${when(v)}, went through.`,
      '',
      `Seats refunded: ${seats}`,
      `Amount: ${amount}${toMinor(r.fee_amount) > 0 ? ` (including ${formatMoney(toMinor(r.fee_amount), r.currency)} of fees)` : ''}`,
      left.length > 0 ? `Seats still valid on your ticket: ${left.map((s) => s.label).join(', ')}` : 'Your ticket is no longer valid.',
      '',
      'The money goes back to the way you paid; your bank may take a few days to show it.',
      `Reference: ${formatBookingCode(v.booking_code)}`,
    ].join('\n'),
  };
}

async function refundRejected(d: RenderDeps, msg: OutboxRow, v: TicketView): Promise<RenderedMessage> {
  const r = await refundOf(d, msg);
  const note = r.review_note ? ` Reason: ${r.review_note}` : '';
  if (msg.channel === 'sms') {
    return { text: `${d.brand ?? 'Cinema'}: your refund request for ${v.movie_title}, ${when(v)} was declined.${note} Your ticket stays valid.` };
  }
  return {
    subject: `Your refund request was declined: ${v.movie_title}`,
    text: [
      `Hello ${v.customer_name},`,
      '',
      `Our staff declined your refund request for ${v.movie_title}, ${when(v)}, seats ${labelsOf(v, r.seat_ids)}.${note}`,
      'Your ticket stays valid.',
      '',
      `Reference: ${formatBookingCode(v.booking_code)}`,
    ].join('\n'),
  };
}

async function screeningCancelled(d: RenderDeps, msg: OutboxRow, v: TicketView): Promise<RenderedMessage> {
  const r = await refundOf(d, msg);
  const amount = formatMoney(toMinor(r.amount), r.currency);
  const what = `${v.movie_title}, ${when(v)}, ${v.theater_name} ${v.hall_name}`;
  if (msg.channel === 'sms') {
    return {
      text: `${d.brand ?? 'Cinema'}: we are sorry, ${what} is cancelled. ${amount} is being refunded to you in full. Booking ${formatBookingCode(v.booking_code)}.`,
    };
  }
  return {
    subject: `Cancelled: ${v.movie_title}, ${when(v)}`,
    text: [
      `Hello ${v.customer_name},`,
      '',
      `We are sorry: the screening of ${what} is cancelled.`,
      '',
      `Seats: ${labelsOf(v, r.seat_ids)}`,
      `Refund: ${amount}, in full, fees included, on its way now.`,
      'The money goes back to the way you paid; your bank may take a few days to show it.',
      '',
      `Reference: ${formatBookingCode(v.booking_code)}`,
    ].join('\n'),
  };
}
