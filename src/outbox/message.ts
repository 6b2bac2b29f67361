// The words of the outbox: a row as the worker hands it to a renderer, and what a renderer returns.
// Renderers (tickets, refunds, ...) turn a row's payload into the message's text at send time, so a
// message enqueued inside a business transaction stores only facts, not presentation.
import type { MailAttachment } from '../notify/mailer.ts';

export type Channel = 'email' | 'sms' | 'webhook';

export interface OutboxRow {
  /** also the message id every sender passes on (Message-ID, Idempotency-Key, file name) */
  id: string;
  dedupe_key: string;
  kind: string;
  channel: Channel;
  recipient: string;
  payload: Record<string, unknown>;
  /** this attempt included */
  attempts: number;
  created_at: Date;
  /** the request that queued it (x-request-id); null when a job or script did */
  request_id: string | null;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

export interface RenderedSms {
  text: string;
}

/** An outgoing webhook's event (recipient: the endpoint's URL). */
export interface RenderedWebhook {
  event: { type: string; data: object };
}

export type RenderedMessage = RenderedEmail | RenderedSms | RenderedWebhook;

/** Supplied by the caller; a throw counts as a transient failure (retried with backoff). */
export type Render = (msg: OutboxRow) => Promise<RenderedMessage>;
