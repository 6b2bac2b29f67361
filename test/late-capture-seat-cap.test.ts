// A payment captured after its hold ended still buys its seats when they are free
// (checkout/confirm-payment.ts), but never past MAX_SEATS_PER_CUSTOMER_PER_SCREENING: the customer
// may have bought other seats of the screening meanwhile (the ended hold no longer counted when they
// held them), and a hold or a checkout would have refused the excess. Such a payment is refunded
// in full instead, like a late payment whose seats are gone.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { approve, checkout, expireHold, heldSeats, listen, newCustomer, webhooksSettled } from './helpers/checkout.ts';
import { call, loginAs } from './helpers/http.ts';
import { assertMoneyInvariant } from './helpers/refunds.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { seatMapOf } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
before(async () => {
  t = await startTestApp({ MAX_SEATS_PER_CUSTOMER_PER_SCREENING: '6' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
});
after(() => t.close());

/** Waits until the ticket's refund has left 'processing' (it goes to the gateway after the capture's commit). */
async function refundSettled(ticketId: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await t.rt.db.query<{ status: string }>('SELECT status FROM refunds WHERE ticket_id = $1', [ticketId]);
    if (rows.length > 0 && rows.every((r) => r.status !== 'processing')) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function soldTo(userId: number, screeningId: number): Promise<number> {
  const { rows } = await t.rt.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM tickets tk JOIN ticket_seats ts ON ts.ticket_id = tk.id
      WHERE tk.user_id = $1 AND tk.screening_id = $2 AND ts.status = 'sold'`,
    [userId, screeningId],
  );
  return rows[0].n;
}

/**
 * A customer's checkout whose hold ended unpaid (`late`), then a second hold of other seats of the
 * same screening (the ended hold no longer counts) checked out: both payments still pending.
 */
async function lateAndOnTime(name: string, lateSeats: string[], onTimeSeats: string[]) {
  const c = await newCustomer(t, name);
  const first = await heldSeats(t, admin, c.token, lateSeats);
  const late = await checkout(t, c.token, first.hold.id);
  assert.equal(late.status, 201, JSON.stringify(late.body));
  await expireHold(t, first.hold.id);
  const m = await seatMapOf(t.app, first.screeningId);
  const second = await call(t.app, {
    method: 'POST',
    url: `/api/v1/screenings/${first.screeningId}/holds`,
    token: c.token,
    payload: { seat_ids: onTimeSeats.map(m.id) },
  });
  assert.equal(second.status, 201, JSON.stringify(second.body));
  const onTime = await checkout(t, c.token, second.body.data.id);
  assert.equal(onTime.status, 201, JSON.stringify(onTime.body));
  return { c, screeningId: first.screeningId, co1: late, co2: onTime };
}

test('a late capture that would take the customer past the per-screening cap is refunded, not sold', async () => {
  // four seats checked out but not paid before the hold ended; four others held and checked out
  const { c, screeningId, co1, co2 } = await lateAndOnTime('late-cap', ['F6', 'F7', 'F8', 'F9'], ['H6', 'H7', 'H8', 'H9']);
  await approve(t, co2.body.data.payment.id);
  await webhooksSettled(t);
  assert.equal(await soldTo(c.id, screeningId), 4);

  // now the first payment lands: its seats are still free, but 4 + 4 is over the cap of 6
  await approve(t, co1.body.data.payment.id);
  await webhooksSettled(t);
  await refundSettled(co1.body.data.ticket.id);
  assert.equal(await soldTo(c.id, screeningId), 4, 'no more than the cap');
  const { rows } = await t.rt.db.query<{ status: string; refund: string | null; reason: string | null }>(
    `SELECT tk.status, r.status AS refund, r.reason FROM tickets tk LEFT JOIN refunds r ON r.ticket_id = tk.id WHERE tk.id = $1`,
    [co1.body.data.ticket.id],
  );
  assert.deepEqual(rows, [{ status: 'expired', refund: 'succeeded', reason: 'seat_limit' }], 'the late payment is refunded in full');
  const after = await seatMapOf(t.app, screeningId);
  assert.deepEqual(['F6', 'F7', 'F8', 'F9'].map(after.status), ['available', 'available', 'available', 'available']);
  await assertMoneyInvariant(t.rt.db, t.rt.simulator!.ledger());
});

test('a late capture that would pass the cap with a live hold of the customer is the one refunded: the on-time payment gets its seats', async () => {
  // the second hold checked out and not yet paid: on time
  const { c, screeningId, co1, co2 } = await lateAndOnTime('late-cap-2', ['B6', 'B7', 'B8', 'B9'], ['D6', 'D7', 'D8', 'D9']);

  // the late payment lands first: with the live hold's four, four more would pass the cap of 6
  await approve(t, co1.body.data.payment.id);
  await webhooksSettled(t);
  // then the on-time one
  await approve(t, co2.body.data.payment.id);
  await webhooksSettled(t);
  const { rows } = await t.rt.db.query<{ id: string; status: string; reason: string | null }>(
    `SELECT tk.id, tk.status, r.reason FROM tickets tk LEFT JOIN refunds r ON r.ticket_id = tk.id WHERE tk.id = ANY($1::uuid[])`,
    [[co1.body.data.ticket.id, co2.body.data.ticket.id]],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  assert.deepEqual(
    byId.get(co2.body.data.ticket.id),
    { id: co2.body.data.ticket.id, status: 'paid', reason: null },
    'the on-time payment buys its seats',
  );
  assert.deepEqual(
    byId.get(co1.body.data.ticket.id),
    { id: co1.body.data.ticket.id, status: 'expired', reason: 'seat_limit' },
    'the late one is refunded',
  );
  assert.equal(await soldTo(c.id, screeningId), 4);
  await assertMoneyInvariant(t.rt.db, t.rt.simulator!.ledger());
});
