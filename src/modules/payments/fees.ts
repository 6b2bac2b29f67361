// Payment fees, exact: fee = fixed + round-half-up(amount x rate / 10 000), all in integer minor
// units. The rate is in basis points (290 = 2.9 %). BigInt for the product: a large amount times a
// rate can pass 2^53, where a JS number would round silently.
import { toMinor } from '../../lib/money.ts';

export interface FeeRule {
  /** fixed part, numeric text as stored ('2000.00') */
  fee_fixed: string;
  /** percentage part in basis points */
  fee_rate_bp: number;
}

/** The fee in minor units for an amount in minor units. */
export function feeMinor(amountMinor: number, rule: FeeRule): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new RangeError(`not an amount: ${amountMinor}`);
  const product = BigInt(amountMinor) * BigInt(rule.fee_rate_bp);
  // half up: add half the divisor before the (flooring) integer division; both sides are >= 0
  const percent = (product + 5_000n) / 10_000n;
  return toMinor(rule.fee_fixed) + Number(percent);
}
