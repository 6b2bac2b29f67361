// The release-night flash sale of bench/flash-sale.ts: customers who each want two adjacent seats,
// first requests uniformly within staggerMs, sharing a bounded connection pool. Each behaves as a
// person in the web app would: it picks a random pair it believes free on the map it loaded before
// the sale and holds it (with an Idempotency-Key per click, as the web app sends). After a refusal,
// half the customers ask for the best available pair, the other half pick another pair themselves,
// avoiding the seats the refusal named (the live map would show those taken) and reloading the map
// every `refreshEvery` refusals. When best available finds nothing, or a customer's own view has no
// pair left, it reloads the map and picks from it; it stops at its first 201, or when a fresh map
// has no free pair left.
//
// And the saturation load: `workers` customers, each on its own loop, POSTing random pairs as fast as
// they are answered for a fixed time (decisions per second, the figure to hold against pgbench -N).
import { randomUUID } from 'node:crypto';
import type { Agent } from 'undici';
import { attemptOf, type Grant } from './flash-sale.ts';
import { call, nowMs, sleep } from './http.ts';
import type { HoldAttempt } from './stats.ts';

export interface PairSaleConfig {
  base: string;
  screeningId: number;
  /** seat ids row by row, in x order */
  rows: number[][];
  tokens: string[];
  agent: Agent;
  staggerMs: number;
  limitMs: number;
  /** a customer picking for itself reloads the map every this many refusals */
  refreshEvery: number;
}

export type Attempt = HoldAttempt & { via: 'pick' | 'best_available' };

export interface PairSaleRaw {
  startedAt: number;
  attempts: Attempt[];
  grants: Grant[];
  /** GET .../seats latencies (fresh picks) */
  mapMs: number[];
  /** POST .../waiting-room latencies */
  roomMs: number[];
  /** per customer: first request sent -> last answer received (ms), and requests made */
  customers: { first: number; ms: number; requests: number; outcome: keyof PairSaleRaw['stopped'] }[];
  stopped: { held: number; nothing_fits: number; sold_out: number; time_limit: number; failed: number };
  failures: string[];
}

const rand = (n: number) => Math.floor(Math.random() * n);

/** A random pair of adjacent seats among `free` (seat ids), or undefined when none is left together. */
export function randomPair(rows: number[][], free: (id: number) => boolean): number[] | undefined {
  const pairs: number[][] = [];
  for (const row of rows) for (let x = 0; x + 1 < row.length; x++) if (free(row[x]) && free(row[x + 1])) pairs.push([row[x], row[x + 1]]);
  return pairs.length > 0 ? pairs[rand(pairs.length)] : undefined;
}

export async function runPairSale(c: PairSaleConfig): Promise<PairSaleRaw> {
  const raw: PairSaleRaw = {
    startedAt: nowMs(),
    attempts: [],
    grants: [],
    mapMs: [],
    roomMs: [],
    customers: [],
    stopped: { held: 0, nothing_fits: 0, sold_out: 0, time_limit: 0, failed: 0 },
    failures: [],
  };
  const holdUrl = `${c.base}/api/v1/screenings/${c.screeningId}/holds`;
  const seatsUrl = `${c.base}/api/v1/screenings/${c.screeningId}/seats`;
  const roomUrl = `${c.base}/api/v1/screenings/${c.screeningId}/waiting-room`;

  async function customer(i: number): Promise<void> {
    await sleep(Math.random() * c.staggerMs);
    let first = 0;
    let lastAnswer = 0;
    let requests = 0;
    const seen = (r: { sentAt: number; doneAt: number }) => {
      if (first === 0) first = r.sentAt;
      lastAnswer = r.doneAt;
      requests++;
    };
    const outcome = await shopping(i, seen);
    raw.stopped[outcome]++;
    raw.customers.push({ first, ms: lastAnswer - first, requests, outcome });
  }

  async function shopping(i: number, seen: (r: { sentAt: number; doneAt: number }) => void): Promise<keyof PairSaleRaw['stopped']> {
    const deadline = nowMs() + c.limitMs;
    const auth = { authorization: `Bearer ${c.tokens[i]}` };
    const usesBest = i % 2 === 0;
    let taken = new Set<number>(); // what this customer believes is taken
    let refusals = 0;
    let fresh = false; // its view was reloaded since its last request
    let askBest = false;
    const reload = async () => {
      const m = await call(c.agent, seatsUrl, 'GET');
      seen(m);
      raw.mapMs.push(m.doneAt - m.sentAt);
      if (m.status !== 200) return;
      taken = new Set((m.body.data.seats as { id: number; status: string }[]).filter((s) => s.status !== 'available').map((s) => s.id));
      fresh = true;
    };
    while (nowMs() < deadline) {
      let seatIds: number[] | undefined;
      if (!askBest) {
        seatIds = randomPair(c.rows, (id) => !taken.has(id));
        if (!seatIds) {
          if (fresh) return 'nothing_fits';
          await reload();
          continue;
        }
      }
      const headers = { ...auth, 'idempotency-key': randomUUID() };
      const r = seatIds
        ? await call(c.agent, holdUrl, 'POST', headers, { seat_ids: seatIds })
        : await call(c.agent, `${holdUrl}/best-available`, 'POST', headers, { count: 2 });
      seen(r);
      raw.attempts.push({ ...attemptOf(r, 2, raw.failures), via: seatIds ? 'pick' : 'best_available' });
      fresh = false;
      askBest = false;
      if (r.status === 201) {
        raw.grants.push({ client: i, screeningId: c.screeningId, holdId: r.body.data.id, seatIds: r.body.data.seat_ids, at: r.doneAt });
        return 'held';
      }
      if (r.status === 429 && r.body?.code === 'waiting_room') {
        // in line: wait as told, ask the room until let through, then look at the map afresh
        let wait = Number(r.body.retry_after_ms);
        for (;;) {
          await sleep(wait);
          const q = await call(c.agent, roomUrl, 'POST', auth, { count: 2 });
          seen(q);
          raw.roomMs.push(q.doneAt - q.sentAt);
          const state = q.body?.data?.state;
          if (state === 'sold_out') return 'sold_out';
          if (state === 'waiting') wait = Number(q.body.data.retry_after_ms);
          else if (q.status === 200 || nowMs() >= deadline) break;
          else wait = 100; // an error answer: ask again shortly
        }
        await reload();
        continue;
      }
      if (r.body?.code === 'not_enough_adjacent_seats') {
        await reload(); // best available found nothing: look at the map itself
        continue;
      }
      if (r.status === 409 && r.body?.code === 'seat_unavailable') {
        for (const id of (r.body.seat_ids as number[] | undefined) ?? []) taken.add(id);
        refusals++;
        if (usesBest) askBest = true;
        else if (refusals % c.refreshEvery === 0) await reload();
        continue;
      }
      if (r.status === 0 || r.status >= 500) {
        await sleep(20);
        continue;
      }
      // another answer (401, 400, a limit) would repeat forever: note it and stop
      if (raw.failures.length < 10) raw.failures.push(`${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return 'failed';
    }
    return 'time_limit';
  }

  await Promise.all(c.tokens.map((_, i) => customer(i)));
  return raw;
}

/**
 * Saturation: each token a worker that POSTs a random pair of the hall and, answered, the next one at
 * once, for warmupMs (not recorded) + durationMs. Returns the recorded attempts.
 */
export async function runSaturation(c: {
  base: string;
  screeningId: number;
  rows: number[][];
  tokens: string[];
  agent: Agent;
  warmupMs: number;
  durationMs: number;
}): Promise<{ attempts: HoldAttempt[]; failures: string[] }> {
  const url = `${c.base}/api/v1/screenings/${c.screeningId}/holds`;
  const attempts: HoldAttempt[] = [];
  const failures: string[] = [];
  const from = nowMs() + c.warmupMs;
  const until = from + c.durationMs;
  await Promise.all(
    c.tokens.map(async (token) => {
      const headers = { authorization: `Bearer ${token}` };
      while (nowMs() < until) {
        const seatIds = randomPair(c.rows, () => true) as number[];
        const r = await call(c.agent, url, 'POST', { ...headers, 'idempotency-key': randomUUID() }, { seat_ids: seatIds });
        if (r.sentAt >= from && r.doneAt <= until) attempts.push(attemptOf(r, 2, failures));
        if (r.status === 0 || r.status >= 500) await sleep(20);
        else if (r.status === 429) await sleep(Math.min(1000, Number(r.body?.retry_after_ms) || 100)); // a room engaged by the warm-up
      }
    }),
  );
  return { attempts, failures };
}
