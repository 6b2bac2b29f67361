// The layout editor's draft (web/src/staff/layout-draft.ts), no browser: a made-up hall passes the
// API's rules; couple seats pair two by two with the seat beside them; a companion serves the nearest
// wheelchair place; removed seats are left out of what is sent but kept in the draft; each problem of
// the shared rules lands on the seat it is about, also when removed seats shift the indexes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkLayout } from '../src/modules/halls/check-layout.ts';
import {
  addRow,
  addSeat,
  type Draft,
  draftOf,
  gridLayout,
  problemsOf,
  removeSeats,
  restoreSeats,
  seatKey,
  setAisles,
  setType,
  toInput,
} from '../web/src/staff/layout-draft.ts';

const hall = (rows: number, perRow: number, aisle?: number): Draft => {
  const input = gridLayout(rows, perRow, aisle);
  return draftOf({
    aisles: input.aisles ?? [],
    rows: input.rows.map((r, y) => ({ label: r.label, seats: r.seats.map((s) => ({ ...s, y })) })),
  });
};
const ids = (d: Draft, ...labels: string[]) => new Set(labels.map((l) => d.seats.find((s) => seatKey(s) === l)!.id));
const seat = (d: Draft, label: string) => d.seats.find((s) => seatKey(s) === label)!;

describe('the layout draft', () => {
  test('a grid with an aisle is a valid layout, the aisle column empty', () => {
    const input = gridLayout(3, 8, 4);
    assert.deepEqual(checkLayout(input).problems, []);
    assert.deepEqual(input.aisles, [4]);
    assert.deepEqual(
      input.rows[0].seats.map((s) => s.x),
      [0, 1, 2, 3, 5, 6, 7, 8],
    );
    assert.deepEqual(
      input.rows.map((r) => r.label),
      ['A', 'B', 'C'],
    );
  });

  test('couple seats pair two by two with the seat beside them; one alone is a problem on that seat', () => {
    let d = hall(2, 6);
    d = setType(d, ids(d, 'A-1', 'A-2', 'A-3', 'A-4'), 'couple');
    assert.deepEqual(
      ['A-1', 'A-2', 'A-3', 'A-4'].map((l) => seat(d, l).pair_with),
      [2, 1, 4, 3],
    );
    assert.deepEqual(problemsOf(d), []);

    const alone = setType(d, ids(d, 'B-6'), 'couple');
    const problems = problemsOf(alone);
    assert.deepEqual(
      problems.map((p) => [p.rule, p.seat, p.seatId]),
      [['couple_without_pair', 'B-6', seat(alone, 'B-6').id]],
    );

    // a couple broken up: the partner left behind has a problem, on it
    const broken = setType(d, ids(d, 'A-1'), 'regular');
    assert.equal(seat(broken, 'A-2').pair_with, undefined);
    assert.deepEqual(
      problemsOf(broken).map((p) => [p.rule, p.seat]),
      [['couple_without_pair', 'A-2']],
    );
  });

  test('a companion seat serves the nearest wheelchair place of its row', () => {
    let d = hall(1, 8);
    d = setType(d, ids(d, 'A-1', 'A-8'), 'wheelchair');
    d = setType(d, ids(d, 'A-2', 'A-7'), 'companion');
    assert.deepEqual([seat(d, 'A-2').companion_for, seat(d, 'A-7').companion_for], [1, 8]);
    assert.deepEqual(problemsOf(d), []);
    const plain = hall(1, 4);
    const none = setType(plain, ids(plain, 'A-2'), 'companion');
    assert.deepEqual(
      problemsOf(none).map((p) => p.rule),
      ['companion_without_wheelchair'],
    );
  });

  test('removed seats are not sent but stay in the draft, and problems after them still land on their seat', () => {
    let d = hall(2, 5);
    d = removeSeats(d, ids(d, 'A-1', 'A-2'));
    d = setAisles(d, [4]);
    const { input } = toInput(d);
    assert.equal(input.rows[0].seats.length, 3);
    assert.equal(d.seats.length, 10);
    // x = 4 holds A-5 and B-5; in what is sent A-5 is rows[0].seats[2], not [4]
    assert.deepEqual(
      problemsOf(d)
        .map((p) => p.seat)
        .sort(),
      ['A-5', 'B-5'],
    );
    d = restoreSeats(d, ids(d, 'A-1'));
    assert.equal(toInput(d).input.rows[0].seats.length, 4);
  });

  test('a new row takes the next label and skips aisle columns; a new seat goes at the end of its row', () => {
    let d = hall(2, 4, 2);
    d = addRow(d, 4);
    const c = d.seats.filter((s) => s.row === 'C');
    assert.deepEqual(
      c.map((s) => [s.number, s.x, s.y]),
      [
        [1, 0, 2],
        [2, 1, 2],
        [3, 3, 2],
        [4, 4, 2],
      ],
    );
    d = addSeat(d, 'A');
    assert.deepEqual([seat(d, 'A-5').x, seat(d, 'A-5').added], [5, true]);
    assert.deepEqual(problemsOf(d), []);
  });
});
