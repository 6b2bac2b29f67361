// The embedded-mode mailer: instead of talking SMTP it files each message in a folder, as the RFC 822
// text a mail server would have received (<id>.eml), its attachments as plain files, and a small
// JSON sidecar (<id>.json) that /dev/mail reads, so showing a message needs no MIME parser.
//
// The sidecar is written last, by rename, and marks the message as filed: sending an id whose
// sidecar exists does nothing. That makes this mailer idempotent, so the worker may re-send
// messages whose delivery was interrupted.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import { systemClock, type Clock } from '../lib/clock.ts';
import { assertMessageId, MESSAGE_ID } from './delivery-error.ts';
import { messageIdHeader, toNodemailerAttachment, type Mailer } from './mailer.ts';

export interface MailboxEntry {
  id: string;
  messageId: string;
  date: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  attachments: { filename: string; contentType: string; size: number; file: string }[];
}

export interface LocalMailboxOptions {
  dir: string;
  from: string;
  clock?: Clock;
}

export function createLocalMailbox(opts: LocalMailboxOptions): Mailer {
  const clock = opts.clock ?? systemClock;
  let ready: Promise<unknown> | undefined;
  return {
    idempotent: true,
    local: true,
    async send(mail) {
      assertMessageId(mail.messageId);
      ready ??= mkdir(opts.dir, { recursive: true });
      await ready;
      const id = mail.messageId;
      if (await exists(sidecarPath(opts.dir, id))) return;
      const date = clock.now();
      const eml = await new MailComposer({
        from: opts.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        date,
        messageId: messageIdHeader(id),
        attachments: mail.attachments?.map(toNodemailerAttachment),
        disableFileAccess: true,
        disableUrlAccess: true,
      })
        .compile()
        .build();
      const attachments = [];
      for (const [n, a] of (mail.attachments ?? []).entries()) {
        const file = `${id}.${n}.att`;
        await writeAtomic(join(opts.dir, file), a.content);
        attachments.push({ filename: a.filename, contentType: a.contentType, size: a.content.byteLength, file });
      }
      await writeAtomic(join(opts.dir, `${id}.eml`), eml);
      const entry: MailboxEntry = {
        id,
        messageId: messageIdHeader(id),
        date: date.toISOString(),
        from: opts.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        ...(mail.html === undefined ? {} : { html: mail.html }),
        attachments,
      };
      await writeAtomic(sidecarPath(opts.dir, id), JSON.stringify(entry, null, 2));
    },
  };
}

/** Every filed message, newest first. */
export async function listMailbox(dir: string): Promise<MailboxEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const ids = names
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -5))
    .filter((id) => MESSAGE_ID.test(id));
  const entries = await Promise.all(ids.map((id) => readMailboxEntry(dir, id)));
  return entries.filter((e): e is MailboxEntry => e !== undefined).sort((a, b) => b.date.localeCompare(a.date));
}

/** One filed message, or undefined when there is none with that id. */
export async function readMailboxEntry(dir: string, id: string): Promise<MailboxEntry | undefined> {
  if (!MESSAGE_ID.test(id)) return undefined;
  try {
    return JSON.parse(await readFile(sidecarPath(dir, id), 'utf8')) as MailboxEntry;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

const sidecarPath = (dir: string, id: string) => join(dir, `${id}.json`);

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

// Write then rename: a reader (or a crash) never sees half a file.
async function writeAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}
