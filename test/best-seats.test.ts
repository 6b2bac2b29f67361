import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bestSeats, type MapSeat } from '../src/modules/holds/best-seats.ts';

/** Rows of seats from strings: '.' free, 'x' taken, '|' aisle, 'c' free couple (paired left-right). */
function hall(...rows: string[]): MapSeat[] {
  const seats: MapSeat[] = [];
  let id = 1;
  rows.forEach((line, y) => {
    let x = 0;
    let number = 0;
    for (const ch of line) {
      if (ch === '|') {
        x++;
        continue;
      }
      number++;
      const couple = ch === 'c';
      seats.push({
        id: id++,
        row: String.fromCharCode(65 + y),
        x,
        y,
        type: couple ? 'couple' : 'regular',
        status: ch === 'x' ? 'sold' : 'available',
        pair_seat_id: couple ? (number % 2 === 1 ? id : id - 2) : null,
      });
      x++;
    }
  });
  return seats;
}
const labels = (seats: MapSeat[], ids: number[]) =>
  ids.map((id) => {
    const s = seats.find((x) => x.id === id) as MapSeat;
    return `${s.row}${s.x}`;
  });

test('an empty hall: the middle of a row a bit behind the centre', () => {
  const seats = hall('..........', '..........', '..........', '..........', '..........', '..........');
  const [best] = bestSeats(seats, 2);
  assert.deepEqual(labels(seats, best), ['D4', 'D5']);
});

test('never across an aisle, never leaving a single seat, never splitting a couple', () => {
  const seats = hall('x..|..x');
  // three free seats would need the aisle; two adjacent in a block of two is fine
  assert.deepEqual(bestSeats(seats, 3), []);
  const two = bestSeats(seats, 2).map((ids) => labels(seats, ids));
  assert.deepEqual(two.sort(), [
    ['A1', 'A2'],
    ['A4', 'A5'],
  ]);
  // a block of three free seats: taking two would strand the third
  const three = hall('x...x');
  assert.deepEqual(bestSeats(three, 2), []);
  assert.equal(bestSeats(three, 3).length, 1);
  // couples only whole, and only when asked for
  const couples = hall('cccc');
  assert.deepEqual(bestSeats(couples, 2), []);
  const pairs = bestSeats(couples, 2, 'couple').map((ids) => labels(couples, ids));
  assert.ok(
    pairs.every(([a]) => a === 'A0' || a === 'A2'),
    JSON.stringify(pairs),
  );
});

test('sold out and not enough adjacent seats give nothing', () => {
  assert.deepEqual(bestSeats(hall('xxxx', 'xxxx'), 1), []);
  assert.deepEqual(bestSeats(hall('.x.x.', 'x.x.x'), 2), []);
});
