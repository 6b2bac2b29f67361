// Delete is the seed's soft delete: the screening stays, closed for sale. A screening with sold
// tickets cannot be deleted: its customers must be refunded, which is what cancelling does.
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { checkIfMatch } from '../../http/etag.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { presentScreening } from './presenter.ts';
import { findScreening, setUnavailable, soldSeats } from './queries.ts';

export async function deleteScreening(deps: Deps, actor: Actor, id: number, expected?: number[]) {
  return deps.db.tx(async (trx) => {
    const current = await findScreening(trx, id, true);
    if (!current) throw new AppError('screening_not_found');
    checkIfMatch(expected, current.version);
    const sold = await soldSeats(trx, id);
    if (sold > 0) {
      throw new AppError('screening_has_sales', `${sold} seats are sold; cancel the screening to refund them`, {
        sold_seats: sold,
      });
    }
    const row = await setUnavailable(trx, id);
    // closing the sale changes no price
    const out = presentScreening({ ...row, price_from: current.price_from });
    await recordAudit(trx, actor, {
      action: 'screening.delete',
      entity: 'screening',
      entityId: id,
      before: presentScreening(current),
      after: out,
    });
    return { version: row.version, screening: out };
  });
}
