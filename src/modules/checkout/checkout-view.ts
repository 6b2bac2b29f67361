// What a checkout answers: the ticket waiting for (or done with) its payment, and the payment with
// what the customer does next. Read back from the database after the gateway answered, so a webhook
// that settled the payment before this response shows as paid.
import type { Static } from 'typebox';
import type { CheckoutSchema, PaymentSchema } from './schemas.ts';
import type { Sql } from '../../db/client.ts';
import { decimalToNumber } from '../../lib/money.ts';
import type { NextAction } from '../../gateway/gateway.ts';
import { PAYMENT_COLUMNS, type PaymentRow } from '../payments/index.ts';
import type { TicketRow } from '../tickets/index.ts';

interface ViewRow {
  id: string;
  status: TicketRow['status'];
  booking_code: string;
  total_amount: string;
  fee_amount: string;
  currency: string;
  hold_id: string | null;
  reserved_until: Date | null;
  seats: { id: number; label: string; type: string; price: string }[];
}

export async function checkoutView(sql: Sql, ticketId: string, paymentId: string) {
  const { rows } = await sql.query<ViewRow>(
    `SELECT t.id, t.status, t.booking_code, t.total_amount::text AS total_amount, t.fee_amount::text AS fee_amount,
            t.currency, t.hold_id, h.reserved_until,
            (SELECT json_agg(json_build_object('id', ts.seat_id, 'label', st.row_label || st.number, 'type', st.seat_type,
                                               'price', ts.price::text) ORDER BY st.y, st.x)
               FROM ticket_seats ts JOIN seats st ON st.id = ts.seat_id WHERE ts.ticket_id = t.id) AS seats
       FROM tickets t LEFT JOIN holds h ON h.id = t.hold_id
      WHERE t.id = $1`,
    [ticketId],
  );
  const p = await sql.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1`, [paymentId]);
  return presentCheckout(rows[0], p.rows[0]);
}

const paid = new Set(['paid', 'partially_refunded']);

export function presentCheckout(t: ViewRow, p: PaymentRow): Static<typeof CheckoutSchema> {
  return {
    ticket: {
      id: t.id,
      status: t.status,
      // the code admits people at the door: shown once the ticket is paid
      ...(paid.has(t.status) ? { booking_code: t.booking_code } : {}),
      total_amount: decimalToNumber(t.total_amount) as number,
      fee_amount: decimalToNumber(t.fee_amount) as number,
      currency: t.currency,
      seats: (t.seats ?? []).map((s) => ({ id: s.id, label: s.label, type: s.type, price: decimalToNumber(s.price) as number })),
      hold_id: t.hold_id,
      reserved_until: t.reserved_until ? t.reserved_until.toISOString() : null,
    },
    payment: presentPayment(p),
  };
}

/** A payment as the customer sees it: `id` is the gateway's (its pages and control routes use it). */
export function presentPayment(p: PaymentRow): Static<typeof PaymentSchema> {
  return {
    id: p.gateway_payment_id,
    reference: p.id,
    status: p.status,
    method: p.method,
    amount: decimalToNumber(p.amount) as number,
    fee: decimalToNumber(p.fee) as number,
    currency: p.currency,
    next_action: (p.next_action ?? null) as NextAction | null,
    failure_code: p.failure_code,
  };
}
