// The rules a screening's slot must satisfy, shared by create and update: the movie, theater and
// hall exist, the hall is the theater's, a 3D show is in a 3D hall with a 3D price, and the hall is
// free from show_time to end_time plus the cleaning gap. Takes the hall row lock first.
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { lockHall, movieDuration, overlappingScreening, theaterExists } from './queries.ts';

export interface Slot {
  movieId: number;
  theaterId: number;
  hallId: number;
  showTime: Date;
  is3d: boolean;
  price3d: string | null;
}

export async function checkSlot(trx: Sql, slot: Slot, gapMinutes: number, exceptId?: number): Promise<{ endTime: Date; capacity: number }> {
  const duration = await movieDuration(trx, slot.movieId);
  if (duration === undefined) throw new AppError('unknown_movie', `No movie with id ${slot.movieId}`);
  if (!(await theaterExists(trx, slot.theaterId))) {
    throw new AppError('unknown_theater', `No theater with id ${slot.theaterId}`);
  }
  const hall = await lockHall(trx, slot.hallId);
  if (!hall) throw new AppError('unknown_hall', `No hall with id ${slot.hallId}`);
  if (hall.theater_id !== slot.theaterId) {
    throw new AppError('hall_not_in_theater', `Hall ${slot.hallId} belongs to theater ${hall.theater_id}`);
  }
  if (slot.is3d && !hall.has_3d_capability) throw new AppError('hall_not_3d');
  if (slot.is3d && slot.price3d === null) throw new AppError('price_3d_required');

  const endTime = new Date(slot.showTime.getTime() + duration * 60_000);
  const clash = await overlappingScreening(trx, {
    hallId: slot.hallId,
    start: slot.showTime,
    end: endTime,
    gapMinutes,
    exceptId,
  });
  if (clash !== undefined) {
    throw new AppError('screening_overlap', `Hall ${slot.hallId} is busy then (screening ${clash}, with a ${gapMinutes}-minute cleaning gap)`, {
      conflicting_screening_id: clash,
    });
  }
  return { endTime, capacity: hall.capacity };
}
