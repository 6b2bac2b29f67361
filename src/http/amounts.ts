// A JSON amount from a request as an exact numeric(12,2) string, or 400 invalid_amount naming the field.
import { minorToDecimal, toMinor } from '../lib/money.ts';
import { AppError } from './errors.ts';

export function exactAmount(value: number, field: string): string {
  try {
    return minorToDecimal(toMinor(value));
  } catch (err) {
    throw new AppError('invalid_amount', `${field}: ${(err as Error).message}`, { field });
  }
}
