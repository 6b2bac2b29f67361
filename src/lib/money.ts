// Exact money. Amounts live as integer minor units (IDR: sen, 2 decimals per ISO 4217) inside the
// service and as numeric(12,2) in the database; they cross the wire as JSON numbers with at most two
// decimals (the seed's `50000`). Conversions go through decimal strings, never through float maths.
// What a customer is charged or refunded is a whole number of the currency's smallest paid unit
// (cashUnitMinor: a whole rupiah for IDR), which prices, fees and refunds are kept to.

export const MINOR_DIGITS = 2;
const SCALE = 10 ** MINOR_DIGITS;
const MAX_MINOR = 9_999_999_999_99; // numeric(12,2)

export class MoneyError extends Error {}

// Currencies paid in whole units though ISO 4217 gives some of them minor units: no sen of the rupiah
// is in use, and Indonesian gateways (virtual accounts, QRIS, e-wallets) take whole rupiah only. A
// price, a fee or a refund in one of them is therefore a whole number of units.
// (src/db/functions/seat_prices.sql floors prices by the same list: test/money-units.test.ts)
export const WHOLE_UNIT_CURRENCIES: ReadonlySet<string> = new Set(['IDR', 'JPY', 'KRW', 'VND', 'CLP', 'ISK', 'PYG', 'UGX', 'XAF', 'XOF']);

/** The smallest amount a customer pays in `currency`, in minor units: 100 for IDR (one rupiah), 1 for USD (a cent). */
export function cashUnitMinor(currency: string): number {
  return WHOLE_UNIT_CURRENCIES.has(currency) ? SCALE : 1;
}

/** '50000.5' | 50000.5 -> 5000050. Throws MoneyError for more decimals than the currency has. */
export function toMinor(value: number | string): number {
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new MoneyError(`not an amount: ${text}`);
  const [, sign, whole, frac = ''] = m;
  const trimmed = frac.replace(/0+$/, '');
  if (trimmed.length > MINOR_DIGITS) throw new MoneyError(`more than ${MINOR_DIGITS} decimals: ${text}`);
  const minor = Number(whole) * SCALE + Number(trimmed.padEnd(MINOR_DIGITS, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor > MAX_MINOR) throw new MoneyError(`amount too large: ${text}`);
  return sign === '-' ? -minor : minor;
}

/** 5000050 -> '50000.50' (for SQL numeric parameters). */
export function minorToDecimal(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.trunc(abs / SCALE)}.${String(abs % SCALE).padStart(MINOR_DIGITS, '0')}`;
}

/** 5000050 -> 50000.5 (for JSON: the shortest number that reads back as the same decimal). */
export function minorToNumber(minor: number): number {
  return Number(minorToDecimal(minor));
}

/** numeric column value ('50000.00') -> JSON number 50000. */
export function decimalToNumber(decimal: string | null): number | null {
  return decimal === null ? null : minorToNumber(toMinor(decimal));
}

// 1e21 and up print in exponent form; amounts that large are refused anyway.
function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new MoneyError('not a finite amount');
  const s = String(n);
  if (/e/i.test(s)) throw new MoneyError(`amount out of range: ${s}`);
  return s;
}
