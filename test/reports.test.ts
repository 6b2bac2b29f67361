// Reports reconcile with the ledger: after a scripted day (sales by three methods, a partial refund,
// a cancelled show refunded in full) the sales report's gross, fees and refunds equal the payments
// and refunds tables and the gateway's own ledger to the cent, whichever way it is grouped; its CSV
// says the same numbers; occupancy, top movies, the refund rate and no-shows count what happened.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { csvField } from '../src/modules/reports/csv.ts';
import { newCustomer, eventually, listen } from './helpers/checkout.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { paidTicket, refund } from './helpers/refunds.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { plainHall, screeningIn } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
let theaterId: number;
let showA: number;
let showB: number;
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date()); // YYYY-MM-DD

before(async () => {
  t = await startTestApp({ RECONCILE_AFTER_SECONDS: '0' });
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
  // the day: a hall with two shows three days ahead; five customers buy, one refunds a seat, one show is cancelled
  const hall = await plainHall(t.app, admin, 3, 10);
  theaterId = hall.theaterId;
  showA = (await screeningIn(t.app, admin, hall, 72)).id;
  showB = (await screeningIn(t.app, admin, hall, 78)).id;
  const [ani, budi, citra, dewi, eko] = await Promise.all(['ani', 'budi', 'citra', 'dewi', 'eko'].map((n) => newCustomer(t, n)));
  const a = await paidTicket(t, ani.token, showA, ['A1', 'A2', 'A3'], 'card');
  await paidTicket(t, budi.token, showA, ['B1', 'B2'], 'qris');
  await paidTicket(t, citra.token, showA, ['C5'], 'ewallet');
  await paidTicket(t, dewi.token, showB, ['A1', 'A2'], 'card');
  await paidTicket(t, eko.token, showB, ['B4'], 'qris');
  const r = await refund(t, ani.token, a.ticketId, { seat_ids: [a.seatIds[0]], reason: 'Cannot come' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const c = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${showB}/cancel`, token: admin, payload: { reason: 'Projector failure' } });
  assert.ok(c.status < 300, JSON.stringify(c.body));
  // every refund confirmed by the gateway
  await eventually(async () => {
    const { rows } = await t.rt.db.query<{ open: number; done: number }>(
      "SELECT count(*) FILTER (WHERE status <> 'succeeded')::int AS open, count(*) FILTER (WHERE status = 'succeeded')::int AS done FROM refunds",
    );
    return rows[0].open === 0 && rows[0].done === 3;
  }, 10_000);
});
after(() => t.close());

const report = (path: string, q: string) =>
  call(t.app, { method: 'GET', url: `/api/v1/reports/${path}?from=${today}&to=${today}&${q}`, token: admin });
const cents = (n: number | string) => Math.round(Number(n) * 100);

describe('sales', () => {
  test('gross, fees and refunds equal the payments and refunds tables and the gateway ledger, to the cent', async () => {
    const r = await report('sales', `group_by=day&theater_id=${theaterId}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.length, 1);
    const day = r.body.data[0];
    assert.equal(day.key, today);
    const { rows } = await t.rt.db.query<{ n: number; gross: string; fees: string; refunds: string; seats: number }>(
      `SELECT (SELECT count(*)::int FROM payments WHERE captured_at IS NOT NULL) AS n,
              (SELECT sum(amount)::text FROM payments WHERE captured_at IS NOT NULL) AS gross,
              (SELECT sum(fee)::text FROM payments WHERE captured_at IS NOT NULL) AS fees,
              (SELECT sum(amount)::text FROM refunds WHERE status = 'succeeded') AS refunds,
              (SELECT sum(cardinality(seat_ids))::int FROM refunds WHERE status = 'succeeded') AS seats`,
    );
    const db = rows[0];
    assert.equal(day.tickets, 5);
    assert.equal(day.tickets, db.n);
    assert.equal(day.seats, 9);
    assert.equal(cents(day.gross), cents(db.gross));
    assert.equal(cents(day.fees), cents(db.fees));
    assert.equal(cents(day.refunds), cents(db.refunds));
    assert.equal(day.refunded_seats, 1 + 3, 'a seat of the partial refund, three of the cancelled show');
    assert.equal(cents(day.net), cents(day.gross) - cents(day.refunds));
    // the gateway's own books
    const ledger = t.rt.simulator!.ledger();
    assert.equal(
      cents(day.gross),
      ledger.reduce((s, e) => s + cents(e.amount), 0),
    );
    assert.equal(
      cents(day.refunds),
      ledger.reduce((s, e) => s + cents(e.refunded), 0),
    );
    assert.deepEqual(r.body.meta.totals.gross, day.gross);
  });

  test('grouped by method, movie, theater or hall: the same totals; methods as paid', async () => {
    const day = (await report('sales', 'group_by=day')).body.meta.totals;
    for (const g of ['method', 'movie', 'theater', 'hall']) {
      const r = await report('sales', `group_by=${g}`);
      assert.equal(r.status, 200);
      for (const k of ['tickets', 'seats', 'refunded_seats']) assert.equal(r.body.meta.totals[k], day[k], `${g} ${k}`);
      for (const k of ['gross', 'fees', 'refunds', 'net']) assert.equal(cents(r.body.meta.totals[k]), cents(day[k]), `${g} ${k}`);
    }
    const byMethod = Object.fromEntries(
      (await report('sales', 'group_by=method')).body.data.map((x: { key: string; tickets: number }) => [x.key, x.tickets]),
    );
    assert.deepEqual(byMethod, { card: 2, qris: 2, ewallet: 1 });
  });

  test('the CSV has a header row and the same numbers', async () => {
    const json = await report('sales', 'group_by=method');
    const csv = await report('sales', 'group_by=method&format=csv');
    assert.equal(csv.status, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
    const lines = String(csv.body).split('\r\n');
    assert.equal(lines[0], 'key,label,tickets,seats,gross,fees,refunds,refunded_seats,net');
    assert.equal(lines.at(-1), '', 'every line ends with CRLF');
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    assert.equal(rows.length, json.body.data.length);
    for (const [i, row] of rows.entries()) {
      const j = json.body.data[i];
      assert.deepEqual(
        [row[0], Number(row[2]), Number(row[3]), cents(row[4]), cents(row[5]), cents(row[6]), Number(row[7]), cents(row[8])],
        [j.key, j.tickets, j.seats, cents(j.gross), cents(j.fees), cents(j.refunds), j.refunded_seats, cents(j.net)],
      );
    }
  });

  test('bad periods and groups are 400; customers are refused', async () => {
    const q = (s: string) => call(t.app, { method: 'GET', url: `/api/v1/reports/sales?${s}`, token: admin });
    assertProblem(await q(`from=${today}`), 400, 'validation_failed');
    assertProblem(await q('from=2026-02-30&to=2026-03-01'), 400, 'validation_failed');
    assertProblem(await q('from=2026-03-02&to=2026-03-01'), 400, 'validation_failed');
    assertProblem(await q('from=2024-01-01&to=2026-01-01'), 400, 'validation_failed');
    assertProblem(await q(`from=${today}&to=${today}&group_by=weekday`), 400, 'validation_failed');
    const customer = await loginAs(t.app, 'customer@cinema.com');
    assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/reports/sales?from=${today}&to=${today}`, token: customer }), 403, 'forbidden');
  });
});

describe('occupancy and audience', () => {
  const showDay = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + 72 * 3_600_000));

  test('occupancy per screening counts sold seats of the shows on the day; the cancelled one is left out', async () => {
    const d = showDay();
    const r = await call(t.app, { method: 'GET', url: `/api/v1/reports/occupancy?from=${d}&to=${d}&theater_id=${theaterId}`, token: admin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const a = r.body.data.find((x: { key: string }) => x.key === String(showA));
    assert.ok(a, JSON.stringify(r.body.data));
    assert.deepEqual([a.capacity, a.sold, a.held], [30, 5, 0], '3 + 2 + 1 sold, one refunded');
    assert.equal(a.occupancy, Math.round((5 / 30) * 10_000) / 10_000);
    assert.ok(!r.body.data.some((x: { key: string }) => x.key === String(showB)));
  });

  test('refund rate and reasons; top movies; no-shows of a show that has ended', async () => {
    const refunds = await report('refunds', `theater_id=${theaterId}`);
    assert.equal(refunds.status, 200);
    assert.deepEqual([refunds.body.data.seats_sold, refunds.body.data.seats_refunded], [9, 4]);
    assert.equal(refunds.body.data.refund_rate, Math.round((4 / 9) * 10_000) / 10_000);
    const reasons = refunds.body.data.by_reason.map((b: { reason: string; initiated_by: string; refunds: number; seats: number }) => [
      b.reason,
      b.initiated_by,
      b.refunds,
      b.seats,
    ]);
    assert.deepEqual(reasons, [
      ['Projector failure', 'cinema', 2, 3],
      ['Cannot come', 'customer', 1, 1],
    ]);
    const d = showDay();
    const top = await call(t.app, { method: 'GET', url: `/api/v1/reports/top-movies?from=${d}&to=${d}&theater_id=${theaterId}`, token: admin });
    assert.equal(top.body.data[0].seats_sold, 5);
    // show A is moved into the past (test database) and one of its three tickets was checked in
    await t.rt.db.query("UPDATE screenings SET show_time = now() - interval '4 hours', end_time = now() - interval '1 hour' WHERE id = $1", [showA]);
    await t.rt.db.query(
      "UPDATE tickets SET checked_in_at = now() - interval '3 hours' WHERE id = (SELECT id FROM tickets WHERE screening_id = $1 AND status = 'paid' LIMIT 1)",
      [showA],
    );
    const past = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() - 4 * 3_600_000));
    const ns = await call(t.app, { method: 'GET', url: `/api/v1/reports/no-shows?from=${past}&to=${today}&theater_id=${theaterId}`, token: admin });
    assert.equal(ns.status, 200, JSON.stringify(ns.body));
    assert.deepEqual(ns.body.data, { tickets: 3, checked_in: 1, no_shows: 2, no_show_rate: 0.6667 });
  });
});

describe('CSV fields', () => {
  test('RFC 4180 quoting; amounts stay numbers, negative ones too; text that would run as a formula does not', () => {
    assert.equal(csvField('-150000.00'), '-150000.00');
    assert.equal(csvField(-5), '-5');
    assert.equal(csvField('Dune: Part Two'), 'Dune: Part Two');
    assert.equal(csvField('Hall "A", left'), '"Hall ""A"", left"');
    assert.equal(csvField('line\nbreak'), '"line\nbreak"');
    assert.equal(csvField('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('-1+2'), `"'-1+2"`);
    assert.equal(csvField(null), '');
  });
});
