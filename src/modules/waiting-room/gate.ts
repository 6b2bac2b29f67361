// The room in front of the hold routes (a preHandler after the one that throws a validation error,
// so a malformed request takes no place in line): an engaged room answers a customer not yet let through with 429 waiting_room,
// their place and when to ask again (Retry-After), before the request's Idempotency-Key is looked
// at, so the key is not used up and the same request can be sent again.
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import type { RoomState } from '../../kv/waiting-room.ts';

export function waitingRoomGate(deps: Deps) {
  return async (req: FastifyRequest) => {
    if (!deps.waitingRoom.enabled) return;
    const state = await deps.waitingRoom.attempt((req.params as { id: number }).id, req.user.id);
    if (state.state === 'waiting') throw waitingRefusal(state);
  };
}

export function waitingRefusal(s: Extract<RoomState, { state: 'waiting' }>): AppError {
  const people = s.ahead === 1 ? '1 customer is' : `${s.ahead} customers are`;
  return new AppError(
    'waiting_room',
    `Many customers are choosing seats for this screening: you are number ${s.position} in the queue (${people} before you). Ask again in ${Math.ceil(s.retryAfterMs / 1000)} s; nothing was held.`,
    { position: s.position, ahead: s.ahead, retry_after_ms: s.retryAfterMs },
    { 'Retry-After': String(Math.max(1, Math.ceil(s.retryAfterMs / 1000))) },
  );
}
