// What every benchmark file shares: where the project is, the loopback host, logging and number format.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HOST = '127.0.0.1';

export const log = (msg: string) => process.stdout.write(`[bench] ${msg}\n`);
export const warn = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/** 12,345 (or 12,345.6 with digits = 1), en-US grouping. */
export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A ratio as "12.3 %", or "n/a". */
export const pct = (ratio: number | null) => (ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)} %`);

/** a / b, or null when b is not positive. */
export const ratioOf = (a: number, b: number) => (b > 0 ? a / b : null);
