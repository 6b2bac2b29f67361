// /dev/mail: the local mailbox as web pages, for embedded mode, where e-mail goes to a folder rather
// than to an SMTP server. Reads only the JSON sidecars and files the local mailbox wrote; every
// value shown is escaped, and a message's HTML part is served sandboxed on its own URL.
import { createReadStream } from 'node:fs';
import { basename, join } from 'node:path';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../http/errors.ts';
import { MESSAGE_ID } from './delivery-error.ts';
import { listMailbox, readMailboxEntry, type MailboxEntry } from './local-mailbox.ts';
import { pageHeaders } from '../http/security-headers.ts';

export interface MailboxRoutesOptions {
  /** the local mailbox folder (createLocalMailbox's dir) */
  dir: string;
  /** e.g. an auth check, when the embedded server is reachable by others */
  preHandler?: preHandlerHookHandler[];
}

const Id = Type.String({ pattern: MESSAGE_ID.source });
// In the OpenAPI document under 'dev': they exist only in the embedded development default.
const dev = (summary: string) => ({
  tags: ['dev'],
  summary,
  description: "Development only (embedded, no SMTP_URL, not production): shows every customer's mail to whoever reaches the port.",
});
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'";
// The HTML part is the sender's markup: no scripts, no network, its own origin.
const MAIL_CSP = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'";

export async function mailboxRoutes(fastify: FastifyInstance, opts: MailboxRoutesOptions) {
  await pageHeaders(fastify);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const preHandler = opts.preHandler ?? [];
  const find = async (id: string) => {
    const entry = await readMailboxEntry(opts.dir, id);
    if (!entry) throw new AppError('not_found', 'No such message in the local mailbox');
    return entry;
  };

  app.get('/dev/mail', { schema: dev('The local mailbox: every message, newest first (HTML page)'), preHandler }, async (_req, reply) => {
    const entries = await listMailbox(opts.dir);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(listPage(entries));
  });

  app.get('/dev/mail/:id', { schema: { ...dev('One message (HTML page)'), params: Type.Object({ id: Id }) }, preHandler }, async (req, reply) => {
    const entry = await find(req.params.id);
    return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(messagePage(entry));
  });

  app.get(
    '/dev/mail/:id/raw',
    { schema: { ...dev('One message as sent (message/rfc822, .eml)'), params: Type.Object({ id: Id }) }, preHandler },
    async (req, reply) => {
      const entry = await find(req.params.id);
      return reply
        .type('message/rfc822')
        .header('content-disposition', `attachment; filename="${entry.id}.eml"`)
        .send(createReadStream(join(opts.dir, `${entry.id}.eml`)));
    },
  );

  app.get(
    '/dev/mail/:id/html',
    { schema: { ...dev("A message's HTML part, sandboxed"), params: Type.Object({ id: Id }) }, preHandler },
    async (req, reply) => {
      const entry = await find(req.params.id);
      if (entry.html === undefined) throw new AppError('not_found', 'This message has no HTML part');
      return reply.type('text/html; charset=utf-8').header('content-security-policy', MAIL_CSP).send(entry.html);
    },
  );

  app.get(
    '/dev/mail/:id/attachments/:n',
    {
      schema: {
        ...dev('An attachment of a message (the e-ticket PDF)'),
        params: Type.Object({ id: Id, n: Type.Integer({ minimum: 0, maximum: 1000 }) }),
      },
      preHandler,
    },
    async (req, reply) => {
      const entry = await find(req.params.id);
      const a = entry.attachments[req.params.n];
      if (!a || basename(a.file) !== a.file) throw new AppError('not_found', 'No such attachment');
      return reply
        .type(a.contentType)
        .header('content-disposition', contentDisposition(a.filename))
        .header('content-security-policy', 'sandbox')
        .header('content-length', a.size)
        .send(createReadStream(join(opts.dir, a.file)));
    },
  );
}

function listPage(entries: MailboxEntry[]): string {
  const rows = entries
    .map(
      (e) =>
        `<tr><td>${esc(e.date)}</td><td>${esc(e.to)}</td><td><a href="/dev/mail/${esc(e.id)}">${esc(e.subject || '(no subject)')}</a></td>` +
        `<td>${e.attachments.length ? `${e.attachments.length} attachment(s)` : ''}</td></tr>`,
    )
    .join('\n');
  const body = entries.length
    ? `<table><thead><tr><th>Time</th><th>To</th><th>Subject</th><th></th></tr></thead><tbody>\n${rows}\n</tbody></table>`
    : '<p>No messages yet.</p>';
  return page('Local mailbox', `<h1>Local mailbox</h1><p>${entries.length} message(s), newest first.</p>${body}`);
}

function messagePage(e: MailboxEntry): string {
  const attachments = e.attachments
    .map((a, n) => `<li><a href="/dev/mail/${esc(e.id)}/attachments/${n}">${esc(a.filename)}</a> (${esc(a.contentType)}, ${a.size} bytes)</li>`)
    .join('\n');
  return page(
    e.subject,
    `<p><a href="/dev/mail">&larr; all messages</a></p>
<h1>${esc(e.subject || '(no subject)')}</h1>
<dl><dt>Date</dt><dd>${esc(e.date)}</dd><dt>From</dt><dd>${esc(e.from)}</dd><dt>To</dt><dd>${esc(e.to)}</dd>
<dt>Message-ID</dt><dd>${esc(e.messageId)}</dd></dl>
<p><a href="/dev/mail/${esc(e.id)}/raw">Download .eml</a>${e.html === undefined ? '' : ` &middot; <a href="/dev/mail/${esc(e.id)}/html">HTML version</a>`}</p>
<pre>${esc(e.text)}</pre>
${e.attachments.length ? `<h2>Attachments</h2><ul>\n${attachments}\n</ul>` : ''}`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2rem;max-width:60rem}td,th{padding:.25rem .75rem;text-align:left;border-bottom:1px solid #ddd}
pre{white-space:pre-wrap;background:#f6f6f6;padding:1rem}dt{font-weight:bold}</style></head>
<body>${body}</body></html>`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]);

// A quoted ASCII fallback plus the exact UTF-8 name (RFC 6266 / 5987).
function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
