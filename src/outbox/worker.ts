// Delivers the outbox: claim due rows (claim.ts), render and send each one outside any transaction,
// then record the outcome (settle.ts). At most once per message: a row is only ever sent by the
// worker holding its lease, and a send whose outcome is unknown is repeated only through a sender
// that dedupes by message id. Everything else that fails is retried with backoff until maxAttempts,
// then left in the dead letters.
//
// Runs every intervalMs and soon after notify() (called after a commit that enqueued something).
// A pass that fails (database down) is logged and the next tick tries again; the worker never dies.
import type { Db } from '../db/client.ts';
import { DeliveryError } from '../notify/delivery-error.ts';
import type { Mailer } from '../notify/mailer.ts';
import type { SmsProvider } from '../notify/sms.ts';
import type { WebhookSender } from '../notify/webhook.ts';
import { backoffMs, type Backoff } from './backoff.ts';
import { claimDue, INTERRUPTED, type ClaimedRow } from './claim.ts';
import type { Channel, Render, RenderedEmail, RenderedMessage, RenderedSms, RenderedWebhook } from './message.ts';
import { markDead, markRetry, markSent } from './settle.ts';

/** Satisfied by Fastify's / pino's logger. */
export interface WorkerLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutboxWorkerOptions {
  db: Db;
  render: Render;
  mailer: Mailer;
  sms: SmsProvider;
  /** outgoing webhooks (ALERT_WEBHOOK_URL); without it, webhook rows wait for a worker that has one */
  webhook?: WebhookSender;
  log: WorkerLog;
  /** time between passes; 0 = no timer (notify() and runOnce() only). Default 1000 */
  intervalMs?: number;
  /** rows claimed per pass (default 20) */
  batchSize?: number;
  /** sends in flight at once within a pass (default 4) */
  concurrency?: number;
  /** attempts before a transiently failing message is dead (default 8) */
  maxAttempts?: number;
  /** default 10 s doubling up to 30 min */
  backoff?: Backoff;
  /** how long a claimed row is ours; must exceed the slowest send (default 60 s) */
  leaseMs?: number;
  /** for the backoff jitter (tests) */
  random?: () => number;
}

export interface OutboxWorker {
  /** One pass: claims up to batchSize due rows and delivers them. Returns how many it handled. */
  runOnce(): Promise<number>;
  /** Asks for a pass soon (after a commit that enqueued messages). */
  notify(): void;
  /** Stops the timer and waits for the pass in progress. */
  stop(): Promise<void>;
}

type Outcome = { kind: 'sent' } | { kind: 'retry'; delayMs: number; error: string } | { kind: 'dead'; error: string };

export function startOutboxWorker(opts: OutboxWorkerOptions): OutboxWorker {
  const { db, log } = opts;
  const batchSize = opts.batchSize ?? 20;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const maxAttempts = opts.maxAttempts ?? 8;
  const backoff = opts.backoff ?? { baseMs: 10_000, maxMs: 30 * 60_000 };
  const leaseMs = opts.leaseMs ?? 60_000;
  const senders: Record<Channel, { idempotent: boolean; local?: boolean } | undefined> = { email: opts.mailer, sms: opts.sms, webhook: opts.webhook };
  const channels = (['email', 'sms', 'webhook'] as const).filter((c) => senders[c] !== undefined);
  const idempotent = channels.filter((c) => senders[c]?.idempotent);

  // Outcomes that could not be written (database down right after a send): kept in memory and
  // written before the next claim, so a delivered message is recorded as sent, not re-examined.
  let unsettled: { row: ClaimedRow; outcome: Outcome }[] = [];

  async function flushUnsettled() {
    const pending = unsettled;
    unsettled = [];
    for (const [i, u] of pending.entries()) {
      try {
        await record(u.row, u.outcome);
      } catch (err) {
        unsettled.push(...pending.slice(i));
        throw err;
      }
    }
  }

  async function record(row: ClaimedRow, outcome: Outcome) {
    if (outcome.kind === 'sent') await markSent(db, row.id);
    else if (outcome.kind === 'retry') await markRetry(db, row.id, row.attempts, outcome.delayMs, outcome.error);
    else await markDead(db, row.id, row.attempts, outcome.error);
  }

  async function send(row: ClaimedRow, rendered: RenderedMessage) {
    if (row.channel === 'sms') return opts.sms.send({ messageId: row.id, to: row.recipient, text: (rendered as RenderedSms).text });
    if (row.channel === 'webhook') return opts.webhook?.send({ messageId: row.id, url: row.recipient, event: (rendered as RenderedWebhook).event });
    return opts.mailer.send({ messageId: row.id, to: row.recipient, ...(rendered as RenderedEmail) });
  }

  function failure(row: ClaimedRow, err: unknown, stage: 'render' | 'send'): Outcome {
    const message = err instanceof Error ? err.message : String(err);
    // Only our senders' errors say what happened; anything else thrown by a send might have
    // happened after the message left.
    const d = err instanceof DeliveryError ? err : undefined;
    if (stage === 'send' && d?.permanent) return { kind: 'dead', error: message };
    const unknown = stage === 'send' && (d ? d.outcomeUnknown : true);
    if (unknown && !senders[row.channel]?.idempotent) return { kind: 'dead', error: `outcome unknown: ${message}` };
    if (row.attempts >= maxAttempts) return { kind: 'dead', error: `gave up after ${row.attempts} attempts: ${message}` };
    const delayMs = Math.max(backoffMs(row.attempts, backoff, opts.random), d?.retryAfterMs ?? 0);
    return { kind: 'retry', delayMs, error: stage === 'render' ? `render: ${message}` : message };
  }

  async function attempt(row: ClaimedRow): Promise<Outcome> {
    let rendered: RenderedMessage;
    try {
      rendered = await opts.render(row);
      if (row.channel === 'email' && typeof (rendered as Partial<RenderedEmail>).subject !== 'string') {
        throw new Error(`renderer for ${row.kind} returned an e-mail without a subject`);
      }
    } catch (err) {
      return failure(row, err, 'render');
    }
    try {
      await send(row, rendered);
      return { kind: 'sent' };
    } catch (err) {
      return failure(row, err, 'send');
    }
  }

  async function deliver(row: ClaimedRow) {
    const o = await attempt(row);
    const fields = { outboxId: row.id, kind: row.kind, channel: row.channel, attempts: row.attempts, requestId: row.request_id };
    if (o.kind === 'dead') log.warn({ ...fields, error: o.error }, 'outbox message dead');
    else if (o.kind === 'retry') log.warn({ ...fields, error: o.error, retryInMs: o.delayMs }, 'outbox delivery failed, will retry');
    // a message filed on this machine was not sent, and the log must not say it was
    else
      log.info(
        { ...fields, resent: row.previous_status === 'sending' },
        senders[row.channel]?.local ? 'outbox message filed locally, not delivered' : 'outbox message sent',
      );
    try {
      await record(row, o);
    } catch {
      unsettled.push({ row, outcome: o });
    }
  }

  async function runOnce(): Promise<number> {
    await flushUnsettled();
    const { claimed, interrupted } = await claimDue(db, { batchSize, leaseMs, channels, idempotent });
    for (const r of interrupted) {
      log.warn(
        { outboxId: r.id, kind: r.kind, channel: r.channel, attempts: r.attempts, requestId: r.request_id, error: INTERRUPTED },
        'outbox message dead',
      );
    }
    let next = 0;
    const lane = async () => {
      while (next < claimed.length) await deliver(claimed[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, claimed.length) }, lane));
    return claimed.length + interrupted.length;
  }

  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let failing = false;

  const tick = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          // a full batch means there may be more: drain the backlog in this tick
          while (!stopped && (await runOnce()) >= batchSize);
        } while (again && !stopped);
        if (failing) log.info({}, 'outbox worker recovered');
        failing = false;
      } catch (err) {
        // logged once per outage, not once per tick
        if (!failing) log.error({ err }, 'outbox pass failed; retrying every tick');
        failing = true;
      } finally {
        running = null;
      }
    })();
  };

  const intervalMs = opts.intervalMs ?? 1_000;
  const timer = intervalMs > 0 ? setInterval(tick, intervalMs) : undefined;
  timer?.unref();

  return {
    runOnce,
    notify() {
      if (!stopped) setImmediate(tick);
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}
