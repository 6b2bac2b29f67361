// In-process Kv: the embedded default, and the fallback while Redis is unreachable.
import type { Kv, WindowHit } from './kv.ts';

export function memoryKv(now: () => number = Date.now): Kv {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const values = new Map<string, { value: string; expiresAt: number }>();
  let sweeps = 0;
  const sweep = (t: number) => {
    // Drop finished entries now and then so the maps cannot grow without bound.
    if (++sweeps % 1000 !== 0) return;
    for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
    for (const [k, v] of values) if (v.expiresAt <= t) values.delete(k);
  };
  return {
    kind: 'memory',
    async hit(key, windowMs): Promise<WindowHit> {
      const t = now();
      sweep(t);
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { count: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.count += 1;
      return { count: w.count, resetMs: w.resetAt - t };
    },
    async get(key) {
      const v = values.get(key);
      if (!v) return undefined;
      if (v.expiresAt <= now()) {
        values.delete(key);
        return undefined;
      }
      return v.value;
    },
    async set(key, value, ttlMs) {
      const t = now();
      sweep(t);
      values.set(key, { value, expiresAt: t + ttlMs });
    },
    async del(key) {
      // as in Redis, one key space: a counter goes too
      values.delete(key);
      windows.delete(key);
    },
    async incr(key) {
      const next = Number(values.get(key)?.value ?? '0') + 1;
      values.set(key, { value: String(next), expiresAt: Number.POSITIVE_INFINITY });
      return next;
    },
    ping: async () => true,
    close: async () => {
      windows.clear();
      values.clear();
    },
  };
}
