// The check-in route's schema: the scanned or typed code in, the admission out.
import { Type } from 'typebox';
import { Envelope, problems, Timestamp } from '../../http/schemas.ts';

const TicketFacts = {
  screening_id: Type.Integer(),
  ticket_id: Type.String({ format: 'uuid' }),
  booking_code: Type.String(),
  status: Type.String(),
  movie: Type.Object({ id: Type.Integer(), title: Type.String(), rating: Type.Union([Type.String(), Type.Null()]) }),
  theater: Type.Object({ id: Type.Integer(), name: Type.String(), time_zone: Type.String({ examples: ['Asia/Jakarta'] }) }),
  hall: Type.Object({ id: Type.Integer(), name: Type.String() }),
  show_time: Timestamp('Start, UTC'),
  local_show_time: Type.String({ examples: ['2026-12-25T19:30:00+07:00'] }),
  seats: Type.Array(Type.Object({ id: Type.Integer(), label: Type.String(), type: Type.String() }), { description: 'The seats this ticket admits' }),
};

export const AdmissionSchema = Type.Object({ ...TicketFacts, checked_in_at: Timestamp('Admitted at') });

export const TicketLookupSchema = Type.Object({
  ...TicketFacts,
  checked_in_at: Type.Union([Timestamp('Admitted at'), Type.Null()]),
  refusal: Type.Union(
    [
      Type.Object({
        code: Type.String({ examples: ['already_checked_in', 'too_early'] }),
        message: Type.String(),
        details: Type.Record(Type.String(), Type.Unknown()),
      }),
      Type.Null(),
    ],
    { description: 'What POST /checkin would answer now (its problem code, words and details); null: it would admit' },
  ),
});

export const AdmissionCountSchema = Type.Object({
  screening_id: Type.Integer(),
  tickets: Type.Integer({ description: 'Tickets with a seat still sold' }),
  admitted: Type.Integer({ description: 'Of those, checked in' }),
  seats: Type.Integer({ description: 'Seats sold' }),
  admitted_seats: Type.Integer({ description: 'Seats of the tickets checked in' }),
});

export const checkInSchema = {
  tags: ['check-in'],
  summary: 'Admit a ticket at the door (staff or admin)',
  description:
    '`code` is the scanned QR payload, or the booking code typed by staff. 400 invalid_ticket_code for a forged, altered or ' +
    'unreadable code; 409 already_checked_in (with `checked_in_at`), ticket_refunded, ticket_not_paid, screening_cancelled, ' +
    'wrong_day, too_early (with `opens_at`) or screening_ended.',
  body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 2000 }) }),
  response: { 200: Envelope(AdmissionSchema), ...problems(400, 401, 403, 404, 409) },
};

export const lookupSchema = {
  tags: ['check-in'],
  summary: 'Look a ticket up by its code without admitting it (staff or admin)',
  description:
    'The same `code` as POST /checkin (a POST so the signed code stays out of URLs and logs). Answers the ticket and `refusal`: ' +
    'what POST /checkin would answer now, or null. 400 invalid_ticket_code; 404 ticket_not_found.',
  body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 2000 }) }),
  response: { 200: Envelope(TicketLookupSchema), ...problems(400, 401, 403, 404) },
};

export const admissionCountSchema = {
  tags: ['check-in'],
  summary: "How many of a screening's tickets are in (staff or admin)",
  params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) }),
  response: { 200: Envelope(AdmissionCountSchema), ...problems(400, 401, 403, 404) },
};
