// Scenario 2 of bench/holds.ts, steady state: one worker per token (a customer each), sharing `agent`
// (as many connections as workers), for warmupMs + durationMs. A worker repeatedly holds a group of
// 1..maxGroup adjacent seats in a random screening; its new hold on a screening replaces its previous
// one there, so seats keep being freed. How it picks the seats:
// - 'map': as a customer does, from the live seat map (lib/live-map.ts, one WebSocket per screening,
//   seats shown available), a random group of adjacent free seats in any row; seats a 409 names are
//   greyed out for that customer alone until the next delta of the map. Races with other customers
//   still happen (the map is up to LIVE_BATCH_MS old): they are the 409s.
// - 'blind': a random group in a random row, without looking: most attempts hit held seats and are
//   turned away (by the Redis fast path, mostly), so this measures refusals as much as holds.
// Only requests completed in the measured window count; the last 201 of each worker x screening is
// kept, to check against the database.
import type { Agent } from 'undici';
import { attemptOf, choose, type Grant } from './flash-sale.ts';
import { call, nowMs } from './http.ts';
import type { LiveMap } from './live-map.ts';
import type { HoldAttempt } from './stats.ts';

export type SteadyMode = 'map' | 'blind';

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
  mode: SteadyMode;
  /** mode 'map': the live map of each screening, same order as screeningIds, seats in `rows` order */
  maps?: LiveMap[];
}

export interface SteadyRaw {
  measuredMs: number;
  attempts: HoldAttempt[];
  warmupAttempts: number;
  /** the last 201 of each worker x screening: the hold that should be active at the end */
  last: Grant[];
  /** mode 'map': picks that found no free group in the chosen screening's map */
  nothingFree: number;
  failures: string[];
}

const rand = (n: number) => Math.floor(Math.random() * n);

export async function runSteady(c: SteadyConfig): Promise<SteadyRaw> {
  const raw: SteadyRaw = { measuredMs: c.durationMs, attempts: [], warmupAttempts: 0, last: [], nothingFree: 0, failures: [] };
  const from = nowMs() + c.warmupMs;
  const to = from + c.durationMs;
  const last = new Map<string, Grant>();
  const offsets = c.rows.map((_, r) => c.rows.slice(0, r).reduce((n, row) => n + row.length, 0));
  const index = new Map(c.rows.flatMap((row, r) => row.map((id, x) => [id, offsets[r] + x] as const)));
  if (c.mode === 'map' && c.maps?.length !== c.screeningIds.length) throw new Error('steady: mode map needs one live map per screening');

  /** what a worker was refused in a screening, at which map version: its own greyed-out seats */
  type Greyed = Map<number, { version: number; seats: number[] }>;

  function pick(s: number, greyed: Greyed): number[] | undefined {
    const k = 1 + rand(c.maxGroup);
    if (c.mode === 'map') {
      const map = (c.maps as LiveMap[])[s];
      const g = greyed.get(s);
      if (!g || g.version !== map.version) {
        greyed.delete(s);
        return choose(map.free, c.rows, offsets, k);
      }
      const free = map.free.slice();
      for (const i of g.seats) free[i] = 0;
      return choose(free, c.rows, offsets, k);
    }
    const row = c.rows[rand(c.rows.length)];
    const x = rand(row.length - k + 1);
    return row.slice(x, x + k);
  }

  async function worker(w: number) {
    const auth = { authorization: `Bearer ${c.tokens[w]}` };
    const greyed: Greyed = new Map();
    while (nowMs() < to) {
      const s = rand(c.screeningIds.length);
      const screeningId = c.screeningIds[s];
      const seatIds = pick(s, greyed);
      if (!seatIds) {
        raw.nothingFree++;
        await new Promise((r) => setImmediate(r));
        continue;
      }
      const r = await call(c.agent, `${c.base}/api/v1/screenings/${screeningId}/holds`, 'POST', auth, { seat_ids: seatIds });
      const a = attemptOf(r, seatIds.length, raw.failures);
      if (r.doneAt >= from && r.doneAt <= to) raw.attempts.push(a);
      else if (r.doneAt < from) raw.warmupAttempts++;
      if (r.status === 201) {
        last.set(`${w}:${screeningId}`, { client: w, screeningId, holdId: r.body.data.id, seatIds: r.body.data.seat_ids, at: r.doneAt });
      } else if (c.mode === 'map' && r.status === 409 && Array.isArray(r.body?.seat_ids)) {
        const version = (c.maps as LiveMap[])[s].version;
        const seats = greyed.get(s)?.version === version ? (greyed.get(s)?.seats ?? []) : [];
        for (const id of r.body.seat_ids as number[]) {
          const i = index.get(id);
          if (i !== undefined) seats.push(i);
        }
        greyed.set(s, { version, seats });
      }
    }
  }

  await Promise.all(c.tokens.map((_, w) => worker(w)));
  raw.last = [...last.values()];
  return raw;
}
