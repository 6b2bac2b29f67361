// The SMS port and two adapters: an HTTP provider that dedupes by an Idempotency-Key (so a message
// whose delivery was interrupted may be sent again), and, for embedded mode, a JSON-lines file.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { assertMessageId } from './delivery-error.ts';
import { postJson } from './post-json.ts';

export interface OutgoingSms {
  /** the outbox message id: stable across retries */
  messageId: string;
  to: string;
  text: string;
}

export interface SmsProvider {
  send(sms: OutgoingSms): Promise<void>;
  /** true when sending the same messageId twice delivers it once */
  readonly idempotent: boolean;
  /** true when a message is filed on this machine rather than delivered (the SMS log) */
  readonly local?: boolean;
}

export interface HttpSmsOptions {
  url: string;
  apiKey?: string;
  timeoutMs: number;
}

/**
 * POSTs {to, text, message_id} with Idempotency-Key: messageId. 2xx is sent; 4xx is a permanent
 * refusal, except 408 and 429 which ask us to come back; 5xx, timeouts and network errors are
 * transient. The provider dedupes by the key, so retrying after an unknown outcome is safe.
 */
export function createHttpSmsProvider(opts: HttpSmsOptions): SmsProvider {
  return {
    idempotent: true,
    async send(sms) {
      assertMessageId(sms.messageId);
      await postJson({
        url: opts.url,
        headers: { 'idempotency-key': sms.messageId, ...(opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {}) },
        body: JSON.stringify({ to: sms.to, text: sms.text, message_id: sms.messageId }),
        timeoutMs: opts.timeoutMs,
        what: 'sms',
      });
    },
  };
}

/**
 * Embedded mode: appends one JSON line per message to a file. A message id already in the file is
 * not written again. Sends are serialised in this process so two sends of one id cannot both miss
 * it; the file belongs to one process (the embedded server).
 */
export function createLogSmsProvider(opts: { file: string }): SmsProvider {
  let queue: Promise<unknown> = Promise.resolve();
  const write = async (sms: OutgoingSms) => {
    await mkdir(dirname(opts.file), { recursive: true });
    const seen = await readFile(opts.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    if (seen.split('\n').some((line) => line !== '' && sentId(line) === sms.messageId)) return;
    const line = { at: new Date().toISOString(), message_id: sms.messageId, to: sms.to, text: sms.text };
    // after a torn last line, start on a fresh one
    const sep = seen === '' || seen.endsWith('\n') ? '' : '\n';
    await appendFile(opts.file, `${sep}${JSON.stringify(line)}\n`);
  };
  return {
    idempotent: true,
    local: true,
    send(sms) {
      assertMessageId(sms.messageId);
      const run = queue.then(() => write(sms));
      queue = run.catch(() => {});
      return run;
    },
  };
}

function sentId(line: string): unknown {
  try {
    return (JSON.parse(line) as { message_id?: unknown }).message_id;
  } catch {
    return undefined; // a torn last line from a crash: ignore it
  }
}
