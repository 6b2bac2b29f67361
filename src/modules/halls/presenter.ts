import type { Static } from 'typebox';
import type { HallSchema, HallWithLayout, LayoutOut } from './schemas.ts';
import type { HallRow, HallWithSeats, SeatRow } from './queries.ts';

/** The hall's own fields; capacity is the number of active seats. */
export function presentHall(h: HallRow): Static<typeof HallSchema> {
  return {
    id: h.id,
    theater_id: h.theater_id,
    name: h.name,
    screen_type: h.screen_type,
    has_3d_capability: h.has_3d_capability,
    capacity: h.capacity,
    version: h.version,
    created_at: new Date(h.created_at).toISOString(),
    updated_at: new Date(h.updated_at).toISOString(),
  };
}

export function presentHallWithLayout(h: HallWithSeats): Static<typeof HallWithLayout> {
  return { ...presentHall(h), layout: presentLayout(h.layout, h.seats) };
}

/**
 * The layout in the format it is posted in, rebuilt from the active seats: rows front to back (by
 * their nearest seat to the screen, then label), seats left to right, links as seat numbers.
 */
export function presentLayout(stored: HallRow['layout'], seats: SeatRow[]): Static<typeof LayoutOut> {
  const byId = new Map(seats.map((s) => [s.id, s]));
  // a link names the other seat by number (it is in the same row); absent when there is none
  const linkAs = (field: 'pair_with' | 'companion_for', seatId: number | null) => {
    const other = seatId === null ? undefined : byId.get(seatId);
    return other ? { [field]: other.number } : {};
  };
  const rows = new Map<string, SeatRow[]>();
  for (const s of seats) {
    const row = rows.get(s.row_label);
    if (row) row.push(s);
    else rows.set(s.row_label, [s]);
  }
  const front = (row: SeatRow[]) => Math.min(...row.map((s) => s.y));
  const ordered = [...rows.entries()].sort(([a, ra], [b, rb]) => front(ra) - front(rb) || (a < b ? -1 : a > b ? 1 : 0));
  return {
    screen: 'top' as const,
    aisles: Array.isArray(stored.aisles) ? stored.aisles : [],
    rows: ordered.map(([label, row]) => ({
      label,
      seats: row
        .sort((a, b) => a.x - b.x || a.number - b.number)
        .map((s) => ({
          id: s.id,
          number: s.number,
          x: s.x,
          y: s.y,
          type: s.seat_type,
          ...linkAs('pair_with', s.pair_seat_id),
          ...linkAs('companion_for', s.companion_for_seat_id),
        })),
    })),
  };
}
