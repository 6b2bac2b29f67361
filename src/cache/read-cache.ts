// Read-through cache for rendered JSON (browse lists, seat maps), in two layers: a per-process map
// in front of the shared Kv (Redis when configured). Invalidation is by generation: each scope
// (e.g. 'catalog', 'seatmap:42') has a counter that is part of every key, and a write bumps it.
// With Redis, other instances see a bump within LOCAL_MS; the writing instance sees it at once.
// A Kv failure never fails a read: it falls through to the database.
import type { Kv } from '../kv/kv.ts';

const LOCAL_MS = 1_000;

export interface ReadCache {
  /**
   * The cached value of key in scope, or what build() makes, kept for ttlMs (or for the ttlMs that
   * build returns beside the value, when the value itself knows how long it stays true).
   */
  get(
    scope: string,
    key: string,
    ttlMs: number,
    build: () => Promise<string | Built>,
    /** a cached value this rejects counts as a miss (e.g. a seat map older than a known event) */
    accept?: (value: string) => boolean,
  ): Promise<string>;
  /** The scope's current generation (for keys that depend on another scope). */
  generation(scope: string): Promise<number>;
  /** Makes every value of the scope stale, here at once and on other instances within a second. */
  invalidate(scope: string): Promise<void>;
}

export interface Built {
  value: string;
  ttlMs: number;
}

/** No caching at all (READ_CACHE=false): every read is built; for measuring the uncached path. */
export const noCache: ReadCache = {
  get: async (_scope, _key, _ttl, build) => {
    const built = await build();
    return typeof built === 'string' ? built : built.value;
  },
  generation: async () => 0,
  invalidate: async () => {},
};

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
    async get(scope, key, ttlMs, build, accept) {
      const gen = await generation(scope);
      const full = `c:${scope}:${gen}:${key}`;
      const t = now();
      const hit = local.get(full);
      if (hit && hit.expiresAt > t && (!accept || accept(hit.value))) return hit.value;
      let value: string | undefined;
      try {
        value = kv.kind === 'memory' ? undefined : await kv.get(full);
      } catch {
        value = undefined;
      }
      if (value !== undefined && accept && !accept(value)) value = undefined;
      let ttl = ttlMs;
      if (value === undefined) {
        const built = await build();
        if (typeof built === 'string') value = built;
        else ({ value, ttlMs: ttl } = built);
        if (kv.kind !== 'memory') await kv.set(full, value, ttl).catch(() => {});
      }
      if (local.size > 5_000) local.clear(); // bounded; entries are cheap to rebuild
      local.set(full, { value, expiresAt: t + Math.min(ttl, localMs) });
      return value;
    },
    generation,
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
