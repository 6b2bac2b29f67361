// The API killed (SIGKILL) after the gateway performed a refund and before we heard back: the gateway
// (in this test's process) refunds, its answer hangs (the 'timeout' fault) and its webhook is lost,
// the API dies while it waits. Restarted on the same data, the reconciler sends the refund again with
// the same idempotency key, the gateway answers with the refund it made, and it is applied once: the
// seat back on sale, the money invariant whole, one refund at the gateway, one confirmation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { toMinor } from '../src/lib/money.ts';
import { type ApiProcess, apiProcess, buy, signIn, until } from './helpers/api-process.ts';
import { plainScreening } from './helpers/screenings.ts';
import { assertMoneyInvariant } from './helpers/refunds.ts';

let p: ApiProcess;
before(async () => {
  p = await apiProcess({ GATEWAY_TIMEOUT_MS: '1500', RECONCILE_INTERVAL_MS: '200', RECONCILE_AFTER_SECONDS: '1' });
});
after(() => p.close());

test('killed while the gateway refunds: after a restart the reconciler completes the refund once', async () => {
  await p.start();
  const admin = await signIn(p, 'admin@cinema.com');
  const alice = await signIn(p, 'customer@cinema.com');
  const s = await plainScreening(p, admin, 2, 10, 30);
  const seats = [s.seatId('A4'), s.seatId('A5')];
  const { ticketId, paymentId } = await buy(p, alice, s.screeningId, seats);
  await until(async () => (await p.json('GET', `/tickets/${ticketId}`, undefined, alice)).body.data.status === 'paid', 10_000, 'the ticket paid');
  const price = (await p.json('GET', `/tickets/${ticketId}`, undefined, alice)).body.data.seats[0].price as number;

  // the gateway will refund, but its answer hangs and its webhook is dropped
  p.gateway.simulator.setFaults({ refunds: 'timeout', webhooks: 'drop' });
  const asked = p.json('POST', `/tickets/${ticketId}/refunds`, { seat_ids: [seats[0]], reason: 'crash test' }, alice, {
    'idempotency-key': 'crash-refund-1',
  });
  asked.catch(() => undefined); // the connection dies with the process
  const refunded = () => p.gateway.simulator.ledger().find((e) => e.payment_id === paymentId)?.refunded;
  await until(async () => refunded() !== '0.00', 5_000, 'the gateway to refund');
  await p.kill();
  assert.equal(toMinor(refunded() as string), toMinor(price), 'the money went back at the gateway');

  p.gateway.simulator.setFaults({ refunds: 'ok' });
  await p.start();
  const mine = await until(
    async () => {
      const r = await p.json('GET', `/refunds?ticket_id=${ticketId}`, undefined, admin);
      return r.body.data.length === 1 && r.body.data[0].status === 'succeeded' ? r.body.data : undefined;
    },
    20_000,
    'the reconciler to complete the refund',
    200,
  );
  assert.equal(mine[0].amount, price);
  assert.deepEqual(mine[0].seat_ids, [seats[0]]);
  const ticket = (await p.json('GET', `/tickets/${ticketId}`, undefined, alice)).body.data;
  assert.equal(ticket.status, 'partially_refunded');
  const map = await p.json('GET', `/screenings/${s.screeningId}/seats`);
  const status = (id: number) => map.body.data.seats.find((x: any) => x.id === id).status;
  assert.deepEqual([status(seats[0]), status(seats[1])], ['available', 'sold']);
  // asking again (another key: the first one's attempt died in flight) finds the seat refunded already
  const again = await p.json('POST', `/tickets/${ticketId}/refunds`, { seat_ids: [seats[0]], reason: 'again' }, alice, {
    'idempotency-key': 'crash-refund-2',
  });
  assert.equal(again.status, 409);
  assert.equal(again.body.code, 'ticket_already_refunded');
  await new Promise((r) => setTimeout(r, 500)); // a reconciler pass after completion changes nothing
  assert.equal(toMinor(refunded() as string), toMinor(price), 'refunded once');

  await p.stop();
  const db = await p.openDb();
  try {
    await assertMoneyInvariant(db, p.gateway.simulator.ledger());
    const { rows } = await db.query<{ kind: string; channel: string }>(
      `SELECT kind, channel FROM outbox WHERE payload->>'ticket_id' = $1 AND kind = 'refund_succeeded' ORDER BY channel`,
      [ticketId],
    );
    assert.deepEqual(
      rows.map((r) => r.channel),
      ['email', 'sms'],
      'confirmed once',
    );
    const { rows: all } = await db.query('SELECT status FROM refunds WHERE ticket_id = $1', [ticketId]);
    assert.equal(all.length, 1);
  } finally {
    await db.close();
  }
});
