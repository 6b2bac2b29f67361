// The ticket view: everything shown about a ticket (API, PDF, e-mail), built by one query. The
// e-mail renderer uses it too: loadTicketView + ticketQr + toPdfView.
import type { Sql } from '../../db/client.ts';
import type { NextAction } from '../../gateway/gateway.ts';
import type { Locale } from '../../lib/locale.ts';
import { toMinor } from '../../lib/money.ts';
import type { TicketPdfView } from '../../eticket/pdf.ts';
import { signTicket } from '../../eticket/ticket-signing.ts';
import type { TicketKeys } from '../../eticket/signing-key.ts';

export type TicketStatus = 'pending_payment' | 'paid' | 'expired' | 'cancelled' | 'partially_refunded' | 'refunded';

export interface TicketViewSeat {
  id: number;
  label: string;
  type: string;
  price: string;
  status: 'pending' | 'sold' | 'refunded' | 'void';
}

export interface TicketView {
  id: string;
  booking_code: string;
  user_id: number;
  status: TicketStatus;
  total_amount: string;
  fee_amount: string;
  /** refunds paid out so far, fees included */
  refunded_amount: string;
  currency: string;
  payment_method: string | null;
  purchase_time: Date | null;
  checked_in_at: Date | null;
  created_at: Date;
  /** (created_at, id) as text with microseconds: the keyset of GET /me/tickets */
  page_key: string;
  hold_id: string | null;
  screening_id: number;
  show_time: Date;
  end_time: Date;
  screening_status: 'scheduled' | 'cancelled';
  is_3d: boolean;
  /** show time on the theater's wall clock, 'YYYY-MM-DDTHH:MM:SS' */
  local_show_time: string;
  movie_id: number;
  movie_title: string;
  movie_rating: string | null;
  movie_duration: number;
  theater_id: number;
  theater_name: string;
  theater_address: string;
  time_zone: string;
  hall_id: number;
  hall_name: string;
  screen_type: string | null;
  customer_name: string;
  /** the customer's language for messages and the PDF */
  locale: Locale;
  email: string;
  phone_number: string | null;
  seats: TicketViewSeat[];
  payment: {
    id: string | null;
    reference: string;
    status: string;
    method: string;
    amount: string;
    fee: string;
    captured_at: string | null;
    /** what the customer does next to pay (a virtual account, a QR code, a page), while it is pending */
    next_action: NextAction | null;
  } | null;
}

const VIEW = `
  SELECT t.id, t.booking_code, t.user_id, t.status, t.total_amount::text AS total_amount, t.fee_amount::text AS fee_amount,
         (SELECT coalesce(sum(r.amount), 0)::text FROM refunds r WHERE r.ticket_id = t.id AND r.status = 'succeeded') AS refunded_amount,
         t.currency, t.payment_method, t.purchase_time, t.checked_in_at, t.created_at,
         to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS page_key,
         t.hold_id, t.screening_id, s.show_time, s.end_time, s.status AS screening_status, s.is_3d,
         to_char(s.show_time AT TIME ZONE th.time_zone, 'YYYY-MM-DD"T"HH24:MI:SS') AS local_show_time,
         m.id AS movie_id, m.title AS movie_title, m.rating AS movie_rating, m.duration AS movie_duration,
         th.id AS theater_id, th.name AS theater_name, th.address AS theater_address, th.time_zone,
         h.id AS hall_id, h.name AS hall_name, h.screen_type,
         u.full_name AS customer_name, u.email, u.phone_number, u.locale,
         coalesce((SELECT json_agg(json_build_object('id', ts.seat_id, 'label', st.row_label || st.number, 'type', st.seat_type,
                                                     'price', ts.price::text, 'status', ts.status) ORDER BY st.y, st.x)
                     FROM ticket_seats ts JOIN seats st ON st.id = ts.seat_id WHERE ts.ticket_id = t.id), '[]'::json) AS seats,
         (SELECT json_build_object('id', p.gateway_payment_id, 'reference', p.id, 'status', p.status, 'method', p.method,
                                   'amount', p.amount::text, 'fee', p.fee::text, 'captured_at', iso8601(p.captured_at),
                                   'next_action', CASE WHEN p.status = 'pending' THEN p.next_action END)
            FROM payments p WHERE p.ticket_id = t.id
           ORDER BY (p.status IN ('captured', 'partially_refunded', 'refunded')) DESC, p.created_at DESC LIMIT 1) AS payment
    FROM tickets t
    JOIN screenings s ON s.id = t.screening_id
    JOIN movies m ON m.id = s.movie_id
    JOIN theaters th ON th.id = s.theater_id
    JOIN halls h ON h.id = s.hall_id
    JOIN users u ON u.id = t.user_id`;

export async function loadTicketView(sql: Sql, ticketId: string): Promise<TicketView | undefined> {
  const { rows } = await sql.query<TicketView>(`${VIEW} WHERE t.id = $1`, [ticketId]);
  return rows[0];
}

/** A customer's tickets, newest first, after a (created_at, id) key. */
export async function ticketViewsOf(
  sql: Sql,
  userId: number,
  a: { after?: { key: string; id: string }; limit: number; status?: TicketStatus },
): Promise<TicketView[]> {
  const { rows } = await sql.query<TicketView>(
    `${VIEW}
      WHERE t.user_id = $1 AND ($2::text IS NULL OR t.status = $2)
        AND ($3::timestamptz IS NULL OR (t.created_at, t.id) < ($3::timestamptz, $4::uuid))
      ORDER BY t.created_at DESC, t.id DESC LIMIT $5`,
    [userId, a.status ?? null, a.after?.key ?? null, a.after?.id ?? null, a.limit],
  );
  return rows;
}

/** Whose seats admit at the door: paid tickets, and the seats of partly refunded ones still sold. */
export const ADMITS = new Set<TicketStatus>(['paid', 'partially_refunded']);

export function soldSeats(v: TicketView): TicketViewSeat[] {
  return v.seats.filter((s) => s.status === 'sold');
}

/** The signed QR payload, for tickets that admit; Ed25519 is deterministic, so it never changes. */
export function ticketQr(keys: TicketKeys, v: TicketView): string | null {
  if (!ADMITS.has(v.status) || !v.purchase_time) return null;
  return signTicket(keys.privateKey, {
    tid: v.id,
    bc: v.booking_code,
    sid: v.screening_id,
    seats: soldSeats(v).map((s) => s.id),
    st: v.show_time.toISOString(),
    iat: Math.floor(v.purchase_time.getTime() / 1000),
  });
}

export function toPdfView(v: TicketView, qrPayload: string): TicketPdfView {
  return {
    ticketId: v.id,
    bookingCode: v.booking_code,
    qrPayload,
    movieTitle: v.movie_title,
    rating: v.movie_rating,
    durationMinutes: v.movie_duration,
    theaterName: v.theater_name,
    theaterAddress: v.theater_address,
    hallName: v.hall_name,
    timeZone: v.time_zone,
    showTime: v.show_time,
    seats: soldSeats(v).map((s) => ({ label: s.label, type: s.type, priceMinor: toMinor(s.price) })),
    refundedSeats: v.seats.filter((s) => s.status === 'refunded').map((s) => ({ label: s.label, type: s.type, priceMinor: toMinor(s.price) })),
    totalMinor: toMinor(v.total_amount),
    feeMinor: toMinor(v.fee_amount),
    refundedMinor: toMinor(v.refunded_amount),
    currency: v.currency,
    purchasedAt: v.purchase_time,
    customerName: v.customer_name,
    locale: v.locale,
  };
}
