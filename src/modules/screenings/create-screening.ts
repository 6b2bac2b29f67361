// Create a screening: check the slot, insert it with one seat-state row per seat, audit it.
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { exactAmount } from '../../http/amounts.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { presentScreening } from './presenter.ts';
import { createSeatStates } from '../inventory/index.ts';
import { findScreening, insertScreening, type ScreeningRow } from './queries.ts';
import { checkSlot } from './schedule.ts';
import type { CreateScreeningBody } from './schemas.ts';

export async function createScreening(deps: Deps, actor: Actor, body: CreateScreeningBody) {
  const showTime = new Date(body.show_time);
  if (showTime.getTime() <= deps.clock.now().getTime()) throw new AppError('screening_in_past');
  const is3d = body.is_3d ?? false;
  const price = exactAmount(body.price, 'price', deps.config.CURRENCY);
  const price3d = body.price_3d === undefined ? null : exactAmount(body.price_3d, 'price_3d', deps.config.CURRENCY);

  return deps.db.tx(async (trx) => {
    const slot = { movieId: body.movie_id, theaterId: body.theater_id, hallId: body.hall_id, showTime, is3d, price3d };
    const { endTime, capacity } = await checkSlot(trx, slot, deps.config.CLEANING_GAP_MINUTES);
    const row = await insertScreening(trx, { ...slot, endTime, price, currency: deps.config.CURRENCY }, capacity);
    await createSeatStates(trx, row.id, row.hall_id);
    const out = presentScreening((await findScreening(trx, row.id)) as ScreeningRow);
    await recordAudit(trx, actor, { action: 'screening.create', entity: 'screening', entityId: row.id, after: out });
    return { version: row.version, screening: out };
  });
}
