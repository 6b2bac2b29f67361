import { Type } from 'typebox';
import { Envelope, IdParams, problems } from '../../http/schemas.ts';

export const RoomSchema = Type.Object({
  state: Type.Enum(['open', 'admitted', 'waiting', 'sold_out'], {
    description:
      'open: no queue now, go ahead; admitted: your turn, go ahead and hold; waiting: ask again after retry_after_ms; ' +
      'sold_out: no `count` free seats side by side are left now (held seats may come back when their holds end); ' +
      'said only while the room is engaged (open otherwise: the hold itself then says what is taken)',
  }),
  position: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'Your place in the queue (null when open)' }),
  ahead: Type.Integer({ minimum: 0, description: 'Places before yours not yet let through (some may have given up)' }),
  retry_after_ms: Type.Integer({ minimum: 0, description: 'When to ask again (0 unless waiting)' }),
  free_seats: Type.Integer({ minimum: 0, description: 'Seats free on the map now' }),
});

export const waitingRoomSchema = (maxSeats: number) => ({
  tags: ['holds'],
  summary: "Join or ask about a screening's waiting room",
  description:
    'On a rush (more than WAITING_ROOM_ENGAGE_PER_S hold attempts a second on one screening) the hold routes put ' +
    'customers in a queue: a hold attempt not yet let through answers 429 waiting_room with `position`, `ahead` and ' +
    '`retry_after_ms` (and Retry-After), and is not run. An API key counts as one customer (its account). This call joins the queue, or says where you are, without ' +
    'counting as a hold attempt. Customers are let through WAITING_ROOM_ADMIT_PER_S a second, in order; once through, ' +
    'your hold attempts go on for WAITING_ROOM_PASS_SECONDS after your last one.',
  params: IdParams,
  body: Type.Optional(
    Type.Object({
      count: Type.Optional(
        Type.Integer({
          minimum: 1,
          maximum: maxSeats,
          description: 'Seats you want side by side (sold_out when no such block is free); 1 by default',
        }),
      ),
    }),
  ),
  response: { 200: Envelope(RoomSchema), ...problems(400, 401, 404, 429) },
});
