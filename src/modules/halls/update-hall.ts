// Update a hall's own fields (name, screen type, 3D); the layout has its own use case. Fields left
// out keep their value. Turning 3D off is refused while upcoming 3D screenings need it.
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { checkIfMatch } from '../../http/etag.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { presentHall } from './presenter.ts';
import { lockHall, nameChecked, upcoming3dScreenings, updateHallRow } from './queries.ts';
import type { UpdateHallBody } from './schemas.ts';

export async function updateHall(deps: Deps, actor: Actor, id: number, ifMatch: number[] | undefined, body: UpdateHallBody) {
  const out = await deps.db.tx(async (trx) => {
    const current = await lockHall(trx, id);
    if (!current) throw new AppError('hall_not_found');
    checkIfMatch(ifMatch, current.version);
    const has3d = body.has_3d_capability ?? current.has_3d_capability;
    if (current.has_3d_capability && !has3d) {
      const ids = await upcoming3dScreenings(trx, id);
      if (ids.length > 0) {
        throw new AppError('in_use', `Upcoming 3D screenings use hall ${id}; it must stay 3D-capable`, {
          screening_ids: ids,
        });
      }
    }
    const name = body.name ?? current.name;
    const row = await nameChecked(
      name,
      updateHallRow(trx, id, {
        name,
        screenType: body.screen_type === undefined ? current.screen_type : body.screen_type,
        has3d,
      }),
    );
    const out = presentHall(row);
    await recordAudit(trx, actor, {
      action: 'hall.update',
      entity: 'hall',
      entityId: id,
      before: presentHall(current),
      after: out,
    });
    return out;
  });
  await deps.cache.invalidate('catalog');
  return out;
}
