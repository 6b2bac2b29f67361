// Update a screening: fields left out keep their value (the seed's PUT turned a missing is_available
// into false; ours does not). The result must pass the same slot checks as a new screening. Moving
// it to another hall rebuilds its seat states, so that is refused while any seat is in use; its
// movie, theater and hall are what its sales are reported under, so none of them changes once money
// was captured for it (cancel it and schedule another instead).
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { checkIfMatch } from '../../http/etag.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { exactAmount } from '../../http/amounts.ts';
import { presentScreening } from './presenter.ts';
import { resetSeatStates } from '../inventory/index.ts';
import { everCaptured } from '../payments/index.ts';
import { freezeSalesKeys } from '../reports/index.ts';
import { findScreening, type ScreeningRow, seatsInUse, updateScreeningRow } from './queries.ts';
import { checkSlot } from './schedule.ts';
import type { UpdateScreeningBody } from './schemas.ts';

export async function updateScreening(deps: Deps, actor: Actor, id: number, body: UpdateScreeningBody, expected?: number[]) {
  const price = body.price === undefined ? undefined : exactAmount(body.price, 'price', deps.config.CURRENCY);
  const price3dGiven = body.price_3d === undefined ? undefined : exactAmount(body.price_3d, 'price_3d', deps.config.CURRENCY);

  return deps.db.tx(async (trx) => {
    const current = await findScreening(trx, id, true);
    if (!current) throw new AppError('screening_not_found');
    checkIfMatch(expected, current.version);
    const showTime = body.show_time === undefined ? current.show_time : new Date(body.show_time);
    const timeChanged = showTime.getTime() !== current.show_time.getTime();
    if (timeChanged && showTime.getTime() <= deps.clock.now().getTime()) throw new AppError('screening_in_past');

    const slot = {
      movieId: body.movie_id ?? current.movie_id,
      theaterId: body.theater_id ?? current.theater_id,
      hallId: body.hall_id ?? current.hall_id,
      showTime,
      is3d: body.is_3d ?? current.is_3d,
      price3d: price3dGiven ?? current.price_3d,
    };
    const { endTime } = await checkSlot(trx, slot, deps.config.CLEANING_GAP_MINUTES, id);

    const hallChanged = slot.hallId !== current.hall_id;
    if (hallChanged || slot.movieId !== current.movie_id || slot.theaterId !== current.theater_id) {
      await freezeSalesKeys(trx);
      if (await everCaptured(trx, { screeningId: id })) {
        throw new AppError('screening_has_sales', 'Tickets were paid for this screening; its movie, theater and hall cannot change');
      }
    }
    if (hallChanged) {
      const inUse = await seatsInUse(trx, id);
      if (inUse > 0) {
        throw new AppError('screening_has_sales', `${inUse} seats are held, sold or blocked; the hall cannot change`);
      }
      await resetSeatStates(trx, id, slot.hallId);
    }
    const row = await updateScreeningRow(trx, id, {
      ...slot,
      endTime,
      price: price ?? current.price,
      currency: current.currency,
      isAvailable: body.is_available ?? current.is_available,
    });
    const out = presentScreening((await findScreening(trx, id)) as ScreeningRow);
    await recordAudit(trx, actor, {
      action: 'screening.update',
      entity: 'screening',
      entityId: id,
      before: presentScreening(current),
      after: out,
    });
    return { version: row.version, screening: out };
  });
}
