// Time-ordered UUIDs (version 7, RFC 9562): 48 bits of Unix milliseconds, then random bits. New ids
// land at the right edge of a B-tree primary key instead of on a random page, so a burst of holds
// touches (and WAL-logs) a few index pages rather than many.
import { randomFillSync } from 'node:crypto';

// Random bytes drawn from the CSPRNG 4 KiB at a time (one call per 256 ids, not one per id).
const pool = Buffer.alloc(4096);
let used = pool.length;

function random16(): Buffer {
  if (used + 16 > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const b = Buffer.from(pool.subarray(used, used + 16)); // a copy: the pool is refilled later
  used += 16;
  return b;
}

export function uuidv7(now: number = Date.now()): string {
  const b = random16();
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (b[6] & 0x0f); // version 7
  b[8] = 0x80 | (b[8] & 0x3f); // variant 10
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
