// E-tickets: GET /tickets/{id} and /me/tickets (owner or admin; anyone else 404), the signed QR,
// the PDF, and a live seat-map viewer seeing the seats turn sold when the payment lands.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { verifyTicket } from '../src/eticket/ticket-signing.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { approve, checkout, heldSeats, listen, newCustomer, webhooksSettled } from './helpers/checkout.ts';
import { liveClient } from './helpers/live-client.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { seatMapOf } from './helpers/screenings.ts';

let t: TestApp;
let base: string;
let admin: string;
let alice: string;
let staff: string;
before(async () => {
  t = await startTestApp({ LIVE_BATCH_MS: '20' });
  base = await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
  staff = await loginAs(t.app, 'staff@cinema.com');
});
after(() => t.close());

async function paidTicket(token = alice, labels = ['D6', 'D7']) {
  const h = await heldSeats(t, admin, token, labels);
  const r = await checkout(t, token, h.hold.id, 'card');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  await approve(t, r.body.data.payment.id);
  await webhooksSettled(t);
  return { ...h, ticketId: r.body.data.ticket.id as string, checkout: r.body.data };
}

const getTicket = (id: string, token: string) => call(t.app, { method: 'GET', url: `/api/v1/tickets/${id}`, token });

describe('reading tickets', () => {
  test('the owner sees the paid ticket: movie, place, local time, seats, amounts, booking code and a QR that verifies', async () => {
    const p = await paidTicket();
    const r = await getTicket(p.ticketId, alice);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const v = r.body.data;
    assert.equal(v.status, 'paid');
    assert.match(v.booking_code, /^[0-9A-HJKMNP-TV-Z]{8}$/);
    assert.equal(typeof v.movie.title, 'string');
    assert.equal(v.theater.time_zone, 'Asia/Jakarta');
    assert.equal(typeof v.hall.name, 'string');
    // the same instant, on the theater's clock (+07:00)
    assert.match(v.screening.local_show_time, /\+07:00$/);
    assert.equal(Date.parse(v.screening.local_show_time), Date.parse(v.screening.show_time));
    assert.deepEqual(
      v.seats.map((s: any) => s.label),
      ['D6', 'D7'],
    );
    assert.ok(v.seats.every((s: any) => s.status === 'sold' && s.price > 0));
    assert.equal(
      v.total_amount,
      v.seats.reduce((a: number, s: any) => a + s.price, 0),
    );
    assert.equal(v.amount_paid, v.total_amount + v.fee_amount);
    assert.equal(v.payment.status, 'captured');
    assert.equal(v.payment_method, 'card');
    assert.equal(v.checked_in_at, null);
    const check = verifyTicket(t.rt.ticketKeys.publicKey, v.qr);
    assert.ok(check.ok);
    assert.equal(check.claims.tid, p.ticketId);
    assert.equal(check.claims.bc, v.booking_code);
    assert.deepEqual(
      check.claims.seats,
      [...p.seatIds].sort((a, b) => a - b),
    );
    // the QR is stable: the same text on every read
    assert.equal((await getTicket(p.ticketId, alice)).body.data.qr, v.qr);
  });

  test('an admin may read it; another customer, staff, or an unknown id get 404 ticket_not_found', async () => {
    const p = await paidTicket(alice, ['E6']);
    assert.equal((await getTicket(p.ticketId, admin)).status, 200);
    const bob = await newCustomer(t, 'bob');
    assertProblem(await getTicket(p.ticketId, bob.token), 404, 'ticket_not_found');
    assertProblem(await getTicket(p.ticketId, staff), 404, 'ticket_not_found');
    assertProblem(await getTicket(randomUUID(), alice), 404, 'ticket_not_found');
    assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/tickets/${p.ticketId}/pdf`, token: bob.token }), 404, 'ticket_not_found');
    assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/tickets/${p.ticketId}` }), 401, 'unauthorized');
  });

  test('an unpaid ticket shows no booking code and no QR, and has no PDF (409 ticket_not_paid)', async () => {
    const h = await heldSeats(t, admin, alice, ['F6']);
    const c = await checkout(t, alice, h.hold.id, 'qris');
    const r = await getTicket(c.body.data.ticket.id, alice);
    assert.equal(r.body.data.status, 'pending_payment');
    assert.equal(r.body.data.booking_code, null);
    assert.equal(r.body.data.qr, null);
    assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/tickets/${c.body.data.ticket.id}/pdf`, token: alice }), 409, 'ticket_not_paid');
  });

  test('GET /me/tickets: only mine, newest first, keyset pages that neither skip nor repeat', async () => {
    const carol = await newCustomer(t, 'carol');
    const mine: string[] = [];
    for (const labels of [['B6'], ['B8'], ['B10']]) mine.unshift((await paidTicket(carol.token, labels)).ticketId);
    await paidTicket(alice, ['C6']); // someone else's
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: any = await call(t.app, { method: 'GET', url: `/api/v1/me/tickets?limit=2${cursor ? `&cursor=${cursor}` : ''}`, token: carol.token });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.ok(r.body.data.length <= 2);
      seen.push(...r.body.data.map((x: any) => x.id));
      cursor = r.body.meta.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, mine);
    const paidOnly = await call(t.app, { method: 'GET', url: '/api/v1/me/tickets?status=refunded', token: carol.token });
    assert.deepEqual(paidOnly.body.data, []);
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/me/tickets?cursor=nonsense', token: carol.token }), 400, 'validation_failed');
  });

  test('GET /tickets/{id}/pdf is a real PDF', async () => {
    const p = await paidTicket(alice, ['G6']);
    const r = await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${p.ticketId}/pdf`, headers: { authorization: `Bearer ${alice}` } });
    assert.equal(r.statusCode, 200);
    assert.equal(r.headers['content-type'], 'application/pdf');
    assert.equal(r.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(r.rawPayload.length > 1_000);
  });
});

describe('live seat map', () => {
  test('a WebSocket viewer sees the seats go held, then sold when the payment lands', async () => {
    const h = await heldSeats(t, admin, alice, ['H6', 'H7']);
    const before = await seatMapOf(t.app, h.screeningId);
    const viewer = liveClient(base, h.screeningId, alice);
    await viewer.ready;
    assert.equal(viewer.map.get(h.seatIds[0]), 'held');
    const r = await checkout(t, alice, h.hold.id, 'ewallet');
    await approve(t, r.body.data.payment.id);
    await webhooksSettled(t);
    await viewer.reach(before.version + 1, 2_000);
    assert.equal(viewer.map.get(h.seatIds[0]), 'sold');
    assert.equal(viewer.map.get(h.seatIds[1]), 'sold');
    viewer.close();
  });
});
