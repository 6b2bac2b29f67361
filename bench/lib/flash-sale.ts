// Scenario 1 of bench/holds.ts, the flash sale: `tokens.length` customers (distinct users) make their
// first request at a uniformly random moment within staggerMs, for one screening, sharing a bounded
// connection pool. Each one wants a party of 1..maxGroup adjacent seats: it picks a random group of
// that many among the seats it believes free, in any row (a smaller group when no run that long is
// left), and POSTs a hold. A 201 ends it (it keeps the hold); a 409 seat_unavailable marks the refused
// seats taken in its belief and it tries again; every `refreshEvery` failures, and before giving up,
// it refreshes its belief from the seat map. It stops when nothing fits a fresh map, or after limitMs.
import type { Agent } from 'undici';
import { call, nowMs, type Reply, sleep } from './http.ts';
import type { HoldAttempt } from './stats.ts';

export interface FlashConfig {
  base: string;
  screeningId: number;
  /** seat ids row by row, in x order */
  rows: number[][];
  tokens: string[];
  agent: Agent;
  staggerMs: number;
  limitMs: number;
  refreshEvery: number;
  maxGroup: number;
}

export interface Grant {
  client: number;
  screeningId: number;
  holdId: string;
  seatIds: number[];
  /** when the 201 was received (nowMs) */
  at: number;
}

export interface FlashRaw {
  /** nowMs when the customers were started (their first requests follow within staggerMs) */
  startedAt: number;
  attempts: HoldAttempt[];
  grants: Grant[];
  refreshes: number;
  refreshMs: number[];
  stopped: { held: number; no_free_seat: number; time_limit: number; refused_4xx: number };
  /** the first few 5xx / failed / unexpected answers, as seen */
  failures: string[];
}

/** The attempt record of a hold reply; keeps the first 5xx / network failures in `failures`. */
export function attemptOf(r: Reply, seats: number, failures: string[]): HoldAttempt {
  const code = r.status === 201 ? 'created' : r.status === 0 ? 'network' : String(r.body?.code ?? `http_${r.status}`);
  if ((r.status === 0 || r.status >= 500) && failures.length < 10) failures.push(`${r.status} ${r.error ?? JSON.stringify(r.body).slice(0, 300)}`);
  return { sentAt: r.sentAt, doneAt: r.doneAt, status: r.status, code, cause: r.body?.cause, seats };
}

const rand = (n: number) => Math.floor(Math.random() * n);

/** A random group of `want` adjacent believed-free seats in any row, else of want-1, ... 1; undefined if none. */
export function choose(free: Uint8Array, rows: number[][], offsets: number[], want: number): number[] | undefined {
  for (let k = want; k >= 1; k--) {
    const starts: [number, number][] = []; // [row, x]
    rows.forEach((row, r) => {
      let run = 0;
      for (let x = 0; x < row.length; x++) {
        run = free[offsets[r] + x] ? run + 1 : 0;
        if (run >= k) starts.push([r, x - k + 1]);
      }
    });
    if (starts.length > 0) {
      const [r, x] = starts[rand(starts.length)];
      return rows[r].slice(x, x + k);
    }
  }
  return undefined;
}

export async function runFlashSale(c: FlashConfig): Promise<FlashRaw> {
  const raw: FlashRaw = {
    startedAt: nowMs(),
    attempts: [],
    grants: [],
    refreshes: 0,
    refreshMs: [],
    stopped: { held: 0, no_free_seat: 0, time_limit: 0, refused_4xx: 0 },
    failures: [],
  };
  const offsets = c.rows.map((_, r) => c.rows.slice(0, r).reduce((n, row) => n + row.length, 0));
  const index = new Map(c.rows.flatMap((row, r) => row.map((id, x) => [id, offsets[r] + x] as const)));
  const seatsUrl = `${c.base}/api/v1/screenings/${c.screeningId}/seats`;
  const holdUrl = `${c.base}/api/v1/screenings/${c.screeningId}/holds`;

  async function refresh(free: Uint8Array) {
    raw.refreshes++;
    const r = await call(c.agent, seatsUrl, 'GET');
    raw.refreshMs.push(r.doneAt - r.sentAt);
    if (r.status !== 200) return;
    for (const s of r.body.data.seats as { id: number; status: string }[]) {
      const i = index.get(s.id);
      if (i !== undefined) free[i] = s.status === 'available' ? 1 : 0;
    }
  }

  async function customer(i: number): Promise<void> {
    await sleep(Math.random() * c.staggerMs);
    const deadline = nowMs() + c.limitMs;
    const auth = { authorization: `Bearer ${c.tokens[i]}` };
    const free = new Uint8Array(index.size).fill(1); // the map loaded before the sale: all free
    const party = 1 + rand(c.maxGroup);
    let failures = 0;
    let fresh = false;
    while (nowMs() < deadline) {
      const seatIds = choose(free, c.rows, offsets, party);
      if (!seatIds) {
        if (fresh) return void raw.stopped.no_free_seat++;
        await refresh(free);
        fresh = true;
        continue;
      }
      const r = await call(c.agent, holdUrl, 'POST', auth, { seat_ids: seatIds });
      raw.attempts.push(attemptOf(r, seatIds.length, raw.failures));
      fresh = false;
      if (r.status === 201) {
        raw.grants.push({ client: i, screeningId: c.screeningId, holdId: r.body.data.id, seatIds: r.body.data.seat_ids, at: r.doneAt });
        return void raw.stopped.held++;
      }
      failures++;
      if (r.status === 409 && r.body?.code === 'seat_unavailable' && Array.isArray(r.body.seat_ids)) {
        for (const id of r.body.seat_ids as number[]) {
          const at = index.get(id);
          if (at !== undefined) free[at] = 0;
        }
      } else if (r.status >= 400 && r.status < 500 && r.status !== 409) {
        // a 4xx other than a conflict (401, 400...) would repeat forever: note it and stop
        if (raw.failures.length < 10) raw.failures.push(`${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        return void raw.stopped.refused_4xx++;
      } else if (r.status === 0 || r.status >= 500) {
        await sleep(20);
      }
      if (failures % c.refreshEvery === 0) {
        await refresh(free);
        fresh = true;
      }
    }
    raw.stopped.time_limit++;
  }

  await Promise.all(c.tokens.map((_, i) => customer(i)));
  return raw;
}

/** nowMs of the sale's first hold request (startedAt if none). */
export const firstRequestAt = (raw: FlashRaw) =>
  raw.attempts.length === 0 ? raw.startedAt : raw.attempts.reduce((t, a) => Math.min(t, a.sentAt), Infinity);

/** Seconds from the first hold request to the 201 that brought the seats held to `capacity`; null if never. */
export function timeToSellOut(raw: FlashRaw, capacity: number): number | null {
  let held = 0;
  for (const g of [...raw.grants].sort((a, b) => a.at - b.at)) {
    held += g.seatIds.length;
    if (held >= capacity) return (g.at - firstRequestAt(raw)) / 1000;
  }
  return null;
}
