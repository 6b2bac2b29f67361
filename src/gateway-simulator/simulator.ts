// The payment-gateway simulator: the PaymentGateway port with a real gateway's behaviour. Payments
// wait for the customer (approve page, VA transfer, QR scan), settle asynchronously by signed
// webhook, expire, refund partially; keys make retries safe; faults make it fail on purpose.
import { GatewayError, type CreatePaymentInput, type GatewayPayment, type GatewayRefund, type PaymentGateway } from '../gateway/gateway.ts';
import { checkFaultsPatch, failBeforeCall, NO_FAULTS, type CallFault, type Faults, type FaultsPatch } from './faults.ts';
import { ledgerEntry, type LedgerEntry } from './ledger.ts';
import { nextActionFor } from './next-action.ts';
import { createPersister, emptyState, loadState, type PaymentRecord } from './store.ts';
import * as t from './transitions.ts';
import { createWebhookDispatcher, type DeliveryRecord, type WebhookRetry } from './webhooks.ts';

export interface SimulatorOptions {
  webhookSecret: string;
  /** where webhooks go; may come later through setWebhookUrl (the API's port is known after listen) */
  webhookUrl?: string;
  webhookRetry?: Partial<WebhookRetry>;
  /** one webhook POST may take this long (default 10 s) */
  webhookTimeoutMs?: number;
  /** base of the approve-page links in next_action (default http://127.0.0.1:4100) */
  publicBaseUrl?: string;
  /** ms since the epoch; the gateway's notion of now (created_at, expiry, signature time) */
  clock?: () => number;
  /** added before every port call answers */
  latencyMs?: number;
  /** how long a call under the 'timeout' fault hangs before failing (default 5000) */
  timeoutMs?: number;
  /** approve pending payments by themselves after this long (benchmarks, demos) */
  autoCaptureMs?: number;
  /** pending lifetime when createPayment gives none (default 24 h, like VA/QRIS gateways) */
  defaultExpiresInSeconds?: number;
  /** how often pending payments are checked for expiry besides on read (default 1000; 0 = reads only) */
  sweepIntervalMs?: number;
  /** how long 'reorder' holds a lone event for the next one (default 200) */
  reorderWindowMs?: number;
  /** JSON file the state lives in across restarts; absent = memory only */
  persistPath?: string;
  faults?: FaultsPatch;
}

export interface Simulator extends PaymentGateway {
  readonly name: 'simulator';
  /** the customer's side and the operator's: no faults, no latency */
  inspect(id: string): GatewayPayment | undefined;
  inspectRefund(id: string): GatewayRefund | undefined;
  /** the customer paid (3-D Secure passed, VA transferred, QR scanned) */
  approve(id: string): GatewayPayment;
  decline(id: string, failureCode?: string): GatewayPayment;
  faults(): Faults;
  setFaults(patch: FaultsPatch): Faults;
  setWebhookUrl(url: string | undefined): void;
  setPublicBaseUrl(url: string): void;
  /** expires every pending payment past its time now; returns how many */
  expireDue(): number;
  /** per payment, what the gateway captured and refunded (reconciliation's other side) */
  ledger(): LedgerEntry[];
  /** the webhook log: every event with its attempts and outcome */
  deliveries(): DeliveryRecord[];
  /** delivers held and backed-off webhooks now and waits until they settle (tests) */
  flushWebhooks(): Promise<void>;
  /** waits until no webhook is scheduled or in flight, on their own schedule */
  idle(): Promise<void>;
  /** stops timers and deliveries and writes the state file; calls after it are 'unavailable' */
  close(): Promise<void>;
}

const DEFAULT_RETRY: WebhookRetry = { baseMs: 1000, maxAttempts: 8 };

// Calls that hang hold the process open on purpose: a caller is waiting for them.
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSimulator(options: SimulatorOptions): Simulator {
  const clock = options.clock ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 5000;
  const defaultTtl = options.defaultExpiresInSeconds ?? 86_400;
  let publicBaseUrl = options.publicBaseUrl ?? 'http://127.0.0.1:4100';
  let faults: Faults = { ...NO_FAULTS, latency_ms: options.latencyMs ?? 0, ...checkFaultsPatch({ ...options.faults }) };
  let closed = false;

  const loaded = options.persistPath ? loadState(options.persistPath) : { state: emptyState(), outbox: [] };
  const dispatcher = createWebhookDispatcher({
    url: options.webhookUrl,
    secret: options.webhookSecret,
    retry: { ...DEFAULT_RETRY, ...options.webhookRetry },
    timeoutMs,
    requestTimeoutMs: options.webhookTimeoutMs ?? 10_000,
    reorderWindowMs: options.reorderWindowMs ?? 200,
    fault: () => faults.webhooks,
    clock,
    onChange: () => persister?.changed(),
  });
  const persister = options.persistPath
    ? createPersister(options.persistPath, () => ({ state: loaded.state, outbox: dispatcher.pendingEvents() }))
    : undefined;

  const present = (p: PaymentRecord): GatewayPayment => ({
    id: p.id,
    status: p.status,
    amount: p.amount,
    refunded_amount: p.refunded_amount,
    currency: p.currency,
    method: p.method,
    reference: p.reference,
    next_action: p.status === 'pending' ? nextActionFor(p, publicBaseUrl) : null,
    failure_code: p.failure_code,
    created_at: p.created_at,
    updated_at: p.updated_at,
    captured_at: p.captured_at,
    return_url: p.return_url ?? null,
  });

  const books: t.Books = {
    state: loaded.state,
    clock,
    present,
    emit: (type, data) => dispatcher.enqueue({ id: t.newId('evt'), type, created_at: new Date(clock()).toISOString(), data }),
    save: () => persister?.changed(),
  };

  async function portCall<T>(kind: 'payments' | 'refunds', op: 'create' | 'read' | 'cancel', run: () => T): Promise<T> {
    if (closed) throw new GatewayError('unavailable', 'closed');
    if (faults.latency_ms > 0) await pause(faults.latency_ms);
    const fault: CallFault = faults[kind];
    failBeforeCall(fault, op, kind === 'payments' ? 'card_declined' : 'refund_declined');
    if (fault !== 'timeout') return run();
    // It happened (or failed) at the gateway; the caller only never hears which.
    try {
      run();
    } catch {
      // lost with the answer
    }
    await pause(timeoutMs);
    throw new GatewayError('timeout', 'timeout');
  }

  const autoCaptures = new Set<NodeJS.Timeout>();
  function scheduleAutoCapture(p: PaymentRecord) {
    if (options.autoCaptureMs === undefined || p.status !== 'pending') return;
    const due = Date.parse(p.created_at) + options.autoCaptureMs - clock();
    const timer = setTimeout(
      () => {
        autoCaptures.delete(timer);
        const current = loaded.state.payments.get(p.id);
        if (current) t.expireIfDue(books, current);
        if (current?.status === 'pending') t.capture(books, p.id);
      },
      Math.max(0, due),
    );
    timer.unref();
    autoCaptures.add(timer);
  }

  function createPayment(input: CreatePaymentInput): GatewayPayment {
    const { payment, created } = t.openPayment(books, input, defaultTtl);
    if (created) scheduleAutoCapture(payment);
    return present(payment);
  }

  for (const event of loaded.outbox) dispatcher.enqueue(event);
  for (const p of loaded.state.payments.values()) scheduleAutoCapture(p);
  const sweepMs = options.sweepIntervalMs ?? 1000;
  const sweeper = sweepMs > 0 ? setInterval(() => t.expireDue(books), sweepMs) : undefined;
  sweeper?.unref();

  return {
    name: 'simulator',
    createPayment: (input) => portCall('payments', 'create', () => createPayment(input)),
    getPayment: (id) => portCall('payments', 'read', () => present(t.findPayment(books, id))),
    cancelPayment: (id) => portCall('payments', 'cancel', () => present(t.cancel(books, id))),
    refund: (input) => portCall('refunds', 'create', () => t.presentRefund(t.refund(books, input))),
    getRefund: (id) => portCall('refunds', 'read', () => t.presentRefund(t.findRefund(books, id))),
    inspect(id) {
      const p = loaded.state.payments.get(id);
      if (!p) return undefined;
      t.expireIfDue(books, p);
      return present(p);
    },
    inspectRefund(id) {
      const r = loaded.state.refunds.get(id);
      return r && t.presentRefund(r);
    },
    approve: (id) => present(t.capture(books, id)),
    decline: (id, failureCode) => present(t.fail(books, id, failureCode)),
    faults: () => ({ ...faults }),
    setFaults(patch) {
      faults = { ...faults, ...checkFaultsPatch({ ...patch }) };
      return { ...faults };
    },
    setWebhookUrl: (url) => dispatcher.setUrl(url),
    setPublicBaseUrl(url) {
      publicBaseUrl = url;
    },
    expireDue: () => t.expireDue(books),
    ledger() {
      t.expireDue(books);
      return [...loaded.state.payments.values()].map(ledgerEntry);
    },
    deliveries: () => dispatcher.deliveries(),
    flushWebhooks: () => dispatcher.flush(),
    idle: () => dispatcher.idle(),
    async close() {
      if (closed) return;
      closed = true;
      if (sweeper) clearInterval(sweeper);
      for (const timer of autoCaptures) clearTimeout(timer);
      dispatcher.close();
      persister?.flush();
    },
  };
}
