// Cancelling a big show survives a crash: 200 sold seats across 60 tickets (60 customers, each through
// the real hold -> checkout -> gateway capture -> webhook), the screening cancelled, the API killed
// (SIGKILL) when about half the refunds are done, restarted, the cancellation called again. In
// the end every ticket is refunded exactly once (one refund per ticket, one refund per payment at the
// gateway, refunded = captured), every customer is notified once, every seat is back, and the money
// invariant holds. The gateway lives in this test's process; the API is a child process.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ApiProcess, apiProcess, buy, signIn, until } from './helpers/api-process.ts';
import { plainScreening } from './helpers/screenings.ts';
import { assertMoneyInvariant } from './helpers/refunds.ts';

let p: ApiProcess;
before(async () => {
  p = await apiProcess({
    GATEWAY_TIMEOUT_MS: '1500',
    RECONCILE_INTERVAL_MS: '300',
    RECONCILE_AFTER_SECONDS: '1',
    CANCEL_WAIT_MS: '0',
    CANCEL_CONCURRENCY: '2',
  });
});
after(() => p.close());

/** Runs fn over items, `width` at a time. */
async function inPool<T, R>(items: T[], width: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

test('200 seats, 60 tickets, killed halfway through the cancellation: everyone refunded and told once', async (t) => {
  await p.start();
  const admin = await signIn(p, 'admin@cinema.com');
  const s = await plainScreening(p, admin, 10, 20, 30);
  assert.equal(s.seats, 200);

  // 60 customers: 20 buy 4 seats, 40 buy 3 (= 200), seats in row order
  const labels = Array.from({ length: 200 }, (_, i) => `${'ABCDEFGHIJ'[Math.floor(i / 20)]}${(i % 20) + 1}`);
  const sizes = Array.from({ length: 60 }, (_, i) => (i < 20 ? 4 : 3));
  const customers = await inPool(sizes, 4, async (_n, i) => {
    const r = await p.json('POST', '/auth/register', {
      email: `crash-${i}-${Date.now()}@example.com`,
      password: 'long enough pw',
      full_name: `Customer ${i}`,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.data.token as string;
  });
  let from = 0;
  const plan = sizes.map((n) => {
    const seats = labels.slice(from, from + n).map((l) => s.seatId(l));
    from += n;
    return seats;
  });
  const bought = await inPool(plan, 6, (seats, i) => buy(p, customers[i], s.screeningId, seats));
  const sold = () =>
    p.json('GET', `/screenings/${s.screeningId}/seats`).then((r) => r.body.data.seats.filter((x: any) => x.status === 'sold').length);
  await until(async () => (await sold()) === 200, 30_000, 'all 200 seats sold', 200);

  // a slower gateway, so the kill lands mid-way
  p.gateway.simulator.setFaults({ latency_ms: 60 });
  const first = await p.json('POST', `/screenings/${s.screeningId}/cancel`, { reason: 'Flooded hall' }, admin);
  assert.equal(first.status, 202, JSON.stringify(first.body));
  const progress = () => p.json('GET', `/screenings/${s.screeningId}/cancellation`, undefined, admin).then((r) => r.body.data);
  const atKill = await until(
    async () => {
      const pr = await progress();
      return pr.refunded >= 30 ? pr : undefined;
    },
    30_000,
    'half of the refunds',
    15,
  );
  await p.kill();
  assert.ok(atKill.refunded < 60, `killed halfway (${atKill.refunded} of 60 refunded)`);
  assert.equal(atKill.tickets_total, 60);
  const refundsAtGateway = () => p.gateway.simulator.deliveries().filter((d) => d.type === 'refund.succeeded').length;
  const doneBeforeRestart = refundsAtGateway();
  assert.ok(doneBeforeRestart < 60, `the gateway had refunded ${doneBeforeRestart} when the API died`);
  t.diagnostic(`killed with ${atKill.refunded} of 60 refunds applied, ${doneBeforeRestart} made at the gateway`);

  p.gateway.simulator.setFaults({ latency_ms: 0 });
  await p.start();
  const again = await p.json('POST', `/screenings/${s.screeningId}/cancel`, { reason: 'Flooded hall' }, admin);
  assert.ok([200, 202].includes(again.status), JSON.stringify(again.body));
  const done = await until(
    async () => {
      const pr = await progress();
      return pr.status === 'completed' ? pr : undefined;
    },
    30_000,
    'the cancellation to complete',
    200,
  );
  assert.deepEqual([done.tickets_total, done.refunded, done.pending, done.failed], [60, 60, 0, 0]);
  assert.equal(done.reason, 'Flooded hall');

  const map = await p.json('GET', `/screenings/${s.screeningId}/seats`);
  assert.equal(map.body.data.seats.filter((x: any) => x.status === 'available').length, 200, 'every seat back');
  const screening = await p.json('GET', `/screenings/${s.screeningId}`, undefined, admin);
  assert.equal(screening.body.data.available_seats, 200);
  assert.equal(screening.body.data.status, 'cancelled');
  const ledger = p.gateway.simulator.ledger();
  for (const b of bought) {
    const e = ledger.find((x) => x.payment_id === b.paymentId);
    assert.equal(e?.refunded, e?.captured, `payment ${b.paymentId} refunded in full`);
  }
  assert.equal(refundsAtGateway(), 60, 'one refund per payment at the gateway');

  await p.stop();
  const db = await p.openDb();
  try {
    await assertMoneyInvariant(db, p.gateway.simulator.ledger());
    const { rows: per } = await db.query<{ ticket_id: string; n: number; ok: number }>(
      `SELECT t.id AS ticket_id, count(r.id)::int AS n, count(r.id) FILTER (WHERE r.status = 'succeeded')::int AS ok
         FROM tickets t LEFT JOIN refunds r ON r.ticket_id = t.id
        WHERE t.screening_id = $1 GROUP BY t.id`,
      [s.screeningId],
    );
    assert.equal(per.length, 60);
    assert.ok(
      per.every((r) => r.n === 1 && r.ok === 1),
      'exactly one refund per ticket, succeeded',
    );
    const { rows: told } = await db.query<{ ticket_id: string; n: number }>(
      `SELECT payload->>'ticket_id' AS ticket_id, count(*)::int AS n FROM outbox WHERE kind = 'screening_cancelled' GROUP BY 1`,
    );
    assert.equal(told.length, 60, 'every customer told');
    assert.ok(
      told.every((r) => r.n === 1),
      'told once (these customers have no phone: e-mail only)',
    );
    const { rows: tickets } = await db.query<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM tickets WHERE screening_id = $1 GROUP BY status',
      [s.screeningId],
    );
    assert.deepEqual(tickets, [{ status: 'refunded', n: 60 }]);
  } finally {
    await db.close();
  }
});
