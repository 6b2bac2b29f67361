// Replace a hall's seat layout, also while screenings use the hall. Seat ids are what seat states
// and tickets point at, so they must survive: new seats are matched to existing ones by row label
// and number, retired ones included (they come back with their old id). Seats left out retire
// (is_active = false) rather than vanish, because past screenings and tickets keep pointing at them.
//
// In screenings that have not ended, a retiring seat must be free: one sold or held by a live hold
// refuses the whole change (409). Otherwise its seat state goes (or, when a ticket row still points
// at it, stays blocked so it can never be sold), added seats get an available state, and the
// screening's available_seats moves by the difference. Ended screenings keep everything as it was.
// All of it in one transaction under the hall row lock.
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { checkIfMatch } from '../../http/etag.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { seatLinks } from './create-hall.ts';
import { type LayoutSeat, seatLabel, type ValidLayout, validateLayout } from './layout.ts';
import { presentHallWithLayout } from './presenter.ts';
import { addSeatStates, adjustHallScreenings, deleteSeatStates, lockSeatStatesOf, retireSeatStates } from '../inventory/index.ts';
import {
  allSeats,
  clearSeatLinks,
  findHallWithSeats,
  insertSeats,
  linkSeats,
  lockHall,
  parkSeats,
  retireSeats,
  rewriteSeats,
  type SeatRow,
  seatKey,
  setHallLayout,
} from './queries.ts';
import type { LayoutIn } from './schemas.ts';

export async function replaceLayout(deps: Deps, actor: Actor, id: number, ifMatch: number[] | undefined, input: LayoutIn) {
  const layout = validateLayout(input);
  const out = await deps.db.tx(async (trx) => {
    const hall = await lockHall(trx, id);
    if (!hall) throw new AppError('hall_not_found');
    checkIfMatch(ifMatch, hall.version);
    const before = presentHallWithLayout((await findHallWithSeats(trx, id))!);
    const plan = planSeats(await allSeats(trx, id), layout);

    // Locked before anything changes, so no hold can take a retiring seat after this check.
    const states = await lockSeatStatesOf(
      trx,
      plan.retired.map((s) => s.id),
    );
    const taken = states.filter((s) => s.status === 'sold' || s.live_hold);
    if (taken.length > 0) {
      const label = new Map(plan.retired.map((s) => [s.id, seatLabel(s.row_label, s.number)]));
      const seats = new Set(taken.map((s) => s.seat_id)).size;
      throw new AppError('layout_removes_sold_seats', `The new layout removes ${seats} seat(s) sold or held in screenings that have not ended`, {
        seats: [...new Set(taken.map((s) => label.get(s.seat_id)!))],
        screening_ids: [...new Set(taken.map((s) => s.screening_id))].sort((a, b) => a - b),
        conflicts: taken.map((s) => ({
          seat: label.get(s.seat_id),
          seat_id: s.seat_id,
          screening_id: s.screening_id,
          status: s.status,
        })),
      });
    }

    // Seats. Links first (a seat may stop being a couple seat), then positions in two phases.
    await clearSeatLinks(trx, id);
    await retireSeats(
      trx,
      plan.retired.map((s) => s.id),
    );
    await parkSeats(trx, plan.moved);
    await rewriteSeats(trx, plan.rewrite);
    const added = await insertSeats(trx, id, plan.added);
    await linkSeats(trx, seatLinks(layout.seats, new Map([...plan.ids, ...added])));
    await setHallLayout(trx, id, { screen: layout.screen, aisles: layout.aisles }, layout.seats.length);

    // Seat states of screenings that have not ended. available_seats counts states neither sold
    // nor blocked; the retiring ones were available, expired holds or blocked.
    const deltas = new Map<number, number>();
    const bump = (screeningId: number, by: number) => deltas.set(screeningId, (deltas.get(screeningId) ?? 0) + by);
    for (const s of states) if (s.status !== 'blocked') bump(s.screening_id, -1);
    await deleteSeatStates(
      trx,
      states.filter((s) => !s.referenced),
    );
    await retireSeatStates(
      trx,
      states.filter((s) => s.referenced && s.status !== 'blocked'),
    );
    for (const screeningId of await addSeatStates(trx, id, [...added.values(), ...plan.reactivated])) {
      bump(screeningId, +1);
    }
    const screenings = await adjustHallScreenings(trx, id, deltas);

    const after = presentHallWithLayout((await findHallWithSeats(trx, id))!);
    const label = (s: { row_label: string; number: number }) => seatLabel(s.row_label, s.number);
    await recordAudit(trx, actor, {
      action: 'hall.layout.replace',
      entity: 'hall',
      entityId: id,
      before,
      after: {
        ...after,
        changes: {
          added: plan.added.map(label),
          restored: plan.restored.map(label),
          removed: plan.retired.map(label),
          moved: plan.movedLabels,
          screenings_updated: screenings,
        },
      },
    });
    return after;
  });
  await deps.cache.invalidate('catalog');
  return out;
}

interface SeatPlan {
  /** id of every seat of the new layout that exists already, by row/number */
  ids: Map<string, number>;
  /** existing seats whose type or position changes, or that come back */
  rewrite: Array<LayoutSeat & { id: number }>;
  /** active seats that change position: parked off the grid first */
  moved: number[];
  movedLabels: string[];
  /** retired seats that come back */
  reactivated: number[];
  restored: LayoutSeat[];
  /** seats that never existed */
  added: LayoutSeat[];
  /** active seats the new layout leaves out */
  retired: SeatRow[];
}

/** What happens to each seat: matched by (row label, number) against every seat the hall ever had. */
export function planSeats(existing: SeatRow[], layout: ValidLayout): SeatPlan {
  const byKey = new Map(existing.map((s) => [seatKey(s.row_label, s.number), s]));
  const plan: SeatPlan = {
    ids: new Map(),
    rewrite: [],
    moved: [],
    movedLabels: [],
    reactivated: [],
    restored: [],
    added: [],
    retired: [],
  };
  const wanted = new Set<string>();
  for (const seat of layout.seats) {
    const key = seatKey(seat.row_label, seat.number);
    wanted.add(key);
    const old = byKey.get(key);
    if (!old) {
      plan.added.push(seat);
      continue;
    }
    plan.ids.set(key, old.id);
    const moves = old.x !== seat.x || old.y !== seat.y;
    if (!old.is_active) {
      plan.reactivated.push(old.id);
      plan.restored.push(seat);
    } else if (moves) {
      plan.moved.push(old.id);
      plan.movedLabels.push(seatLabel(seat.row_label, seat.number));
    }
    if (!old.is_active || moves || old.seat_type !== seat.seat_type) plan.rewrite.push({ ...seat, id: old.id });
  }
  plan.retired = existing.filter((s) => s.is_active && !wanted.has(seatKey(s.row_label, s.number)));
  return plan;
}
