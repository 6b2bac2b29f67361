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
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(key: string): Promise<void>;
  /** Increments an integer (no expiry) and returns the new value. */
  incr(key: string): Promise<number>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
