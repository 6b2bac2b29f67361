// The figures of bench/checkout.ts from its raw records: only what completed inside the measured
// window counts for rates and latencies (as in lib/steady.ts); 5xx and network errors are counted over
// the whole run (warm-up and the finishing cycles too), since any of them is a failure.
import type { CheckoutFlowRaw, Step } from './checkout-flow.ts';
import { countBy, latency, type Latency, rate } from './stats.ts';

export interface StepStats {
  /** requests completed in the window */
  requests: number;
  per_s: number;
  ok: number;
  latency_ms: Latency;
  /** not-OK answers in the window, "<status> <code>" -> count */
  not_ok: Record<string, number>;
}

export interface FlowStats {
  seconds: number;
  steps: Record<Step, StepStats>;
  /** checkout 201s completed in the window, per second */
  checkouts: number;
  checkouts_per_s: number;
  /** cycles whose ticket was seen paid in the window (end to end: hold -> checkout -> approve -> paid) */
  paid: number;
  paid_per_s: number;
  seats_sold_per_s: number;
  /** approve sent -> the poll that first saw the ticket paid (its answer), as the customer sees it */
  approve_to_paid_seen_ms: Latency;
  /** polls per paid cycle */
  polls_per_paid: Latency;
  /** hold sent -> ticket seen paid */
  cycle_ms: Latency;
  /** every cycle of the run by how it ended */
  outcomes: Record<string, number>;
  /** whole run, every step */
  server_errors_5xx: number;
  network_errors: number;
  requests_total: number;
  status_codes_total: Record<string, number>;
}

export function flowStats(raw: CheckoutFlowRaw): FlowStats {
  const seconds = (raw.to - raw.from) / 1000;
  const inWindow = (t: number | undefined) => t !== undefined && t >= raw.from && t <= raw.to;
  const reqs = raw.requests.filter((r) => inWindow(r.doneAt));
  const step = (s: Step): StepStats => {
    const mine = reqs.filter((r) => r.step === s);
    const ok = mine.filter((r) => r.code === 'ok');
    return {
      requests: mine.length,
      per_s: rate(mine.length, seconds),
      ok: ok.length,
      latency_ms: latency(mine.map((r) => r.doneAt - r.sentAt)),
      not_ok: countBy(
        mine.filter((r) => r.code !== 'ok'),
        (r) => `${r.status} ${r.code}`,
      ),
    };
  };
  const steps = { hold: step('hold'), checkout: step('checkout'), approve: step('approve'), ticket: step('ticket') };
  const paid = raw.cycles.filter((c) => c.outcome === 'paid' && inWindow(c.paidSeenAt));
  const seats = paid.reduce((n, c) => n + c.seatIds.length, 0);
  return {
    seconds,
    steps,
    checkouts: steps.checkout.ok,
    checkouts_per_s: rate(steps.checkout.ok, seconds),
    paid: paid.length,
    paid_per_s: rate(paid.length, seconds),
    seats_sold_per_s: rate(seats, seconds),
    approve_to_paid_seen_ms: latency(paid.map((c) => (c.paidSeenAt as number) - (c.approveSentAt as number))),
    polls_per_paid: latency(paid.map((c) => c.polls)),
    cycle_ms: latency(paid.map((c) => (c.paidSeenAt as number) - (c.holdSentAt as number))),
    outcomes: countBy(raw.cycles, (c) => c.outcome),
    server_errors_5xx: raw.requests.filter((r) => r.status >= 500).length,
    network_errors: raw.requests.filter((r) => r.status === 0).length,
    requests_total: raw.requests.length,
    status_codes_total: countBy(raw.requests, (r) => `${r.step} ${r.status}`),
  };
}
