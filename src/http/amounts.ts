// A JSON amount from a request as an exact numeric(12,2) string, or 400 invalid_amount naming the field:
// more decimals than the database keeps, or a fraction of the currency's smallest paid unit (a
// rupiah: lib/money.ts, cashUnitMinor).
import { cashUnitMinor, minorToDecimal, toMinor } from '../lib/money.ts';
import { AppError } from './errors.ts';

export function exactAmount(value: number, field: string, currency: string): string {
  let minor: number;
  try {
    minor = toMinor(value);
  } catch (err) {
    throw new AppError('invalid_amount', `${field}: ${(err as Error).message}`, { field });
  }
  if (minor % cashUnitMinor(currency) !== 0) {
    throw new AppError('invalid_amount', `${field}: ${currency} amounts are whole units (${value} is not)`, { field });
  }
  return minorToDecimal(minor);
}
