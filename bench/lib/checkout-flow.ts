// The customers of bench/checkout.ts: one worker per customer (its own signed token), all sharing one
// undici Agent of as many connections as workers, for warmupMs + durationMs. Each worker loops:
//   1. POST /api/v1/screenings/:id/holds: 1..maxGroup adjacent seats it believes free (random
//      screening, row and place); on a 409 it tries other seats (up to HOLD_TRIES times);
//   2. POST /api/v1/holds/:id/checkout {payment_method} with a fresh Idempotency-Key, the method drawn
//      from those on offer;
//   3. POST /_gateway/payments/:gatewayId/approve (the simulator's control route: what the customer's
//      bank does); the simulator then sends its signed webhook back to the API;
//   4. GET /api/v1/tickets/:id every pollMs until the ticket is 'paid' (or another final status, or
//      pollLimitMs after the approve).
// The belief of which seats are free is shared by every worker (one process, one event loop: a seat is
// marked taken when a worker picks it, so the workers never race each other for seats); it is exact
// except for seats of holds that never got paid, which stay marked taken.
// Every request is recorded with its times (CLOCK_MONOTONIC ms); after `to` a worker finishes the cycle
// it is in (so no checkout is left half done) and stops.
import { randomUUID } from 'node:crypto';
import type { Agent } from 'undici';
import { call, nowMs, type Reply, sleep } from './http.ts';

export type Step = 'hold' | 'checkout' | 'approve' | 'ticket';

export interface RequestRecord {
  step: Step;
  sentAt: number;
  doneAt: number;
  status: number;
  /** 'ok', the problem+json `code`, 'http_<status>' or 'network' */
  code: string;
}

export interface Cycle {
  worker: number;
  screeningId: number;
  seatIds: number[];
  method: string;
  holdId?: string;
  ticketId?: string;
  /** the gateway's payment id (data.payment.id) */
  gatewayPaymentId?: string;
  holdSentAt?: number;
  checkoutDoneAt?: number;
  approveSentAt?: number;
  approveDoneAt?: number;
  /** doneAt of the first poll that saw the ticket paid */
  paidSeenAt?: number;
  polls: number;
  /** how the cycle ended: paid, no_hold, checkout_<code>, approve_<code>, ticket_<status>, poll_limit, poll_<code> */
  outcome: string;
}

export interface CheckoutFlowConfig {
  base: string;
  screeningIds: number[];
  /** seat ids row by row, x order (every screening is in the same hall) */
  rows: number[][];
  tokens: string[];
  methods: string[];
  agent: Agent;
  warmupMs: number;
  durationMs: number;
  maxGroup: number;
  pollMs: number;
  pollLimitMs: number;
  /** called at the start and at the end of the measured window (CPU samples) */
  onWindow?: (edge: 'start' | 'end') => void;
}

export interface CheckoutFlowRaw {
  /** nowMs and Date.now() of the measured window's edges */
  from: number;
  to: number;
  fromWall: number;
  toWall: number;
  /** nowMs when the last worker finished its last cycle */
  endedAt: number;
  requests: RequestRecord[];
  cycles: Cycle[];
  /** workers that found no free seat anywhere (should be 0: add screenings otherwise) */
  outOfSeats: number;
  /** seats the workers picked (held, or tried and refused) */
  seatsPicked: number;
  /** the first few 5xx / network failures, as seen */
  failures: string[];
}

const HOLD_TRIES = 5;
const rand = (n: number) => Math.floor(Math.random() * n);

/** Which seats the workers believe free, per screening; picking marks them taken at once. */
class SeatBelief {
  private readonly free = new Map<number, Uint8Array>();
  private readonly open: number[];
  private readonly perRow: number;
  picked = 0;

  constructor(
    screeningIds: number[],
    private readonly rows: number[][],
  ) {
    this.perRow = Math.max(...rows.map((r) => r.length));
    for (const id of screeningIds) this.free.set(id, new Uint8Array(rows.length * this.perRow).fill(1));
    this.open = [...screeningIds];
  }

  private groupAt(f: Uint8Array, r: number, x: number, k: number): boolean {
    if (x + k > this.rows[r].length) return false;
    for (let i = 0; i < k; i++) if (!f[r * this.perRow + x + i]) return false;
    return true;
  }

  private take(screeningId: number, f: Uint8Array, r: number, x: number, k: number) {
    for (let i = 0; i < k; i++) f[r * this.perRow + x + i] = 0;
    this.picked += k;
    return { screeningId, seatIds: this.rows[r].slice(x, x + k) };
  }

  /** k adjacent believed-free seats somewhere (fewer if no run of k is left); undefined when all is gone. */
  pick(k: number): { screeningId: number; seatIds: number[] } | undefined {
    for (let tries = 0; tries < 40 && this.open.length > 0; tries++) {
      const id = this.open[rand(this.open.length)];
      const f = this.free.get(id) as Uint8Array;
      const r = rand(this.rows.length);
      const x = rand(Math.max(1, this.rows[r].length - k + 1));
      if (this.groupAt(f, r, x, k)) return this.take(id, f, r, x, k);
    }
    // crowded: scan, dropping screenings with no seat left
    for (let want = k; want >= 1; want--) {
      for (let i = 0; i < this.open.length; ) {
        const id = this.open[i];
        const f = this.free.get(id) as Uint8Array;
        if (!f.includes(1)) {
          this.open.splice(i, 1);
          continue;
        }
        for (let r = 0; r < this.rows.length; r++) {
          for (let x = 0; x + want <= this.rows[r].length; x++) if (this.groupAt(f, r, x, want)) return this.take(id, f, r, x, want);
        }
        i++;
      }
    }
    return undefined;
  }

  /** Seats picked but not taken after all (a 409 for other seats of the group): free again. */
  giveBack(screeningId: number, seatIds: number[]) {
    const f = this.free.get(screeningId);
    if (!f) return;
    for (const id of seatIds) {
      const r = this.rows.findIndex((row) => row.includes(id));
      if (r >= 0) f[r * this.perRow + this.rows[r].indexOf(id)] = 1;
      this.picked--;
    }
  }
}

function codeOf(r: Reply, okStatus: number): string {
  if (r.status === okStatus) return 'ok';
  if (r.status === 0) return 'network';
  return String(r.body?.code ?? `http_${r.status}`);
}

export async function runCheckoutFlow(c: CheckoutFlowConfig): Promise<CheckoutFlowRaw> {
  const from = nowMs() + c.warmupMs;
  const to = from + c.durationMs;
  const raw: CheckoutFlowRaw = {
    from,
    to,
    fromWall: Date.now() + c.warmupMs,
    toWall: Date.now() + c.warmupMs + c.durationMs,
    endedAt: 0,
    requests: [],
    cycles: [],
    outOfSeats: 0,
    seatsPicked: 0,
    failures: [],
  };
  const belief = new SeatBelief(c.screeningIds, c.rows);
  const fired = new Set<'start' | 'end'>();
  const edge = (e: 'start' | 'end') => {
    if (fired.has(e)) return;
    fired.add(e);
    c.onWindow?.(e);
  };
  const edges = [setTimeout(() => edge('start'), Math.max(0, from - nowMs())), setTimeout(() => edge('end'), Math.max(0, to - nowMs()))];

  const record = (step: Step, r: Reply, okStatus: number) => {
    const code = codeOf(r, okStatus);
    raw.requests.push({ step, sentAt: r.sentAt, doneAt: r.doneAt, status: r.status, code });
    if ((r.status === 0 || r.status >= 500) && raw.failures.length < 10) {
      raw.failures.push(`${step} ${r.status} ${r.error ?? JSON.stringify(r.body).slice(0, 300)}`);
    }
    return code;
  };

  async function hold(auth: Record<string, string>, cycle: Cycle): Promise<boolean> {
    const party = 1 + rand(c.maxGroup);
    for (let t = 0; t < HOLD_TRIES; t++) {
      const pick = belief.pick(party);
      if (!pick) return false;
      cycle.screeningId = pick.screeningId;
      cycle.seatIds = pick.seatIds;
      const r = await call(c.agent, `${c.base}/api/v1/screenings/${pick.screeningId}/holds`, 'POST', auth, { seat_ids: pick.seatIds });
      cycle.holdSentAt ??= r.sentAt;
      const code = record('hold', r, 201);
      if (r.status === 201) {
        cycle.holdId = String(r.body.data.id);
        return true;
      }
      if (r.status === 409 && code === 'seat_unavailable' && Array.isArray(r.body?.seat_ids)) {
        const refused = new Set(r.body.seat_ids as number[]);
        belief.giveBack(
          pick.screeningId,
          pick.seatIds.filter((id) => !refused.has(id)),
        );
      } else if (r.status === 0 || r.status >= 500) {
        await sleep(20);
      }
      // other 409s (hold_in_checkout: this customer has an unpaid checkout in that screening): other seats
    }
    return false;
  }

  async function cycleOf(w: number, auth: Record<string, string>): Promise<Cycle | undefined> {
    const cycle: Cycle = { worker: w, screeningId: 0, seatIds: [], method: c.methods[rand(c.methods.length)], polls: 0, outcome: 'no_hold' };
    if (!(await hold(auth, cycle))) {
      if (cycle.seatIds.length === 0) return undefined; // nothing left to pick
      return cycle;
    }
    const co = await call(
      c.agent,
      `${c.base}/api/v1/holds/${cycle.holdId}/checkout`,
      'POST',
      { ...auth, 'idempotency-key': randomUUID() },
      {
        payment_method: cycle.method,
      },
    );
    const coCode = record('checkout', co, 201);
    if (co.status !== 201) return { ...cycle, outcome: `checkout_${coCode}` };
    cycle.checkoutDoneAt = co.doneAt;
    cycle.ticketId = String(co.body.data.ticket.id);
    const gid = co.body.data.payment?.id;
    if (typeof gid !== 'string') return { ...cycle, outcome: 'checkout_no_gateway_id' };
    cycle.gatewayPaymentId = gid;

    const ap = await call(c.agent, `${c.base}/_gateway/payments/${encodeURIComponent(gid)}/approve`, 'POST');
    const apCode = record('approve', ap, 200);
    if (ap.status !== 200) return { ...cycle, outcome: `approve_${apCode}` };
    cycle.approveSentAt = ap.sentAt;
    cycle.approveDoneAt = ap.doneAt;

    const limit = ap.doneAt + c.pollLimitMs;
    for (;;) {
      await sleep(c.pollMs);
      const t = await call(c.agent, `${c.base}/api/v1/tickets/${cycle.ticketId}`, 'GET', auth);
      const tCode = record('ticket', t, 200);
      cycle.polls++;
      if (t.status !== 200) {
        // counted in the errors; the customer keeps asking until the limit
        if (t.doneAt >= limit) return { ...cycle, outcome: `poll_${tCode}` };
        continue;
      }
      const status = String(t.body.data.status);
      if (status === 'paid') {
        cycle.paidSeenAt = t.doneAt;
        return { ...cycle, outcome: 'paid' };
      }
      if (status !== 'pending_payment') return { ...cycle, outcome: `ticket_${status}` };
      if (t.doneAt >= limit) return { ...cycle, outcome: 'poll_limit' };
    }
  }

  async function worker(w: number) {
    const auth = { authorization: `Bearer ${c.tokens[w]}` };
    while (nowMs() < to) {
      const cycle = await cycleOf(w, auth);
      if (!cycle) {
        raw.outOfSeats++;
        return;
      }
      raw.cycles.push(cycle);
    }
  }

  try {
    await Promise.all(c.tokens.map((_, w) => worker(w)));
  } finally {
    for (const t of edges) clearTimeout(t);
    edge('start'); // (only if the workers all stopped early: out of seats)
    edge('end');
  }
  raw.endedAt = nowMs();
  raw.seatsPicked = belief.picked;
  return raw;
}
