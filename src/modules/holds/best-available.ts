// Best available: choose from the seat map, then hold through the same path as a customer's own
// choice (take_seats decides). If someone takes a candidate first, try the next.
// Under a flash sale every such request looks at the same map and wants the same best seats, so:
// the map comes from the read cache (checked against the shared version, so never older than an
// acknowledged hold; parsed once per version), more candidates are drawn than one request will
// likely need, and those with a seat another customer has marked in Redis (held, sold, being taken)
// are dropped in one round trip, instead of being tried and refused one by one. Neither can grant
// anything: a dropped candidate is only not tried, and PostgreSQL still decides the rest.
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { seatMap } from '../seating/index.ts';
import { type MapSeat, bestSeats } from './best-seats.ts';
import { createHold } from './create-hold.ts';

const RETRYABLE = new Set(['seat_unavailable', 'orphan_seat']);
const CANDIDATES = 24;

// The parsed seats of each rendered map (a rendering is shared until the map changes).
const parsed = new WeakMap<Buffer, MapSeat[]>();

async function mapSeats(deps: Deps, screeningId: number): Promise<MapSeat[]> {
  const { body } = await seatMap(deps, screeningId);
  let seats = parsed.get(body);
  if (!seats) {
    seats = (JSON.parse(body.toString()) as { data: { seats: MapSeat[] } }).data.seats;
    parsed.set(body, seats);
  }
  return seats;
}

/** The candidates none of whose seats another customer has marked (all of them if Redis cannot say). */
async function unmarked(deps: Deps, screeningId: number, userId: number, candidates: number[][]): Promise<number[][]> {
  const marked = await deps.fastPath.markedByOthers(screeningId, [...new Set(candidates.flat())], `u${userId}`);
  if (marked === 'skipped' || marked.length === 0) return candidates;
  const taken = new Set(marked);
  return candidates.filter((ids) => !ids.some((id) => taken.has(id)));
}

export async function holdBestAvailable(deps: Deps, a: { screeningId: number; userId: number; count: number; seatType?: string; holdId?: string }) {
  if (a.count > deps.config.HOLD_MAX_SEATS) {
    throw new AppError('too_many_seats', `At most ${deps.config.HOLD_MAX_SEATS} seats per hold`, { max: deps.config.HOLD_MAX_SEATS });
  }
  if (a.seatType === 'couple' && a.count % 2 !== 0) throw new AppError('couple_seat_pair', 'Couple seats come in pairs: ask for an even count');
  const seats = await mapSeats(deps, a.screeningId);
  const candidates = await unmarked(deps, a.screeningId, a.userId, bestSeats(seats, a.count, a.seatType, CANDIDATES));
  for (const seatIds of candidates) {
    try {
      // one hold id for every candidate: a refused one left no row behind
      return await createHold(deps, { screeningId: a.screeningId, userId: a.userId, seatIds, holdId: a.holdId, via: 'best_available' });
    } catch (err) {
      if (!(err instanceof AppError && RETRYABLE.has(err.code))) throw err;
    }
  }
  throw new AppError(
    'not_enough_adjacent_seats',
    `No ${a.count} adjacent free seats${a.seatType ? ` of type ${a.seatType}` : ''} are left together`,
    {
      count: a.count,
    },
  );
}
