// Tickets and their seats (tickets, ticket_seats): the one writer of those rows. A ticket is made
// pending at checkout, sold or closed when its payment settles, refunded seat by seat, checked in.
import type { Sql } from '../../db/client.ts';
import { newBookingCode } from '../../eticket/booking-code.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { bumpSeatMap, restockSeats, type SeatsChanged, seatEvent, sellSeats } from '../inventory/index.ts';

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

/**
 * Sells the seats to the ticket and bumps the screening's seat-map version (last: its row lock is
 * held only for the commit). The partial unique index ticket_seats_sold_once guards the sale.
 */
export async function sellTicketSeats(trx: Sql, t: LockedTicket): Promise<number> {
  await sellSeats(trx, t.screening_id, t.seat_ids, t.id);
  await trx.query(`UPDATE ticket_seats SET status = 'sold' WHERE ticket_id = $1`, [t.id]);
  return bumpSeatMap(trx, t.screening_id, -t.seat_ids.length);
}

export async function markTicketPaid(trx: Sql, t: LockedTicket, p: { method: string; fee: string }): Promise<void> {
  await trx.query(
    `UPDATE tickets SET status = 'paid', purchase_time = now(), payment_method = $2, fee_amount = $3,
            version = version + 1, updated_at = now()
      WHERE id = $1`,
    [t.id, p.method, p.fee],
  );
}

/** The ticket shows the fee of the method being paid with. */
export async function setTicketFee(trx: Sql, ticketId: string, fee: string): Promise<void> {
  await trx.query('UPDATE tickets SET fee_amount = $2, updated_at = now() WHERE id = $1', [ticketId, fee]);
}

/** A ticket that will not be paid: its seats are not sold to it (they may be sold to someone else). */
export async function closeTicket(trx: Sql, ticketId: string, status: 'expired' | 'cancelled'): Promise<void> {
  await trx.query(`UPDATE tickets SET status = $2, version = version + 1, updated_at = now() WHERE id = $1`, [ticketId, status]);
  await trx.query(`UPDATE ticket_seats SET status = 'void' WHERE ticket_id = $1 AND status = 'pending'`, [ticketId]);
}

/**
 * A refund's seats go back on sale (the refund's transaction, after the gateway's yes): marked
 * refunded on the ticket, 'available' again in the screening (version + 1; rows locked in seat-id
 * order first, as every writer does), the ticket partially_refunded or refunded, available_seats up
 * and the seat-map version bumped last. Only seats still sold to this ticket move, so a repeat does
 * nothing. Returns what to do after commit (or null when nothing moved): publish the seat event, and
 * drop the buyer's Redis seat marks, which would otherwise refuse the seats to others for a while.
 */
export async function restockRefundedSeats(trx: Sql, ticketId: string, refundId: string, seatIds: number[]): Promise<SeatsChanged | null> {
  const { rows: moved } = await trx.query<{ seat_id: number; screening_id: number }>(
    `UPDATE ticket_seats SET status = 'refunded', refund_id = $2
      WHERE ticket_id = $1 AND seat_id = ANY($3::int[]) AND status = 'sold'
      RETURNING seat_id, screening_id`,
    [ticketId, refundId, seatIds],
  );
  if (moved.length === 0) return null;
  const screeningId = moved[0].screening_id;
  const free = await restockSeats(
    trx,
    screeningId,
    moved.map((m) => m.seat_id),
    ticketId,
  );
  const { rows: owner } = await trx.query<{ user_id: number }>(
    `UPDATE tickets SET status = CASE WHEN EXISTS (SELECT 1 FROM ticket_seats WHERE ticket_id = $1 AND status = 'sold')
                                      THEN 'partially_refunded' ELSE 'refunded' END,
            version = version + 1, updated_at = now()
      WHERE id = $1 RETURNING user_id`,
    [ticketId],
  );
  const version = await bumpSeatMap(trx, screeningId, free.length);
  return { event: seatEvent(screeningId, version, free, 'available'), freed: [{ seatIds: free, owner: `u${owner[0].user_id}` }], sales: true };
}

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
export async function insertTicket(
  trx: Sql,
  hold: { id: string; user_id: number; screening_id: number; seat_ids: number[]; prices: string[] | null; total_amount: string; currency: string },
): Promise<TicketRow> {
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

/** Seats of a screening a customer has bought (sold to them, not refunded). */
export async function seatsBoughtBy(sql: Sql, userId: number, screeningId: number): Promise<number> {
  const { rows } = await sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tickets tk JOIN ticket_seats ts ON ts.ticket_id = tk.id
      WHERE tk.user_id = $1 AND tk.screening_id = $2 AND ts.status = 'sold'`,
    [userId, screeningId],
  );
  return rows[0].n;
}

/** The ticket row locked, for a writer that needs it in lock order (ticket -> payment -> refund). */
export async function lockTicketRow(trx: Sql, ticketId: string): Promise<void> {
  await trx.query('SELECT 1 FROM tickets WHERE id = $1 FOR UPDATE', [ticketId]);
}

/**
 * Admits a ticket at the door, once: paid (or partly refunded), its screening on, from
 * `opensMinutes` before the show until it ends. Returns when, or null when it cannot be admitted.
 */
export async function admitTicket(trx: Sql, ticketId: string, staffId: number, opensMinutes: number): Promise<Date | null> {
  // The row lock first, in its own statement (as a refund request takes it): the UPDATE then sees a
  // refund committed while it waited. Not while money is on its way back (a refund requested or
  // processing): its seats go back on sale when it succeeds, and would be resold under a guest.
  await lockTicketRow(trx, ticketId);
  const { rows } = await trx.query<{ checked_in_at: Date }>(
    `UPDATE tickets t SET checked_in_at = now(), checked_in_by = $2, version = t.version + 1, updated_at = now()
       FROM screenings s
      WHERE t.id = $1 AND s.id = t.screening_id AND t.checked_in_at IS NULL
        AND t.status IN ('paid', 'partially_refunded') AND s.status = 'scheduled'
        AND now() >= s.show_time - make_interval(mins => $3) AND now() <= s.end_time
        AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.ticket_id = t.id AND r.status IN ('requested', 'processing'))
     RETURNING t.checked_in_at`,
    [ticketId, staffId, opensMinutes],
  );
  return rows[0]?.checked_in_at ?? null;
}

/** Tickets still pending_payment whose hold has ended and that have no payment in flight: expired. */
export async function expireAbandonedTickets(trx: Sql, batch: number): Promise<string[]> {
  const { rows } = await trx.query<{ id: string }>(
    `WITH due AS (
       SELECT t.id FROM tickets t JOIN holds h ON h.id = t.hold_id
        WHERE t.status = 'pending_payment' AND NOT (h.status = 'active' AND h.reserved_until > now())
          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.ticket_id = t.id AND p.status = 'pending')
        ORDER BY t.created_at LIMIT $1 FOR UPDATE OF t SKIP LOCKED)
     UPDATE tickets t SET status = 'expired', version = t.version + 1, updated_at = now()
       FROM due WHERE t.id = due.id
     RETURNING t.id`,
    [batch],
  );
  if (rows.length > 0) {
    await trx.query(`UPDATE ticket_seats SET status = 'void' WHERE ticket_id = ANY($1::uuid[]) AND status = 'pending'`, [rows.map((r) => r.id)]);
  }
  return rows.map((r) => r.id);
}
