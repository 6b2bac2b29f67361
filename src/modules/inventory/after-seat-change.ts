// After a transaction that changed seat states has committed: the one follow-up every writer calls.
// 1. The Redis marks of seats that went back on sale are dropped (the fast path would otherwise
//    refuse them to others until the marks run out); first, so a viewer told "available" can take it.
//    The marks of seats just held or sold are kept for the grant's life (kv/seat-fast-path.ts), so
//    the next customers asking for them are refused from Redis, without PostgreSQL.
// 2. The screening's shared seat-map version advances (Redis, kv/seat-versions.ts) before the writer
//    answers: a map read on any instance after the answer is checked against it, never stale.
//    Then the seat event goes out: live viewers see the change, and every instance's hub learns the
//    new version too.
// 3. When sold seats changed (a sale, a restock, a block or unblock): the sell-out watch decides
//    whether the screening crossed an alert threshold (modules/alerts, wired in through deps). Its
//    failure is the watch's to report: the change has committed and its answer stands.
import type { Deps } from '../../deps.ts';
import type { SeatEvent } from '../../realtime/events.ts';

export interface SeatsChanged {
  event: SeatEvent;
  /** seats that went back on sale, by whose marks they were (`u<user id>`) */
  freed?: { seatIds: number[]; owner: string }[];
  /** seats now held or sold by owner: their marks are kept `ms` more (the hold's remaining life) */
  kept?: { seatIds: number[]; owner: string; ms: number }[];
  /** sold seats (or the seats that can be sold) changed: a sale, a restock, a block or unblock */
  sales?: boolean;
}

export async function afterSeatChange(deps: Deps, change: SeatsChanged): Promise<void> {
  const { event, freed } = change;
  for (const f of freed ?? []) if (f.seatIds.length > 0) await deps.fastPath.unmark(event.screening_id, f.seatIds, f.owner);
  await Promise.all([
    ...(change.kept ?? []).map((k) => deps.fastPath.keep(event.screening_id, k.seatIds, k.owner, k.ms)),
    deps.seatVersions.advance(event.screening_id, event.version),
  ]);
  deps.events.publish(event);
  if (change.sales) await deps.sellout.changed(event.screening_id);
}

/** The event of seats that all moved to one status. */
export const seatEvent = (screeningId: number, version: number, seatIds: number[], status: SeatEvent['seats'][number]['status']): SeatEvent => ({
  screening_id: screeningId,
  version,
  seats: seatIds.map((id) => ({ id, status })),
});
