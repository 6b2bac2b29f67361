// Ending a checkout: the hook the hold-release path calls (abandonCheckout + cancelPendingTicket),
// and the reconciler closing tickets whose hold ended with no payment in flight.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runOnce } from '../src/jobs/payment-reconciler.ts';
import { abandonCheckout, cancelPendingTicket } from '../src/modules/checkout/cancel-checkout.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import {
  approve,
  checkout,
  decline,
  expireHold,
  heldSeats,
  listen,
  paymentsOf,
  setFaults,
  ticketState,
  webhooksSettled,
} from './helpers/checkout.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp;
let admin: string;
let alice: string;
before(async () => {
  t = await startTestApp({ RECONCILE_AFTER_SECONDS: '0' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
});
after(() => t.close());

test('releasing a hold in checkout: the gateway payment is cancelled, the ticket too', async () => {
  const h = await heldSeats(t, admin, alice, ['D6']);
  const c = await checkout(t, alice, h.hold.id, 'card');
  await abandonCheckout(t.rt, h.hold.id);
  const cancelled = await t.rt.db.tx((trx) => cancelPendingTicket(trx, h.hold.id));
  assert.equal(cancelled, c.body.data.ticket.id);
  assert.equal((await ticketState(t, cancelled!)).status, 'cancelled');
  assert.deepEqual(
    (await paymentsOf(t, cancelled!)).map((p) => p.status),
    ['cancelled'],
  );
  assert.equal(t.rt.simulator!.inspect(c.body.data.payment.id)?.status, 'cancelled');
  await webhooksSettled(t);
  assert.deepEqual(
    (await paymentsOf(t, cancelled!)).map((p) => p.status),
    ['cancelled'],
    'the cancel webhook changes nothing more',
  );
});

test('a capture that reaches us after the ticket was cancelled is refunded in full, never sold', async () => {
  const h = await heldSeats(t, admin, alice, ['E6']);
  const c = await checkout(t, alice, h.hold.id, 'ewallet');
  // the gateway never heard of the cancel (it happened only on our side)
  await t.rt.db.tx((trx) => cancelPendingTicket(trx, h.hold.id));
  await approve(t, c.body.data.payment.id);
  await webhooksSettled(t);
  const ticketId = c.body.data.ticket.id as string;
  for (let i = 0; i < 100 && (await paymentsOf(t, ticketId))[0].status !== 'refunded'; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal((await ticketState(t, ticketId)).status, 'cancelled');
  assert.equal((await paymentsOf(t, ticketId))[0].status, 'refunded');
  const { rows } = await t.rt.db.query<{ reason: string; status: string }>('SELECT reason, status FROM refunds WHERE ticket_id = $1', [ticketId]);
  assert.deepEqual(rows, [{ reason: 'ticket_cancelled', status: 'succeeded' }]);
});

describe('released while the gateway could not be reached: the payment stays pending until the gateway says what became of it', () => {
  async function releasedWhileGatewayDown(seat: string) {
    const h = await heldSeats(t, admin, alice, [seat]);
    const c = await checkout(t, alice, h.hold.id, 'bank_transfer');
    assert.equal(c.status, 201, JSON.stringify(c.body));
    await setFaults(t, { payments: 'error' });
    try {
      const del = await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${h.hold.id}`, token: alice });
      assert.equal(del.status, 200, JSON.stringify(del.body));
    } finally {
      await setFaults(t, { payments: 'ok' });
    }
    const ticketId = c.body.data.ticket.id as string;
    assert.equal((await ticketState(t, ticketId)).status, 'cancelled');
    assert.deepEqual(
      (await paymentsOf(t, ticketId)).map((p) => p.status),
      ['pending'],
      'the gateway may still take the money: not marked cancelled',
    );
    return { ticketId, gatewayId: c.body.data.payment.id as string };
  }

  test('the reconciler cancels it at the gateway', async () => {
    const { ticketId, gatewayId } = await releasedWhileGatewayDown('H6');
    await runOnce(t.rt);
    assert.equal(t.rt.simulator!.inspect(gatewayId)?.status, 'cancelled');
    assert.deepEqual(
      (await paymentsOf(t, ticketId)).map((p) => p.status),
      ['cancelled'],
    );
  });

  test('paid at the gateway meanwhile, its webhook lost: the reconciler refunds it in full', async () => {
    const { ticketId, gatewayId } = await releasedWhileGatewayDown('H8');
    await setFaults(t, { webhooks: 'drop' });
    try {
      await approve(t, gatewayId); // the customer transfers to the account number they were given
      await webhooksSettled(t);
    } finally {
      await setFaults(t, { webhooks: 'ok' });
    }
    await runOnce(t.rt);
    for (let i = 0; i < 100 && (await paymentsOf(t, ticketId))[0].status !== 'refunded'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await paymentsOf(t, ticketId))[0].status, 'refunded');
    assert.equal((await ticketState(t, ticketId)).status, 'cancelled');
    const { rows } = await t.rt.db.query<{ reason: string; status: string }>('SELECT reason, status FROM refunds WHERE ticket_id = $1', [ticketId]);
    assert.deepEqual(rows, [{ reason: 'ticket_cancelled', status: 'succeeded' }]);
  });
});

test('a hold that ran out after a declined payment: the reconciler closes its ticket as expired', async () => {
  const h = await heldSeats(t, admin, alice, ['F6']);
  const c = await checkout(t, alice, h.hold.id, 'card');
  await decline(t, c.body.data.payment.id);
  await webhooksSettled(t);
  assert.equal((await ticketState(t, c.body.data.ticket.id)).status, 'pending_payment');
  await expireHold(t, h.hold.id);
  const out = await runOnce(t.rt);
  assert.ok(out.expiredTickets.includes(c.body.data.ticket.id));
  assert.equal((await ticketState(t, c.body.data.ticket.id)).status, 'expired');
  const { rows } = await t.rt.db.query<{ status: string }>('SELECT status FROM ticket_seats WHERE ticket_id = $1', [c.body.data.ticket.id]);
  assert.deepEqual(
    rows.map((r) => r.status),
    ['void'],
  );
});

test('a hold in checkout is not replaced by a new hold of its customer (409 hold_in_checkout), unless it ran out', async () => {
  const h = await heldSeats(t, admin, alice, ['G6']);
  const c = await checkout(t, alice, h.hold.id, 'card');
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const again = () =>
    call(t.app, { method: 'POST', url: `/api/v1/screenings/${h.screeningId}/holds`, token: alice, payload: { seat_ids: [h.map.id('G8')] } });
  assertProblem(await again(), 409, 'hold_in_checkout');
  const { rows } = await t.rt.db.query<{ id: string; status: string }>(`SELECT id, status FROM holds WHERE screening_id = $1 ORDER BY created_at`, [
    h.screeningId,
  ]);
  assert.deepEqual(rows, [{ id: h.hold.id, status: 'active' }], 'the hold being paid stays, and nothing else was written');
  const seats = await t.rt.db.query<{ seat_id: number; status: string }>(
    `SELECT seat_id, status FROM screening_seats WHERE screening_id = $1 AND seat_id = ANY($2::int[]) ORDER BY seat_id`,
    [h.screeningId, [h.map.id('G6'), h.map.id('G8')]],
  );
  assert.deepEqual(
    seats.rows.map((r) => r.status),
    ['held', 'available'],
  );

  // past its time, the hold in checkout no longer blocks: the new hold replaces it
  await expireHold(t, h.hold.id);
  const replaced = await again();
  assert.equal(replaced.status, 201, JSON.stringify(replaced.body));
  assert.deepEqual(replaced.body.data.replaced_hold_ids, [h.hold.id]);
});

test('a hold whose payment was declined is no longer in checkout: a new hold of its customer replaces it', async () => {
  const h = await heldSeats(t, admin, alice, ['C6']);
  const c = await checkout(t, alice, h.hold.id, 'ewallet');
  assert.equal(c.status, 201, JSON.stringify(c.body));
  await decline(t, c.body.data.payment.id);
  await webhooksSettled(t);
  assert.deepEqual(
    (await paymentsOf(t, c.body.data.ticket.id)).map((p) => p.status),
    ['failed'],
  );
  const next = await call(t.app, {
    method: 'POST',
    url: `/api/v1/screenings/${h.screeningId}/holds`,
    token: alice,
    payload: { seat_ids: [h.map.id('C8')] },
  });
  assert.equal(next.status, 201, JSON.stringify(next.body));
  assert.deepEqual(next.body.data.replaced_hold_ids, [h.hold.id]);
  // the ticket left behind has no hold and no payment in flight: the reconciler closes it
  await runOnce(t.rt);
  assert.equal((await ticketState(t, c.body.data.ticket.id)).status, 'expired');
});

test('a deleted screening sells nothing: no checkout of a hold made before, and a payment already under way is refunded', async () => {
  const before = await heldSeats(t, admin, alice, ['D4']);
  const underWay = await checkout(t, alice, before.hold.id, 'ewallet');
  assert.equal(underWay.status, 201, JSON.stringify(underWay.body));
  const del = await call(t.app, { method: 'DELETE', url: `/api/v1/screenings/${before.screeningId}`, token: admin });
  assert.equal(del.status, 200, JSON.stringify(del.body));
  // the customer pays at the gateway after the delete: refunded, never sold
  await approve(t, underWay.body.data.payment.id);
  await webhooksSettled(t);
  const ticketId = underWay.body.data.ticket.id as string;
  for (let i = 0; i < 100 && (await paymentsOf(t, ticketId))[0].status !== 'refunded'; i++) await new Promise((r) => setTimeout(r, 20));
  assert.notEqual((await ticketState(t, ticketId)).status, 'paid');
  assert.equal((await paymentsOf(t, ticketId))[0].status, 'refunded');
  // and the delete still stands: nothing was sold under it
  const { rows } = await t.rt.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM screening_seats WHERE screening_id = $1 AND status = 'sold'`, [
    before.screeningId,
  ]);
  assert.equal(rows[0]?.n, 0);

  const other = await heldSeats(t, admin, alice, ['D6']);
  await call(t.app, { method: 'DELETE', url: `/api/v1/screenings/${other.screeningId}`, token: admin });
  assertProblem(await checkout(t, alice, other.hold.id, 'card'), 409, 'screening_not_on_sale');
});
