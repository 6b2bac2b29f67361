// The refund maths, pure: which tier of the policy applies this long before the show, and what each
// seat (and the fee) returns. Integer minor units only.
//
// Rounding is per seat: each seat's refund is price x percent / 100 rounded to the minor unit by the
// policy's rule ('half_up': .5 goes up; 'down': truncated), and the refund is the sum of those. So
// refunding seats one at a time returns exactly what refunding them together would, and the
// customer can check every line. The fee belongs to the order, not to a seat: with fees_refundable
// it is returned (at the same percent, rounded once) by the refund that leaves no seat sold, and by
// no other; a cancellation by the cinema returns it whole.

export type Rounding = 'half_up' | 'down';

export interface Tier {
  min_hours_before: number;
  percent: number;
}

export interface PolicyRules {
  /** sorted by min_hours_before, largest first */
  tiers: Tier[];
  fees_refundable: boolean;
  rounding: Rounding;
}

/** The first tier whose threshold the time left reaches, or null (too late for any). */
export function pickTier(tiers: Tier[], secondsBefore: number): Tier | null {
  for (const t of tiers) if (secondsBefore >= t.min_hours_before * 3600) return t;
  return null;
}

/** minor x percent / 100, rounded by the rule. Exact: every product stays below 2^53. */
export function percentOf(minor: number, percent: number, rounding: Rounding): number {
  const product = minor * percent;
  const whole = Math.floor(product / 100);
  const rest = product - whole * 100;
  return rounding === 'half_up' && rest * 2 >= 100 ? whole + 1 : whole;
}

export interface SeatLine {
  id: number;
  label: string;
  priceMinor: number;
}

export interface QuoteLines {
  tier: Tier | null;
  percent: number;
  seats: (SeatLine & { refundMinor: number })[];
  feeMinor: number;
  amountMinor: number;
}

/**
 * What refunding `seats` returns under `rules` with `secondsBefore` left until the show.
 * `feeLeftMinor` is the fee not yet returned; `emptiesTicket` says whether these are the last sold seats.
 */
export function quoteLines(
  rules: PolicyRules,
  secondsBefore: number,
  seats: SeatLine[],
  feeLeftMinor: number,
  emptiesTicket: boolean,
): QuoteLines {
  const tier = pickTier(rules.tiers, secondsBefore);
  const percent = tier?.percent ?? 0;
  const lines = seats.map((s) => ({ ...s, refundMinor: percentOf(s.priceMinor, percent, rules.rounding) }));
  const feeMinor = rules.fees_refundable && emptiesTicket ? percentOf(feeLeftMinor, percent, rules.rounding) : 0;
  const amountMinor = lines.reduce((sum, s) => sum + s.refundMinor, 0) + feeMinor;
  return { tier, percent, seats: lines, feeMinor, amountMinor };
}
