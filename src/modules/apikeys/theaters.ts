// A key restricted to some theaters may hold seats, pay and check tickets in only there.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { theaterOf, theaterOfScreening } from './queries.ts';

/** For a request made with a key: the screening must be in one of its theaters (a missing one is the route's 404). */
export async function assertKeyTheater(db: Db, req: FastifyRequest, screeningId: number): Promise<void> {
  const allowed = req.apiKey?.theaterIds;
  if (!allowed) return;
  const theater = await theaterOfScreening(db, screeningId);
  if (theater !== undefined && !allowed.includes(theater)) throw new AppError('theater_not_allowed');
}

/**
 * The same for a route about one hold or ticket (its id in the path): a key restricted to other
 * theaters cannot read, pay for or release its account's holds, nor read its tickets, elsewhere.
 */
export function keyTheaterOf(db: Db, kind: 'hold' | 'ticket') {
  return async (req: FastifyRequest): Promise<void> => {
    const allowed = req.apiKey?.theaterIds;
    if (!allowed) return;
    const theater = await theaterOf(db, kind, (req.params as { id: string }).id);
    if (theater !== undefined && !allowed.includes(theater)) throw new AppError('theater_not_allowed');
  };
}
