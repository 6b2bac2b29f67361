// The refund maths on its own: tier boundaries, rounding in the minor unit, the fee with the last seats.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { percentOf, pickTier, type PolicyRules, quoteLines } from '../src/modules/refunds/quote.ts';

const tiers = [
  { min_hours_before: 24, percent: 100 },
  { min_hours_before: 2, percent: 50 },
];

describe('refund maths', () => {
  test('a tier applies from exactly its hours before the show; before the last one nothing does', () => {
    assert.equal(pickTier(tiers, 24 * 3600)?.percent, 100);
    assert.equal(pickTier(tiers, 24 * 3600 - 1)?.percent, 50);
    assert.equal(pickTier(tiers, 2 * 3600)?.percent, 50);
    assert.equal(pickTier(tiers, 2 * 3600 - 1), null);
    assert.equal(pickTier(tiers, -60), null);
    assert.equal(pickTier([], 1e9), null);
  });

  test('percentages round in the minor unit: half up or down, exactly, for large amounts too', () => {
    assert.equal(percentOf(1_000_005, 33, 'down'), 330_001); // 3300.0165 -> 3300.01
    assert.equal(percentOf(1_000_005, 33, 'half_up'), 330_002);
    assert.equal(percentOf(101, 50, 'half_up'), 51); // 50.5 -> 51
    assert.equal(percentOf(101, 50, 'down'), 50);
    assert.equal(percentOf(99, 50, 'half_up'), 50); // 49.5 -> 50
    assert.equal(percentOf(12_345, 100, 'down'), 12_345);
    assert.equal(percentOf(12_345, 0, 'half_up'), 0);
    assert.equal(percentOf(999_999_999_999, 99, 'half_up'), 989_999_999_999); // 9 999 999 999.99 x 99 %: 989 999 999 999.01 sen
  });

  test('per-seat rounding, summed; the fee only with the refund that empties the ticket', () => {
    const rules: PolicyRules = { tiers: [{ min_hours_before: 2, percent: 33 }], fees_refundable: true, rounding: 'down' };
    const seats = [
      { id: 1, label: 'A1', priceMinor: 1_000_005 },
      { id: 2, label: 'A2', priceMinor: 1_000_005 },
    ];
    const some = quoteLines(rules, 10 * 3600, seats, 32_000, false);
    assert.deepEqual(
      some.seats.map((s) => s.refundMinor),
      [330_001, 330_001],
    );
    assert.equal(some.feeMinor, 0);
    assert.equal(some.amountMinor, 660_002, 'not 660 003: each seat is rounded on its own');
    const last = quoteLines(rules, 10 * 3600, seats, 32_000, true);
    assert.equal(last.feeMinor, 10_560);
    assert.equal(last.amountMinor, 660_002 + 10_560);
    const noFees = quoteLines({ ...rules, fees_refundable: false }, 10 * 3600, seats, 32_000, true);
    assert.equal(noFees.feeMinor, 0);
    const late = quoteLines(rules, 3600, seats, 32_000, true);
    assert.deepEqual([late.percent, late.tier, late.amountMinor], [0, null, 0]);
  });
});
