// Create a hall from a posted layout: the hall row, one seat row per seat, then the couple and
// companion links (they need the seat ids). Capacity is the number of seats, never posted.
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { type LayoutSeat, validateLayout } from './layout.ts';
import { presentHallWithLayout } from './presenter.ts';
import { findHallWithSeats, insertHall, insertSeats, linkSeats, nameChecked, seatKey, theaterExists } from './queries.ts';
import type { CreateHallBody } from './schemas.ts';

export async function createHall(deps: Deps, actor: Actor, body: CreateHallBody) {
  const layout = validateLayout(body.layout);
  const out = await deps.db.tx(async (trx) => {
    if (!(await theaterExists(trx, body.theater_id))) {
      throw new AppError('unknown_theater', `No theater with id ${body.theater_id}`);
    }
    const hall = await nameChecked(
      body.name,
      insertHall(trx, {
        theaterId: body.theater_id,
        name: body.name,
        screenType: body.screen_type ?? null,
        has3d: body.has_3d_capability ?? false,
        layout: { screen: layout.screen, aisles: layout.aisles },
        capacity: layout.seats.length,
      }),
    );
    const ids = await insertSeats(trx, hall.id, layout.seats);
    await linkSeats(trx, seatLinks(layout.seats, ids));
    const out = presentHallWithLayout((await findHallWithSeats(trx, hall.id))!);
    await recordAudit(trx, actor, { action: 'hall.create', entity: 'hall', entityId: hall.id, after: out });
    return out;
  });
  await deps.cache.invalidate('catalog');
  return out;
}

/** The couple and companion links of a layout as seat ids, given the id of every seat by row/number. */
export function seatLinks(seats: LayoutSeat[], ids: Map<string, number>) {
  const id = (row: string, n: number) => ids.get(seatKey(row, n)) as number;
  return seats
    .filter((s) => s.pair_with !== null || s.companion_for !== null)
    .map((s) => ({
      id: id(s.row_label, s.number),
      pair: s.pair_with === null ? null : id(s.row_label, s.pair_with),
      companion: s.companion_for === null ? null : id(s.row_label, s.companion_for),
    }));
}
