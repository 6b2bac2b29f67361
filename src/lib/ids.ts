// Time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then random bits. New ids
// land at the right edge of a B-tree primary key instead of on a random page, so a burst of holds
// touches (and WAL-logs) a few index pages rather than many.
import { randomBytes } from 'node:crypto';

export function uuidv7(now: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (b[6] & 0x0f); // version 7
  b[8] = 0x80 | (b[8] & 0x3f); // variant 10
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
