// A partial refund whose connection to the gateway drops after the gateway made the refund: the
// socket is reset before its answer reaches us (the HTTP adapter reports ECONNRESET / "other side
// closed" as 'unavailable', connection_reset). The gateway must refund once, whatever its answer to
// the same-key retry, and our books must say what the gateway's say.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, test } from 'node:test';
import { type CreateRefundInput, GatewayError } from '../src/gateway/gateway.ts';
import { runOnce } from '../src/jobs/payment-reconciler.ts';
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

/**
 * The next refund call reaches the gateway and is made there, but its answer is lost to a reset;
 * the calls after it get `then` (undefined: answered as usual) until restored.
 */
function dropAnswer(then?: GatewayError): () => void {
  const gateway = sim();
  const original = gateway.refund;
  let calls = 0;
  gateway.refund = async (input: CreateRefundInput) => {
    calls++;
    if (calls > 1 && then) throw then;
    const made = await original(input);
    if (calls === 1) throw new GatewayError('unavailable', 'connection_reset', 'other side closed');
    return made;
  };
  return () => {
    gateway.refund = original;
  };
}

test('a partial refund whose answer is lost to a dropped connection is refunded once: sent again at once with the same key', async () => {
  const hall = await plainHall(t.app, admin);
  const s = await screeningIn(t.app, admin, hall, 30);
  const p = await paidTicket(t, alice, s.id, ['C1', 'C2', 'C3']);
  // the gateway's webhook is late (it is a hint, not the truth): what we did decides
  await setFaults(t, { webhooks: 'drop' });
  const restore = dropAnswer();
  let answered = 0;
  try {
    answered = (await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] }, randomUUID())).status;
  } finally {
    restore();
    await setFaults(t, { webhooks: 'ok' });
  }
  assert.equal(answered, 201, 'the customer is told the refund happened, not "nothing was refunded"');
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
});

for (const [what, then] of [
  ['refused', new GatewayError('unavailable', 'connection_refused', 'connect ECONNREFUSED')],
  [
    'answered 409 (the gateway still at work on the key)',
    new GatewayError('invalid', 'idempotency_in_progress', 'a request with this key is in progress'),
  ],
] as const) {
  test(`a refund whose answer was lost stays processing when the same-key retry is ${what}: never failed, refunded once by the reconciler`, async () => {
    const hall = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, hall, 30);
    const p = await paidTicket(t, alice, s.id, ['D1', 'D2', 'D3']);
    await setFaults(t, { webhooks: 'drop' });
    const restore = dropAnswer(then);
    let r: Awaited<ReturnType<typeof refund>>;
    try {
      r = await refund(t, alice, p.ticketId, { seat_ids: [p.seatIds[0]] }, randomUUID());
    } finally {
      restore();
      await setFaults(t, { webhooks: 'ok' });
    }
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.equal(r.body.data.status, 'processing', 'failed would let the customer ask again under a new key');
    assert.equal(refundedAt(p.paymentId), p.prices[0], 'the first call was made');
    assert.equal((await runOnce(t.rt)).refunds[r.body.data.id], 'succeeded', 'the reconciler sends it again, same key');
    assert.equal(refundedAt(p.paymentId), p.prices[0], 'refunded once');
    assert.equal(Number((await refundState(t.rt.db, p.ticketId)).payment.refunded_amount), p.prices[0]);
  });
}
