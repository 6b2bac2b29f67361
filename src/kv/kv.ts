// The small set of things the service asks of Redis, as an interface with two implementations:
// ioredis (kv/redis.ts) and in-process (kv/memory.ts, the embedded default and the fallback).
// Redis is an accelerator here, never the source of truth: every caller must stay correct when a
// call throws.

export interface WindowHit {
  /** attempts in the current window, this one included */
  count: number;
  /** milliseconds until the window resets */
  resetMs: number;
}

export interface Kv {
  readonly kind: 'redis' | 'memory';
  /** Fixed-window counter: increments key, starting a window of windowMs on the first hit. */
  hit(key: string, windowMs: number): Promise<WindowHit>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
