// Payment fees: fixed + percentage in basis points, rounded half up to the minor unit, exact for any
// amount (BigInt inside: amount x rate can pass 2^53).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feeMinor } from '../src/modules/payments/fees.ts';

test('card 2.9 % + 2,000: 150,000 -> 6,350', () => {
  assert.equal(feeMinor(15_000_000, { fee_fixed: '2000.00', fee_rate_bp: 290 }), 635_000);
});

test('half up at exactly half a sen, down below it', () => {
  // 5.00 x 0.7 % = 0.035 -> 0.04; 4.99 x 0.7 % = 0.03493 -> 0.03
  assert.equal(feeMinor(500, { fee_fixed: '0', fee_rate_bp: 70 }), 4);
  assert.equal(feeMinor(499, { fee_fixed: '0', fee_rate_bp: 70 }), 3);
  // 0.01 x 50 % = 0.005 -> 0.01
  assert.equal(feeMinor(1, { fee_fixed: '0', fee_rate_bp: 5000 }), 1);
});

test('fixed only, zero rate, and zero amount', () => {
  assert.equal(feeMinor(12_345_678, { fee_fixed: '4000.00', fee_rate_bp: 0 }), 400_000);
  assert.equal(feeMinor(0, { fee_fixed: '0.00', fee_rate_bp: 150 }), 0);
});

test('exact where floats are not: the largest amount numeric(12,2) holds', () => {
  const max = 999_999_999_999; // 9,999,999,999.99
  // 999,999,999,999 x 290 = 289,999,999,999,710 / 10,000 = 28,999,999,999.971 -> 29,000,000,000 sen
  assert.equal(feeMinor(max, { fee_fixed: '0', fee_rate_bp: 290 }), 29_000_000_000);
  assert.equal(feeMinor(max, { fee_fixed: '0', fee_rate_bp: 10_000 }), max);
});

test('refuses what is not an amount in minor units', () => {
  assert.throws(() => feeMinor(1.5, { fee_fixed: '0', fee_rate_bp: 1 }), RangeError);
  assert.throws(() => feeMinor(-1, { fee_fixed: '0', fee_rate_bp: 1 }), RangeError);
});

test('in a currency paid in whole units (IDR) the percentage rounds to a whole rupiah, half up', () => {
  // 45,500 x 2.9 % = 1,319.5 -> 1,320 rupiah (+ 2,000 fixed): a virtual account cannot ask for 0.50
  assert.equal(feeMinor(4_550_000, { fee_fixed: '2000.00', fee_rate_bp: 290 }, 100), 332_000);
  // 45,400 x 2.9 % = 1,316.6 -> 1,317; 45,410 x 0.7 % = 317.87 -> 318; 100 x 0.7 % = 0.7 -> 1
  assert.equal(feeMinor(4_540_000, { fee_fixed: '0', fee_rate_bp: 290 }, 100), 131_700);
  assert.equal(feeMinor(4_541_000, { fee_fixed: '0', fee_rate_bp: 70 }, 100), 31_800);
  assert.equal(feeMinor(10_000, { fee_fixed: '0', fee_rate_bp: 70 }, 100), 100);
  // 45,500 x 2.9 % in a currency with cents keeps the half: 1,319.50
  assert.equal(feeMinor(4_550_000, { fee_fixed: '0', fee_rate_bp: 290 }), 131_950);
});
