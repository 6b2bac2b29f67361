// Cinema hall seat maps as plain data, so the seed, the admin API and tests can build halls without a
// database. The grid is what a client draws: y grows away from the screen (row A is y = 0) and an
// aisle is an empty x column, so the seat right of an aisle skips one x value.

export type SeatType = 'regular' | 'vip' | 'couple' | 'wheelchair' | 'companion';

export type SeatSpec = {
  row_label: string;
  number: number;
  seat_type: SeatType;
  x: number;
  y: number;
  /** index into the same array of the couple partner */
  pair?: number;
  /** index of the wheelchair seat this companion seat belongs to */
  companion_for?: number;
};

export type HallLayout = {
  rows: string[];
  /** x columns that are aisles */
  aisles: number[];
  screen: 'top';
  seats: SeatSpec[];
};

export type LayoutOptions = {
  rows: number;
  seatsPerRow: number;
  /** an aisle follows these seat numbers, e.g. [4, 12] for a 4 | 8 | rest split */
  aisleAfter?: number[];
  /** VIP rows in front of the couple rows, middle block only */
  vipRows?: number;
  /** couple rows at the very back */
  coupleRows?: number;
  /** wheelchair places in row A, each with a companion seat beside it */
  wheelchairSpots?: number;
};

/** A..Z, then AA..ZZ: row labels stay short (the schema allows 1-4 characters). */
export function rowLabel(index: number): string {
  if (index < 26) return String.fromCharCode(65 + index);
  return rowLabel(Math.floor(index / 26) - 1) + String.fromCharCode(65 + (index % 26));
}

export function makeLayout(opts: LayoutOptions): HallLayout {
  const { rows, seatsPerRow } = opts;
  const aisleAfter = [...new Set(opts.aisleAfter ?? [])].sort((a, b) => a - b);
  const vipRows = opts.vipRows ?? 0;
  const coupleRows = opts.coupleRows ?? 0;
  const wheelchairSpots = opts.wheelchairSpots ?? 0;
  checkOptions(opts, aisleAfter, vipRows, coupleRows, wheelchairSpots);

  // x of each seat number: one extra column for every aisle to its left
  const xOf = (n: number) => n - 1 + aisleAfter.filter((a) => a < n).length;
  const aisles = aisleAfter.map((a) => xOf(a) + 1);
  // seat numbers cut into blocks between aisles: couples and wheelchair places never straddle one
  const blocks = splitBlocks(seatsPerRow, aisleAfter);
  // "middle" is what lies between the outermost aisles; with fewer than two aisles, the whole row
  const middle = aisleAfter.length >= 2 ? { from: aisleAfter[0] + 1, to: aisleAfter[aisleAfter.length - 1] } : { from: 1, to: seatsPerRow };

  const labels = Array.from({ length: rows }, (_, i) => rowLabel(i));
  const seats: SeatSpec[] = [];
  const firstCoupleRow = rows - coupleRows;
  const firstVipRow = firstCoupleRow - vipRows;
  for (let r = 0; r < rows; r++) {
    const rowStart = seats.length;
    for (let n = 1; n <= seatsPerRow; n++) {
      const vip = r >= firstVipRow && r < firstCoupleRow && n >= middle.from && n <= middle.to;
      seats.push({ row_label: labels[r], number: n, seat_type: vip ? 'vip' : 'regular', x: xOf(n), y: r });
    }
    if (r >= firstCoupleRow) pairCouples(seats, rowStart, blocks);
  }
  if (wheelchairSpots > 0) placeWheelchairs(seats, blocks, wheelchairSpots);
  return { rows: labels, aisles, screen: 'top', seats };
}

function checkOptions(opts: LayoutOptions, aisleAfter: number[], vipRows: number, coupleRows: number, wheelchairSpots: number): void {
  const whole = (v: number, min: number) => Number.isInteger(v) && v >= min;
  if (!whole(opts.rows, 1) || opts.rows > 26 * 27) throw new RangeError('rows must be 1..702');
  if (!whole(opts.seatsPerRow, 1)) throw new RangeError('seatsPerRow must be a positive integer');
  if (aisleAfter.some((a) => !Number.isInteger(a) || a < 1 || a >= opts.seatsPerRow)) {
    throw new RangeError('aisleAfter must name seat numbers between 1 and seatsPerRow - 1');
  }
  if (!whole(vipRows, 0) || !whole(coupleRows, 0) || !whole(wheelchairSpots, 0)) {
    throw new RangeError('vipRows, coupleRows and wheelchairSpots must be non-negative integers');
  }
  // row A carries the wheelchair places, so it cannot also be a VIP or couple row
  const reserved = vipRows + coupleRows + (wheelchairSpots > 0 ? 1 : 0);
  if (reserved > opts.rows) throw new RangeError('more VIP/couple/wheelchair rows than rows');
}

function splitBlocks(seatsPerRow: number, aisleAfter: number[]): Array<{ from: number; to: number }> {
  const edges = [0, ...aisleAfter, seatsPerRow];
  return edges.slice(1).map((to, i) => ({ from: edges[i] + 1, to }));
}

// Neighbours within a block become couples (1-2, 3-4, ...); an odd seat out stays regular rather
// than being paired across an aisle.
function pairCouples(seats: SeatSpec[], rowStart: number, blocks: Array<{ from: number; to: number }>): void {
  for (const b of blocks) {
    for (let n = b.from; n + 1 <= b.to; n += 2) {
      const left = rowStart + n - 1;
      const right = left + 1;
      seats[left] = { ...seats[left], seat_type: 'couple', pair: right };
      seats[right] = { ...seats[right], seat_type: 'couple', pair: left };
    }
  }
}

// Row A is reached from the front walkway without steps, and a row end is where a wheelchair can
// pull in. The outer ends go first, then the ends that face an aisle; the companion seat is the
// neighbour further into the block. A block too narrow for both leaves that end unused.
function placeWheelchairs(seats: SeatSpec[], blocks: Array<{ from: number; to: number }>, spots: number): void {
  const first = blocks[0];
  const last = blocks[blocks.length - 1];
  const ends = [
    { seat: first.from, companion: first.from + 1 },
    { seat: last.to, companion: last.to - 1 },
  ];
  for (const b of blocks) {
    if (b !== first) ends.push({ seat: b.from, companion: b.from + 1 });
    if (b !== last) ends.push({ seat: b.to, companion: b.to - 1 });
  }
  const used = new Set<number>();
  let placed = 0;
  for (const end of ends) {
    if (placed === spots) break;
    const block = blocks.find((b) => end.seat >= b.from && end.seat <= b.to)!;
    const fits = end.companion >= block.from && end.companion <= block.to;
    if (!fits || used.has(end.seat) || used.has(end.companion)) continue;
    // row A is the first seatsPerRow entries, so seat number n sits at index n - 1
    const wheelchair = end.seat - 1;
    seats[wheelchair] = { ...seats[wheelchair], seat_type: 'wheelchair' };
    seats[end.companion - 1] = { ...seats[end.companion - 1], seat_type: 'companion', companion_for: wheelchair };
    used.add(end.seat).add(end.companion);
    placed++;
  }
  if (placed < spots) throw new RangeError(`row A has room for ${placed} of ${spots} wheelchair places`);
}
