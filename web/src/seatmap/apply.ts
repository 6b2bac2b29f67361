// Applying live deltas to a seat map: versions only grow; a gap means a delta was missed.
import type { SeatDelta, SeatMap, SeatStatus } from './types.ts';

export type DeltaResult = { kind: 'applied'; map: SeatMap; changed: { id: number; status: SeatStatus }[] } | { kind: 'stale' } | { kind: 'gap' };

export function applyDelta(map: SeatMap, delta: SeatDelta): DeltaResult {
  if (delta.version <= map.version) return { kind: 'stale' };
  if (delta.from > map.version + 1) return { kind: 'gap' };
  const next = new Map(delta.seats.map((s) => [s.id, s.status]));
  const counts = { available: 0, held: 0, sold: 0, blocked: 0 };
  const seats = map.seats.map((seat) => {
    const status = next.get(seat.id);
    const s = status && status !== seat.status ? { ...seat, status } : seat;
    counts[s.status]++;
    return s;
  });
  return { kind: 'applied', map: { ...map, version: delta.version, seats, counts }, changed: delta.seats };
}
