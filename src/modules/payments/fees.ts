// Payment fees, exact: fee = fixed + round-half-up(amount x rate / 10 000), all in integer minor
// units, the percentage rounded to the currency's smallest paid unit (a whole rupiah for IDR:
// lib/money.ts, cashUnitMinor). The rate is in basis points (290 = 2.9 %). BigInt for the product:
// a large amount times a rate can pass 2^53, where a JS number would round silently.
import { toMinor } from '../../lib/money.ts';

export interface FeeRule {
  /** fixed part, numeric text as stored ('2000.00') */
  fee_fixed: string;
  /** percentage part in basis points */
  fee_rate_bp: number;
}

/** The fee in minor units for an amount in minor units; `unitMinor`: the smallest paid unit (100 for IDR). */
export function feeMinor(amountMinor: number, rule: FeeRule, unitMinor = 1): number {
  if (!Number.isSafeInteger(amountMinor) || amountMinor < 0) throw new RangeError(`not an amount: ${amountMinor}`);
  const product = BigInt(amountMinor) * BigInt(rule.fee_rate_bp);
  // half up: add half the divisor before the (flooring) integer division; both sides are >= 0
  const divisor = 10_000n * BigInt(unitMinor);
  const units = (product + divisor / 2n) / divisor;
  return toMinor(rule.fee_fixed) + Number(units) * unitMinor;
}
