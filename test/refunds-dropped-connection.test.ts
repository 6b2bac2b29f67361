// A partial refund whose connection to the gateway drops after the gateway made the refund: the
// socket is reset before its answer reaches us (the HTTP adapter reports ECONNRESET / "other side
// closed" as 'unavailable', connection_reset). The gateway must refund once whatever the customer
// does next (retry with the same Idempotency-Key after the 5xx, or a new one), and our books must
// say what the gateway's say.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, test } from 'node:test';
import { type CreateRefundInput, GatewayError } from '../src/gateway/gateway.ts';
import { listen, setFaults, webhooksSettled } from './helpers/checkout.ts';
import { loginAs } from './helpers/http.ts';
import { assertMoneyInvariant, paidTicket, refund, refundState } from './helpers/refunds.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { plainHall, screeningIn } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
let alice: string;

before(async () => {
  t = await startTestApp({ GATEWAY_TIMEOUT_MS: '400', RECONCILE_AFTER_SECONDS: '0' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
});
afterEach(async () => {
  await webhooksSettled(t);
  await assertMoneyInvariant(t.rt.db, t.rt.simulator!.ledger());
});
after(() => t.close());

const sim = () => t.rt.simulator!;
const refundedAt = (gatewayPaymentId: string) =>
  Number(
    sim()
      .ledger()
      .find((e) => e.payment_id === gatewayPaymentId)!.refunded,
  );

/** The next `n` refund calls reach the gateway and are made there, but their answer is lost to a reset. */
function dropAnswers(n: number): () => void {
  const gateway = sim();
  const original = gateway.refund;
  let left = n;
  gateway.refund = async (input: CreateRefundInput) => {
    const made = await original(input);
    if (left-- > 0) throw new GatewayError('unavailable', 'connection_reset', 'other side closed');
    return made;
  };
  return () => {
    gateway.refund = original;
  };
}

for (const retry of ['the same key', 'a new key'] as const) {
  test(`a partial refund whose answer is lost to a dropped connection is refunded once at the gateway (retry with ${retry})`, async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['C1', 'C2', 'C3']);
    // the gateway's webhook is late (it is a hint, not the truth): what we did decides
    await setFaults(t, { webhooks: 'drop' });
    const restore = dropAnswers(1);
    let answered = 0;
    try {
      const key = randomUUID();
      const first = await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] }, key);
      answered = first.status;
      // the customer asks again for what they did not see happen
      if (first.status >= 500) await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] }, retry === 'the same key' ? key : randomUUID());
    } finally {
      restore();
      await setFaults(t, { webhooks: 'ok' });
    }
    assert.equal(refundedAt(p.paymentId), p.prices[0], 'the gateway refunded the seat once');
    const st = await refundState(t.rt.db, p.ticketId);
    assert.deepEqual(
      st.refunds.filter((r) => r.status === 'succeeded').map((r) => Number(r.amount)),
      [p.prices[0]],
      'one refund recorded as succeeded',
    );
    assert.equal(Number(st.payment.refunded_amount), p.prices[0]);
    assert.equal(st.ticket, 'partially_refunded');
    assert.deepEqual(
      st.seats.map((x) => x.status),
      ['available', 'sold', 'sold'],
    );
    assert.equal(answered, 201, 'the customer is told the refund happened, not "nothing was refunded"');
  });
}
