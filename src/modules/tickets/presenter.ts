// A ticket on the wire. Times in UTC and on the theater's wall clock (with its offset and zone);
// the booking code and the QR payload only once the ticket was paid.
import type { Static } from 'typebox';
import type { TicketSchema } from './schemas.ts';
import { decimalToNumber, minorToNumber, toMinor } from '../../lib/money.ts';
import { ADMITS, type TicketView } from './ticket-view.ts';

const PAID_ONCE = new Set(['paid', 'partially_refunded', 'refunded']);

/** '2026-12-25T19:30:00' local + the instant -> '2026-12-25T19:30:00+07:00' */
export function withOffset(local: string, instant: Date): string {
  const minutes = Math.round((Date.parse(`${local}Z`) - instant.getTime()) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${local}${sign}${String(Math.trunc(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function presentTicket(v: TicketView, qr: string | null): Static<typeof TicketSchema> {
  const money = (d: string) => decimalToNumber(d) as number;
  return {
    id: v.id,
    status: v.status,
    booking_code: PAID_ONCE.has(v.status) ? v.booking_code : null,
    movie: { id: v.movie_id, title: v.movie_title, rating: v.movie_rating, duration: v.movie_duration },
    theater: { id: v.theater_id, name: v.theater_name, address: v.theater_address, time_zone: v.time_zone },
    hall: { id: v.hall_id, name: v.hall_name, screen_type: v.screen_type },
    screening: {
      id: v.screening_id,
      show_time: v.show_time.toISOString(),
      local_show_time: withOffset(v.local_show_time, v.show_time),
      time_zone: v.time_zone,
      end_time: v.end_time.toISOString(),
      is_3d: v.is_3d,
      status: v.screening_status,
    },
    seats: v.seats.map((s) => ({ id: s.id, label: s.label, type: s.type, price: money(s.price), status: s.status })),
    total_amount: money(v.total_amount),
    fee_amount: money(v.fee_amount),
    amount_paid: PAID_ONCE.has(v.status) ? minorToNumber(toMinor(v.total_amount) + toMinor(v.fee_amount)) : null,
    currency: v.currency,
    payment_method: v.payment_method,
    payment: v.payment
      ? {
          id: v.payment.id,
          status: v.payment.status,
          method: v.payment.method,
          amount: money(v.payment.amount),
          fee: money(v.payment.fee),
          captured_at: v.payment.captured_at,
          // the payment instructions stay within reach while it is pending (a reload, another device)
          next_action: v.payment.status === 'pending' ? (v.payment.next_action ?? null) : null,
        }
      : null,
    purchase_time: v.purchase_time ? v.purchase_time.toISOString() : null,
    checked_in_at: v.checked_in_at ? v.checked_in_at.toISOString() : null,
    hold_id: v.hold_id,
    created_at: v.created_at.toISOString(),
    qr: ADMITS.has(v.status) ? qr : null,
  };
}
