import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decimalToNumber, minorToDecimal, minorToNumber, MoneyError, toMinor } from '../src/lib/money.ts';

test('amounts become exact integer minor units', () => {
  assert.equal(toMinor(50000), 5000000);
  assert.equal(toMinor('50000.00'), 5000000);
  assert.equal(toMinor(0.1), 10);
  assert.equal(toMinor(0.29), 29); // 0.29 * 100 is 28.999999999999996 in float maths
  assert.equal(toMinor('-12.5'), -1250);
});

test('more decimals than the currency has, non-numbers and huge values are refused', () => {
  for (const bad of [0.001, '1.999', 'abc', '1e5', Number.NaN, Number.POSITIVE_INFINITY, 1e21, 99999999999]) {
    assert.throws(() => toMinor(bad as number), MoneyError, String(bad));
  }
});

test('minor units print back exactly', () => {
  assert.equal(minorToDecimal(5000050), '50000.50');
  assert.equal(minorToDecimal(7), '0.07');
  assert.equal(minorToDecimal(-1250), '-12.50');
  assert.equal(minorToNumber(5000050), 50000.5);
  assert.equal(decimalToNumber('75000.00'), 75000);
  assert.equal(decimalToNumber(null), null);
  // sums of cents stay exact where floats drift
  const cents = [10, 20, 70].reduce((a, b) => a + b, 0);
  assert.equal(minorToNumber(cents), 1);
});
