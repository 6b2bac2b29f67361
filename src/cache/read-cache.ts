// Read-through cache for rendered JSON (browse lists, seat maps), in two layers: a per-process map
// in front of the shared Kv (Redis when configured). Invalidation is by generation: each scope
// (e.g. 'catalog', 'seatmap:42') has a counter that is part of every key, and a write bumps it.
// With Redis, other instances see a bump within LOCAL_MS; the writing instance sees it at once.
// A Kv failure never fails a read: it falls through to the database.
import type { Kv } from '../kv/kv.ts';

const LOCAL_MS = 1_000;

export interface ReadCache {
  /** The cached value of key in scope, or build() stored for ttlMs. */
  get(scope: string, key: string, ttlMs: number, build: () => Promise<string>): Promise<string>;
  /** Makes every value of the scope stale, here at once and on other instances within a second. */
  invalidate(scope: string): Promise<void>;
}

export function readCache(kv: Kv, opts: { localMs?: number; now?: () => number } = {}): ReadCache {
  const now = opts.now ?? Date.now;
  // When the Kv is in process it is the only truth; with Redis the local layer may lag by localMs.
  const localMs = kv.kind === 'memory' ? Number.POSITIVE_INFINITY : (opts.localMs ?? LOCAL_MS);
  const local = new Map<string, { value: string; expiresAt: number }>();
  const generations = new Map<string, { gen: number; checkedAt: number }>();

  async function generation(scope: string): Promise<number> {
    const known = generations.get(scope);
    const t = now();
    if (known && t - known.checkedAt < localMs) return known.gen;
    let gen = known?.gen ?? 0;
    try {
      gen = Number((await kv.get(`gen:${scope}`)) ?? '0');
    } catch {
      // Kv down: keep the generation we knew; values are still bounded by their TTL.
    }
    generations.set(scope, { gen, checkedAt: t });
    return gen;
  }

  return {
    async get(scope, key, ttlMs, build) {
      const gen = await generation(scope);
      const full = `c:${scope}:${gen}:${key}`;
      const t = now();
      const hit = local.get(full);
      if (hit && hit.expiresAt > t) return hit.value;
      let value: string | undefined;
      try {
        value = kv.kind === 'memory' ? undefined : await kv.get(full);
      } catch {
        value = undefined;
      }
      if (value === undefined) {
        value = await build();
        if (kv.kind !== 'memory') await kv.set(full, value, ttlMs).catch(() => {});
      }
      if (local.size > 5_000) local.clear(); // bounded; entries are cheap to rebuild
      local.set(full, { value, expiresAt: t + Math.min(ttlMs, localMs) });
      return value;
    },
    async invalidate(scope) {
      const known = generations.get(scope)?.gen ?? 0;
      let gen = known + 1;
      try {
        gen = Math.max(gen, await kv.incr(`gen:${scope}`));
      } catch {
        // Kv down: other instances keep serving until their TTLs run out.
      }
      generations.set(scope, { gen, checkedAt: now() });
    },
  };
}
