// Scenario 2 of bench/holds.ts, steady state: one worker per token (a customer each), sharing `agent`
// (as many connections as workers), for warmupMs + durationMs. A worker repeatedly holds a random group of 1..maxGroup adjacent seats
// in a random row of a random screening, blind (no seat map); its new hold on a screening replaces
// its previous one there, so seats keep being freed. Only requests completed in the measured window
// count; the last 201 of each worker x screening is kept, to check against the database.
import type { Agent } from 'undici';
import { attemptOf, type Grant } from './flash-sale.ts';
import { call, nowMs } from './http.ts';
import type { HoldAttempt } from './stats.ts';

export interface SteadyConfig {
  base: string;
  screeningIds: number[];
  /** seat ids row by row (every screening is in the same hall) */
  rows: number[][];
  tokens: string[];
  agent: Agent;
  warmupMs: number;
  durationMs: number;
  maxGroup: number;
}

export interface SteadyRaw {
  measuredMs: number;
  attempts: HoldAttempt[];
  warmupAttempts: number;
  /** the last 201 of each worker x screening: the hold that should be active at the end */
  last: Grant[];
  failures: string[];
}

const rand = (n: number) => Math.floor(Math.random() * n);

export async function runSteady(c: SteadyConfig): Promise<SteadyRaw> {
  const raw: SteadyRaw = { measuredMs: c.durationMs, attempts: [], warmupAttempts: 0, last: [], failures: [] };
  const from = nowMs() + c.warmupMs;
  const to = from + c.durationMs;
  const last = new Map<string, Grant>();

  async function worker(w: number) {
    const auth = { authorization: `Bearer ${c.tokens[w]}` };
    while (nowMs() < to) {
      const screeningId = c.screeningIds[rand(c.screeningIds.length)];
      const row = c.rows[rand(c.rows.length)];
      const k = 1 + rand(c.maxGroup);
      const x = rand(row.length - k + 1);
      const seatIds = row.slice(x, x + k);
      const r = await call(c.agent, `${c.base}/api/v1/screenings/${screeningId}/holds`, 'POST', auth, { seat_ids: seatIds });
      const a = attemptOf(r, k, raw.failures);
      if (r.doneAt >= from && r.doneAt <= to) raw.attempts.push(a);
      else if (r.doneAt < from) raw.warmupAttempts++;
      if (r.status === 201) {
        last.set(`${w}:${screeningId}`, { client: w, screeningId, holdId: r.body.data.id, seatIds: r.body.data.seat_ids, at: r.doneAt });
      }
    }
  }

  await Promise.all(c.tokens.map((_, w) => worker(w)));
  raw.last = [...last.values()];
  return raw;
}
