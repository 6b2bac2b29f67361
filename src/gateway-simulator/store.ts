// The simulator's memory: payments, refunds, idempotency keys and events not yet delivered. With a
// path it is also a JSON file, rewritten atomically (temp file + rename) after changes, so a
// restarted gateway still knows what it charged: the service's crash recovery asks it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GatewayEvent, GatewayPaymentStatus, GatewayRefund, PaymentMethod } from '../gateway/gateway.ts';

export interface PaymentRecord {
  id: string;
  status: GatewayPaymentStatus;
  amount: string;
  refunded_amount: string;
  currency: string;
  method: PaymentMethod;
  reference: string;
  description: string | null;
  return_url?: string | null;
  failure_code: string | null;
  created_at: string;
  updated_at: string;
  captured_at: string | null;
  expires_at: string;
}

export interface RefundRecord extends GatewayRefund {
  reason: string | null;
}

/** What a key was first used for: a hash of the request's parameters and the object it made. */
export interface IdempotencyEntry {
  fingerprint: string;
  id: string;
}

export interface SimulatorState {
  payments: Map<string, PaymentRecord>;
  refunds: Map<string, RefundRecord>;
  /** keyed `payment:<key>` / `refund:<key>`: the two namespaces never collide */
  idempotency: Map<string, IdempotencyEntry>;
}

interface StateFile {
  version: 1;
  payments: PaymentRecord[];
  refunds: RefundRecord[];
  idempotency: [string, IdempotencyEntry][];
  outbox: GatewayEvent[];
}

export function emptyState(): SimulatorState {
  return { payments: new Map(), refunds: new Map(), idempotency: new Map() };
}

/**
 * Reads the file, or starts empty when there is none. A file that exists but cannot be read is an
 * error: a gateway that silently forgot its payments would be worse than one that refuses to start.
 */
export function loadState(path: string): { state: SimulatorState; outbox: GatewayEvent[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: emptyState(), outbox: [] };
    throw err;
  }
  let file: StateFile;
  try {
    file = JSON.parse(text) as StateFile;
  } catch (err) {
    throw new Error(`gateway state file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (file.version !== 1) throw new Error(`gateway state file ${path}: unknown version ${String(file.version)}`);
  return {
    state: {
      payments: new Map(file.payments.map((p) => [p.id, p])),
      refunds: new Map(file.refunds.map((r) => [r.id, r])),
      idempotency: new Map(file.idempotency),
    },
    outbox: file.outbox ?? [],
  };
}

/** Rewrites the whole file; rename is atomic, so a reader (or a crash) sees the old or the new state. */
export function saveState(path: string, state: SimulatorState, outbox: GatewayEvent[]): void {
  const file: StateFile = {
    version: 1,
    payments: [...state.payments.values()],
    refunds: [...state.refunds.values()],
    idempotency: [...state.idempotency.entries()],
    outbox,
  };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(file));
  renameSync(tmp, path);
}

export interface Persister {
  /** the state changed: write it now, or soon when writes have become expensive */
  changed(): void;
  /** writes a pending change now (close() calls it) */
  flush(): void;
}

/**
 * Writes after each change. The whole state is rewritten each time, so under load (a benchmark with
 * thousands of payments) writes are spaced to about ten times their own cost, at most 200 ms apart:
 * changes in between go out together at the end of that window. A clean close() loses nothing.
 */
export function createPersister(path: string, snapshot: () => { state: SimulatorState; outbox: GatewayEvent[] }): Persister {
  let lastWriteAt = 0;
  let lastCostMs = 0;
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const started = performance.now();
    const { state, outbox } = snapshot();
    saveState(path, state, outbox);
    lastWriteAt = performance.now();
    lastCostMs = lastWriteAt - started;
  };
  return {
    changed() {
      if (timer) return;
      const wait = lastWriteAt + Math.min(200, lastCostMs * 10) - performance.now();
      if (wait <= 0) return write();
      timer = setTimeout(write, wait);
    },
    flush() {
      if (timer) write();
    },
  };
}
