// Check-in at the door: the signed QR (or a typed booking code) admits once; again is 409 with the
// first admission's time; forged or altered codes are 400; refunded, unpaid, other-day, too-early and
// ended screenings are refused with their own codes; only staff and admins may admit.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { signTicket } from '../src/eticket/ticket-signing.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { approve, checkout, heldSeats, listen, setFaults, webhooksSettled } from './helpers/checkout.ts';
import { refund } from './helpers/refunds.ts';
import { runOnce } from '../src/jobs/payment-reconciler.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp;
let admin: string;
let alice: string;
let staff: string;
before(async () => {
  t = await startTestApp({ CHECKIN_OPENS_MINUTES: '180', GATEWAY_TIMEOUT_MS: '400', RECONCILE_AFTER_SECONDS: '0' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
  staff = await loginAs(t.app, 'staff@cinema.com');
});
after(() => t.close());

/** A paid ticket whose screening is moved to start `startInMinutes` from now (lasting two hours). */
async function paidTicket(labels: string[], startInMinutes: number | null = 30) {
  const h = await heldSeats(t, admin, alice, labels);
  const r = await checkout(t, alice, h.hold.id, 'card');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await approve(t, r.body.data.payment.id);
  await webhooksSettled(t);
  const ticketId = r.body.data.ticket.id as string;
  if (startInMinutes !== null) {
    await t.rt.db.query(
      `UPDATE screenings SET show_time = now() + make_interval(mins => $2), end_time = now() + make_interval(mins => $2 + 120) WHERE id = $1`,
      [h.screeningId, startInMinutes],
    );
  }
  const v = await call(t.app, { method: 'GET', url: `/api/v1/tickets/${ticketId}`, token: alice });
  assert.equal(v.body.data.status, 'paid');
  return { ticketId, qr: v.body.data.qr as string, bookingCode: v.body.data.booking_code as string, screeningId: h.screeningId };
}

const checkIn = (code: string, token = staff) => call(t.app, { method: 'POST', url: '/api/v1/checkin', token, payload: { code } });

/** Minutes since midnight on the theaters' clock (Asia/Jakarta), to keep "same day" scenarios on one day. */
function jakartaMinutes(): number {
  const [h, m] = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Jakarta', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    .format(new Date())
    .split(':')
    .map(Number);
  return h * 60 + m;
}

describe('admission', () => {
  test('the QR admits once with the seats; the second scan is 409 already_checked_in with the first time', async () => {
    const p = await paidTicket(['D6', 'D7']);
    const r = await checkIn(p.qr);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.ticket_id, p.ticketId);
    assert.equal(r.body.data.booking_code, p.bookingCode);
    assert.deepEqual(
      r.body.data.seats.map((s: any) => s.label),
      ['D6', 'D7'],
    );
    assert.equal(typeof r.body.data.movie.title, 'string');
    assert.equal(typeof r.body.data.hall.name, 'string');
    assert.match(r.body.data.local_show_time, /\+07:00$/);
    const again = await checkIn(p.qr, admin);
    assertProblem(again, 409, 'already_checked_in');
    assert.equal(again.body.checked_in_at, r.body.data.checked_in_at);
    const { rows } = await t.rt.db.query<{ action: string; actor_id: number }>(
      `SELECT action, actor_id FROM audit_log WHERE entity = 'ticket' AND entity_id = $1`,
      [p.ticketId],
    );
    assert.deepEqual(rows, [{ action: 'ticket.check_in', actor_id: 2 }]);
    const v = await call(t.app, { method: 'GET', url: `/api/v1/tickets/${p.ticketId}`, token: alice });
    assert.equal(v.body.data.checked_in_at, r.body.data.checked_in_at);
  });

  test('a booking code typed by staff admits too (case, dashes and look-alikes do not matter)', async () => {
    const p = await paidTicket(['E6']);
    const typed = `${p.bookingCode.slice(0, 4)}-${p.bookingCode.slice(4)}`.toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l');
    const r = await checkIn(typed);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.ticket_id, p.ticketId);
    assertProblem(await checkIn('ZZZZ-ZZZZ'), 404, 'ticket_not_found');
  });

  test('a booking code that begins with CT (1 in 1,024 do) admits when typed; a signed code is still told apart', async () => {
    // CI once drew such a code: it was taken for a signed QR code and refused as forged
    const p = await paidTicket(['E7']);
    await t.rt.db.query(`UPDATE tickets SET booking_code = 'CT' || substr(booking_code, 3) WHERE id = $1`, [p.ticketId]);
    const { rows } = await t.rt.db.query<{ booking_code: string }>('SELECT booking_code FROM tickets WHERE id = $1', [p.ticketId]);
    // as stored and printed (upper case): the form that read as a signed code
    const r = await checkIn(rows[0].booking_code);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.ticket_id, p.ticketId);
    assertProblem(await checkIn('CT1.not-a-ticket'), 400, 'invalid_ticket_code');
  });

  test('two scanners at once: exactly one admits', async () => {
    const p = await paidTicket(['F6']);
    const results = await Promise.all([checkIn(p.qr), checkIn(p.qr, admin), checkIn(p.qr)]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409]);
  });

  test('customers may not check tickets in', async () => {
    const p = await paidTicket(['F8']);
    assertProblem(await checkIn(p.qr, alice), 403, 'forbidden');
  });
});

describe('look-up and the count at the door', () => {
  const lookUp = (code: string, token = staff) => call(t.app, { method: 'POST', url: '/api/v1/checkin/lookup', token, payload: { code } });
  const count = (id: number, token = staff) => call(t.app, { method: 'GET', url: `/api/v1/checkin/screenings/${id}`, token });

  test('a look-up shows the ticket and what a scan would answer, and admits nothing', async () => {
    const p = await paidTicket(['G6', 'G7']);
    const before = await count(p.screeningId);
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const seen = await lookUp(p.qr);
    assert.equal(seen.status, 200, JSON.stringify(seen.body));
    assert.equal(seen.body.data.ticket_id, p.ticketId);
    assert.equal(seen.body.data.screening_id, p.screeningId);
    assert.deepEqual(
      seen.body.data.seats.map((s: { label: string }) => s.label),
      ['G6', 'G7'],
    );
    assert.equal(seen.body.data.checked_in_at, null);
    assert.equal(seen.body.data.refusal, null, 'a scan would admit it');
    assert.deepEqual((await count(p.screeningId)).body.data, before.body.data, 'looking admitted nobody');
    const { rows } = await t.rt.db.query('SELECT checked_in_at FROM tickets WHERE id = $1', [p.ticketId]);
    assert.equal(rows[0].checked_in_at, null);

    const admitted = await checkIn(p.bookingCode);
    assert.equal(admitted.status, 200);
    const after = (await count(p.screeningId)).body.data;
    assert.deepEqual([after.admitted - before.body.data.admitted, after.admitted_seats - before.body.data.admitted_seats], [1, 2]);
    const again = await lookUp(p.bookingCode);
    assert.equal(again.body.data.checked_in_at, admitted.body.data.checked_in_at);
    assert.equal(again.body.data.refusal.code, 'already_checked_in');
    assert.equal(again.body.data.refusal.details.checked_in_at, admitted.body.data.checked_in_at);
  });

  test('a forged code is 400, an unknown booking code 404, an unknown screening 404; customers are refused', async () => {
    assertProblem(await lookUp('CTnot-a-ticket'), 400, 'invalid_ticket_code');
    assertProblem(await lookUp('ZZZZ-ZZZZ'), 404, 'ticket_not_found');
    assertProblem(await count(2_000_000_000), 404, 'screening_not_found');
    const p = await paidTicket(['G9']);
    assertProblem(await lookUp(p.qr, alice), 403, 'forbidden');
    assertProblem(await count(p.screeningId, alice), 403, 'forbidden');
  });
});

describe('refusals', () => {
  test('forged or altered codes are 400 invalid_ticket_code', async () => {
    const p = await paidTicket(['G6']);
    const parts = p.qr.split('.');
    // change one character of the claims (another seat, another ticket): the signature no longer holds
    const claims = Buffer.from(parts[2], 'base64url')
      .toString('utf8')
      .replace(/"seats":\[(\d+)/, (_m, d) => `"seats":[${Number(d) + 1}`);
    const altered = [parts[0], parts[1], Buffer.from(claims).toString('base64url'), parts[3]].join('.');
    assertProblem(await checkIn(altered), 400, 'invalid_ticket_code');
    // signed with someone else's key
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = signTicket(privateKey, {
      tid: p.ticketId,
      bc: p.bookingCode,
      sid: p.screeningId,
      seats: [1],
      st: new Date().toISOString(),
      iat: 1,
    });
    assertProblem(await checkIn(forged), 400, 'invalid_ticket_code');
    assertProblem(await checkIn('hello there'), 400, 'invalid_ticket_code');
    // another signature ending (whatever the real one ends with: 'AA' is a valid ending 1 time in 256)
    const tail = p.qr.slice(-2) === 'AA' ? 'BA' : 'AA';
    assertProblem(await checkIn(`${p.qr.slice(0, -2)}${tail}`), 400, 'invalid_ticket_code');
    // none of that admitted anyone
    assert.equal((await checkIn(p.qr)).status, 200);
  });

  test('a refunded ticket is 409 ticket_refunded; a cancelled screening 409 screening_cancelled', async () => {
    const a = await paidTicket(['H6']);
    await t.rt.db.query(`UPDATE tickets SET status = 'refunded' WHERE id = $1`, [a.ticketId]);
    assertProblem(await checkIn(a.qr), 409, 'ticket_refunded');
    const b = await paidTicket(['H8']);
    await t.rt.db.query(`UPDATE screenings SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [b.screeningId]);
    assertProblem(await checkIn(b.qr), 409, 'screening_cancelled');
  });

  test('a refund on its way (gateway timed out): 409 refund_in_progress at the door, then ticket_refunded once it lands', async () => {
    const p = await paidTicket(['F9'], 150);
    await setFaults(t, { refunds: 'timeout' });
    let asked: Awaited<ReturnType<typeof refund>>;
    try {
      asked = await refund(t, alice, p.ticketId);
    } finally {
      await setFaults(t, { refunds: 'ok' });
    }
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    assertProblem(await checkIn(p.qr), 409, 'refund_in_progress');
    const seen = await call(t.app, { method: 'POST', url: '/api/v1/checkin/lookup', token: staff, payload: { code: p.qr } });
    assert.equal(seen.body.data.refusal?.code, 'refund_in_progress');
    const { rows } = await t.rt.db.query('SELECT checked_in_at FROM tickets WHERE id = $1', [p.ticketId]);
    assert.equal(rows[0].checked_in_at, null, 'nobody admitted on a ticket whose seats go back on sale');
    await runOnce(t.rt);
    await webhooksSettled(t);
    assertProblem(await checkIn(p.qr), 409, 'ticket_refunded');
  });

  test('a midnight show: its doors open the day before, and a look-up says what the scan does (admit)', async () => {
    const p = await paidTicket(['I8'], null);
    // the theater's clock put at 22:xx (a whole-hour zone, Etc/GMT-N is UTC+N), the show 10 minutes
    // after its midnight: tomorrow there, inside the doors' 180 minutes
    const now = new Date();
    const offset = ((22 - now.getUTCHours() + 36) % 24) - 12; // -12 .. +11
    const zone = offset >= 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
    const toMidnight = 120 - now.getUTCMinutes(); // 61 .. 120 minutes
    const { rows } = await t.rt.db.query<{ theater_id: number; time_zone: string }>(
      `SELECT s.theater_id, th.time_zone FROM screenings s JOIN theaters th ON th.id = s.theater_id WHERE s.id = $1`,
      [p.screeningId],
    );
    await t.rt.db.query(
      `UPDATE screenings SET show_time = now() + make_interval(mins => $2), end_time = now() + make_interval(mins => $2 + 120) WHERE id = $1`,
      [p.screeningId, toMidnight + 10],
    );
    await t.rt.db.query('UPDATE theaters SET time_zone = $2 WHERE id = $1', [rows[0].theater_id, zone]);
    try {
      const seen = await call(t.app, { method: 'POST', url: '/api/v1/checkin/lookup', token: staff, payload: { code: p.qr } });
      assert.equal(seen.status, 200, JSON.stringify(seen.body));
      assert.equal(seen.body.data.refusal, null, `the look-up would refuse: ${JSON.stringify(seen.body.data.refusal)}`);
      const r = await checkIn(p.qr);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    } finally {
      await t.rt.db.query('UPDATE theaters SET time_zone = $2 WHERE id = $1', [rows[0].theater_id, rows[0].time_zone]);
    }
  });

  test('a ticket for another day is 409 wrong_day', async () => {
    const p = await paidTicket(['I6'], null); // the screening is months ahead
    const r = await checkIn(p.qr);
    assertProblem(r, 409, 'wrong_day');
    assert.equal(typeof r.body.show_time, 'string');
  });

  test('same day but before the doors open: 409 too_early with opens_at; after the end: 409 screening_ended', async (ctx) => {
    const now = jakartaMinutes();
    if (now > 24 * 60 - 200 || now < 150) {
      ctx.skip('too close to midnight in Jakarta for a same-day scenario');
      return;
    }
    const early = await paidTicket(['C6'], 190); // doors open 180 minutes before
    const r = await checkIn(early.qr);
    assertProblem(r, 409, 'too_early');
    assert.ok(Date.parse(r.body.opens_at) > Date.now());
    const ended = await paidTicket(['C8'], -140); // started 140 minutes ago, lasted 120
    assertProblem(await checkIn(ended.qr), 409, 'screening_ended');
  });
});
