// Unit tests of the layout rules (src/modules/halls/layout.ts): no database.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeLayout } from '../src/db/seed/layouts.ts';
import { AppError } from '../src/http/errors.ts';
import { checkLayout, type LayoutProblem, validateLayout } from '../src/modules/halls/layout.ts';
import type { LayoutIn } from '../src/modules/halls/schemas.ts';

type Seat = LayoutIn['rows'][number]['seats'][number];
const seat = (number: number, x: number, extra: Partial<Seat> = {}): Seat => ({ number, x, type: 'regular', ...extra });
const layout = (rows: Array<[string, Seat[]]>, aisles: number[] = []): LayoutIn => ({
  screen: 'top',
  aisles,
  rows: rows.map(([label, seats]) => ({ label, seats })),
});
/** Anything the schema would have refused, to reach layout.ts's own checks. */
const raw = (v: unknown) => v as LayoutIn;

function problemsOf(input: LayoutIn): LayoutProblem[] {
  const { layout: ok, problems } = checkLayout(input);
  assert.equal(ok, undefined, 'an invalid layout gives no layout');
  return problems;
}

/** Asserts exactly these [rule, path] problems, in any order. */
function assertProblems(input: LayoutIn, expected: Array<[string, string]>) {
  const got = problemsOf(input).map((p) => [p.rule, p.path]);
  const key = (p: string[]) => p.join(' @ ');
  assert.deepEqual(got.map(key).sort(), expected.map(key).sort());
}

describe('a valid layout', () => {
  test('is flattened: y defaults to the row index, aisles sorted without repeats, links as numbers', () => {
    const out = validateLayout(
      layout(
        [
          ['A', [seat(1, 0, { type: 'wheelchair' }), seat(2, 1, { type: 'companion', companion_for: 1 }), seat(3, 3)]],
          ['B', [seat(1, 0, { type: 'couple', pair_with: 2 }), seat(2, 1, { type: 'couple', pair_with: 1 }), seat(3, 3, { type: 'vip' })]],
          ['C', [seat(7, 3, { y: 5 })]],
        ],
        [2, 2],
      ),
    );
    assert.deepEqual(out.aisles, [2]);
    assert.equal(out.screen, 'top');
    assert.equal(out.seats.length, 7);
    const find = (row: string, n: number) => out.seats.find((s) => s.row_label === row && s.number === n)!;
    assert.deepEqual(find('A', 2), { row_label: 'A', number: 2, seat_type: 'companion', x: 1, y: 0, pair_with: null, companion_for: 1 });
    assert.deepEqual(find('B', 1), { row_label: 'B', number: 1, seat_type: 'couple', x: 0, y: 1, pair_with: 2, companion_for: null });
    assert.equal(find('B', 3).y, 1);
    assert.equal(find('C', 7).y, 5, 'an explicit y wins');
  });

  test('rows in any order, numbered from either side, y given by row', () => {
    const out = validateLayout(
      layout([
        ['B', [seat(2, 0, { y: 1 }), seat(1, 1, { y: 1 })]],
        ['A', [seat(2, 0, { y: 0 }), seat(1, 1, { y: 0 })]],
      ]),
    );
    assert.equal(out.seats.length, 4);
  });

  test('every demo hall layout is valid', () => {
    const options = [
      { rows: 10, seatsPerRow: 15, aisleAfter: [3, 12], vipRows: 2, coupleRows: 1, wheelchairSpots: 2 },
      { rows: 15, seatsPerRow: 20, aisleAfter: [4, 16], vipRows: 3, coupleRows: 1, wheelchairSpots: 4 },
      { rows: 4, seatsPerRow: 10, aisleAfter: [5], vipRows: 4 },
    ];
    for (const o of options) {
      const demo = makeLayout(o);
      const rows = demo.rows.map((label) => ({
        label,
        seats: demo.seats
          .filter((s) => s.row_label === label)
          .map((s) => ({
            number: s.number,
            x: s.x,
            y: s.y,
            type: s.seat_type,
            ...(s.pair !== undefined ? { pair_with: demo.seats[s.pair].number } : {}),
            ...(s.companion_for !== undefined ? { companion_for: demo.seats[s.companion_for].number } : {}),
          })),
      }));
      const out = validateLayout({ screen: 'top', aisles: demo.aisles, rows });
      assert.equal(out.seats.length, o.rows * o.seatsPerRow);
    }
  });
});

describe('each rule', () => {
  test('no seats at all, and an empty row', () => {
    assertProblems(raw({ screen: 'top', aisles: [], rows: [] }), [['no_seats', 'rows']]);
    assertProblems(layout([['A', []]]), [
      ['empty_row', 'rows[0].seats'],
      ['no_seats', 'rows'],
    ]);
  });

  test('more than 2000 seats', () => {
    const rows = Array.from({ length: 21 }, (_, r): [string, Seat[]] => [`R${r}`, Array.from({ length: 100 }, (_, n) => seat(n + 1, n, { y: r }))]);
    assertProblems(layout(rows), [['too_many_seats', 'rows']]);
    assert.equal(checkLayout(layout(rows.slice(0, 20))).problems.length, 0, 'exactly 2000 is fine');
  });

  test('duplicate row labels', () => {
    assertProblems(
      layout([
        ['A', [seat(1, 0)]],
        ['A', [seat(1, 1)]],
      ]),
      [['duplicate_row_label', 'rows[1].label']],
    );
  });

  test('row labels: 1-4 characters A-Z 0-9', () => {
    assertProblems(
      layout([
        ['a', [seat(1, 0)]],
        ['ABCDE', [seat(1, 1)]],
        ['', [seat(1, 2)]],
        ['12', [seat(1, 3)]],
      ]),
      [
        ['invalid_row_label', 'rows[0].label'],
        ['invalid_row_label', 'rows[1].label'],
        ['invalid_row_label', 'rows[2].label'],
      ],
    );
  });

  test('duplicate seat numbers in a row (the same number in another row is fine)', () => {
    assertProblems(
      layout([
        ['A', [seat(1, 0), seat(1, 1)]],
        ['B', [seat(1, 0)]],
      ]),
      [['duplicate_seat_number', 'rows[0].seats[1].number']],
    );
  });

  test('two seats at one (x, y), also across rows', () => {
    assertProblems(
      layout([
        ['A', [seat(1, 0), seat(2, 1)]],
        ['B', [seat(1, 1, { y: 0 })]],
      ]),
      [['duplicate_position', 'rows[1].seats[0]']],
    );
  });

  test('a seat on an aisle column', () => {
    assertProblems(layout([['A', [seat(1, 0), seat(2, 1), seat(3, 2)]]], [1]), [['seat_on_aisle', 'rows[0].seats[1]']]);
  });

  test('x and y are integers 0-999; aisles too', () => {
    assertProblems(raw(layout([['A', [seat(1, -1), seat(2, 1.5), seat(3, 1000), seat(4, 4, { y: 1000 })]]], [1000])), [
      ['invalid_position', 'aisles[0]'],
      ['invalid_position', 'rows[0].seats[0].x'],
      ['invalid_position', 'rows[0].seats[1].x'],
      ['invalid_position', 'rows[0].seats[2].x'],
      ['invalid_position', 'rows[0].seats[3].y'],
    ]);
  });

  test('seat numbers and types', () => {
    assertProblems(raw(layout([['A', [seat(0, 0), seat(2, 1, { type: 'sofa' as never })]]])), [
      ['invalid_seat_number', 'rows[0].seats[0].number'],
      ['invalid_seat_type', 'rows[0].seats[1].type'],
    ]);
  });

  test('couple seats: pair_with required, to a couple seat of the row that points back, side by side', () => {
    const couple = (n: number, x: number, pair?: number, extra: Partial<Seat> = {}) =>
      seat(n, x, { type: 'couple', ...(pair === undefined ? {} : { pair_with: pair }), ...extra });
    assertProblems(layout([['A', [couple(1, 0)]]]), [['couple_without_pair', 'rows[0].seats[0].pair_with']]);
    assertProblems(layout([['A', [couple(1, 0, 1)]]]), [['pair_with_self', 'rows[0].seats[0].pair_with']]);
    assertProblems(layout([['A', [couple(1, 0, 9)]]]), [['pair_not_found', 'rows[0].seats[0].pair_with']]);
    // the partner in another row does not count: pairs are within a row
    assertProblems(
      layout([
        ['A', [couple(1, 0, 2)]],
        ['B', [couple(2, 1, 1, { y: 0 })]],
      ]),
      [
        ['pair_not_found', 'rows[0].seats[0].pair_with'],
        ['pair_not_found', 'rows[1].seats[0].pair_with'],
      ],
    );
    assertProblems(layout([['A', [couple(1, 0, 2), seat(2, 1)]]]), [['pair_not_couple', 'rows[0].seats[0].pair_with']]);
    assertProblems(layout([['A', [couple(1, 0, 2), couple(2, 1, 3), couple(3, 2, 2)]]]), [['pair_not_mutual', 'rows[0].seats[0].pair_with']]);
    assertProblems(layout([['A', [couple(1, 0, 2), couple(2, 2, 1)]]]), [['pair_not_adjacent', 'rows[0].seats[0].pair_with']]);
    assertProblems(layout([['A', [couple(1, 0, 2, { y: 0 }), couple(2, 1, 1, { y: 1 })]]]), [['pair_not_adjacent', 'rows[0].seats[0].pair_with']]);
    // across an aisle is not side by side either
    assertProblems(layout([['A', [couple(1, 0, 2), couple(2, 2, 1)]]], [1]), [['pair_not_adjacent', 'rows[0].seats[0].pair_with']]);
  });

  test('pair_with only on couple seats', () => {
    assertProblems(layout([['A', [seat(1, 0, { pair_with: 2 }), seat(2, 1, { pair_with: 1 })]]]), [
      ['pair_on_non_couple', 'rows[0].seats[0].pair_with'],
      ['pair_on_non_couple', 'rows[0].seats[1].pair_with'],
    ]);
  });

  test('companion seats: companion_for required, naming a wheelchair seat of the same row', () => {
    const wheelchair = (n: number, x: number) => seat(n, x, { type: 'wheelchair' });
    const companion = (n: number, x: number, of?: number) => seat(n, x, { type: 'companion', ...(of === undefined ? {} : { companion_for: of }) });
    assertProblems(layout([['A', [wheelchair(1, 0), companion(2, 1)]]]), [['companion_without_wheelchair', 'rows[0].seats[1].companion_for']]);
    assertProblems(layout([['A', [wheelchair(1, 0), companion(2, 1, 5)]]]), [['companion_target_not_found', 'rows[0].seats[1].companion_for']]);
    assertProblems(layout([['A', [seat(1, 0), companion(2, 1, 1)]]]), [['companion_target_not_wheelchair', 'rows[0].seats[1].companion_for']]);
    assertProblems(
      layout([
        ['A', [wheelchair(1, 0)]],
        ['B', [companion(2, 1, 1)]],
      ]),
      [['companion_target_not_found', 'rows[1].seats[0].companion_for']],
    );
    // one wheelchair place may have a companion on each side
    assert.equal(checkLayout(layout([['A', [companion(1, 0, 2), wheelchair(2, 1), companion(3, 2, 2)]]])).problems.length, 0);
  });

  test('companion_for only on companion seats', () => {
    assertProblems(layout([['A', [seat(1, 0, { type: 'wheelchair' }), seat(2, 1, { type: 'vip', companion_for: 1 })]]]), [
      ['companion_for_on_non_companion', 'rows[0].seats[1].companion_for'],
    ]);
  });
});

describe('all problems at once', () => {
  test('a layout with many faults lists every one, and validateLayout throws 400 invalid_layout with them', () => {
    const bad = layout(
      [
        ['A', [seat(1, 0), seat(1, 1), seat(2, 2)]], // duplicate number, seat on aisle 2
        ['A', [seat(1, 5, { y: 0 })]], // duplicate label
        ['B', [seat(1, 0, { type: 'couple' }), seat(2, 0)]], // couple without pair, same position
        ['C', [seat(1, 0, { type: 'companion' }), seat(2, 1, { pair_with: 1 })]], // companion alone, pair on regular
      ],
      [2],
    );
    const expected: Array<[string, string]> = [
      ['duplicate_seat_number', 'rows[0].seats[1].number'],
      ['seat_on_aisle', 'rows[0].seats[2]'],
      ['duplicate_row_label', 'rows[1].label'],
      ['couple_without_pair', 'rows[2].seats[0].pair_with'],
      ['duplicate_position', 'rows[2].seats[1]'],
      ['companion_without_wheelchair', 'rows[3].seats[0].companion_for'],
      ['pair_on_non_couple', 'rows[3].seats[1].pair_with'],
    ];
    assertProblems(bad, expected);
    assert.throws(
      () => validateLayout(bad),
      (err: unknown) => {
        assert.ok(err instanceof AppError);
        assert.equal(err.code, 'invalid_layout');
        assert.equal(err.status, 400);
        const problems = err.details?.problems as LayoutProblem[];
        assert.equal(problems.length, expected.length);
        for (const p of problems) assert.ok(p.problem.length > 0 && p.path.length > 0 && p.rule.length > 0);
        return true;
      },
    );
  });
});
