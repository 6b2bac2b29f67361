// A report's period: local calendar days `from`..`to` (inclusive) in each theater's own time zone,
// at most MAX_DAYS long.
import { AppError } from '../../http/errors.ts';

const MAX_DAYS = 400;

export interface Period {
  from: string;
  to: string;
}

export function period(from: string, to: string): Period {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${to}T00:00:00Z`);
  const real = (d: string, t: number) => !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
  if (!real(from, a) || !real(to, b)) throw new AppError('validation_failed', 'from and to must be calendar dates (YYYY-MM-DD)');
  if (b < a) throw new AppError('validation_failed', 'to must not be before from');
  if ((b - a) / 86_400_000 + 1 > MAX_DAYS) throw new AppError('validation_failed', `A report covers at most ${MAX_DAYS} days`);
  return { from, to };
}
