// The check-in route's schema: the scanned or typed code in, the admission out.
import { Type } from 'typebox';
import { Envelope, problems, Timestamp } from '../../http/schemas.ts';

export const AdmissionSchema = Type.Object({
  ticket_id: Type.String({ format: 'uuid' }),
  booking_code: Type.String(),
  status: Type.String(),
  movie: Type.Object({ id: Type.Integer(), title: Type.String(), rating: Type.Union([Type.String(), Type.Null()]) }),
  theater: Type.Object({ id: Type.Integer(), name: Type.String() }),
  hall: Type.Object({ id: Type.Integer(), name: Type.String() }),
  show_time: Timestamp('Start, UTC'),
  local_show_time: Type.String({ examples: ['2026-12-25T19:30:00+07:00'] }),
  seats: Type.Array(Type.Object({ id: Type.Integer(), label: Type.String(), type: Type.String() }), { description: 'The seats this ticket admits' }),
  checked_in_at: Timestamp('Admitted at'),
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
