// Admins take seats out of sale for one screening (house seats, broken seats) and put them back.
// All or nothing: if any seat is held or sold, nothing changes and the answer lists those seats.
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { afterSeatChange, blockSeats, bumpSeatMap, seatEvent, unblockSeats } from '../inventory/index.ts';
import { seatLabels } from './seat-labels.ts';

export async function setBlocked(deps: Deps, actor: Actor, screeningId: number, seatIds: number[], block: boolean, reason?: string) {
  const ids = [...new Set(seatIds)].sort((a, b) => a - b);
  const version = await deps.db.tx(async (trx) => {
    const { rows } = await trx.query<{ seat_id: number }>(
      'SELECT seat_id FROM screening_seats WHERE screening_id = $1 AND seat_id = ANY($2::int[])',
      [screeningId, ids],
    );
    if (rows.length === 0) {
      const { rows: exists } = await trx.query('SELECT 1 FROM screenings WHERE id = $1', [screeningId]);
      if (exists.length === 0) throw new AppError('screening_not_found');
    }
    if (rows.length !== ids.length) {
      const known = new Set(rows.map((r) => r.seat_id));
      throw new AppError('unknown_seats', undefined, { seat_ids: ids.filter((id) => !known.has(id)) });
    }
    const refused = block ? await blockSeats(trx, screeningId, ids) : await unblockSeats(trx, screeningId, ids);
    if (refused.length > 0) {
      const labels = await seatLabels(deps.db, refused, trx);
      throw new AppError('seat_unavailable', `${block ? 'Some seats are held or sold' : 'Some seats are not blocked'}: ${labels.join(', ')}`, {
        seat_ids: refused,
        seat_labels: labels,
      });
    }
    const v = await bumpSeatMap(trx, screeningId, block ? -ids.length : ids.length);
    await recordAudit(trx, actor, {
      action: block ? 'seats.block' : 'seats.unblock',
      entity: 'screening',
      entityId: screeningId,
      after: { seat_ids: ids, reason: reason ?? null },
    });
    return v;
  });
  await afterSeatChange(deps, { event: seatEvent(screeningId, version, ids, block ? 'blocked' : 'available'), sales: true });
  await deps.cache.invalidate('catalog');
  return { screening_id: screeningId, seat_ids: ids, status: block ? ('blocked' as const) : ('available' as const) };
}
