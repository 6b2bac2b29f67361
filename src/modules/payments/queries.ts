// Data access for settling payments and refunds. Lock order as everywhere:
// hold -> ticket -> payment -> refund -> seat rows -> screening.
import type { Sql } from '../../db/client.ts';
import type { SeatEvent } from '../../realtime/events.ts';
import { PAYMENT_COLUMNS, type PaymentRow } from '../checkout/queries.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PaymentRef {
  payment_id: string;
  ticket_id: string;
  hold_id: string | null;
}

/** Our payment for a gateway payment: by its reference (our id), else by the gateway's id. No lock. */
export async function findPaymentRef(sql: Sql, gateway: string, reference: string, gatewayId: string): Promise<PaymentRef | undefined> {
  const { rows } = await sql.query<PaymentRef>(
    `SELECT p.id AS payment_id, p.ticket_id, t.hold_id
       FROM payments p JOIN tickets t ON t.id = p.ticket_id
      WHERE ($1::uuid IS NOT NULL AND p.id = $1::uuid) OR (p.gateway = $2 AND p.gateway_payment_id = $3)
      LIMIT 1`,
    [UUID.test(reference) ? reference : null, gateway, gatewayId],
  );
  return rows[0];
}

export interface LockedTicket {
  id: string;
  user_id: number;
  screening_id: number;
  hold_id: string | null;
  status: 'pending_payment' | 'paid' | 'expired' | 'cancelled' | 'partially_refunded' | 'refunded';
  purchase_time: Date | null;
  seat_ids: number[];
}

export async function lockTicket(trx: Sql, id: string): Promise<LockedTicket> {
  const { rows } = await trx.query<LockedTicket>(
    `SELECT id, user_id, screening_id, hold_id, status, purchase_time,
            array(SELECT seat_id FROM ticket_seats WHERE ticket_id = tickets.id ORDER BY seat_id) AS seat_ids
       FROM tickets WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0];
}

export async function lockPayment(trx: Sql, id: string): Promise<PaymentRow> {
  const { rows } = await trx.query<PaymentRow>(`SELECT ${PAYMENT_COLUMNS} FROM payments WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

export interface SeatState {
  seat_id: number;
  status: 'available' | 'held' | 'sold' | 'blocked';
  hold_id: string | null;
  /** held and held_until still ahead */
  live: boolean;
}

/** The ticket's seat rows of the screening, locked in seat-id order (the order every writer uses). */
export async function lockSeatStates(trx: Sql, screeningId: number, seatIds: number[]): Promise<SeatState[]> {
  const { rows } = await trx.query<SeatState>(
    `SELECT seat_id, status, hold_id, (status = 'held' AND held_until > now()) AS live
       FROM screening_seats WHERE screening_id = $1 AND seat_id = ANY($2::int[])
      ORDER BY seat_id FOR UPDATE`,
    [screeningId, seatIds],
  );
  return rows;
}

/**
 * Sells the seats to the ticket and bumps the screening's seat-map version (last: its row lock is
 * held only for the commit). The partial unique index ticket_seats_sold_once guards the sale.
 */
export async function sellSeats(trx: Sql, t: LockedTicket): Promise<number> {
  await trx.query(
    `UPDATE screening_seats SET status = 'sold', ticket_id = $3, hold_id = NULL, held_until = NULL,
            version = version + 1, updated_at = now()
      WHERE screening_id = $1 AND seat_id = ANY($2::int[])`,
    [t.screening_id, t.seat_ids, t.id],
  );
  await trx.query(`UPDATE ticket_seats SET status = 'sold' WHERE ticket_id = $1`, [t.id]);
  const { rows } = await trx.query<{ seat_map_version: number }>(
    `UPDATE screenings SET available_seats = greatest(0, available_seats - $2), seat_map_version = seat_map_version + 1,
            updated_at = now()
      WHERE id = $1 RETURNING seat_map_version`,
    [t.screening_id, t.seat_ids.length],
  );
  return rows[0].seat_map_version;
}

export async function markTicketPaid(trx: Sql, t: LockedTicket, p: PaymentRow): Promise<void> {
  await trx.query(
    `UPDATE tickets SET status = 'paid', purchase_time = now(), payment_method = $2, fee_amount = $3,
            version = version + 1, updated_at = now()
      WHERE id = $1`,
    [t.id, p.method, p.fee],
  );
  if (t.hold_id) await trx.query(`UPDATE holds SET status = 'converted' WHERE id = $1`, [t.hold_id]);
}

/** A ticket that will not be paid: its seats are not sold to it (they may be sold to someone else). */
export async function closeTicket(trx: Sql, ticketId: string, status: 'expired' | 'cancelled'): Promise<void> {
  await trx.query(`UPDATE tickets SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, [ticketId, status]);
  await trx.query(`UPDATE ticket_seats SET status = 'void' WHERE ticket_id = $1 AND status = 'pending'`, [ticketId]);
}

export async function markCaptured(trx: Sql, paymentId: string, gatewayId: string, capturedAt: string | null): Promise<void> {
  await trx.query(
    `UPDATE payments SET status = 'captured', captured_at = coalesce($3::timestamptz, now()), failure_code = NULL,
            gateway_payment_id = coalesce(gateway_payment_id, $2), updated_at = now()
      WHERE id = $1`,
    [paymentId, gatewayId, capturedAt],
  );
}

/** A payment that ended without money (failed, cancelled, expired); never overrides a settled one. */
export async function markUnpaid(trx: Sql, paymentId: string, gatewayId: string | null, status: 'failed' | 'cancelled', failureCode: string | null) {
  await trx.query(
    `UPDATE payments SET status = $3, failure_code = coalesce($4, failure_code),
            gateway_payment_id = coalesce(gateway_payment_id, $2), updated_at = now()
      WHERE id = $1 AND status = 'pending'`,
    [paymentId, gatewayId, status, failureCode],
  );
}

export async function insertSystemRefund(trx: Sql, t: LockedTicket, p: PaymentRow, reason: string): Promise<string> {
  const { rows } = await trx.query<{ id: string }>(
    `INSERT INTO refunds (ticket_id, payment_id, seat_ids, amount, currency, status, reason, initiated_by)
     VALUES ($1, $2, $3, $4, $5, 'processing', $6, 'system') RETURNING id`,
    [t.id, p.id, t.seat_ids, p.amount, p.currency, reason],
  );
  return rows[0].id;
}

/**
 * A refund's seats go back on sale (the refund's transaction, after the gateway's yes): marked
 * refunded on the ticket, 'available' again in the screening (version + 1; rows locked in seat-id
 * order first, as every writer does), the ticket partially_refunded or refunded, available_seats up
 * and the seat-map version bumped last. Only seats still sold to this ticket move, so a repeat does
 * nothing. Returns what to do after commit (or null when nothing moved): publish the seat event, and
 * drop the buyer's Redis seat marks, which would otherwise refuse the seats to others for a while.
 */
export async function restockRefundedSeats(trx: Sql, ticketId: string, refundId: string, seatIds: number[]): Promise<Restocked | null> {
  const { rows: moved } = await trx.query<{ seat_id: number; screening_id: number }>(
    `UPDATE ticket_seats SET status = 'refunded', refund_id = $2
      WHERE ticket_id = $1 AND seat_id = ANY($3::int[]) AND status = 'sold'
      RETURNING seat_id, screening_id`,
    [ticketId, refundId, seatIds],
  );
  if (moved.length === 0) return null;
  const screeningId = moved[0].screening_id;
  const seats = moved.map((m) => m.seat_id).sort((a, b) => a - b);
  await trx.query(`SELECT 1 FROM screening_seats WHERE screening_id = $1 AND seat_id = ANY($2::int[]) ORDER BY seat_id FOR UPDATE`, [
    screeningId,
    seats,
  ]);
  const { rows: freed } = await trx.query<{ seat_id: number }>(
    `UPDATE screening_seats SET status = 'available', ticket_id = NULL, hold_id = NULL, held_until = NULL,
            version = version + 1, updated_at = now()
      WHERE screening_id = $1 AND seat_id = ANY($2::int[]) AND status = 'sold' AND ticket_id = $3
      RETURNING seat_id`,
    [screeningId, seats, ticketId],
  );
  const { rows: owner } = await trx.query<{ user_id: number }>(
    `UPDATE tickets SET status = CASE WHEN EXISTS (SELECT 1 FROM ticket_seats WHERE ticket_id = $1 AND status = 'sold')
                                      THEN 'partially_refunded' ELSE 'refunded' END,
            version = version + 1, updated_at = now()
      WHERE id = $1 RETURNING user_id`,
    [ticketId],
  );
  const { rows } = await trx.query<{ seat_map_version: number }>(
    `UPDATE screenings SET available_seats = available_seats + $2, seat_map_version = seat_map_version + 1, updated_at = now()
      WHERE id = $1 RETURNING seat_map_version`,
    [screeningId, freed.length],
  );
  const free = freed.map((f) => f.seat_id);
  return {
    event: { screening_id: screeningId, version: rows[0].seat_map_version, seats: free.map((id) => ({ id, status: 'available' as const })) },
    unmark: { screeningId, seatIds: free, owner: `u${owner[0].user_id}` },
  };
}

export interface Restocked {
  event: SeatEvent;
  unmark: { screeningId: number; seatIds: number[]; owner: string };
}
