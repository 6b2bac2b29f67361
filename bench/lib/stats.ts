// Latency and rate summaries of raw samples (milliseconds), for loads measured by our own clients.
export interface Latency {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
}

const round = (n: number) => Math.round(n * 10) / 10;

/** Percentiles by nearest rank; all zero for no samples. */
export function latency(samples: ArrayLike<number>): Latency {
  const a = Float64Array.from(samples).sort();
  const n = a.length;
  if (n === 0) return { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, min: 0, max: 0 };
  const q = (p: number) => round(a[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]);
  let sum = 0;
  for (const v of a) sum += v;
  return { count: n, mean: round(sum / n), p50: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99), min: round(a[0]), max: round(a[n - 1]) };
}

/** count / seconds, one decimal; 0 when seconds is not positive. */
export const rate = (count: number, seconds: number) => (seconds > 0 ? Math.round((count / seconds) * 10) / 10 : 0);

/** Counts of each value of key(x). */
export function countBy<T>(xs: T[], key: (x: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) {
    const k = key(x);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** What the hold benchmarks record of each POST .../holds. */
export interface HoldAttempt {
  sentAt: number;
  doneAt: number;
  status: number;
  code: string;
  cause?: string;
  seats: number;
}

/** Counts, rates over `seconds` and latency of hold attempts. */
export function holdLoad(attempts: HoldAttempt[], seconds: number) {
  const ok = attempts.filter((a) => a.status === 201);
  const seats = ok.reduce((n, a) => n + a.seats, 0);
  const refused = attempts.filter((a) => a.status === 409);
  return {
    seconds: Math.round(seconds * 1000) / 1000,
    attempts: attempts.length,
    holds: ok.length,
    seats_held: seats,
    attempts_per_s: rate(attempts.length, seconds),
    holds_per_s: rate(ok.length, seconds),
    seats_per_s: rate(seats, seconds),
    latency_ms: latency(attempts.map((a) => a.doneAt - a.sentAt)),
    latency_201_ms: latency(ok.map((a) => a.doneAt - a.sentAt)),
    status_codes: countBy(attempts, (a) => String(a.status)),
    /** 409s by cause: fast_path (Redis), contended (PostgreSQL: row busy), taken (PostgreSQL), or another code */
    refusals_409: countBy(refused, (a) => (a.code === 'seat_unavailable' ? (a.cause ?? 'no cause') : a.code)),
    server_errors_5xx: attempts.filter((a) => a.status >= 500).length,
    network_errors: attempts.filter((a) => a.status === 0).length,
  };
}
export type HoldLoad = ReturnType<typeof holdLoad>;
