// The room in front of the hold routes (a preHandler after the ones that throw a validation error and
// check a partner key's theaters, holds/routes.ts: a malformed request takes no place in line, and a
// key cannot queue at, or help engage, another theater's room): an engaged room answers a customer not
// yet let through with 429 waiting_room, their place and when to ask again (Retry-After). The
// request is not run, and its Idempotency-Key not looked at: the key is not used up, the same request
// can be sent again, and a key that already has an answer gets it once the customer is let through.
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import type { RoomState } from '../../kv/waiting-room.ts';

export function waitingRoomGate(deps: Deps) {
  return async (req: FastifyRequest) => {
    if (!deps.waitingRoom.enabled) return;
    const screeningId = (req.params as { id: number }).id;
    const state = await deps.waitingRoom.attempt(screeningId, req.user.id);
    if (state.state === 'waiting') throw waitingRefusal(state);
  };
}

export function waitingRefusal(s: Extract<RoomState, { state: 'waiting' }>): AppError {
  const people = s.ahead === 1 ? '1 customer is' : `${s.ahead} customers are`;
  return new AppError(
    'waiting_room',
    `Many customers are choosing seats for this screening: you are number ${s.position} in the queue (${people} before you). ` +
      `This request was not run: ask where you are with POST /api/v1/screenings/{id}/waiting-room in ${Math.ceil(s.retryAfterMs / 1000)} s, and send it again when it is your turn.`,
    { position: s.position, ahead: s.ahead, retry_after_ms: s.retryAfterMs },
    { 'Retry-After': String(Math.max(1, Math.ceil(s.retryAfterMs / 1000))) },
  );
}
