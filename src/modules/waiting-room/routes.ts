import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ok } from '../../http/schemas.ts';
import { seatMap } from '../seating/index.ts';
import { waitingRoomSchema } from './schemas.ts';

// Free seats of each rendered map (a rendering is shared until the map changes).
const freeOf = new WeakMap<Buffer, number>();

async function freeSeats(deps: Deps, screeningId: number): Promise<number> {
  const { body } = await seatMap(deps, screeningId);
  let free = freeOf.get(body);
  if (free === undefined) {
    const seats = (JSON.parse(body.toString()) as { data: { seats: { status: string }[] } }).data.seats;
    free = seats.filter((s) => s.status === 'available').length;
    freeOf.set(body, free);
  }
  return free;
}

async function roomCustomerRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/screenings/:id/waiting-room',
    { schema: waitingRoomSchema(deps.config.HOLD_MAX_SEATS), config: { scope: 'holds:write' as const } },
    async (req) => {
      // the map first: an unknown screening is 404, and a sold-out one needs no place in line
      const free = await freeSeats(deps, req.params.id);
      const room = await deps.waitingRoom.poll(req.params.id, req.user.id);
      const wanted = req.body?.count ?? 1;
      const data =
        room.state === 'open'
          ? { state: 'open' as const, position: null, ahead: 0, retry_after_ms: 0, free_seats: free }
          : {
              state: free < wanted ? ('sold_out' as const) : room.state,
              position: room.position,
              ahead: room.state === 'waiting' ? room.ahead : 0,
              retry_after_ms: room.state === 'waiting' && free >= wanted ? room.retryAfterMs : 0,
              free_seats: free,
            };
      const message = { open: 'No queue: go ahead', admitted: 'Your turn: go ahead', waiting: 'In the queue', sold_out: 'Sold out' }[data.state];
      return ok(message, data);
    },
  );
}

export const waitingRoomRoutes: RouteGroups = { customer: roomCustomerRoutes };
