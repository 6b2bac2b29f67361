// Races between a sale and what else can happen to its hold or screening, on two connections at once
// (real PostgreSQL: the embedded database runs one statement at a time). Each was found by a review
// and fails without its fix:
// - a late sale and a cancellation of its screening: the sale read the show open without a lock, the
//   whole cancellation ran and completed (nothing to refund yet), then the sale committed: a paid
//   ticket for a cancelled show, never refunded (confirm-payment.ts, FOR KEY SHARE);
// - a checkout and a new hold of the same customer for the same screening: the new hold's replacing
//   UPDATE waited for the checkout's row lock and re-checked the row with its old snapshot, where the
//   new ticket was not: the hold in checkout was released as replaced (holds/queries.ts,
//   lockCustomerHolds).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { runOnce } from '../src/jobs/payment-reconciler.ts';
import { uuidv7 } from '../src/lib/ids.ts';
import { confirmPayment } from '../src/modules/checkout/index.ts';
import { sweepExpiredHolds } from '../src/modules/holds/index.ts';
import { approve, checkout, expireHold, heldSeats, listen, setFaults, ticketState, webhooksSettled } from './helpers/checkout.ts';
import { call, loginAs } from './helpers/http.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';

const onPostgres = Boolean(process.env.DATABASE_URL);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sales racing other writers', { skip: !onPostgres && 'needs PostgreSQL: two connections at once' }, () => {
  let t: TestApp;
  let admin: string;
  let alice: string;
  before(async () => {
    t = await startTestApp({ PAYMENT_METHODS: 'card', RECONCILE_AFTER_SECONDS: '0' });
    await listen(t);
    admin = await loginAs(t.app, 'admin@cinema.com');
    alice = await loginAs(t.app, 'customer@cinema.com');
  });
  after(() => t?.close());

  /** A second connection holding a lock until release() (a slow writer elsewhere). */
  async function holding(sql: string, params: unknown[]) {
    const other = new pg.Client({ connectionString: t.databaseUrl });
    await other.connect();
    await other.query('BEGIN');
    await other.query(sql, params);
    return async () => {
      await other.query('COMMIT');
      await other.end();
    };
  }

  test('a late sale and a cancellation of its screening: the ticket is refunded, never left paid for a cancelled show', async () => {
    const { hold, screeningId, seatIds } = await heldSeats(t, admin, alice);
    const co = await checkout(t, alice, hold.id, 'card');
    assert.equal(co.status, 201, JSON.stringify(co.body));
    const ticketId = co.body.data.ticket.id;
    await expireHold(t, hold.id);
    await sweepExpiredHolds(t.rt);
    await setFaults(t, { webhooks: 'drop' });
    await approve(t, co.body.data.payment.id); // paid late; its webhook lost
    const gp = await t.rt.gateway.getPayment(co.body.data.payment.id);
    // the sale stops on the seat rows (held a moment by another writer) after it looked at the show
    const release = await holding('SELECT 1 FROM screening_seats WHERE screening_id = $1 AND seat_id = ANY($2::int[]) FOR UPDATE', [
      screeningId,
      seatIds,
    ]);
    const confirming = confirmPayment(t.rt, gp);
    await sleep(300);
    const cancelling = call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${screeningId}/cancel`,
      token: admin,
      payload: { reason: 'projector broke' },
    });
    await sleep(300);
    await release();
    await confirming;
    const cancel = await cancelling;
    assert.ok([200, 202].includes(cancel.status), JSON.stringify(cancel.body));
    await setFaults(t, { webhooks: 'ok' });
    await webhooksSettled(t);
    for (let i = 0; i < 2; i++) await runOnce(t.rt);

    const status = (await ticketState(t, ticketId)).status;
    const { rows: refunds } = await t.rt.db.query<{ status: string }>('SELECT status FROM refunds WHERE ticket_id = $1', [ticketId]);
    assert.notEqual(status, 'paid', 'a paid ticket for a cancelled screening');
    assert.ok(refunds.length > 0 || status === 'refunded', `ticket ${status} with no refund`);
  });

  test('a new hold of the customer waits for the checkout of the old one, and is refused (hold_in_checkout)', async () => {
    const { hold, screeningId, map } = await heldSeats(t, admin, alice, ['D6', 'D7']);
    const { rows } = await t.rt.db.query<{ user_id: number }>('SELECT user_id FROM holds WHERE id = $1', [hold.id]);
    const userId = rows[0]?.user_id as number;
    // the checkout stops at its payment row (another writer holds the table a moment), its hold locked
    // and its ticket made
    const release = await holding('LOCK TABLE payments IN SHARE MODE', []);
    const checkingOut = checkout(t, alice, hold.id, 'card');
    await sleep(300);
    // the same customer asks for other seats of the same screening, on its own connection
    const c = new pg.Client({ connectionString: t.databaseUrl });
    await c.connect();
    const taking = c
      .query('SELECT * FROM take_seats($1, $2, $3, $4::int[], 600, 1200, 300, 100000, 100000)', [
        uuidv7(),
        screeningId,
        userId,
        [map.id('F6'), map.id('F7')],
      ])
      .then(
        () => 'taken',
        (e: { code?: string }) => e.code,
      );
    await sleep(300);
    await release();
    const co = await checkingOut;
    const took = await taking;
    await c.end();
    assert.equal(co.status, 201, JSON.stringify(co.body));
    assert.equal(took, 'CN424', 'the new hold must be refused while the old one is in checkout');
    const { rows: after } = await t.rt.db.query<{ status: string }>('SELECT status FROM holds WHERE id = $1', [hold.id]);
    assert.equal(after[0]?.status, 'active');
  });
});
