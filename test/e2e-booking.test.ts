// The whole booking, end to end over real HTTP, as a customer, the gateway, the mail and SMS
// providers and the door staff see it: register, watch the seat map live, hold, check out, pay at
// the gateway (its signed webhook comes back over HTTP), ticket paid and seats sold (map and
// WebSocket), the e-ticket by email (a real SMTP conversation, PDF attached, its QR scans back to the
// code the door accepts) and by SMS (an HTTP provider endpoint), then check-in once (200) and twice (409).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { startOutbox } from '../src/jobs/outbox.ts';
import type { OutboxWorker } from '../src/outbox/worker.ts';
import { eventually, listen } from './helpers/checkout.ts';
import { liveClient } from './helpers/live-client.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { DEMO } from '../src/db/seed/demo-ids.ts';

let t: TestApp;
let base: string;
let smtp: SMTPServer;
let smsServer: Server;
let worker: OutboxWorker;
const mails: ParsedMail[] = [];
const smsRequests: { key: string | undefined; body: { to: string; text: string; message_id: string } }[] = [];

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (c) => (s += c));
    req.on('end', () => resolve(s));
  });

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream).then((m) => {
        mails.push(m);
        done();
      }, done);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smsServer = createServer(async (req, res) => {
    smsRequests.push({ key: req.headers['idempotency-key'] as string | undefined, body: JSON.parse(await readBody(req)) });
    res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"queued"}');
  });
  await new Promise<void>((resolve) => smsServer.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const smsPort = (smsServer.address() as AddressInfo).port;
  t = await startTestApp({
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    SMS_URL: `http://127.0.0.1:${smsPort}/messages`,
    CHECKIN_OPENS_MINUTES: '1440',
  });
  base = await listen(t);
  worker = startOutbox(t.rt, { info() {}, warn() {}, error() {} }, 100);
});

after(async () => {
  await worker?.stop();
  await t?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await new Promise<void>((resolve) => smsServer.close(() => resolve()));
});

async function http(method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? ((await res.json()) as any) : await res.text() };
}

test('register -> hold -> checkout -> webhook -> sold -> email + SMS -> check-in once', async () => {
  // the cinema: a show starting in an hour (check-in opens a day ahead here), in the demo's IMAX hall
  const admin = (await http('POST', '/api/v1/login', undefined, { email: 'admin@cinema.com', password: 'password' })).body.data.token;
  const show = new Date(Date.now() + 60 * 60_000 + Math.floor(Math.random() * 30) * 60_000);
  let screening = await http('POST', '/api/v1/screenings', admin, {
    movie_id: DEMO.movies.theBatman,
    theater_id: DEMO.theaters.grandIndonesia,
    hall_id: DEMO.halls.grandIndonesiaImax,
    show_time: show.toISOString(),
    price: 50000,
  });
  if (screening.status === 409) {
    // the demo schedule has that hall busy now: move the demo show out of the way (test database)
    await t.rt.db.query(
      `UPDATE screenings SET status = 'cancelled', is_available = false WHERE hall_id = $1 AND end_time > now() - interval '1 hour' AND show_time < now() + interval '6 hours'`,
      [DEMO.halls.grandIndonesiaImax],
    );
    screening = await http('POST', '/api/v1/screenings', admin, {
      movie_id: DEMO.movies.theBatman,
      theater_id: DEMO.theaters.grandIndonesia,
      hall_id: DEMO.halls.grandIndonesiaImax,
      show_time: show.toISOString(),
      price: 50000,
    });
  }
  assert.equal(screening.status, 201, JSON.stringify(screening.body));
  const screeningId = screening.body.data.id as number;

  // a customer with a phone number
  const email = `e2e-${randomUUID().slice(0, 8)}@example.com`;
  const reg = await http('POST', '/api/v1/auth/register', undefined, {
    email,
    password: 'long enough pw',
    full_name: 'Dewi E2E',
    phone_number: '+6281234567890',
  });
  assert.equal(reg.status, 201, JSON.stringify(reg.body));
  const token = reg.body.data.token as string;

  // a second viewer watches the seat map live
  const viewer = liveClient(base, screeningId, token);
  await viewer.ready;

  const map = await http('GET', `/api/v1/screenings/${screeningId}/seats`);
  const seats = (map.body.data.seats as { id: number; label: string; status: string }[]).filter((s) => ['E7', 'E8'].includes(s.label));
  assert.equal(seats.length, 2);
  const seatIds = seats.map((s) => s.id);

  const hold = await http('POST', `/api/v1/screenings/${screeningId}/holds`, token, { seat_ids: seatIds });
  assert.equal(hold.status, 201, JSON.stringify(hold.body));

  const co = await http(
    'POST',
    `/api/v1/holds/${hold.body.data.id}/checkout`,
    token,
    { payment_method: 'ewallet' },
    { 'idempotency-key': randomUUID() },
  );
  assert.equal(co.status, 201, JSON.stringify(co.body));
  const ticketId = co.body.data.ticket.id as string;
  const payment = co.body.data.payment as { id: string; status: string; next_action: { type: string; url: string } };
  assert.equal(payment.status, 'pending');
  assert.equal(payment.next_action.type, 'redirect');
  assert.equal(co.body.data.ticket.status, 'pending_payment');

  // the customer pays on the gateway's page (its Approve button posts the form)
  const page = await fetch(`${base}/_gateway/payments/${payment.id}`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Approve/);
  const approved = await http('POST', `/_gateway/payments/${payment.id}/approve`);
  assert.equal(approved.status, 200, JSON.stringify(approved.body));

  // the signed webhook reaches the API over HTTP; the ticket is paid
  const ticket = await eventually(
    async () => {
      const r = await http('GET', `/api/v1/tickets/${ticketId}`, token);
      return r.body.data?.status === 'paid' ? r.body.data : undefined;
    },
    10_000,
    'the ticket to be paid',
  );
  assert.equal(typeof ticket.qr, 'string');
  const bookingCode = ticket.booking_code as string;

  // seats sold on the map, and on the live viewer's map
  const after = await http('GET', `/api/v1/screenings/${screeningId}/seats`);
  const afterSeats = after.body.data.seats as { id: number; status: string }[];
  for (const id of seatIds) assert.equal(afterSeats.find((s) => s.id === id)?.status, 'sold');
  await viewer.reach(after.body.data.version, 5_000);
  for (const id of seatIds) assert.equal(viewer.map.get(id), 'sold');
  viewer.close();

  // the e-ticket by email, once, over a real SMTP conversation, with the PDF
  const mail = (await eventually(
    async () => mails.find((m) => m.to && JSON.stringify(m.to).includes(email)),
    15_000,
    'the e-ticket email',
  )) as ParsedMail;
  assert.match(mail.subject ?? '', /e-ticket/i);
  assert.ok((mail.text ?? '').includes(bookingCode.slice(0, 4)), 'the mail names the booking code');
  const pdf = mail.attachments.find((a) => a.contentType === 'application/pdf');
  assert.ok(pdf, 'a PDF is attached');
  assert.equal(pdf.content.subarray(0, 5).toString(), '%PDF-');
  // the PDF served by the API is the same document as the one mailed
  const served = await fetch(`${base}/api/v1/tickets/${ticketId}/pdf`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(served.status, 200);
  assert.equal(served.headers.get('content-type'), 'application/pdf');
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), pdf.content);

  // and by SMS through the provider's HTTP endpoint, keyed by the message id
  const sms = (await eventually(
    async () => smsRequests.find((r) => r.body.to === '+6281234567890'),
    15_000,
    'the SMS',
  )) as (typeof smsRequests)[number];
  assert.ok(sms.body.text.includes(bookingCode.slice(0, 4)));
  assert.equal(sms.key, sms.body.message_id);

  // nothing is sent twice, even after more worker passes
  await worker.runOnce();
  assert.equal(mails.filter((m) => JSON.stringify(m.to).includes(email)).length, 1);
  assert.equal(smsRequests.filter((r) => r.body.to === '+6281234567890').length, 1);

  // the door: staff scan the QR code: admitted once, the second scan is refused with the first time
  const staff = (await http('POST', '/api/v1/login', undefined, { email: 'staff@cinema.com', password: 'password' })).body.data.token;
  const first = await http('POST', '/api/v1/checkin', staff, { code: ticket.qr });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const second = await http('POST', '/api/v1/checkin', staff, { code: ticket.qr });
  assert.equal(second.status, 409, JSON.stringify(second.body));
  assert.equal(second.body.code, 'already_checked_in');
  assert.ok(second.body.checked_in_at ?? second.body.details?.checked_in_at, JSON.stringify(second.body));
  // an altered code is refused as forged
  const forged = await http('POST', '/api/v1/checkin', staff, { code: `${ticket.qr.slice(0, -3)}${ticket.qr.slice(-3) === 'AAA' ? 'BBB' : 'AAA'}` });
  assert.equal(forged.status, 400);
  assert.equal(forged.body.code, 'invalid_ticket_code');
});
