// Check-in at the door (staff or admin). The code is the signed QR payload (checked with our public
// key, so a forged or altered one is 400 before any lookup) or, when a phone cannot show it, the
// booking code typed by staff (normalised: case, dashes and O/0, I/L/1 do not matter).
// Admission is one conditional UPDATE: not checked in yet, paid (or partly refunded: its sold seats
// admit), screening scheduled, and now within [show time - CHECKIN_OPENS_MINUTES, end]. Two scanners
// racing on one ticket: one UPDATE wins, the other finds it checked in. When nothing was updated, a
// second read says why, with a stable code.
import type { Static } from 'typebox';
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { localTime } from '../../lib/dates.ts';
import type { AdmissionSchema, TicketLookupSchema } from './schemas.ts';
import { normaliseBookingCode } from '../../eticket/booking-code.ts';
import { verifyTicket } from '../../eticket/ticket-signing.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { admitTicket, loadTicketView, soldSeats, type TicketView, withOffset } from '../tickets/index.ts';

/** `onlyTheaters`: a partner key restricted to some theaters admits tickets of those only. */
export async function checkIn(deps: Deps, actor: Actor, code: string, onlyTheaters?: readonly number[] | null) {
  const ticketId = await resolveCode(deps, code);
  if (onlyTheaters) {
    const v = await loadTicketView(deps.db, ticketId);
    if (v && !onlyTheaters.includes(v.theater_id)) throw new AppError('theater_not_allowed');
  }
  const opensMinutes = deps.config.CHECKIN_OPENS_MINUTES;
  const admitted = await deps.db.tx(async (trx) => {
    const checkedInAt = await admitTicket(trx, ticketId, actor.id, opensMinutes);
    if (checkedInAt === null) return null;
    const view = (await loadTicketView(trx, ticketId)) as TicketView;
    const seats = soldSeats(view).map((s) => s.label);
    await recordAudit(trx, actor, {
      action: 'ticket.check_in',
      entity: 'ticket',
      entityId: ticketId,
      after: { checked_in_at: checkedInAt, seats },
    });
    return view;
  });
  if (!admitted) await refuse(deps.db, ticketId, opensMinutes);
  return presentAdmission(admitted as TicketView);
}

async function resolveCode(deps: Deps, code: string): Promise<string> {
  const text = code.trim();
  // A booking code first: one in 1,024 of them begins with CT too (K7Q2M9XD's alphabet has both
  // letters), and a signed code never reads as one (it has dots).
  const bookingCode = normaliseBookingCode(text);
  if (!bookingCode && text.startsWith('CT')) {
    const check = verifyTicket(deps.ticketKeys.publicKey, text);
    if (!check.ok) throw new AppError('invalid_ticket_code', 'The ticket code is forged, altered or unreadable', { reason: check.reason });
    const { rows } = await deps.db.query<{ id: string }>('SELECT id FROM tickets WHERE id = $1 AND booking_code = $2', [
      check.claims.tid,
      check.claims.bc,
    ]);
    if (!rows[0]) throw new AppError('ticket_not_found');
    return rows[0].id;
  }
  if (!bookingCode) throw new AppError('invalid_ticket_code', 'Not a ticket QR code or booking code', { reason: 'malformed' });
  const { rows } = await deps.db.query<{ id: string }>('SELECT id FROM tickets WHERE booking_code = $1', [bookingCode]);
  if (!rows[0]) throw new AppError('ticket_not_found');
  return rows[0].id;
}

async function refuse(sql: Sql, ticketId: string, opensMinutes: number): Promise<never> {
  // none of the reasons held a moment ago: the state changed between the two reads
  throw (
    (await refusalOf(sql, ticketId, opensMinutes)) ??
    new AppError('already_checked_in', 'The ticket changed while checking in; scan again', { ticket_id: ticketId })
  );
}

/** Why POST /checkin would refuse the ticket now (the error it would answer), or null: it would admit. */
async function refusalOf(sql: Sql, ticketId: string, opensMinutes: number): Promise<AppError | null> {
  const { rows } = await sql.query<{
    checked_in_at: Date | null;
    status: string;
    screening_status: string;
    same_day: boolean;
    early: boolean;
    ended: boolean;
    opens_at: Date;
    show_time: Date;
    time_zone: string;
    screening_id: number;
    refunding: boolean;
  }>(
    `SELECT t.checked_in_at, t.status, s.status AS screening_status, s.show_time, th.time_zone, s.id AS screening_id,
            EXISTS (SELECT 1 FROM refunds r WHERE r.ticket_id = t.id AND r.status IN ('requested', 'processing')) AS refunding,
            (now() AT TIME ZONE th.time_zone)::date = (s.show_time AT TIME ZONE th.time_zone)::date AS same_day,
            now() < s.show_time - make_interval(mins => $2) AS early, now() > s.end_time AS ended,
            s.show_time - make_interval(mins => $2) AS opens_at
       FROM tickets t JOIN screenings s ON s.id = t.screening_id JOIN theaters th ON th.id = s.theater_id
      WHERE t.id = $1`,
    [ticketId, opensMinutes],
  );
  const r = rows[0];
  if (!r) return new AppError('ticket_not_found');
  // the words give the time on the cinema's wall clock; the fields stay RFC 3339 for programs, with
  // the screening and the theater's zone, so a door page can count the show and word it in its language
  const about = { ticket_id: ticketId, screening_id: r.screening_id, time_zone: r.time_zone };
  if (r.checked_in_at) {
    return new AppError('already_checked_in', `Already checked in at ${localTime(r.checked_in_at, r.time_zone)}`, {
      ...about,
      checked_in_at: r.checked_in_at.toISOString(),
    });
  }
  if (r.status === 'refunded') return new AppError('ticket_refunded', undefined, about);
  if (r.status !== 'paid' && r.status !== 'partially_refunded') {
    return new AppError('ticket_not_paid', `The ticket is ${r.status}`, { ...about, ticket_status: r.status });
  }
  if (r.screening_status === 'cancelled') return new AppError('screening_cancelled', undefined, about);
  // the money is on its way back (its seats go on sale again when it lands): not admitted meanwhile
  if (r.refunding) return new AppError('refund_in_progress', 'A refund of this ticket is on its way: it cannot be admitted', about);
  const when = { ...about, show_time: r.show_time.toISOString() };
  // within the doors' window a scan admits whatever the date (a midnight show's doors open the day
  // before); outside it, another day is the clearer reason
  if (!r.same_day && (r.early || r.ended)) {
    return new AppError('wrong_day', `The ticket is for a screening on another day: ${localTime(r.show_time, r.time_zone)}`, when);
  }
  if (r.ended) return new AppError('screening_ended', undefined, when);
  if (r.early) {
    return new AppError('too_early', `Check-in opens at ${localTime(r.opens_at, r.time_zone)}`, { ...when, opens_at: r.opens_at.toISOString() });
  }
  return null;
}

/**
 * A ticket looked up by its code without admitting it: what it is, and what POST /checkin would
 * answer now (`refusal` null: it would admit). The same code checks and theater restriction as checkIn.
 */
export async function lookUpTicket(deps: Deps, code: string, onlyTheaters?: readonly number[] | null): Promise<Static<typeof TicketLookupSchema>> {
  const ticketId = await resolveCode(deps, code);
  const v = await loadTicketView(deps.db, ticketId);
  if (!v) throw new AppError('ticket_not_found');
  if (onlyTheaters && !onlyTheaters.includes(v.theater_id)) throw new AppError('theater_not_allowed');
  const refusal = await refusalOf(deps.db, ticketId, deps.config.CHECKIN_OPENS_MINUTES);
  return {
    ...presentTicketFacts(v),
    checked_in_at: v.checked_in_at?.toISOString() ?? null,
    refusal: refusal && { code: refusal.code, message: refusal.message, details: refusal.details ?? {} },
  };
}

/** Tickets of a screening with a seat still sold, and how many of them (and their seats) are in. */
export async function admissionCount(deps: Deps, screeningId: number, onlyTheaters?: readonly number[] | null) {
  const { rows } = await deps.db.query<{ theater_id: number; tickets: number; admitted: number; seats: number; admitted_seats: number }>(
    `SELECT s.theater_id, count(DISTINCT t.id)::int AS tickets, count(DISTINCT t.id) FILTER (WHERE t.checked_in_at IS NOT NULL)::int AS admitted,
            count(ts.seat_id)::int AS seats, count(ts.seat_id) FILTER (WHERE t.checked_in_at IS NOT NULL)::int AS admitted_seats
       FROM screenings s
       LEFT JOIN tickets t ON t.screening_id = s.id AND t.status IN ('paid', 'partially_refunded')
       LEFT JOIN ticket_seats ts ON ts.ticket_id = t.id AND ts.status = 'sold'
      WHERE s.id = $1 GROUP BY s.theater_id`,
    [screeningId],
  );
  const r = rows[0];
  if (!r) throw new AppError('screening_not_found');
  if (onlyTheaters && !onlyTheaters.includes(r.theater_id)) throw new AppError('theater_not_allowed');
  return { screening_id: screeningId, tickets: r.tickets, admitted: r.admitted, seats: r.seats, admitted_seats: r.admitted_seats };
}

function presentAdmission(v: TicketView): Static<typeof AdmissionSchema> {
  return { ...presentTicketFacts(v), checked_in_at: (v.checked_in_at as Date).toISOString() };
}

function presentTicketFacts(v: TicketView) {
  return {
    ticket_id: v.id,
    screening_id: v.screening_id,
    booking_code: v.booking_code,
    status: v.status,
    movie: { id: v.movie_id, title: v.movie_title, rating: v.movie_rating },
    theater: { id: v.theater_id, name: v.theater_name, time_zone: v.time_zone },
    hall: { id: v.hall_id, name: v.hall_name },
    show_time: v.show_time.toISOString(),
    local_show_time: withOffset(v.local_show_time, v.show_time),
    seats: soldSeats(v).map((s) => ({ id: s.id, label: s.label, type: s.type })),
  };
}
