// A deployment in another currency than IDR (CURRENCY) charges in it: screenings carry it, and the
// hold, ticket, payment and the gateway's payment copy it down the line. The hold was written with
// the column's default (IDR) while its answer said CURRENCY, so a USD cinema charged its customers
// IDR amounts.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkout, heldSeats, listen, paymentsOf } from './helpers/checkout.ts';
import { loginAs } from './helpers/http.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp;
let admin: string;
let alice: string;
before(async () => {
  t = await startTestApp({ CURRENCY: 'USD', PAYMENT_METHODS: 'card' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
});
after(() => t.close());

test('CURRENCY=USD: the screening, the hold, the ticket, the payment and the gateway all say USD', async () => {
  const { hold, screeningId } = await heldSeats(t, admin, alice);
  const currencyOf = async (table: string, id: unknown) =>
    String((await t.rt.db.query(`SELECT currency FROM ${table} WHERE id = $1`, [id])).rows[0]?.currency).trim();
  assert.equal(await currencyOf('screenings', screeningId), 'USD');
  assert.equal(await currencyOf('holds', hold.id), 'USD');
  const r = await checkout(t, alice, hold.id, 'card');
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const ticketId = r.body.data.ticket.id;
  assert.equal(await currencyOf('tickets', ticketId), 'USD');
  const [payment] = await paymentsOf(t, ticketId);
  assert.ok(payment);
  assert.equal(await currencyOf('payments', payment.id), 'USD');
  const atGateway = await t.rt.gateway.getPayment(payment.gateway_payment_id as string);
  assert.equal(atGateway.currency, 'USD');
});
