// The layout rules as data, with no import that runs: the API (layout.ts) and the web app's layout
// editor check a layout with this same code, so the editor can list every problem before it saves.
// Every problem is collected before failing: an admin fixing a 300-seat plan wants the whole list.

export type SeatType = 'regular' | 'vip' | 'couple' | 'wheelchair' | 'companion';

/** A posted layout as the rules read it (the API's LayoutIn has this shape). */
export interface LayoutInput {
  screen?: 'top';
  aisles?: number[];
  rows: { label: string; seats: { number: number; x: number; y?: number; type: SeatType; pair_with?: number; companion_for?: number }[] }[];
}

export const MAX_SEATS = 2000;
export const MAX_COORD = 999;
const MAX_NUMBER = 9999;
const LABEL = /^[A-Z0-9]{1,4}$/;
const TYPES: ReadonlySet<string> = new Set<SeatType>(['regular', 'vip', 'couple', 'wheelchair', 'companion']);

/** One seat of a valid layout; pair_with and companion_for name seat numbers of the same row. */
export interface LayoutSeat {
  row_label: string;
  number: number;
  seat_type: SeatType;
  x: number;
  y: number;
  pair_with: number | null;
  companion_for: number | null;
}

export interface ValidLayout {
  screen: 'top';
  /** sorted, without repeats */
  aisles: number[];
  seats: LayoutSeat[];
}

/** `rule` is stable (for clients and tests); `problem` is for people. */
export interface LayoutProblem {
  path: string;
  rule: string;
  problem: string;
}

/** `A-12`: how seats are named in problems and conflicts (a row label never contains '-'). */
export const seatLabel = (row: string, number: number) => `${row}-${number}`;

interface Placed extends LayoutSeat {
  path: string;
}

export function checkLayout(input: LayoutInput): { layout?: ValidLayout; problems: LayoutProblem[] } {
  const problems: LayoutProblem[] = [];
  const report = (path: string, rule: string, problem: string) => problems.push({ path, rule, problem });

  if ((input.screen ?? 'top') !== 'top') report('screen', 'invalid_screen', "screen must be 'top'");
  const aisles = new Set<number>();
  (input.aisles ?? []).forEach((a, i) => {
    if (isCoord(a)) aisles.add(a);
    else report(`aisles[${i}]`, 'invalid_position', `an aisle is an x column, an integer 0-${MAX_COORD}`);
  });

  const rows = Array.isArray(input.rows) ? input.rows : [];
  const labels = new Map<string, number>();
  const positions = new Map<string, Placed>();
  const seats: Placed[] = [];
  let count = 0;

  rows.forEach((row, r) => {
    const rowPath = `rows[${r}]`;
    const label = String(row.label);
    if (!LABEL.test(label)) {
      const shown = JSON.stringify(row.label);
      report(`${rowPath}.label`, 'invalid_row_label', `row label ${shown} is not 1-4 characters A-Z 0-9`);
    } else if (labels.has(label)) {
      report(`${rowPath}.label`, 'duplicate_row_label', `row ${label} appears twice (also rows[${labels.get(label)}])`);
    } else {
      labels.set(label, r);
    }
    const rowSeats = Array.isArray(row.seats) ? row.seats : [];
    if (rowSeats.length === 0) report(`${rowPath}.seats`, 'empty_row', `row ${label} has no seats`);
    count += rowSeats.length;

    // The first seat with a number is the one pair_with / companion_for refer to.
    const byNumber = new Map<number, Placed>();
    const placedRow: Placed[] = [];
    rowSeats.forEach((seat, s) => {
      const path = `${rowPath}.seats[${s}]`;
      const name = seatLabel(label, seat.number);
      let valid = true;
      if (!isInt(seat.number, 1, MAX_NUMBER)) {
        report(`${path}.number`, 'invalid_seat_number', `seat number must be an integer 1-${MAX_NUMBER}`);
        valid = false;
      } else if (byNumber.has(seat.number)) {
        report(`${path}.number`, 'duplicate_seat_number', `seat ${name} appears twice in row ${label}`);
      }
      if (!TYPES.has(seat.type)) {
        report(`${path}.type`, 'invalid_seat_type', `seat ${name}: type must be one of ${[...TYPES].join(', ')}`);
        valid = false;
      }
      const y = seat.y ?? r;
      for (const [axis, v] of [
        ['x', seat.x],
        ['y', y],
      ] as const) {
        const problem = `seat ${name}: ${axis} must be an integer 0-${MAX_COORD}`;
        if (!isCoord(v)) report(`${path}.${axis}`, 'invalid_position', problem);
      }
      const placed: Placed = {
        row_label: label,
        number: seat.number,
        seat_type: seat.type,
        x: seat.x,
        y,
        pair_with: seat.pair_with ?? null,
        companion_for: seat.companion_for ?? null,
        path,
      };
      if (isCoord(seat.x) && isCoord(y)) {
        if (aisles.has(seat.x)) report(path, 'seat_on_aisle', `seat ${name} is on aisle column x=${seat.x}`);
        const key = `${seat.x},${y}`;
        const other = positions.get(key);
        if (other) {
          const first = seatLabel(other.row_label, other.number);
          report(path, 'duplicate_position', `seat ${name} is at (${seat.x}, ${y}) like seat ${first}`);
        } else {
          positions.set(key, placed);
        }
      }
      if (placed.pair_with !== null && seat.type !== 'couple') {
        report(`${path}.pair_with`, 'pair_on_non_couple', `seat ${name}: only couple seats have pair_with`);
      }
      if (seat.type === 'couple' && placed.pair_with === null) {
        report(`${path}.pair_with`, 'couple_without_pair', `couple seat ${name} needs pair_with`);
      }
      if (placed.companion_for !== null && seat.type !== 'companion') {
        const problem = `seat ${name}: only companion seats have companion_for`;
        report(`${path}.companion_for`, 'companion_for_on_non_companion', problem);
      }
      if (seat.type === 'companion' && placed.companion_for === null) {
        report(`${path}.companion_for`, 'companion_without_wheelchair', `companion seat ${name} needs companion_for`);
      }
      if (valid && !byNumber.has(seat.number)) byNumber.set(seat.number, placed);
      placedRow.push(placed);
    });

    for (const seat of placedRow) {
      const name = seatLabel(label, seat.number);
      if (seat.seat_type === 'couple' && seat.pair_with !== null) checkPair(seat, name, byNumber, report);
      if (seat.seat_type === 'companion' && seat.companion_for !== null) {
        const target = byNumber.get(seat.companion_for);
        const path = `${seat.path}.companion_for`;
        if (!target) {
          report(path, 'companion_target_not_found', `seat ${name}: row ${label} has no seat ${seat.companion_for}`);
        } else if (target.seat_type !== 'wheelchair') {
          const other = seatLabel(label, target.number);
          report(path, 'companion_target_not_wheelchair', `seat ${name}: seat ${other} is not a wheelchair seat`);
        }
      }
    }
    seats.push(...placedRow);
  });

  if (count === 0) report('rows', 'no_seats', 'a layout needs at least one seat');
  if (count > MAX_SEATS) report('rows', 'too_many_seats', `${count} seats; at most ${MAX_SEATS}`);

  if (problems.length > 0) return { problems };
  return {
    problems,
    layout: {
      screen: 'top',
      aisles: [...aisles].sort((a, b) => a - b),
      seats: seats.map(({ path: _, ...seat }) => seat),
    },
  };
}

function checkPair(seat: Placed, name: string, byNumber: Map<number, Placed>, report: (path: string, rule: string, problem: string) => void) {
  const path = `${seat.path}.pair_with`;
  const partner = seat.pair_with === null ? undefined : byNumber.get(seat.pair_with);
  const other = partner && seatLabel(seat.row_label, partner.number);
  if (seat.pair_with === seat.number) {
    report(path, 'pair_with_self', `seat ${name} cannot pair with itself`);
  } else if (!partner) {
    report(path, 'pair_not_found', `seat ${name}: row ${seat.row_label} has no seat ${seat.pair_with}`);
  } else if (partner.seat_type !== 'couple') {
    report(path, 'pair_not_couple', `seat ${name}: partner ${other} is not a couple seat`);
  } else if (partner.pair_with !== seat.number) {
    report(path, 'pair_not_mutual', `seat ${name}: partner ${other} does not pair back`);
  } else if (seat.number < partner.number && !besideEachOther(seat, partner)) {
    // reported once per pair, on the lower number
    report(path, 'pair_not_adjacent', `couple ${name} and ${other} are not side by side`);
  }
}

// Unknown positions were reported already; they do not make a pair wrong as well.
const besideEachOther = (a: Placed, b: Placed) =>
  !isCoord(a.x) || !isCoord(a.y) || !isCoord(b.x) || !isCoord(b.y) || (Math.abs(a.x - b.x) === 1 && a.y === b.y);

const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isCoord = (v: unknown): v is number => isInt(v, 0, MAX_COORD);
