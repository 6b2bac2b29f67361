// The currencies paid in whole units are listed twice: lib/money.ts (prices, fees, refunds) and the
// price floor of seat_prices.sql. The two lists must be the same, or a price could be floored at a
// fraction of a unit the gateway refuses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cashUnitMinor, WHOLE_UNIT_CURRENCIES } from '../src/lib/money.ts';

test("seat_prices.sql floors prices by lib/money.ts's list of whole-unit currencies", () => {
  const sql = readFileSync(new URL('../src/db/functions/seat_prices.sql', import.meta.url), 'utf8');
  const list = /v_currency IN \(([^)]*)\)/.exec(sql)?.[1];
  assert.ok(list, 'the floor names its currencies');
  const inSql = [...list.matchAll(/'([A-Z]{3})'/g)].map((m) => m[1]).sort();
  assert.deepEqual(inSql, [...WHOLE_UNIT_CURRENCIES].sort());
  assert.equal(cashUnitMinor('IDR'), 100);
  assert.equal(cashUnitMinor('USD'), 1);
});
