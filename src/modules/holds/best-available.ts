// Best available: choose from a fresh read of the seat map, then hold through the same path as a
// customer's own choice (take_seats decides). If someone takes a candidate first, try the next.
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { seatMapJson } from '../seating/index.ts';
import { type MapSeat, bestSeats } from './best-seats.ts';
import { createHold } from './create-hold.ts';

const RETRYABLE = new Set(['seat_unavailable', 'orphan_seat']);

export async function holdBestAvailable(deps: Deps, a: { screeningId: number; userId: number; count: number; seatType?: string; holdId?: string }) {
  if (a.count > deps.config.HOLD_MAX_SEATS) {
    throw new AppError('too_many_seats', `At most ${deps.config.HOLD_MAX_SEATS} seats per hold`, { max: deps.config.HOLD_MAX_SEATS });
  }
  if (a.seatType === 'couple' && a.count % 2 !== 0) throw new AppError('couple_seat_pair', 'Couple seats come in pairs: ask for an even count');
  const { map } = await seatMapJson(deps.db, a.screeningId);
  if (map === undefined) throw new AppError('screening_not_found');
  const seats = (JSON.parse(map) as { seats: MapSeat[] }).seats;
  const candidates = bestSeats(seats, a.count, a.seatType);
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
