// A hall layout while an admin edits it, as plain data and pure functions: seats keep a key
// ("B-7", row and number as they were read) and a drawing id; a removed seat stays in the draft,
// marked, until the layout is saved, so a refusal about it (sold in a coming show) can be shown on
// that seat and undone. `toInput` makes the API's layout and remembers which seat each
// `rows[i].seats[j]` path names, so the shared rules' problems land on their seats too.
import { checkLayout, type LayoutInput, type SeatType } from '../../../src/modules/halls/check-layout.ts';

export type { SeatType };
export const SEAT_TYPES: SeatType[] = ['regular', 'vip', 'couple', 'wheelchair', 'companion'];

export interface DraftSeat {
  /** drawing id, stable while the page lives */
  id: number;
  row: string;
  number: number;
  x: number;
  y: number;
  type: SeatType;
  pair_with?: number;
  companion_for?: number;
  removed: boolean;
  /** true for a seat the saved layout does not have yet */
  added: boolean;
}

export interface Draft {
  aisles: number[];
  seats: DraftSeat[];
}

interface StoredLayout {
  aisles: number[];
  rows: { label: string; seats: { number: number; x: number; y: number; type: SeatType; pair_with?: number; companion_for?: number }[] }[];
}

let nextId = 1;

export function draftOf(layout: StoredLayout): Draft {
  const seats: DraftSeat[] = [];
  for (const row of layout.rows) {
    for (const s of row.seats) {
      seats.push({
        id: nextId++,
        row: row.label,
        number: s.number,
        x: s.x,
        y: s.y,
        type: s.type,
        pair_with: s.pair_with,
        companion_for: s.companion_for,
        removed: false,
        added: false,
      });
    }
  }
  return { aisles: [...layout.aisles], seats };
}

/** Rows A, B, C... of `perRow` seats numbered from 1, an empty aisle column after seat `aisleAfter`. */
export function gridLayout(rows: number, perRow: number, aisleAfter?: number): LayoutInput {
  const aisle = aisleAfter !== undefined && aisleAfter > 0 && aisleAfter < perRow ? aisleAfter : undefined;
  return {
    aisles: aisle === undefined ? [] : [aisle],
    rows: Array.from({ length: rows }, (_, r) => ({
      label: rowLabel(r),
      seats: Array.from({ length: perRow }, (_, i) => ({
        number: i + 1,
        x: aisle !== undefined && i >= aisle ? i + 1 : i,
        y: r,
        type: 'regular' as const,
      })),
    })),
  };
}

/** A, B, ... Z, AA, AB, ... */
export function rowLabel(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : rowLabel(Math.floor(i / 26) - 1) + rowLabel(i % 26);
}

export const seatKey = (s: { row: string; number: number }) => `${s.row}-${s.number}`;

/** The layout to send, and the seat each `rows[i].seats[j]` of it is. */
export function toInput(d: Draft): { input: LayoutInput; at: DraftSeat[][] } {
  const rows = new Map<string, DraftSeat[]>();
  for (const s of d.seats) {
    if (s.removed) continue;
    const row = rows.get(s.row) ?? [];
    row.push(s);
    rows.set(s.row, row);
  }
  const at = [...rows.values()].map((seats) => seats.sort((a, b) => a.x - b.x));
  const input: LayoutInput = {
    aisles: [...d.aisles].sort((a, b) => a - b),
    rows: at.map((seats) => ({
      label: seats[0].row,
      seats: seats.map((s) => ({
        number: s.number,
        x: s.x,
        y: s.y,
        type: s.type,
        ...(s.pair_with !== undefined ? { pair_with: s.pair_with } : {}),
        ...(s.companion_for !== undefined ? { companion_for: s.companion_for } : {}),
      })),
    })),
  };
  return { input, at };
}

export interface SeatProblem {
  /** drawing id of the seat, when the problem is about one */
  seatId?: number;
  /** its label, e.g. B-7 */
  seat?: string;
  /** the rule's stable code (for a translated message) */
  rule: string;
  /** the rule's own words, in English */
  text: string;
}

/** Every problem the API would list, each on its seat where it is about one. */
export function problemsOf(d: Draft): SeatProblem[] {
  const { input, at } = toInput(d);
  return checkLayout(input).problems.map((p) => {
    const seat = seatAtPath(at, p.path);
    return { seatId: seat?.id, seat: seat && seatKey(seat), rule: p.rule, text: p.problem };
  });
}

export function seatAtPath(at: DraftSeat[][], path: string): DraftSeat | undefined {
  const m = /^rows\[(\d+)\]\.seats\[(\d+)\]/.exec(path) ?? /^rows\[(\d+)\]/.exec(path);
  if (!m) return undefined;
  const row = at[Number(m[1])];
  return m[2] === undefined ? row?.[0] : row?.[Number(m[2])];
}

const update = (d: Draft, ids: Set<number>, change: (s: DraftSeat) => DraftSeat): Draft => ({
  ...d,
  seats: d.seats.map((s) => (ids.has(s.id) ? change(s) : s)),
});

/**
 * Gives the seats a type. Couple seats are paired with the chosen seat beside them (left to right,
 * two by two, within a row); a companion seat serves the nearest wheelchair seat of its row.
 */
export function setType(d: Draft, ids: Set<number>, type: SeatType): Draft {
  let out = update(d, ids, (s) => ({ ...s, type, pair_with: undefined, companion_for: undefined }));
  // a seat that was paired with one of these, and is not one of them, loses its partner
  out = {
    ...out,
    seats: out.seats.map((s) => (!ids.has(s.id) && s.pair_with !== undefined && pairedInto(d, s, ids) ? { ...s, pair_with: undefined } : s)),
  };
  if (type === 'couple') {
    const chosen = out.seats.filter((s) => ids.has(s.id) && !s.removed).sort((a, b) => a.y - b.y || a.x - b.x);
    const pairs = new Map<number, number>();
    for (let i = 0; i + 1 < chosen.length; i++) {
      const a = chosen[i];
      const b = chosen[i + 1];
      if (pairs.has(a.id) || a.y !== b.y || b.x - a.x !== 1 || a.row !== b.row) continue;
      pairs.set(a.id, b.number);
      pairs.set(b.id, a.number);
      i++;
    }
    out = update(out, ids, (s) => ({ ...s, pair_with: pairs.get(s.id) }));
  }
  if (type === 'companion') {
    out = update(out, ids, (s) => {
      const chairs = out.seats.filter((w) => w.row === s.row && w.type === 'wheelchair' && !w.removed);
      const nearest = chairs.sort((a, b) => Math.abs(a.x - s.x) - Math.abs(b.x - s.x))[0];
      return { ...s, companion_for: nearest?.number };
    });
  }
  return out;
}

const pairedInto = (d: Draft, s: DraftSeat, ids: Set<number>) => d.seats.some((o) => ids.has(o.id) && o.row === s.row && o.number === s.pair_with);

export const removeSeats = (d: Draft, ids: Set<number>) => update(d, ids, (s) => ({ ...s, removed: true }));
export const restoreSeats = (d: Draft, ids: Set<number>) => update(d, ids, (s) => ({ ...s, removed: false }));

/** A new row behind the last one (next free label), `count` regular seats from x = 0. */
export function addRow(d: Draft, count: number): Draft {
  const labels = new Set(d.seats.map((s) => s.row));
  let i = 0;
  while (labels.has(rowLabel(i))) i++;
  const y = d.seats.reduce((m, s) => Math.max(m, s.y), -1) + 1;
  const seats: DraftSeat[] = [];
  let x = 0;
  for (let n = 1; n <= count; n++, x++) {
    while (d.aisles.includes(x)) x++;
    seats.push({ id: nextId++, row: rowLabel(i), number: n, x, y, type: 'regular', removed: false, added: true });
  }
  return { ...d, seats: [...d.seats, ...seats] };
}

/** One more seat at the right end of `row` (past any aisle), numbered after its highest. */
export function addSeat(d: Draft, row: string): Draft {
  const inRow = d.seats.filter((s) => s.row === row);
  if (inRow.length === 0) return d;
  let x = Math.max(...inRow.map((s) => s.x)) + 1;
  while (d.aisles.includes(x)) x++;
  const number = Math.max(...inRow.map((s) => s.number)) + 1;
  return { ...d, seats: [...d.seats, { id: nextId++, row, number, x, y: inRow[0].y, type: 'regular', removed: false, added: true }] };
}

export const setAisles = (d: Draft, aisles: number[]): Draft => ({ ...d, aisles: [...new Set(aisles)].sort((a, b) => a - b) });

/** Moves one seat to another column of its row. */
export const moveSeat = (d: Draft, id: number, x: number): Draft => update(d, new Set([id]), (s) => ({ ...s, x }));
