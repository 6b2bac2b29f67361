// Best-available seat choice, as a pure function of the seat map: `count` adjacent free seats in
// one block of a row (no aisle inside), nearest the middle of the screen's width and of the rows
// somewhat behind the middle, never splitting a couple pair and never stranding a single seat.

export interface MapSeat {
  id: number;
  row: string;
  x: number;
  y: number;
  type: 'regular' | 'vip' | 'couple' | 'wheelchair' | 'companion';
  status: 'available' | 'held' | 'sold' | 'blocked';
  /** absent (or null) unless a couple seat */
  pair_seat_id?: number | null;
}

const DEFAULT_TYPES = new Set(['regular', 'vip']);
// The best rows sit a little behind the middle of the hall (0 = front, 1 = back).
const IDEAL_DEPTH = 0.6;
const ROW_WEIGHT = 1.5;

/** Candidate seat groups, best first (at most `limit`). */
export function bestSeats(seats: MapSeat[], count: number, seatType?: string, limit = 5): number[][] {
  const wanted = (s: MapSeat) => (seatType ? s.type === seatType : DEFAULT_TYPES.has(s.type));
  if (seats.length === 0) return [];
  const xs = seats.map((s) => s.x);
  const ys = seats.map((s) => s.y);
  const centreX = (Math.min(...xs) + Math.max(...xs)) / 2;
  const idealY = Math.min(...ys) + (Math.max(...ys) - Math.min(...ys)) * IDEAL_DEPTH;

  const scored: { ids: number[]; score: number }[] = [];
  for (const block of blocks(seats)) {
    for (let i = 0; i + count <= block.length; i++) {
      const window = block.slice(i, i + count);
      if (!window.every((s) => s.status === 'available' && wanted(s))) continue;
      const ids = new Set(window.map((s) => s.id));
      if (window.some((s) => s.pair_seat_id != null && !ids.has(s.pair_seat_id))) continue;
      if (strands(block, i - 1, -1) || strands(block, i + count, +1)) continue;
      const midX = (window[0].x + window[window.length - 1].x) / 2;
      const score = Math.abs(midX - centreX) + ROW_WEIGHT * Math.abs(window[0].y - idealY);
      scored.push({ ids: window.map((s) => s.id), score });
    }
  }
  return scored
    .sort((a, b) => a.score - b.score)
    .slice(0, limit)
    .map((c) => c.ids);
}

/** Rows split at aisles (a jump in x), each sorted left to right. */
function blocks(seats: MapSeat[]): MapSeat[][] {
  const rows = new Map<string, MapSeat[]>();
  for (const s of seats) {
    const row = rows.get(s.row) ?? [];
    row.push(s);
    rows.set(s.row, row);
  }
  const out: MapSeat[][] = [];
  for (const row of rows.values()) {
    row.sort((a, b) => a.x - b.x);
    let current: MapSeat[] = [];
    for (const s of row) {
      if (current.length > 0 && s.x !== current[current.length - 1].x + 1) {
        out.push(current);
        current = [];
      }
      current.push(s);
    }
    if (current.length > 0) out.push(current);
  }
  return out;
}

/** Would the free seat at block[i] be left alone, with the new group on one side (dir points away)? */
function strands(block: MapSeat[], i: number, dir: 1 | -1): boolean {
  const seat = block[i];
  if (seat?.status !== 'available') return false;
  const beyond = block[i + dir];
  return beyond?.status !== 'available';
}
