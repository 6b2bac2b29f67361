// Report sums can pass numeric(12,2), the largest single amount lib/money takes (a year of a chain's
// sales is tens of billions of rupiah), so they are added here in cents as bigint, exactly, and
// turned into JSON numbers only at the end (exact to the cent below 9e13).

const CENTS = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

export function cents(decimal: string): bigint {
  const m = CENTS.exec(decimal.trim());
  if (!m) throw new Error(`not a report amount: ${decimal}`);
  const value = BigInt(m[2]) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -value : value;
}

export function centsToDecimal(c: bigint): string {
  const a = c < 0n ? -c : c;
  return `${c < 0n ? '-' : ''}${a / 100n}.${String(a % 100n).padStart(2, '0')}`;
}

/** A report amount (numeric text) as a JSON number. */
export const amount = (decimal: string): number => Number(centsToDecimal(cents(decimal)));

export const sumAmounts = (values: readonly string[]): string => centsToDecimal(values.reduce((s, v) => s + cents(v), 0n));
