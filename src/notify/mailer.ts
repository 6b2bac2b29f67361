// The e-mail port and its SMTP adapter. Every message carries the outbox id as its Message-ID so a
// receiving system (or a person) can tell a duplicate from a second message.
//
// SMTP receivers do not dedupe by Message-ID, so this sender is not idempotent: the worker sends a
// message again only when this adapter can say for sure that the server never took it (no
// connection, or a reply that refused it). A connection that breaks mid-conversation may have
// delivered the message; that is reported as outcomeUnknown and the message is not retried.
import nodemailer from 'nodemailer';
import { assertMessageId, DeliveryError } from './delivery-error.ts';

export interface MailAttachment {
  filename: string;
  content: Buffer | Uint8Array;
  contentType: string;
}

export interface OutgoingMail {
  /** the outbox message id: stable across retries */
  messageId: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  /** true when sending the same messageId twice delivers it once */
  readonly idempotent: boolean;
  /** true when a message is filed on this machine rather than delivered (the local mailbox) */
  readonly local?: boolean;
}

export const MESSAGE_ID_DOMAIN = 'cinema.local';

/** The Message-ID header for an outbox message id. */
export const messageIdHeader = (messageId: string) => `<${messageId}@${MESSAGE_ID_DOMAIN}>`;

export interface SmtpOptions {
  /** smtp://user:pass@host:587 or smtps://host:465; or host/port/secure/auth below */
  url?: string;
  host?: string;
  port?: number;
  secure?: boolean;
  auth?: { user: string; pass: string };
  /** the From header, e.g. "Cinema <tickets@example.com>" */
  from: string;
  /** per phase: connect, greeting, and socket inactivity (default 5 s, 5 s, 15 s) */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

export function createSmtpMailer(opts: SmtpOptions): Mailer {
  const timeouts = {
    connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
    greetingTimeout: opts.greetingTimeoutMs ?? 5_000,
    socketTimeout: opts.socketTimeoutMs ?? 15_000,
    // one connection per message: nothing idle to go stale while the server restarts
    pool: false as const,
  };
  const transport = opts.url
    ? nodemailer.createTransport({ ...parseSmtpUrl(opts.url), ...timeouts })
    : nodemailer.createTransport({ host: opts.host, port: opts.port, secure: opts.secure ?? false, auth: opts.auth, ...timeouts });
  return {
    idempotent: false,
    async send(mail) {
      assertMessageId(mail.messageId);
      try {
        await transport.sendMail({
          from: opts.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId: messageIdHeader(mail.messageId),
          attachments: mail.attachments?.map(toNodemailerAttachment),
          disableFileAccess: true,
          disableUrlAccess: true,
        });
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
  };
}

export function toNodemailerAttachment(a: MailAttachment) {
  return { filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength) };
}

function parseSmtpUrl(url: string) {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  if (!secure && u.protocol !== 'smtp:') throw new Error(`SMTP url must start with smtp:// or smtps://, got ${u.protocol}`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
  };
}

interface SmtpFailure {
  message?: string;
  code?: string;
  originalCode?: string;
  responseCode?: number;
  permanent?: boolean;
  timeoutType?: string;
}

// Failures that happen before the server could have accepted anything: no connection, no
// greeting, TLS or login refused. Retrying them can never deliver twice.
const NOTHING_SENT_CODES = new Set(['EDNS', 'ETLS', 'EAUTH', 'ENOAUTH', 'ECONFIG', 'EPROXY']);
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const EARLY_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);

/** Maps a nodemailer error onto the three outcomes the worker knows. */
export function classifySmtpError(err: unknown): DeliveryError {
  const e = (err ?? {}) as SmtpFailure;
  const message = `smtp: ${e.message ?? String(err)}`;
  if (typeof e.responseCode === 'number') {
    // a reply: the server refused (5xx, except 503) or deferred (4xx); either way it did not accept it
    return new DeliveryError(message, { permanent: e.permanent ?? (e.responseCode >= 500 && e.responseCode !== 503), cause: err });
  }
  const nothingSent =
    NOTHING_SENT_CODES.has(e.code ?? '') ||
    NOT_CONNECTED.has(e.originalCode ?? '') ||
    NOT_CONNECTED.has(e.code ?? '') ||
    EARLY_TIMEOUTS.has(e.timeoutType ?? '');
  return new DeliveryError(message, { permanent: false, outcomeUnknown: !nothingSent, cause: err });
}
