// Fixed-window attempt limits (login, registration). Counters live in Redis when configured so all
// instances share them; if Redis fails, this instance keeps counting on its own rather than letting
// every attempt through or refusing everyone.
import type { Kv } from '../kv/kv.ts';
import { memoryKv } from '../kv/memory.ts';
import { AppError } from './errors.ts';

export type Limiter = (keys: string[]) => Promise<void>;

export function attemptLimiter(kv: Kv, limit: number, windowMs = 60_000): Limiter {
  const local = memoryKv();
  return async (keys) => {
    for (const key of keys) {
      const hit = await kv.hit(`rl:${key}`, windowMs).catch(() => local.hit(`rl:${key}`, windowMs));
      if (hit.count > limit) {
        const retryAfter = Math.max(1, Math.ceil(hit.resetMs / 1000));
        throw new AppError(
          'rate_limited',
          `Too many attempts; try again in ${retryAfter} s`,
          { retry_after: retryAfter },
          {
            'Retry-After': String(retryAfter),
          },
        );
      }
    }
  };
}
