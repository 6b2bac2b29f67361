// Webhook delivery the way gateways do it: asynchronously, signed per attempt, at least once, retried
// with exponential backoff until a 2xx or the attempts run out. The webhook faults make the failure
// modes a receiver must survive happen on demand: lost, late, repeated and out-of-order deliveries.
// Timers are unref'd: pending deliveries never keep the process alive.
import type { GatewayEvent, GatewayEventType } from '../gateway/gateway.ts';
import { GATEWAY_SIGNATURE_HEADER, signWebhook } from '../gateway/webhook-signature.ts';
import type { WebhookFault } from './faults.ts';

export interface WebhookRetry {
  /** first retry after baseMs, then doubling */
  baseMs: number;
  /** attempts in all, the first included */
  maxAttempts: number;
}

export interface DeliveryRecord {
  event_id: string;
  type: GatewayEventType;
  /** POSTs tried (a dropped attempt counts; a 'duplicate' second POST counts too) */
  attempts: number;
  delivered: boolean;
  /** attempts ran out without a 2xx */
  gave_up: boolean;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookDispatcherOptions {
  url?: string;
  secret: string;
  retry: WebhookRetry;
  /** the 'timeout' fault delivers this late times two */
  timeoutMs: number;
  /** how long one POST may take before it counts as failed */
  requestTimeoutMs: number;
  /** how long 'reorder' holds a lone event waiting for the next one */
  reorderWindowMs: number;
  fault: () => WebhookFault;
  clock: () => number;
  /** the set of undelivered events changed (persist it) */
  onChange: () => void;
}

export interface WebhookDispatcher {
  enqueue(event: GatewayEvent): void;
  setUrl(url: string | undefined): void;
  deliveries(): DeliveryRecord[];
  /** events not yet delivered nor given up, oldest first */
  pendingEvents(): GatewayEvent[];
  /** runs held and backed-off deliveries now, then waits for them all to settle */
  flush(): Promise<void>;
  /** waits until no delivery is held, scheduled or in flight (deliveries waiting for a URL excepted) */
  idle(): Promise<void>;
  close(): void;
}

type State = 'new' | 'waiting_url' | 'held' | 'scheduled' | 'sending' | 'done';

interface Delivery {
  event: GatewayEvent;
  body: string;
  record: DeliveryRecord;
  state: State;
  timer?: NodeJS.Timeout;
}

const MAX_LOG = 10_000;

export function createWebhookDispatcher(opts: WebhookDispatcherOptions): WebhookDispatcher {
  let url = opts.url;
  let closed = false;
  let log: Delivery[] = [];
  let held: Delivery[] = [];
  let heldTimer: NodeJS.Timeout | undefined;
  const inFlight = new Set<AbortController>();
  const sleeps = new Set<() => void>();
  const waiters: (() => void)[] = [];
  let keepAlive: NodeJS.Timeout | undefined;
  let busy = 0; // deliveries held, scheduled or sending: what idle() waits for

  const isBusy = (s: State) => s === 'held' || s === 'scheduled' || s === 'sending';
  function setState(d: Delivery, next: State) {
    busy += Number(isBusy(next)) - Number(isBusy(d.state));
    d.state = next;
    if (busy === 0) settled();
  }

  function settled() {
    if (busy > 0 && !closed) return;
    if (keepAlive) clearInterval(keepAlive);
    keepAlive = undefined;
    for (const w of waiters.splice(0)) w();
  }

  function schedule(d: Delivery, delayMs: number) {
    if (closed) return;
    if (!url) return setState(d, 'waiting_url');
    setState(d, 'scheduled');
    d.timer = setTimeout(() => void attempt(d), delayMs);
    d.timer.unref();
  }

  function hold(d: Delivery) {
    setState(d, 'held');
    held.push(d);
    if (held.length >= 2) return void releaseHeld();
    if (!heldTimer) {
      heldTimer = setTimeout(() => void releaseHeld(), opts.reorderWindowMs);
      heldTimer.unref();
    }
  }

  // The batch goes out newest first, one after the other, so the receiver sees them reversed.
  async function releaseHeld() {
    if (heldTimer) clearTimeout(heldTimer);
    heldTimer = undefined;
    const batch = held.reverse();
    held = [];
    for (const d of batch) setState(d, 'scheduled');
    for (const d of batch) await attempt(d);
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        sleeps.delete(done);
        resolve();
      };
      const t = setTimeout(done, ms);
      t.unref();
      sleeps.add(done);
    });
  }

  async function post(d: Delivery): Promise<{ status: number | null; error: string | null }> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), opts.requestTimeoutMs);
    timer.unref();
    inFlight.add(ctrl);
    try {
      const res = await fetch(url!, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'cinema-gateway-simulator/1',
          [GATEWAY_SIGNATURE_HEADER]: signWebhook(opts.secret, d.body, Math.floor(opts.clock() / 1000)),
        },
        body: d.body,
        signal: ctrl.signal,
      });
      await res.arrayBuffer();
      return { status: res.status, error: res.ok ? null : `http_${res.status}` };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      return { status: null, error: ctrl.signal.aborted ? 'timeout' : (cause?.code ?? (err as Error).message) };
    } finally {
      clearTimeout(timer);
      inFlight.delete(ctrl);
    }
  }

  async function attempt(d: Delivery) {
    if (closed || d.state === 'done' || d.state === 'sending') return;
    if (!url) return schedule(d, 0);
    setState(d, 'sending');
    d.timer = undefined;
    const fault = opts.fault();
    const r = d.record;
    r.attempts += 1;
    let outcome: { status: number | null; error: string | null };
    if (fault === 'drop') {
      outcome = { status: null, error: 'dropped' };
    } else {
      if (fault === 'timeout') await sleep(opts.timeoutMs * 2);
      if (closed) return;
      outcome = await post(d);
      // The receiver got it, but the gateway believes it failed: it will come again.
      if (fault === 'error' && outcome.error === null) outcome = { status: outcome.status, error: 'simulated_error' };
    }
    if (closed) return;
    r.last_status = outcome.status;
    r.last_error = outcome.error;
    if (outcome.error === null) {
      if (fault === 'duplicate') {
        r.attempts += 1;
        await post(d);
      }
      r.delivered = true;
      r.delivered_at = new Date(opts.clock()).toISOString();
      finish(d);
    } else if (r.attempts >= opts.retry.maxAttempts) {
      r.gave_up = true;
      finish(d);
    } else {
      schedule(d, opts.retry.baseMs * 2 ** (r.attempts - 1));
    }
  }

  function finish(d: Delivery) {
    setState(d, 'done');
    opts.onChange();
    if (log.length > MAX_LOG) log = log.filter((x, i) => x.state !== 'done' || i >= log.length - MAX_LOG / 2);
  }

  function idle(): Promise<void> {
    if (closed || busy === 0) return Promise.resolve();
    // A ref'd interval while someone waits: the unref'd timers alone would let the process end.
    keepAlive ??= setInterval(settled, 1000);
    return new Promise<void>((resolve) => waiters.push(resolve));
  }

  return {
    enqueue(event) {
      if (closed) return;
      const d: Delivery = {
        event,
        body: JSON.stringify(event),
        state: 'new',
        record: {
          event_id: event.id,
          type: event.type,
          attempts: 0,
          delivered: false,
          gave_up: false,
          last_status: null,
          last_error: null,
          created_at: event.created_at,
          delivered_at: null,
        },
      };
      log.push(d);
      if (url && opts.fault() === 'reorder') hold(d);
      else schedule(d, 0);
    },
    setUrl(next) {
      url = next;
      if (url) for (const d of log) if (d.state === 'waiting_url') schedule(d, 0);
    },
    deliveries: () => log.map((d) => ({ ...d.record })),
    pendingEvents: () => log.filter((d) => d.state !== 'done').map((d) => d.event),
    async flush() {
      if (held.length > 0) void releaseHeld();
      for (const d of log) {
        if (d.state === 'scheduled' && d.timer) {
          clearTimeout(d.timer);
          void attempt(d);
        }
      }
      await idle();
    },
    idle,
    close() {
      closed = true;
      if (heldTimer) clearTimeout(heldTimer);
      for (const d of log) if (d.timer) clearTimeout(d.timer);
      for (const c of inFlight) c.abort();
      for (const wake of [...sleeps]) wake();
      settled();
    },
  };
}
