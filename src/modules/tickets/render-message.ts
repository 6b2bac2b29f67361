// Turns an outbox row into the words the customer receives, at send time (the row holds ids only):
// the e-ticket (email with the PDF attached; SMS with the booking code and a link), the notice that a
// payment arriving too late was refunded, a refund's confirmation or rejection, and the notice that
// the cinema cancelled the show. An unknown kind, or a ticket that is gone, throws:
// the worker retries and, after its attempts, dead-letters it where an operator sees it.
import type { Sql } from '../../db/client.ts';
import { localeOf } from '../../lib/locale.ts';
import { toMinor } from '../../lib/money.ts';
import type { OutboxRow, Render, RenderedMessage } from '../../outbox/message.ts';
import { formatBookingCode } from '../../eticket/booking-code.ts';
import { formatMoney, formatShowTime, renderTicketPdf, type TicketPdfView } from '../../eticket/pdf.ts';
import type { TicketKeys } from '../../eticket/signing-key.ts';
import { PAYMENT_REFUNDED_LATE, REFUND_REJECTED, REFUND_SUCCEEDED, SCREENING_CANCELLED, TICKET_ISSUED } from './messages.ts';
import { type LateReason, MESSAGE_WORDS } from './message-words.ts';
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
  return formatShowTime(v.show_time, v.time_zone, v.locale);
}

const wordsOf = (v: TicketView) => MESSAGE_WORDS[localeOf(v.locale)];

function seatList(v: TicketView, status: 'sold' | 'all' = 'sold') {
  const seats = status === 'sold' ? soldSeats(v) : v.seats;
  return seats.map((s) => s.label).join(', ');
}

async function ticketIssued(d: RenderDeps, msg: OutboxRow, v: TicketView): Promise<RenderedMessage> {
  const qr = ticketQr(d.ticketKeys, v);
  if (!qr) throw new Error(`ticket ${v.id} does not admit (status ${v.status}): no e-ticket to send`);
  const w = wordsOf(v).ticket;
  const code = formatBookingCode(v.booking_code);
  const link = `${d.publicBaseUrl}/tickets/${v.id}`;
  if (msg.channel === 'sms') {
    return { text: w.sms(d.brand ?? 'Cinema', `${v.movie_title}, ${when(v)}, ${v.theater_name} ${v.hall_name}`, seatList(v), code, link) };
  }
  const pdf = await (d.renderPdf ?? renderTicketPdf)({ ...toPdfView(v, qr), brand: d.brand ?? null });
  const total = formatMoney(toMinor(v.total_amount) + toMinor(v.fee_amount), v.currency);
  const text = [
    wordsOf(v).hello(v.customer_name),
    '',
    w.confirmed(v.movie_title),
    '',
    `${w.bookingCode}: ${code}`,
    `${w.when}: ${when(v)}`,
    `${w.where}: ${v.theater_name}, ${v.hall_name}${v.theater_address ? ` (${v.theater_address})` : ''}`,
    `${w.seats}: ${seatList(v)}`,
    `${w.paid}: ${total}`,
    '',
    w.attached,
    w.online(link),
  ].join('\n');
  return {
    subject: w.subject(code, v.movie_title, when(v)),
    text,
    attachments: [{ filename: `e-ticket-${v.booking_code}.pdf`, content: Buffer.from(pdf), contentType: 'application/pdf' }],
  };
}

async function refundedLate(d: RenderDeps, msg: OutboxRow, v: TicketView): Promise<RenderedMessage> {
  const refundId = String(msg.payload.refund_id ?? '');
  const { rows } = await d.db.query<{ amount: string; currency: string; reason: string | null }>(
    'SELECT amount::text AS amount, currency, reason FROM refunds WHERE id = $1',
    [refundId],
  );
  if (!rows[0]) throw new Error(`refund ${refundId} not found for message ${msg.id}`);
  const words = wordsOf(v);
  const w = words.late;
  const amount = formatMoney(toMinor(rows[0].amount), rows[0].currency);
  const what = `${v.movie_title}, ${when(v)}, ${words.seatsWord} ${seatList(v, 'all')}`;
  const why = w.reasons[(rows[0].reason ?? '') as LateReason] ?? w.reasons.seats_gone;
  if (msg.channel === 'sms') return { text: w.sms(d.brand ?? 'Cinema', what, why.short, amount) };
  return {
    subject: w.subject(v.movie_title),
    text: [
      words.hello(v.customer_name),
      '',
      w.body(what, why.long),
      w.refunding(amount),
      '',
      words.reference(formatBookingCode(v.booking_code)),
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
  const words = wordsOf(v);
  const w = words.refunded;
  const amount = formatMoney(toMinor(r.amount), r.currency);
  const seats = labelsOf(v, r.seat_ids);
  const left = soldSeats(v);
  const code = formatBookingCode(v.booking_code);
  if (msg.channel === 'sms') return { text: w.sms(d.brand ?? 'Cinema', amount, seats, v.movie_title, when(v), code) };
  const fee = toMinor(r.fee_amount) > 0 ? formatMoney(toMinor(r.fee_amount), r.currency) : null;
  return {
    subject: w.subject(amount, v.movie_title),
    text: [
      words.hello(v.customer_name),
      '',
      w.done(v.movie_title, when(v)),
      '',
      `${w.seats}: ${seats}`,
      w.amount(amount, fee),
      left.length > 0 ? w.stillValid(left.map((s) => s.label).join(', ')) : w.noLongerValid,
      '',
      words.moneyBack,
      words.reference(code),
    ].join('\n'),
  };
}

async function refundRejected(d: RenderDeps, msg: OutboxRow, v: TicketView): Promise<RenderedMessage> {
  const r = await refundOf(d, msg);
  const words = wordsOf(v);
  const w = words.declined;
  const reason = r.review_note ? w.reason(r.review_note) : '';
  if (msg.channel === 'sms') return { text: w.sms(d.brand ?? 'Cinema', v.movie_title, when(v), reason) };
  return {
    subject: w.subject(v.movie_title),
    text: [
      words.hello(v.customer_name),
      '',
      w.body(v.movie_title, when(v), labelsOf(v, r.seat_ids), reason),
      w.stillValid,
      '',
      words.reference(formatBookingCode(v.booking_code)),
    ].join('\n'),
  };
}

async function screeningCancelled(d: RenderDeps, msg: OutboxRow, v: TicketView): Promise<RenderedMessage> {
  const r = await refundOf(d, msg);
  const words = wordsOf(v);
  const w = words.cancelled;
  const amount = formatMoney(toMinor(r.amount), r.currency);
  const what = `${v.movie_title}, ${when(v)}, ${v.theater_name} ${v.hall_name}`;
  const code = formatBookingCode(v.booking_code);
  if (msg.channel === 'sms') return { text: w.sms(d.brand ?? 'Cinema', what, amount, code) };
  return {
    subject: w.subject(v.movie_title, when(v)),
    text: [
      words.hello(v.customer_name),
      '',
      w.sorry(what),
      '',
      `${w.seats}: ${labelsOf(v, r.seat_ids)}`,
      w.refund(amount),
      words.moneyBack,
      '',
      words.reference(code),
    ].join('\n'),
  };
}
