// Turns expired holds into 'expired' and frees their seats, in batches of due holds taken with
// FOR UPDATE SKIP LOCKED, so any number of instances can sweep at once and each hold is released
// once. The sweep is housekeeping, not correctness: an expired hold already counts as free in every
// read and write. What it adds is the live release event, the seat-map version bump, and tidy rows.
// The timer that runs it is jobs/hold-sweeper.ts.
import type { Deps } from '../../deps.ts';
import { afterSeatChange, bumpSeatMaps, freeSeatsOfHolds, seatEvent } from '../inventory/index.ts';
import { expireDueHolds } from './queries.ts';
import { holdsEnded } from '../../metrics/business.ts';

export interface SweepResult {
  holds: string[];
  seats: number;
}

export async function sweepExpiredHolds(deps: Deps, batch = 200): Promise<SweepResult> {
  const { expired, freed, versions } = await deps.db.tx(async (trx) => {
    const expired = await expireDueHolds(trx, batch);
    const freed = await freeSeatsOfHolds(
      trx,
      expired.map((h) => h.id),
    );
    const byId = new Map(expired.map((h) => [h.id, h]));
    const versions = await bumpSeatMaps(
      trx,
      freed.map((f) => (byId.get(f.hold_id) as (typeof expired)[number]).screening_id),
    );
    return { expired, freed, versions };
  });

  for (const [screeningId, version] of versions) {
    const holds = expired.filter((h) => h.screening_id === screeningId);
    const seatsOf = (ids: Set<string>) => freed.filter((f) => ids.has(f.hold_id)).map((f) => f.seat_id);
    const owners = [...new Set(holds.map((h) => h.user_id))];
    await afterSeatChange(deps, {
      event: seatEvent(screeningId, version, seatsOf(new Set(holds.map((h) => h.id))), 'available'),
      freed: owners.map((userId) => ({
        seatIds: seatsOf(new Set(holds.filter((h) => h.user_id === userId).map((h) => h.id))),
        owner: `u${userId}`,
      })),
    });
  }
  holdsEnded.inc({ outcome: 'expired' }, expired.length);
  return { holds: expired.map((h) => h.id), seats: freed.length };
}
