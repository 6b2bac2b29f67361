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

  test('in a currency paid in whole units (IDR) each line rounds to a whole rupiah, never past its price', () => {
    // 45,501 x 50 % = 22,750.5 -> 22,751 half up, 22,750 down
    assert.equal(percentOf(4_550_100, 50, 'half_up', 100), 2_275_100);
    assert.equal(percentOf(4_550_100, 50, 'down', 100), 2_275_000);
    // 45,500 x 33 % = 15,015 exactly; 1,319 x 75 % = 989.25 -> 989
    assert.equal(percentOf(4_550_000, 33, 'half_up', 100), 1_501_500);
    assert.equal(percentOf(131_900, 75, 'half_up', 100), 98_900);
    // a price stored with sen before amounts were whole returns its whole rupiah: never more than was
    // paid, never the sen a gateway refuses
    assert.equal(percentOf(7_500_050, 100, 'half_up', 100), 7_500_000);
    assert.equal(percentOf(7_500_050, 100, 'down', 100), 7_500_000);
    const rules: PolicyRules = { tiers: [{ min_hours_before: 2, percent: 50 }], fees_refundable: true, rounding: 'half_up' };
    const q = quoteLines(rules, 3 * 3600, [{ id: 1, label: 'A1', priceMinor: 4_550_100 }], 131_900, true, null, 100);
    assert.equal(q.seats[0].refundMinor, 2_275_100);
    assert.equal(q.feeMinor, 66_000); // 1,319 x 50 % = 659.5 -> 660
    assert.equal(q.amountMinor % 100, 0);
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
