// The outbox end to end: enqueue in a transaction, a real SMTP conversation (smtp-server), an HTTP
// SMS provider that dedupes by Idempotency-Key, the local mailbox and its /dev/mail pages. Time is
// the database's: instead of waiting for a backoff or a lease, tests move next_attempt_at into the
// past. PGlite by default; PostgreSQL (a fresh database, two pools for two "processes") with
// DATABASE_URL set.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Fastify from 'fastify';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { connectPglite, connectPostgres, type Db } from '../src/db/client.ts';
import { migrate } from '../src/db/migrate.ts';
import { INTERRUPTED } from '../src/outbox/claim.ts';
import { requeueDead } from '../src/outbox/dead-letters.ts';
import { enqueueMessage, type NewMessage } from '../src/outbox/enqueue.ts';
import type { Render } from '../src/outbox/message.ts';
import { startOutboxWorker, type OutboxWorkerOptions } from '../src/outbox/worker.ts';
import { createLocalMailbox } from '../src/notify/local-mailbox.ts';
import { mailboxRoutes } from '../src/notify/mailbox-routes.ts';
import { createSmtpMailer, type Mailer } from '../src/notify/mailer.ts';
import { createHttpSmsProvider, createLogSmsProvider, type SmsProvider } from '../src/notify/sms.ts';
import { runForRequest } from '../src/lib/request-context.ts';
import { freePort } from './helpers/process.ts';
import { freshDatabase, onPostgres } from './helpers/runtime.ts';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(4096), Buffer.from('\n%%EOF\n')]);
const FROM = 'Cinema <tickets@cinema.local>';

/** smtp-server on 127.0.0.1 that keeps what it receives; rejects recipients in `reject` with 550. */
function smtpSink() {
  const received: { raw: Buffer; rcpt: string[] }[] = [];
  const reject = new Set<string>();
  let server: SMTPServer | undefined;
  let port = 0;
  const sink = {
    received,
    reject,
    get port() {
      return port;
    },
    async start() {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        logger: false,
        closeTimeout: 500,
        onRcptTo(address, _session, cb) {
          if (!reject.has(address.address)) return cb();
          cb(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
        },
        onData(stream, session, cb) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            received.push({ raw: Buffer.concat(chunks), rcpt: session.envelope.rcptTo.map((r) => r.address) });
            cb();
          });
        },
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
      port = (server.server.address() as { port: number }).port;
    },
    stop: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
    parsed: (): Promise<ParsedMail[]> => Promise.all(received.map((r) => simpleParser(r.raw))),
    /** how many messages arrived with this outbox id as their Message-ID */
    async countOf(id: string) {
      return (await sink.parsed()).filter((m) => m.messageId === `<${id}@cinema.local>`).length;
    },
  };
  return sink;
}

/** Speaks just enough SMTP to take a whole message, then drops the connection instead of answering. */
async function droppingSmtpServer() {
  let messages = 0;
  const server = createNetServer((socket) => {
    let inData = false;
    let buf = '';
    socket.write('220 flaky ESMTP\r\n');
    socket.on('data', (chunk) => {
      buf += chunk;
      for (let i = buf.indexOf('\r\n'); i >= 0; i = buf.indexOf('\r\n')) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            messages++;
            socket.destroy();
            return;
          }
        } else if (/^DATA/i.test(line)) {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (/^QUIT/i.test(line)) socket.end('221 bye\r\n');
        else socket.write('250 ok\r\n');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    port: (server.address() as { port: number }).port,
    messages: () => messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An SMS provider's HTTP endpoint: records every request, delivers each Idempotency-Key once. */
function smsEndpoint(statusFor: (to: string) => number = () => 202) {
  const requests: { key: string; body: { to: string; text: string; message_id: string } }[] = [];
  const delivered = new Map<string, string>();
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = '';
      req.on('data', (c) => (s += c));
      req.on('end', () => resolve(s));
    });
  const server: Server = createServer(async (req, res) => {
    const body = JSON.parse(await read(req));
    const key = String(req.headers['idempotency-key']);
    requests.push({ key, body });
    const status = statusFor(body.to);
    if (status < 300 && !delivered.has(key)) delivered.set(key, body.text);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ id: key }));
  });
  return {
    requests,
    delivered,
    start: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}/messages`)),
      ),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// Renders from the payload; `failRenders: n` makes the first n renders of a row throw.
const renderCalls = new Map<string, number>();
const render: Render = async (row) => {
  const p = row.payload as { subject?: string; text: string; pdf?: boolean; failRenders?: number };
  const n = (renderCalls.get(row.id) ?? 0) + 1;
  renderCalls.set(row.id, n);
  if (n <= (p.failRenders ?? 0)) throw new Error('template exploded');
  if (row.channel === 'sms') return { text: p.text };
  return {
    subject: p.subject ?? 'Hello',
    text: p.text,
    attachments: p.pdf ? [{ filename: 'ticket.pdf', contentType: 'application/pdf', content: PDF }] : undefined,
  };
};

const logs: { level: string; msg: string; obj: object }[] = [];
const log = {
  info: (obj: object, msg: string) => logs.push({ level: 'info', msg, obj }),
  warn: (obj: object, msg: string) => logs.push({ level: 'warn', msg, obj }),
  error: (obj: object, msg: string) => logs.push({ level: 'error', msg, obj }),
};

let db: Db;
let db2: Db; // a second "process" on PostgreSQL (its own pool); the same PGlite otherwise
let dropDb: (() => Promise<void>) | undefined;
const smtp = smtpSink();
const sms = smsEndpoint((to) => (to === '+620000400' ? 400 : to === '+620000503' ? 503 : 202));
let smsUrl: string;
let smtpMailer: Mailer;
let httpSms: SmsProvider;

before(async () => {
  if (onPostgres) {
    const fresh = await freshDatabase();
    dropDb = fresh.drop;
    db = connectPostgres({ url: fresh.url, poolMax: 5 });
    db2 = connectPostgres({ url: fresh.url, poolMax: 5 });
  } else {
    db = await connectPglite(':memory:');
    db2 = db;
  }
  await migrate(db);
  await smtp.start();
  smsUrl = await sms.start();
  smtpMailer = createSmtpMailer({ url: `smtp://127.0.0.1:${smtp.port}`, from: FROM, connectionTimeoutMs: 1000, greetingTimeoutMs: 1000 });
  httpSms = createHttpSmsProvider({ url: smsUrl, timeoutMs: 2000 });
});

after(async () => {
  await smtp.stop();
  await sms.stop();
  if (db2 !== db) await db2.close();
  await db.close();
  await dropDb?.();
});

/** A worker without a timer: tests drive it with runOnce(). Backoff is long, so "later" is clear. */
const worker = (over: Partial<OutboxWorkerOptions> = {}) =>
  startOutboxWorker({
    db,
    render,
    mailer: smtpMailer,
    sms: httpSms,
    log,
    intervalMs: 0,
    batchSize: 10,
    backoff: { baseMs: 60_000, maxMs: 120_000 },
    leaseMs: 30_000,
    ...over,
  });

let seq = 0;
async function enqueue(over: Partial<NewMessage> & { payload?: object } = {}): Promise<string> {
  const key = over.dedupeKey ?? `test:${++seq}:${randomBytes(3).toString('hex')}`;
  await db.tx((trx) =>
    enqueueMessage(trx, { dedupeKey: key, kind: 'test', channel: 'email', recipient: 'alice@example.com', payload: { text: 'hi' }, ...over }),
  );
  return (await db.query<{ id: string }>('SELECT id FROM outbox WHERE dedupe_key = $1', [key])).rows[0].id;
}

interface Row {
  status: string;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
  due_later: boolean;
}
const row = async (id: string) =>
  (
    await db.query<Row>(
      `SELECT status, attempts, last_error, sent_at, next_attempt_at > now() + interval '20 seconds' AS due_later FROM outbox WHERE id = $1`,
      [id],
    )
  ).rows[0];
const makeDue = (id: string) => db.query(`UPDATE outbox SET next_attempt_at = now() - interval '1 second' WHERE id = $1`, [id]);
/** What a worker that died mid-send leaves behind: 'sending', lease already run out. */
const crashedWhileSending = (id: string) =>
  db.query(`UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = now() - interval '1 second' WHERE id = $1`, [id]);

describe('enqueue', () => {
  test('one row per dedupe key, however often it is enqueued; rolled back with its transaction', async () => {
    const msg: NewMessage = {
      dedupeKey: 'ticket-paid:42:email',
      kind: 'ticket',
      channel: 'email',
      recipient: 'a@example.com',
      payload: { ticket: 42 },
    };
    assert.equal(await db.tx((trx) => enqueueMessage(trx, msg)), true);
    assert.equal(await db.tx((trx) => enqueueMessage(trx, { ...msg, payload: { ticket: 43 } })), false);
    await assert.rejects(
      db.tx(async (trx) => {
        await enqueueMessage(trx, { ...msg, dedupeKey: 'rolled-back' });
        throw new Error('business rule failed');
      }),
    );
    const { rows } = await db.query<{ dedupe_key: string; payload: { ticket: number } }>(
      `SELECT dedupe_key, payload FROM outbox WHERE dedupe_key IN ('ticket-paid:42:email', 'rolled-back')`,
    );
    assert.deepEqual(rows, [{ dedupe_key: 'ticket-paid:42:email', payload: { ticket: 42 } }]);
    await db.query(`UPDATE outbox SET status = 'sent' WHERE dedupe_key = 'ticket-paid:42:email'`);
  });
});

describe('the request behind a message', () => {
  test('a message queued for a request names it, and the log line of its delivery carries it; a job queues without one', async () => {
    const id = await runForRequest('req-7f3a', () => enqueue({ recipient: 'rid@example.com', payload: { subject: 'Traced', text: 'x' } }));
    const untraced = await enqueue({ recipient: 'none@example.com', payload: { subject: 'Untraced', text: 'x' } });
    const { rows } = await db.query<{ id: string; request_id: string | null }>('SELECT id, request_id FROM outbox WHERE id = ANY($1::uuid[])', [
      [id, untraced],
    ]);
    assert.deepEqual(
      new Map(rows.map((r) => [r.id, r.request_id])),
      new Map([
        [id, 'req-7f3a'],
        [untraced, null],
      ]),
    );
    logs.length = 0;
    await worker().runOnce();
    const line = logs.find((l) => (l.obj as { outboxId?: string }).outboxId === id);
    assert.equal((line?.obj as { requestId?: string } | undefined)?.requestId, 'req-7f3a', JSON.stringify(logs));
  });
});

describe('e-mail over SMTP', () => {
  test('a ticket e-mail with a PDF arrives once, with its subject, recipient, Message-ID and bytes', async () => {
    const id = await enqueue({ recipient: 'bob@example.com', payload: { subject: 'Your tickets: Dune', text: 'Enjoy the show', pdf: true } });
    const w = worker();
    assert.equal(await w.runOnce(), 1);
    assert.equal(await w.runOnce(), 0);
    const r = await row(id);
    assert.equal(r.status, 'sent');
    assert.ok(r.sent_at);
    assert.equal(await smtp.countOf(id), 1);
    const mail = (await smtp.parsed()).find((m) => m.messageId === `<${id}@cinema.local>`)!;
    assert.equal(mail.subject, 'Your tickets: Dune');
    assert.equal(mail.text?.trim(), 'Enjoy the show');
    assert.deepEqual(smtp.received.at(-1)!.rcpt, ['bob@example.com']);
    assert.equal(mail.attachments.length, 1);
    assert.equal(mail.attachments[0].filename, 'ticket.pdf');
    assert.equal(mail.attachments[0].contentType, 'application/pdf');
    assert.ok(mail.attachments[0].content.equals(PDF));
  });

  test('SMTP down: attempts go up and the next try is later; back on the same port: delivered exactly once', async () => {
    await smtp.stop();
    const id = await enqueue({ payload: { subject: 'Refund', text: 'Your refund' } });
    const w = worker();
    assert.equal(await w.runOnce(), 1);
    let r = await row(id);
    assert.equal(r.status, 'pending');
    assert.equal(r.attempts, 1);
    assert.equal(r.due_later, true);
    assert.match(r.last_error ?? '', /ECONNREFUSED|connect/i);
    assert.equal(await w.runOnce(), 0, 'not due yet');

    await makeDue(id);
    assert.equal(await w.runOnce(), 1);
    assert.equal((await row(id)).attempts, 2);

    await smtp.start();
    await makeDue(id);
    assert.equal(await w.runOnce(), 1);
    r = await row(id);
    assert.equal(r.status, 'sent');
    assert.equal(r.attempts, 3);
    assert.equal(await smtp.countOf(id), 1);
  });

  test('a permanent refusal (550 for the recipient) is a dead letter at once; requeued, it goes out', async () => {
    smtp.reject.add('gone@example.com');
    const id = await enqueue({ recipient: 'gone@example.com' });
    const w = worker();
    await w.runOnce();
    const r = await row(id);
    assert.equal(r.status, 'dead');
    assert.equal(r.attempts, 1);
    assert.match(r.last_error ?? '', /550/);
    assert.equal(await smtp.countOf(id), 0);

    smtp.reject.delete('gone@example.com');
    assert.equal(await requeueDead(db, id), true);
    assert.equal(await requeueDead(db, id), false, 'only dead messages are requeued');
    assert.equal(await requeueDead(db, 'not-a-uuid'), false);
    assert.deepEqual([(await row(id)).status, (await row(id)).attempts], ['pending', 0]);
    await w.runOnce();
    assert.equal((await row(id)).status, 'sent');
    assert.equal(await smtp.countOf(id), 1);
    assert.equal(await requeueDead(db, id), false, 'a sent message is never requeued');
  });

  test('transient failures stop at maxAttempts: dead', async () => {
    const nowhere = createSmtpMailer({ url: `smtp://127.0.0.1:${await freePort()}`, from: FROM, connectionTimeoutMs: 1000 });
    const id = await enqueue();
    const w = worker({ mailer: nowhere, maxAttempts: 2 });
    await w.runOnce();
    assert.equal((await row(id)).status, 'pending');
    await makeDue(id);
    await w.runOnce();
    const r = await row(id);
    assert.equal(r.status, 'dead');
    assert.equal(r.attempts, 2);
    assert.match(r.last_error ?? '', /^gave up after 2 attempts/);
  });

  test('two workers (two pools on PostgreSQL) drain 50 messages: each delivered exactly once', async () => {
    const ids = [];
    for (let i = 0; i < 50; i++) ids.push(await enqueue({ kind: 'race', payload: { subject: `race ${i}`, text: `n ${i}` } }));
    const a = worker({ batchSize: 5, concurrency: 3 });
    const b = worker({ db: db2, batchSize: 5, concurrency: 3 });
    const drain = async (w: ReturnType<typeof worker>) => {
      let handled = 0;
      for (let n = await w.runOnce(); n > 0; n = await w.runOnce()) handled += n;
      return handled;
    };
    const [na, nb] = await Promise.all([drain(a), drain(b)]);
    assert.equal(na + nb, 50);
    assert.ok(na > 0 && nb > 0, `both workers took a share (${na} + ${nb})`);
    const parsed = await smtp.parsed();
    for (const id of ids) assert.equal(parsed.filter((m) => m.messageId === `<${id}@cinema.local>`).length, 1, id);
    const { rows } = await db.query<{ status: string; attempts: number; n: number }>(
      `SELECT status, attempts, count(*)::int AS n FROM outbox WHERE kind = 'race' GROUP BY 1, 2`,
    );
    assert.deepEqual(rows, [{ status: 'sent', attempts: 1, n: 50 }]);
  });

  test('crash between send and mark: SMTP is not sent again, the message is dead with outcome unknown', async () => {
    const id = await enqueue();
    await crashedWhileSending(id);
    const before = smtp.received.length;
    const w = worker();
    assert.equal(await w.runOnce(), 1);
    const r = await row(id);
    assert.equal(r.status, 'dead');
    assert.equal(r.last_error, INTERRUPTED);
    assert.equal(r.attempts, 1);
    assert.equal(smtp.received.length, before);
    assert.ok(logs.some((l) => l.level === 'warn' && (l.obj as { outboxId?: string }).outboxId === id));
  });

  test('connection lost after the message was handed over: outcome unknown, dead, not retried', async () => {
    const drop = await droppingSmtpServer();
    try {
      const id = await enqueue();
      await worker({ mailer: createSmtpMailer({ url: `smtp://127.0.0.1:${drop.port}`, from: FROM }) }).runOnce();
      const r = await row(id);
      assert.equal(r.status, 'dead');
      assert.match(r.last_error ?? '', /^outcome unknown: /);
      assert.equal(drop.messages(), 1);
    } finally {
      await drop.close();
    }
  });

  test('a row whose lease has not run out is left alone', async () => {
    const id = await enqueue();
    await db.query(`UPDATE outbox SET status = 'sending', attempts = 1, next_attempt_at = now() + interval '1 minute' WHERE id = $1`, [id]);
    assert.equal(await worker().runOnce(), 0);
    assert.equal((await row(id)).status, 'sending');
    await db.query(`UPDATE outbox SET status = 'sent' WHERE id = $1`, [id]);
  });

  test('a failing render is retried, then sent', async () => {
    const id = await enqueue({ payload: { text: 'x', failRenders: 1 } });
    const w = worker();
    await w.runOnce();
    let r = await row(id);
    assert.equal(r.status, 'pending');
    assert.equal(r.due_later, true);
    assert.match(r.last_error ?? '', /^render: template exploded/);
    await makeDue(id);
    await w.runOnce();
    r = await row(id);
    assert.equal(r.status, 'sent');
    assert.equal(r.attempts, 2);
    assert.equal(await smtp.countOf(id), 1);
  });
});

describe('SMS over HTTP', () => {
  test('sent with Idempotency-Key = message id; a crash after the send re-sends it with the same key', async () => {
    const id = await enqueue({ channel: 'sms', recipient: '+62811111', payload: { text: 'Doors open 19:30' } });
    // the crashed worker: claimed the row, sent it, died before marking it
    await crashedWhileSending(id);
    await httpSms.send({ messageId: id, to: '+62811111', text: 'Doors open 19:30' });
    await worker().runOnce();
    const r = await row(id);
    assert.equal(r.status, 'sent');
    assert.equal(r.attempts, 2);
    const mine = sms.requests.filter((q) => q.key === id);
    assert.equal(mine.length, 2);
    assert.deepEqual(mine[1].body, { to: '+62811111', text: 'Doors open 19:30', message_id: id });
    assert.equal(sms.delivered.get(id), 'Doors open 19:30');
  });

  test('4xx is permanent (dead), 5xx is transient (pending, later)', async () => {
    const bad = await enqueue({ channel: 'sms', recipient: '+620000400', payload: { text: 'x' } });
    const down = await enqueue({ channel: 'sms', recipient: '+620000503', payload: { text: 'y' } });
    await worker().runOnce();
    const b = await row(bad);
    assert.equal(b.status, 'dead');
    assert.match(b.last_error ?? '', /400/);
    const d = await row(down);
    assert.equal(d.status, 'pending');
    assert.equal(d.due_later, true);
    assert.match(d.last_error ?? '', /503/);
    await db.query(`UPDATE outbox SET status = 'dead' WHERE id = $1`, [down]);
  });

  test('the log provider writes one line per message id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sms-'));
    try {
      const file = join(dir, 'sms.jsonl');
      const p = createLogSmsProvider({ file });
      await Promise.all([p.send({ messageId: 'm1', to: '+1', text: 'a' }), p.send({ messageId: 'm1', to: '+1', text: 'a' })]);
      await p.send({ messageId: 'm2', to: '+2', text: 'b' });
      const lines = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepEqual(
        lines.map((l) => l.message_id),
        ['m1', 'm2'],
      );
      assert.equal(p.idempotent, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('local mailbox and /dev/mail', () => {
  test('files .eml + sidecar + attachment once per id; the pages list, show and serve them, escaped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbox-'));
    const app = Fastify();
    try {
      const mailbox = createLocalMailbox({ dir, from: FROM });
      const id = await enqueue({ recipient: 'carol@example.com', payload: { subject: '<b>Tickets</b> & more', text: 'Row F <3', pdf: true } });
      // an interrupted local delivery is re-sent: the mailbox dedupes by id
      await crashedWhileSending(id);
      await worker({ mailer: mailbox }).runOnce();
      assert.equal((await row(id)).status, 'sent');
      await mailbox.send({ messageId: id, to: 'carol@example.com', subject: 'again', text: 'again' });
      assert.deepEqual(readdirSync(dir).sort(), [`${id}.0.att`, `${id}.eml`, `${id}.json`]);
      const eml = await simpleParser(readFileSync(join(dir, `${id}.eml`)));
      assert.equal(eml.subject, '<b>Tickets</b> & more');
      assert.equal(eml.messageId, `<${id}@cinema.local>`);
      assert.ok(eml.attachments[0].content.equals(PDF));

      await app.register(mailboxRoutes, { dir });
      const list = await app.inject({ url: '/dev/mail' });
      assert.equal(list.statusCode, 200);
      assert.match(String(list.headers['content-type']), /text\/html/);
      assert.ok(list.body.includes('&lt;b&gt;Tickets&lt;/b&gt; &amp; more'));
      assert.ok(!list.body.includes('<b>Tickets'));
      assert.ok(list.body.includes(`href="/dev/mail/${id}"`));
      assert.ok(list.body.includes('carol@example.com'));

      const page = await app.inject({ url: `/dev/mail/${id}` });
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('Row F &lt;3'));
      assert.ok(page.body.includes(`/dev/mail/${id}/attachments/0`));
      assert.ok(page.body.includes('ticket.pdf'));

      const pdf = await app.inject({ url: `/dev/mail/${id}/attachments/0` });
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.match(String(pdf.headers['content-disposition']), /attachment; filename="ticket.pdf"/);
      assert.ok(pdf.rawPayload.equals(PDF));

      const raw = await app.inject({ url: `/dev/mail/${id}/raw` });
      assert.equal(raw.statusCode, 200);
      assert.ok(raw.rawPayload.equals(readFileSync(join(dir, `${id}.eml`))));

      assert.equal((await app.inject({ url: `/dev/mail/${id}/attachments/1` })).statusCode, 404);
      assert.equal((await app.inject({ url: '/dev/mail/0b3c1d2e-0000-4000-8000-000000000000' })).statusCode, 404);
      assert.equal((await app.inject({ url: '/dev/mail/..%2F..%2Fetc%2Fpasswd' })).statusCode, 400);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('running', () => {
  test('notify() wakes the worker; a database outage is logged once and the worker carries on', async () => {
    let down = false;
    const guard = () => {
      if (down) throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    };
    const flaky: Db = {
      kind: db.kind,
      query: async (text, params) => (guard(), db.query(text, params)),
      exec: async (text) => (guard(), db.exec(text)),
      tx: async (fn) => (guard(), db.tx(fn)),
      close: async () => {},
    };
    const w = worker({ db: flaky, intervalMs: 25 });
    try {
      down = true;
      const id = await enqueue({ payload: { subject: 'after the outage', text: 'x' } });
      w.notify();
      await new Promise((r) => setTimeout(r, 200));
      const errors = logs.filter((l) => l.level === 'error' && l.msg.startsWith('outbox pass failed'));
      assert.equal(errors.length, 1, 'one log line per outage, not per tick');
      assert.equal((await row(id)).status, 'pending');
      down = false;
      for (let i = 0; i < 100 && (await row(id)).status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal((await row(id)).status, 'sent');
      await w.stop(); // the pass that sent it logs the recovery when it ends
      assert.ok(logs.some((l) => l.msg === 'outbox worker recovered'));
      assert.equal(await smtp.countOf(id), 1);
    } finally {
      await w.stop();
    }

    const quiet = worker();
    const id2 = await enqueue();
    quiet.notify();
    for (let i = 0; i < 100 && (await row(id2)).status !== 'sent'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await row(id2)).status, 'sent');
    await quiet.stop();
  });

  test('the database goes away right after a send: the outcome is kept and written on the next pass', async () => {
    let down = false;
    const guard = () => {
      if (down) throw new Error('connection terminated');
    };
    const flaky: Db = {
      kind: db.kind,
      query: async (text, params) => (guard(), db.query(text, params)),
      exec: async (text) => (guard(), db.exec(text)),
      tx: async (fn) => (guard(), db.tx(fn)),
      close: async () => {},
    };
    const cutAfterSend: Mailer = {
      idempotent: false,
      async send(mail) {
        await smtpMailer.send(mail);
        down = true;
      },
    };
    const w = worker({ db: flaky, mailer: cutAfterSend });
    const id = await enqueue();
    assert.equal(await w.runOnce(), 1);
    assert.equal((await row(id)).status, 'sending', 'not recorded yet');
    await assert.rejects(w.runOnce());
    down = false;
    // even once the lease has run out, the kept outcome is written before anything is claimed
    await makeDue(id);
    assert.equal(await w.runOnce(), 0);
    assert.equal((await row(id)).status, 'sent');
    assert.equal(await smtp.countOf(id), 1);
  });
});
