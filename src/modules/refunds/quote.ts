// The refund maths, pure: which tier of the policy applies this long before the show, and what each
// seat (and the fee) returns. Integer minor units only.
//
// Rounding is per seat: each seat's refund is price x percent / 100 rounded to the currency's
// smallest paid unit (a whole rupiah for IDR; a cent for USD) by the policy's rule ('half_up': .5 goes up; 'down': truncated), and the refund is the sum of those. So
// refunding seats one at a time returns exactly what refunding them together would, and the
// customer can check every line. The fee belongs to the order, not to a seat: with fees_refundable
// it is returned (at the same percent, rounded once) by the refund that leaves no seat sold, and by
// no other; a cancellation by the cinema returns it whole.
//
// The purchase grace period comes before the tiers: within `grace.minutes` of buying, while the show
// is at least `grace.min_hours_before` away, a refund returns 100 % of each seat, and the fee (whole,
// whatever fees_refundable says) with the last seats. It undoes a mistaken purchase, so the customer
// gets back what the purchase cost them; the show being far enough away keeps it from turning into a
// free hold on seats that can no longer be sold.

export type Rounding = 'half_up' | 'down';

export interface Tier {
  min_hours_before: number;
  percent: number;
}

export interface Grace {
  /** minutes after the purchase; 0 = no grace period */
  minutes: number;
  /** hours the show must still be away */
  min_hours_before: number;
}

export interface PolicyRules {
  /** sorted by min_hours_before, largest first */
  tiers: Tier[];
  fees_refundable: boolean;
  rounding: Rounding;
  grace?: Grace;
}

/** What applied: one of the policy's tiers ('standard') or the purchase grace period ('grace'). */
export type AppliedTier = Tier & { kind: 'standard' | 'grace' };

/** The first tier whose threshold the time left reaches, or null (too late for any). */
export function pickTier(tiers: Tier[], secondsBefore: number): Tier | null {
  for (const t of tiers) if (secondsBefore >= t.min_hours_before * 3600) return t;
  return null;
}

/** Inside the purchase grace period? `secondsSincePurchase` null: never bought (nothing to undo). */
export function inGrace(grace: Grace | undefined, secondsBefore: number, secondsSincePurchase: number | null): boolean {
  if (!grace || grace.minutes <= 0 || secondsSincePurchase === null) return false;
  return secondsSincePurchase <= grace.minutes * 60 && secondsBefore >= grace.min_hours_before * 3600;
}

/**
 * minor x percent / 100, rounded by the rule to a whole number of `unitMinor` (the currency's
 * smallest paid unit: 100 for IDR), never more than the whole units of `minor` itself. Exact: every
 * product stays below 2^53.
 */
export function percentOf(minor: number, percent: number, rounding: Rounding, unitMinor = 1): number {
  const product = minor * percent;
  const divisor = 100 * unitMinor;
  const whole = Math.floor(product / divisor);
  const rest = product - whole * divisor;
  const units = rounding === 'half_up' && rest * 2 >= divisor ? whole + 1 : whole;
  // a price paid with a fraction of the unit (stored before amounts were whole) returns at most its
  // whole units: never more than was paid, and never a fraction the gateway would refuse
  return Math.min(units, Math.floor(minor / unitMinor)) * unitMinor;
}

export interface SeatLine {
  id: number;
  label: string;
  priceMinor: number;
}

export interface QuoteLines {
  tier: AppliedTier | null;
  percent: number;
  seats: (SeatLine & { refundMinor: number })[];
  feeMinor: number;
  amountMinor: number;
}

/**
 * What refunding `seats` returns under `rules` with `secondsBefore` left until the show and
 * `secondsSincePurchase` since the ticket was bought (null: not bought). `feeLeftMinor` is the fee
 * not yet returned; `emptiesTicket` says whether these are the last sold seats; `unitMinor` the
 * currency's smallest paid unit, to which each line is rounded.
 */
export function quoteLines(
  rules: PolicyRules,
  secondsBefore: number,
  seats: SeatLine[],
  feeLeftMinor: number,
  emptiesTicket: boolean,
  secondsSincePurchase: number | null = null,
  unitMinor = 1,
): QuoteLines {
  const grace = inGrace(rules.grace, secondsBefore, secondsSincePurchase);
  const standard = grace ? null : pickTier(rules.tiers, secondsBefore);
  const tier: AppliedTier | null = grace
    ? { kind: 'grace', min_hours_before: (rules.grace as Grace).min_hours_before, percent: 100 }
    : standard && { kind: 'standard', ...standard };
  const percent = tier?.percent ?? 0;
  const lines = seats.map((s) => ({ ...s, refundMinor: percentOf(s.priceMinor, percent, rules.rounding, unitMinor) }));
  const feeMinor = (grace || rules.fees_refundable) && emptiesTicket ? percentOf(feeLeftMinor, percent, rules.rounding, unitMinor) : 0;
  const amountMinor = lines.reduce((sum, s) => sum + s.refundMinor, 0) + feeMinor;
  return { tier, percent, seats: lines, feeMinor, amountMinor };
}
