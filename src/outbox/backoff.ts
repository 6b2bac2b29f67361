// Retry spacing: doubling from baseMs, capped at maxMs, with half of it random so that messages
// that failed together (an SMTP outage) do not all come back in the same second.

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

/** The wait after the given attempt (1 = the first one failed). */
export function backoffMs(attempts: number, b: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(b.maxMs, b.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
