// Data access for checkout. Functions that lock take the transaction first; lock order as everywhere:
// hold -> ticket -> payment -> seat rows -> screening.
import type { Sql } from '../../db/client.ts';
import type { NextAction, PaymentMethod } from '../../gateway/gateway.ts';
import { newBookingCode } from '../../eticket/booking-code.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { HoldRow } from '../holds/index.ts';

export interface TicketRow {
  id: string;
  status: 'pending_payment' | 'paid' | 'expired' | 'cancelled' | 'partially_refunded' | 'refunded';
}

export async function lockTicketOfHold(trx: Sql, holdId: string): Promise<TicketRow | undefined> {
  const { rows } = await trx.query<TicketRow>('SELECT id, status FROM tickets WHERE hold_id = $1 FOR UPDATE', [holdId]);
  return rows[0];
}

/**
 * The hold's one ticket, prices frozen from the hold. A booking code that clashes with another
 * ticket's (40 random bits: rare) is drawn again; ON CONFLICT keeps the transaction usable.
 */
export async function insertTicket(trx: Sql, hold: HoldRow): Promise<TicketRow> {
  const id = uuidv7();
  for (let attempt = 1; ; attempt++) {
    const { rows } = await trx.query<TicketRow>(
      `INSERT INTO tickets (id, booking_code, user_id, screening_id, hold_id, status, total_amount, currency)
       VALUES ($1, $2, $3, $4, $5, 'pending_payment', $6, $7)
       ON CONFLICT (booking_code) DO NOTHING RETURNING id, status`,
      [id, newBookingCode(), hold.user_id, hold.screening_id, hold.id, hold.total_amount, hold.currency],
    );
    if (rows[0]) break;
    if (attempt >= 5) throw new Error('could not draw a free booking code');
  }
  await trx.query(
    `INSERT INTO ticket_seats (ticket_id, screening_id, seat_id, price, status)
     SELECT $1, $2, u.seat_id, u.price, 'pending' FROM unnest($3::int[], $4::numeric[]) AS u(seat_id, price)`,
    [id, hold.screening_id, hold.seat_ids, hold.prices ?? []],
  );
  return { id, status: 'pending_payment' };
}

export interface PaymentRow {
  id: string;
  ticket_id: string;
  gateway: string;
  gateway_payment_id: string | null;
  method: PaymentMethod;
  amount: string;
  fee: string;
  currency: string;
  status: 'pending' | 'captured' | 'failed' | 'cancelled' | 'partially_refunded' | 'refunded';
  next_action: NextAction | null;
  failure_code: string | null;
}

export const PAYMENT_COLUMNS = `id, ticket_id, gateway, gateway_payment_id, method, amount::text AS amount, fee::text AS fee,
  currency, status, next_action, failure_code`;

export async function pendingPaymentOf(trx: Sql, ticketId: string): Promise<PaymentRow | undefined> {
  const { rows } = await trx.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE ticket_id = $1 AND status = 'pending' FOR UPDATE`, [
    ticketId,
  ]);
  return rows[0];
}

export async function insertPayment(
  trx: Sql,
  p: { ticketId: string; gateway: string; method: PaymentMethod; amount: string; fee: string; currency: string; id?: string },
): Promise<PaymentRow> {
  const { rows } = await trx.query<PaymentRow>(
    `INSERT INTO payments (id, ticket_id, gateway, method, amount, fee, currency, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending') RETURNING ${PAYMENT_COLUMNS}`,
    [p.id ?? uuidv7(), p.ticketId, p.gateway, p.method, p.amount, p.fee, p.currency],
  );
  // the ticket shows the fee of the method being paid with
  await trx.query('UPDATE tickets SET fee_amount = $2, updated_at = now() WHERE id = $1', [p.ticketId, p.fee]);
  return rows[0];
}

/**
 * Gives a slow payer more time, once per hold: reserved_until (and its seats' held_until) becomes
 * at least now + seconds; it never shrinks. Seat statuses do not change, so no seat-map version bump.
 */
export async function extendHoldOnce(trx: Sql, hold: HoldRow, seconds: number): Promise<void> {
  if (hold.extended || seconds <= 0) return;
  const { rows } = await trx.query<{ reserved_until: Date }>(
    `UPDATE holds SET extended = true, reserved_until = greatest(reserved_until, now() + make_interval(secs => $2))
      WHERE id = $1 RETURNING reserved_until`,
    [hold.id, seconds],
  );
  await trx.query(
    `UPDATE screening_seats SET held_until = $3, version = version + 1, updated_at = now()
      WHERE screening_id = $1 AND seat_id = ANY ((SELECT seat_ids FROM holds WHERE id = $2)::int[])
        AND hold_id = $2 AND status = 'held'`,
    [hold.screening_id, hold.id, rows[0].reserved_until],
  );
}

/** Seats of a screening a customer has bought (sold to them, not refunded). */
export async function seatsBoughtBy(sql: Sql, userId: number, screeningId: number): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tickets tk JOIN ticket_seats ts ON ts.ticket_id = tk.id
      WHERE tk.user_id = $1 AND tk.screening_id = $2 AND ts.status = 'sold'`,
    [userId, screeningId],
  );
  return rows[0].n;
}

/** Whole seconds the hold has left (0 when past), by the database clock. */
export async function secondsLeft(sql: Sql, holdId: string): Promise<number> {
  const { rows } = await sql.query<{ s: number }>(
    `SELECT greatest(0, floor(extract(epoch FROM reserved_until - now())))::int AS s FROM holds WHERE id = $1`,
    [holdId],
  );
  return rows[0]?.s ?? 0;
}

/** After the gateway answered: its id and what the customer does next (a webhook may have set them first). */
export async function recordGatewayPayment(sql: Sql, paymentId: string, gatewayId: string, nextAction: NextAction | null): Promise<void> {
  await sql.query(
    `UPDATE payments SET gateway_payment_id = coalesce(gateway_payment_id, $2),
            next_action = coalesce(next_action, $3::jsonb), updated_at = now()
      WHERE id = $1`,
    [paymentId, gatewayId, nextAction === null ? null : JSON.stringify(nextAction)],
  );
}

/** A payment the gateway refused (nothing happened there): failed, unless something settled it meanwhile. */
export async function failPendingPayment(sql: Sql, paymentId: string, failureCode: string): Promise<void> {
  await sql.query(`UPDATE payments SET status = 'failed', failure_code = $2, updated_at = now() WHERE id = $1 AND status = 'pending'`, [
    paymentId,
    failureCode,
  ]);
}

export async function findPayment(sql: Sql, paymentId: string): Promise<PaymentRow | undefined> {
  const { rows } = await sql.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1`, [paymentId]);
  return rows[0];
}
