// The outbox worker of this instance, built from configuration: email over SMTP_URL, or into a local
// mailbox under DATA_DIR (readable at /dev/mail in the embedded default); SMS posted to SMS_URL, or
// appended to a log file beside the mailbox. Every instance runs one; they share the work safely
// (outbox/claim.ts).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { renderAlert, SELLOUT_ALERT } from '../modules/alerts/index.ts';
import { messageRenderer } from '../modules/tickets/index.ts';
import { createLocalMailbox } from '../notify/local-mailbox.ts';
import { createSmtpMailer, type Mailer } from '../notify/mailer.ts';
import { createHttpSmsProvider, createLogSmsProvider, type SmsProvider } from '../notify/sms.ts';
import { createWebhookSender } from '../notify/webhook.ts';
import { startPdfThread } from '../eticket/pdf-thread.ts';
import { type OutboxWorker, startOutboxWorker, type WorkerLog } from '../outbox/worker.ts';

/** Where local mail and the SMS log go when no SMTP server / SMS provider is configured. */
export function localDeliveryDir(config: Config): string {
  return config.dataDir === ':memory:' ? join(tmpdir(), `cinema-api-${process.pid}`) : config.dataDir;
}

export function mailboxDir(config: Config): string {
  return join(localDeliveryDir(config), 'mailbox');
}

export function openDelivery(config: Config): { mailer: Mailer; sms: SmsProvider } {
  const mailer =
    config.mailDelivery === 'smtp' && config.SMTP_URL
      ? createSmtpMailer({ url: config.SMTP_URL, from: config.MAIL_FROM })
      : createLocalMailbox({ dir: mailboxDir(config), from: config.MAIL_FROM });
  const sms = config.SMS_URL
    ? createHttpSmsProvider({ url: config.SMS_URL, apiKey: config.SMS_API_KEY, timeoutMs: config.SMS_TIMEOUT_MS })
    : createLogSmsProvider({ file: join(localDeliveryDir(config), 'sms.jsonl') });
  return { mailer, sms };
}

/**
 * What the log says at start about delivery that is not delivery: production with MAIL_DELIVERY=off
 * (or without an SMS provider) files messages on disk, so a warning says so on every start instead
 * of a quiet "sent" per message.
 */
export function deliveryNotices(config: Config): { level: 'warn' | 'info'; message: string; dir: string }[] {
  const level = config.production ? 'warn' : 'info';
  const dir = localDeliveryDir(config);
  const notices: { level: 'warn' | 'info'; message: string; dir: string }[] = [];
  if (config.mailDelivery !== 'smtp') {
    const why = config.mailDelivery === 'off' ? 'MAIL_DELIVERY=off' : 'no SMTP_URL';
    notices.push({
      level,
      message: `MAIL DELIVERY IS OFF (${why}): e-tickets are filed in the local mailbox, not e-mailed`,
      dir: mailboxDir(config),
    });
  }
  if (!config.SMS_URL) notices.push({ level, message: 'SMS delivery is off (no SMS_URL): messages are appended to sms.jsonl, not sent', dir });
  return notices;
}

export function startOutbox(deps: Deps, log: WorkerLog, intervalMs = deps.config.OUTBOX_INTERVAL_MS): OutboxWorker {
  const { config } = deps;
  const { mailer, sms } = openDelivery(config);
  // e-ticket PDFs are rendered on a thread of their own, off the event loop that answers requests
  const pdf = startPdfThread();
  const tickets = messageRenderer({ db: deps.db, ticketKeys: deps.ticketKeys, publicBaseUrl: config.publicBaseUrl, renderPdf: pdf.render });
  const worker = startOutboxWorker({
    db: deps.db,
    // sell-out alerts carry their facts; every other message is about a ticket
    render: async (msg) => (msg.kind === SELLOUT_ALERT ? renderAlert(msg) : tickets(msg)),
    mailer,
    sms,
    webhook: config.ALERT_WEBHOOK_SECRET
      ? createWebhookSender({ secret: config.ALERT_WEBHOOK_SECRET, timeoutMs: config.ALERT_WEBHOOK_TIMEOUT_MS })
      : undefined,
    log,
    intervalMs,
    maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
    backoff: { baseMs: config.OUTBOX_BACKOFF_BASE_MS, maxMs: config.OUTBOX_BACKOFF_MAX_MS },
    leaseMs: config.OUTBOX_LEASE_MS,
  });
  return {
    ...worker,
    async stop() {
      await worker.stop();
      await pdf.close();
    },
  };
}
