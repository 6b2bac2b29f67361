import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ok } from '../../http/schemas.ts';
import { assertKeyTheater } from '../apikeys/index.ts';
import { seatMap } from '../seating/index.ts';
import { waitingRoomSchema } from './schemas.ts';

interface Seat {
  row: string;
  x: number;
  status: string;
}

/** What a rendered map offers: free seats, and the longest run of free seats side by side in a row. */
interface Offer {
  free: number;
  longestRun: number;
}

// Per rendered map (a rendering is shared until the map changes).
const offers = new WeakMap<Buffer, Offer>();

function offerOf(seats: Seat[]): Offer {
  const byRow = new Map<string, number[]>();
  for (const s of seats) if (s.status === 'available') byRow.set(s.row, [...(byRow.get(s.row) ?? []), s.x]);
  let free = 0;
  let longestRun = 0;
  for (const xs of byRow.values()) {
    xs.sort((a, b) => a - b);
    free += xs.length;
    let run = 0;
    for (let i = 0; i < xs.length; i++) {
      run = i > 0 && xs[i] === xs[i - 1] + 1 ? run + 1 : 1; // a gap in x is a taken seat or an aisle
      longestRun = Math.max(longestRun, run);
    }
  }
  return { free, longestRun };
}

async function offer(deps: Deps, screeningId: number): Promise<Offer> {
  const { body } = await seatMap(deps, screeningId);
  let o = offers.get(body);
  if (!o) {
    o = offerOf((JSON.parse(body.toString()) as { data: { seats: Seat[] } }).data.seats);
    offers.set(body, o);
  }
  return o;
}

async function roomCustomerRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post(
    '/screenings/:id/waiting-room',
    {
      schema: waitingRoomSchema(deps.config.HOLD_MAX_SEATS),
      config: { scope: 'holds:write' as const },
      // a request without a body asks for one seat (Fastify would validate the missing body as not an object)
      preValidation: async (req) => {
        req.body ??= {};
      },
    },
    async (req) => {
      await assertKeyTheater(deps.db, req, req.params.id);
      // the map first: an unknown screening is 404, and a sold-out one needs no place in line
      const { free, longestRun } = await offer(deps, req.params.id);
      const room = await deps.waitingRoom.poll(req.params.id, req.user.id);
      const soldOut = longestRun < (req.body?.count ?? 1);
      const data =
        room.state === 'open'
          ? { state: 'open' as const, position: null, ahead: 0, retry_after_ms: 0, free_seats: free }
          : {
              state: soldOut ? ('sold_out' as const) : room.state,
              position: room.position,
              ahead: room.state === 'waiting' ? room.ahead : 0,
              retry_after_ms: room.state === 'waiting' && !soldOut ? room.retryAfterMs : 0,
              free_seats: free,
            };
      const message = { open: 'No queue: go ahead', admitted: 'Your turn: go ahead', waiting: 'In the queue', sold_out: 'Sold out' }[data.state];
      return ok(message, data);
    },
  );
}

export const waitingRoomRoutes: RouteGroups = { customer: roomCustomerRoutes };
