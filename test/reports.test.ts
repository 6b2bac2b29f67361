// Reports reconcile with the ledger: after a scripted day (sales by three methods, a partial refund,
// a cancelled show refunded in full) the sales report's gross, fees and refunds equal the payments
// and refunds tables and the gateway's own ledger to the cent, whichever way it is grouped; its CSV
// says the same numbers; occupancy, top movies, the refund rate and no-shows count what happened.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEMO } from '../src/db/seed/demo-ids.ts';
import { compactRollups, rollupDrift } from '../src/modules/reports/index.ts';
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

describe('rollups (the sums the reports read, kept by the database)', () => {
  const snapshot = async () => {
    const out: unknown[] = [];
    for (const g of ['day', 'method', 'movie', 'hall']) out.push((await report('sales', `group_by=${g}`)).body);
    const d = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + 72 * 3_600_000));
    for (const g of ['screening', 'hall', 'slot'])
      out.push((await call(t.app, { method: 'GET', url: `/api/v1/reports/occupancy?from=${today}&to=${d}&group_by=${g}`, token: admin })).body);
    out.push((await report('refunds', '')).body, (await report('no-shows', '')).body);
    return out;
  };

  test('rollup + deltas equal the ledger; folding the deltas in or rebuilding from the ledger changes no number', async () => {
    assert.deepEqual(await rollupDrift(t.rt.db), [], 'no drift with the day still in the deltas');
    const before = await snapshot();
    const moved = await compactRollups(t.rt.db);
    assert.ok(moved > 0, 'the day was in the deltas');
    assert.deepEqual(await rollupDrift(t.rt.db), []);
    assert.deepEqual(await snapshot(), before);
    await t.rt.db.query('SELECT report_rollups_rebuild()');
    assert.deepEqual(await rollupDrift(t.rt.db), []);
    assert.deepEqual(await snapshot(), before);
  });

  test('the drift check sees a number that is not in the ledger', async () => {
    await t.rt.db.tx(async (trx) => {
      await trx.query(`INSERT INTO sales_rollup_delta (day, theater_id, hall_id, movie_id, method, gross) VALUES ($1, $2, 1, 1, 'card', 1000)`, [
        today,
        theaterId,
      ]);
      await trx.query(
        `INSERT INTO refund_reason_delta (day, theater_id, reason, initiated_by, refunds, seats, amount) VALUES ($1, $2, 'Cannot come', 'customer', 1, 1, 5)`,
        [today, theaterId],
      );
      const drift = await rollupDrift(trx);
      assert.deepEqual(
        drift.map((d) => d.kind),
        ['reasons', 'sales'],
        JSON.stringify(drift),
      );
      await trx.query('DELETE FROM sales_rollup_delta WHERE gross = 1000 AND hall_id = 1');
      await trx.query('DELETE FROM refund_reason_delta WHERE amount = 5');
    });
    assert.deepEqual(await rollupDrift(t.rt.db), []);
  });

  test('sales and refunds made while the deltas are being folded in are counted once', async () => {
    const hall = await plainHall(t.app, admin, 2, 10);
    const show = (await screeningIn(t.app, admin, hall, 50)).id;
    let folding = true;
    const folder = (async () => {
      while (folding) {
        await compactRollups(t.rt.db);
        await new Promise((r) => setTimeout(r, 5)); // let the sales in (PGlite has one connection)
      }
    })();
    const buyers = await Promise.all(['fajar', 'gita', 'hadi', 'intan'].map((n) => newCustomer(t, n)));
    const bought = await Promise.all(buyers.map((b, i) => paidTicket(t, b.token, show, [`A${2 * i + 1}`, `A${2 * i + 2}`], 'qris')));
    const r = await refund(t, buyers[0].token, bought[0].ticketId, { seat_ids: [bought[0].seatIds[0]], reason: 'Late' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await eventually(async () => {
      const { rows } = await t.rt.db.query<{ open: number }>("SELECT count(*)::int AS open FROM refunds WHERE status <> 'succeeded'");
      return rows[0].open === 0;
    }, 10_000);
    folding = false;
    await folder;
    assert.deepEqual(await rollupDrift(t.rt.db), []);
    const d = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + 50 * 3_600_000));
    const occ = await call(t.app, { method: 'GET', url: `/api/v1/reports/occupancy?from=${d}&to=${d}&theater_id=${hall.theaterId}`, token: admin });
    assert.deepEqual(
      occ.body.data.map((x: { key: string; sold: number; capacity: number }) => [x.key, x.sold, x.capacity]),
      [[String(show), 7, 20]],
    );
  });

  test("a sold screening keeps its movie and hall, a theater that sold keeps its time zone (the reports' keys)", async () => {
    const movie = await call(t.app, { method: 'PUT', url: `/api/v1/screenings/${showA}`, token: admin, payload: { movie_id: DEMO.movies.jumbo } });
    assertProblem(movie, 409, 'screening_has_sales');
    const tz = await call(t.app, { method: 'PATCH', url: `/api/v1/theaters/${theaterId}`, token: admin, payload: { time_zone: 'Asia/Makassar' } });
    assertProblem(tz, 409, 'theater_has_sales');
    const { rows } = await t.rt.db.query<{ movie_id: number; time_zone: string }>(
      'SELECT s.movie_id, th.time_zone FROM screenings s JOIN theaters th ON th.id = s.theater_id WHERE s.id = $1',
      [showA],
    );
    assert.notEqual(rows[0].movie_id, DEMO.movies.jumbo);
    assert.equal(rows[0].time_zone, 'Asia/Jakarta');
    // a theater that has sold nothing may still change its time zone
    const fresh = await plainHall(t.app, admin, 1, 5);
    const ok = await call(t.app, {
      method: 'PATCH',
      url: `/api/v1/theaters/${fresh.theaterId}`,
      token: admin,
      payload: { time_zone: 'Asia/Makassar' },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test("a screening's report keys follow it: moved before it sells, its theater's new time zone, cancelled; a key that is off is drift", async () => {
    const hall = await plainHall(t.app, admin, 1, 4);
    const show = await screeningIn(t.app, admin, hall, 30);
    const to = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + 120 * 3_600_000));
    const slots = async () => {
      const r = await call(t.app, {
        method: 'GET',
        url: `/api/v1/reports/occupancy?from=${today}&to=${to}&group_by=slot&theater_id=${hall.theaterId}`,
        token: admin,
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.data.map((x: { key: string; screenings: number; capacity: number }) => [x.key, x.screenings, x.capacity]);
    };
    const hourIn = (at: string, timeZone: string) =>
      `${new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date(at))}:00`;
    assert.deepEqual(await slots(), [[hourIn(show.show_time, 'Asia/Jakarta'), 1, 4]]);
    // moved 27 hours later (nothing sold): another day, another hour
    const later = new Date(Date.parse(show.show_time) + 27 * 3_600_000).toISOString();
    const moved = await call(t.app, { method: 'PUT', url: `/api/v1/screenings/${show.id}`, token: admin, payload: { show_time: later } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(await slots(), [[hourIn(later, 'Asia/Jakarta'), 1, 4]]);
    // the theater moves to UTC+8: the show starts an hour later there
    const tz = await call(t.app, {
      method: 'PATCH',
      url: `/api/v1/theaters/${hall.theaterId}`,
      token: admin,
      payload: { time_zone: 'Asia/Makassar' },
    });
    assert.equal(tz.status, 200, JSON.stringify(tz.body));
    assert.deepEqual(await slots(), [[hourIn(later, 'Asia/Makassar'), 1, 4]]);
    assert.deepEqual(await rollupDrift(t.rt.db), []);
    await t.rt.db.tx(async (trx) => {
      await trx.query('UPDATE screening_tally SET local_hour = (local_hour + 1) % 24 WHERE screening_id = $1', [show.id]);
      assert.deepEqual(
        (await rollupDrift(trx)).map((d) => [d.kind, d.key]),
        [['keys', String(show.id)]],
      );
      await trx.query('UPDATE screening_tally SET local_hour = (local_hour + 23) % 24 WHERE screening_id = $1', [show.id]);
    });
    const c = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${show.id}/cancel`, token: admin, payload: { reason: 'Moved away' } });
    assert.ok(c.status < 300, JSON.stringify(c.body));
    assert.deepEqual(await slots(), []);
    assert.deepEqual(await rollupDrift(t.rt.db), []);
  });

  test('occupancy by screening comes in cursor pages that neither skip nor repeat; a forged cursor is 400', async () => {
    const to = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(Date.now() + 96 * 3_600_000));
    const url = (q: string) => `/api/v1/reports/occupancy?from=${today}&to=${to}&group_by=screening&${q}`;
    const all = await call(t.app, { method: 'GET', url: url('limit=1000'), token: admin });
    assert.equal(all.body.meta.next_cursor, null);
    const keys: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { key: string }[]; meta: { next_cursor: string | null; limit: number } } } = await call(t.app, {
        method: 'GET',
        url: url(`limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
        token: admin,
      });
      assert.ok(page.body.data.length <= 2);
      assert.equal(page.body.meta.limit, 2);
      keys.push(...page.body.data.map((x) => x.key));
      cursor = page.body.meta.next_cursor;
    } while (cursor);
    assert.ok(keys.length >= 3, 'more than one page');
    assert.deepEqual(
      keys,
      all.body.data.map((x: { key: string }) => x.key),
    );
    assertProblem(await call(t.app, { method: 'GET', url: url('cursor=bm9wZQ'), token: admin }), 400, 'validation_failed');
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
