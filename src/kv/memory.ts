// In-process Kv: the embedded default, and the fallback while Redis is unreachable.
import type { Kv, WindowHit } from './kv.ts';

export function memoryKv(now: () => number = Date.now): Kv {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let sweeps = 0;
  return {
    kind: 'memory',
    async hit(key, windowMs): Promise<WindowHit> {
      const t = now();
      // Drop finished windows now and then so the map cannot grow without bound.
      if (++sweeps % 1000 === 0) for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { count: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.count += 1;
      return { count: w.count, resetMs: w.resetAt - t };
    },
    ping: async () => true,
    close: async () => windows.clear(),
  };
}
