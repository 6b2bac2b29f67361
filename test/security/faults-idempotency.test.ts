// The effect committed, then recording the Idempotency-Key's answer failed (PostgreSQL gone for a
// moment). Before the fix the client got 503 and every retry with the same key 409
// idempotency_in_flight for a minute, although the seats were held (or the checkout started, or the
// refund made). Now the first answer is the effect's own, and a retry gets that same answer again:
// the same hold, ticket, payment or refund, and no second one.
// The fault is the database's own: a trigger refuses the statement that completes a key, once, with
// the error a terminated connection gives (57P01), on both engines.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { call, loginAs, type Res } from '../helpers/http.ts';
import { checkout, listen, newCustomer } from '../helpers/checkout.ts';
import { paidTicket, refund } from '../helpers/refunds.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';
import { newScreening, plainHall, screeningIn, seatMapOf } from '../helpers/screenings.ts';

let t: TestApp;
let admin: string;
before(async () => {
  t = await startTestApp();
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  await t.rt.db.exec(`
    CREATE SEQUENCE fault_budget;
    CREATE FUNCTION fail_completion_once() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- a sequence is not rolled back with the failed statement: the budget is spent once
      IF NEW.key LIKE 'fault-%' AND NEW.status = 'completed' AND OLD.status = 'in_flight'
         AND nextval('fault_budget') = 1 THEN
        RAISE EXCEPTION 'terminating connection due to administrator command (test fault)' USING ERRCODE = '57P01';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER fail_completion_once BEFORE UPDATE ON idempotency_keys
      FOR EACH ROW EXECUTE FUNCTION fail_completion_once();`);
});
after(() => t?.close());

/** The next completion of a key named fault-* fails. */
const armFault = () => t.rt.db.query(`SELECT setval('fault_budget', 1, false)`);
const faultSpent = async () => (await t.rt.db.query<{ n: number }>(`SELECT last_value::int AS n FROM fault_budget`)).rows[0].n >= 1;

async function keyRow(userId: number, key: string) {
  const { rows } = await t.rt.db.query<{ status: string; response_status: number | null }>(
    'SELECT status, response_status FROM idempotency_keys WHERE user_id = $1 AND key = $2',
    [userId, key],
  );
  return rows[0];
}

/** The first answer is the effect's, and the retry replays it: same status and body. */
function assertSameAnswer(first: Res, retry: Res, status: number) {
  // the retry first: before the fix it was 409 idempotency_in_flight (and the first answer 503)
  assert.equal(retry.status, status, `retry: ${JSON.stringify(retry.body)}`);
  assert.equal(first.status, status, `first answer: ${JSON.stringify(first.body)}`);
  assert.equal(retry.headers['idempotent-replayed'], 'true');
  assert.deepEqual(retry.body, first.body);
}

describe('holds', () => {
  test('a hold that committed is answered, and its retry gets the same 201 and no second hold', async () => {
    const c = await newCustomer(t, 'holder');
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    // an earlier hold of this customer, which the keyed one replaces (the answer lists it)
    const earlier = await call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${s.id}/holds`,
      token: c.token,
      payload: { seat_ids: [m.id('C3')] },
    });
    assert.equal(earlier.status, 201);

    const req = { method: 'POST' as const, url: `/api/v1/screenings/${s.id}/holds`, token: c.token, payload: { seat_ids: [m.id('E7'), m.id('E8')] } };
    await armFault();
    const first = await call(t.app, { ...req, headers: { 'idempotency-key': 'fault-hold-1' } });
    assert.ok(await faultSpent(), 'the completion failed once');
    const retry = await call(t.app, { ...req, headers: { 'idempotency-key': 'fault-hold-1' } });
    assertSameAnswer(first, retry, 201);
    assert.deepEqual(first.body.data.replaced_hold_ids, [earlier.body.data.id]);

    const { rows } = await t.rt.db.query<{ id: string; status: string }>(
      'SELECT id, status FROM holds WHERE user_id = $1 AND screening_id = $2 ORDER BY created_at',
      [c.id, s.id],
    );
    assert.deepEqual(
      rows,
      [
        { id: earlier.body.data.id, status: 'released' },
        { id: first.body.data.id, status: 'active' },
      ],
      'no second hold',
    );
    assert.deepEqual(await keyRow(c.id, 'fault-hold-1'), { status: 'completed', response_status: 201 });
  });

  test('best available: the same', async () => {
    const c = await newCustomer(t, 'best');
    const s = await newScreening(t.app, admin);
    const req = { method: 'POST' as const, url: `/api/v1/screenings/${s.id}/holds/best-available`, token: c.token, payload: { count: 2 } };
    await armFault();
    const first = await call(t.app, { ...req, headers: { 'idempotency-key': 'fault-best-1' } });
    assert.ok(await faultSpent());
    const retry = await call(t.app, { ...req, headers: { 'idempotency-key': 'fault-best-1' } });
    assertSameAnswer(first, retry, 201);
    const { rows } = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM holds WHERE user_id = $1', [c.id]);
    assert.equal(rows[0].n, 1, 'one hold');
  });

  test('a key whose first attempt is still running (nothing committed yet) still answers 409', async () => {
    const c = await newCustomer(t, 'inflight');
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const req = { method: 'POST' as const, url: `/api/v1/screenings/${s.id}/holds`, token: c.token, payload: { seat_ids: [m.id('F7')] } };
    // the first attempt, frozen between its claim and its commit: its key names a hold that does not exist
    await call(t.app, { ...req, headers: { 'idempotency-key': 'k-frozen' } });
    await t.rt.db.query(
      `UPDATE idempotency_keys SET status = 'in_flight', response_status = NULL,
              response_body = jsonb_build_object('effect', '01900000-0000-7000-8000-000000000000')
        WHERE user_id = $1 AND key = 'k-frozen'`,
      [c.id],
    );
    const r = await call(t.app, { ...req, headers: { 'idempotency-key': 'k-frozen' } });
    assert.equal(r.status, 409, JSON.stringify(r.body));
    assert.equal(r.body.code, 'idempotency_in_flight');
    // the same, a minute later: that attempt died before its commit; the retry takes the key over and holds
    await t.rt.db.query(`UPDATE idempotency_keys SET created_at = now() - interval '61 seconds' WHERE user_id = $1 AND key = 'k-frozen'`, [c.id]);
    const later = await call(t.app, { ...req, headers: { 'idempotency-key': 'k-frozen' } });
    assert.equal(later.status, 201, JSON.stringify(later.body));
    assert.equal(later.headers['idempotent-replayed'], undefined);
    assert.deepEqual(await keyRow(c.id, 'k-frozen'), { status: 'completed', response_status: 201 });
  });
});

describe('checkout', () => {
  test('a checkout that went through is answered, and its retry gets the same 201 and no second payment', async () => {
    const c = await newCustomer(t, 'payer');
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const hold = await call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${s.id}/holds`,
      token: c.token,
      payload: { seat_ids: [m.id('D6'), m.id('D7')] },
    });
    assert.equal(hold.status, 201);
    await armFault();
    const first = await checkout(t, c.token, hold.body.data.id, 'card', 'fault-checkout-1');
    assert.ok(await faultSpent());
    const retry = await checkout(t, c.token, hold.body.data.id, 'card', 'fault-checkout-1');
    assertSameAnswer(first, retry, 201);
    const { rows } = await t.rt.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM payments p JOIN tickets tk ON tk.id = p.ticket_id WHERE tk.hold_id = $1',
      [hold.body.data.id],
    );
    assert.equal(rows[0].n, 1, 'one payment');
    assert.deepEqual(await keyRow(c.id, 'fault-checkout-1'), { status: 'completed', response_status: 201 });
  });
});

describe('refunds', () => {
  test('a refund that went through is answered, and its retry gets the same 201 and no second refund', async () => {
    const c = await newCustomer(t, 'refunder');
    const where = await plainHall(t.app, admin);
    const s = await screeningIn(t.app, admin, where, 24 * 30);
    const paid = await paidTicket(t, c.token, s.id, ['A1', 'A2']);
    await armFault();
    const first = await refund(t, c.token, paid.ticketId, {}, 'fault-refund-1');
    assert.ok(await faultSpent());
    const retry = await refund(t, c.token, paid.ticketId, {}, 'fault-refund-1');
    assertSameAnswer(first, retry, 201);
    const { rows } = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM refunds WHERE ticket_id = $1', [paid.ticketId]);
    assert.equal(rows[0].n, 1, 'one refund');
    assert.deepEqual(await keyRow(c.id, 'fault-refund-1'), { status: 'completed', response_status: 201 });
  });
});
