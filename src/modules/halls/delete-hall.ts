// Delete a hall for good (its seats go with it). Only a hall no screening ever used: screenings,
// past ones included, keep their seat states and tickets, which point at the hall's seats.
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { checkIfMatch } from '../../http/etag.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { presentHall, presentHallWithLayout } from './presenter.ts';
import { deleteHallRow, findHallWithSeats, lockHall, screeningsOfHall } from './queries.ts';

export async function deleteHall(deps: Deps, actor: Actor, id: number, ifMatch: number[] | undefined) {
  const out = await deps.db.tx(async (trx) => {
    const current = await lockHall(trx, id);
    if (!current) throw new AppError('hall_not_found');
    checkIfMatch(ifMatch, current.version);
    const used = await screeningsOfHall(trx, id);
    if (used.count > 0) {
      throw new AppError('in_use', `${used.count} screening(s) use hall ${id}`, {
        screenings: used.count,
        screening_ids: used.ids,
      });
    }
    const before = presentHallWithLayout((await findHallWithSeats(trx, id))!);
    await deleteHallRow(trx, id);
    await recordAudit(trx, actor, { action: 'hall.delete', entity: 'hall', entityId: id, before });
    return presentHall(current);
  });
  await deps.cache.invalidate('catalog');
  return out;
}
