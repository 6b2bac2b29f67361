// Seat holds: all or nothing, rules, replacement, release, expiry without the sweeper, the sweeper,
// idempotency and best-available. (Races between processes: test/race.test.ts.)
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sweepExpiredHolds } from '../src/modules/holds/index.ts';
import type { SeatEvent } from '../src/realtime/events.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { onPostgres, startTestApp, type TestApp } from './helpers/runtime.ts';
import { newScreening, seatMapOf } from './helpers/screenings.ts';
import { DEMO } from '../src/db/seed/demo-ids.ts';

let t: TestApp;
let admin: string;
let alice: string;
let bob: string;
let aliceId: number;
const events: SeatEvent[] = [];
before(async () => {
  t = await startTestApp();
  admin = await loginAs(t.app, 'admin@cinema.com');
  alice = await loginAs(t.app, 'customer@cinema.com');
  const reg = await call(t.app, {
    method: 'POST',
    url: '/api/v1/auth/register',
    payload: { email: 'bob@example.com', password: 'long enough pw', full_name: 'Bob' },
  });
  bob = reg.body.data.token;
  aliceId = 3;
  t.rt.events.subscribe((e) => events.push(e));
});
after(() => t.close());

const hold = (screeningId: number, seatIds: number[], token = alice, headers: Record<string, string> = {}) =>
  call(t.app, { method: 'POST', url: `/api/v1/screenings/${screeningId}/holds`, token, payload: { seat_ids: seatIds }, headers });

/**
 * Moves a hold's end into the past, as time would: the database clock decides expiry, and the
 * Redis marks (which live FASTPATH_TTL_MS, shorter than any hold) would be gone by then too.
 */
async function expire(holdId: string) {
  const { rows } = await t.rt.db.query<{ screening_id: number; user_id: number; seat_ids: number[] }>(
    `UPDATE holds SET reserved_until = now() - interval '1 second' WHERE id = $1 RETURNING screening_id, user_id, seat_ids`,
    [holdId],
  );
  await t.rt.db.query(`UPDATE screening_seats SET held_until = now() - interval '1 second' WHERE hold_id = $1`, [holdId]);
  await t.rt.fastPath.unmark(rows[0].screening_id, rows[0].seat_ids, `u${rows[0].user_id}`);
}

describe('holding seats', () => {
  test('201 with the hold; the seats are held in the database and on the map; prices as shown', async () => {
    const s = await newScreening(t.app, admin);
    const before = await seatMapOf(t.app, s.id);
    const ids = [before.id('D6'), before.id('D7')];
    const r = await hold(s.id, ids);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const h = r.body.data;
    assert.deepEqual(h.seat_ids, ids);
    assert.equal(h.status, 'active');
    assert.equal(h.total_amount, before.byLabel.get('D6')!.price + before.byLabel.get('D7')!.price);
    const ttl = (Date.parse(h.reserved_until) - Date.now()) / 1000;
    assert.ok(ttl > 590 && ttl <= 600, `reserved for ${ttl} s`);
    const { rows } = await t.rt.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM screening_seats WHERE screening_id = $1 AND hold_id = $2 AND status = 'held'`,
      [s.id, h.id],
    );
    assert.equal(rows[0].n, 2);
    const afterMap = await seatMapOf(t.app, s.id);
    assert.equal(afterMap.status('D6'), 'held');
    assert.equal(afterMap.version, before.version + 1);
    const e = events.find((x) => x.screening_id === s.id && x.version === afterMap.version);
    assert.ok(e, 'a seat event with the new version');
    assert.deepEqual(
      e.seats.map((x) => x.status),
      ['held', 'held'],
    );
  });

  test('all or nothing: an overlapping hold gets 409 naming only the taken seat, and takes nothing', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    assert.equal((await hold(s.id, [m.id('E6'), m.id('E7')])).status, 201);
    const r = await hold(s.id, [m.id('E7'), m.id('E8'), m.id('E9')], bob);
    assertProblem(r, 409, 'seat_unavailable');
    assert.deepEqual(r.body.seat_ids, [m.id('E7')]);
    assert.ok(['taken', 'contended', 'fast_path'].includes(r.body.cause), r.body.cause);
    const after = await seatMapOf(t.app, s.id);
    assert.equal(after.status('E8'), 'available');
    assert.equal(after.status('E9'), 'available');
  });

  test('bad requests: too many, duplicates, unknown seats, unknown or closed screening', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const nine = ['C4', 'C5', 'C6', 'C7', 'C8', 'C9', 'C10', 'C11', 'C12'].map(m.id);
    assertProblem(await hold(s.id, nine), 400, 'too_many_seats');
    assertProblem(await hold(s.id, [m.id('C6'), m.id('C6')]), 400, 'validation_failed');
    const other = await seatMapOf(t.app, 1);
    const foreign = other.seats.find((x) => !m.seats.some((y) => y.id === x.id));
    if (foreign) assertProblem(await hold(s.id, [foreign.id]), 400, 'unknown_seats');
    assertProblem(await hold(999999, [m.id('C6')]), 404, 'screening_not_found');
    await call(t.app, { method: 'DELETE', url: `/api/v1/screenings/${s.id}`, token: admin });
    assertProblem(await hold(s.id, [m.id('C6'), m.id('C7')]), 409, 'screening_not_on_sale');
    const started = await newScreening(t.app, admin);
    await t.rt.db.query(`UPDATE screenings SET show_time = now() - interval '5 minutes', end_time = now() + interval '2 hours' WHERE id = $1`, [
      started.id,
    ]);
    assertProblem(await hold(started.id, [m.id('C6'), m.id('C7')]), 409, 'screening_not_on_sale');
    assertProblem(await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds`, payload: { seat_ids: [1] } }), 401, 'unauthorized');
  });

  test('a new hold replaces your previous one for the screening, atomically', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const first = (await hold(s.id, [m.id('F6'), m.id('F7')])).body.data;
    const second = await hold(s.id, [m.id('F7'), m.id('F8')]);
    assert.equal(second.status, 201);
    assert.deepEqual(second.body.data.replaced_hold_ids, [first.id]);
    const map = await seatMapOf(t.app, s.id);
    assert.deepEqual(['F6', 'F7', 'F8'].map(map.status), ['available', 'held', 'held']);
    assert.equal((await call(t.app, { method: 'GET', url: `/api/v1/holds/${first.id}`, token: alice })).body.data.status, 'released');
    // a refused replacement leaves the current hold alone
    assert.equal((await hold(s.id, [m.id('G6'), m.id('G7')], bob)).status, 201);
    assertProblem(await hold(s.id, [m.id('G7'), m.id('G8')]), 409, 'seat_unavailable');
    const still = await seatMapOf(t.app, s.id);
    assert.deepEqual(['F7', 'F8'].map(still.status), ['held', 'held']);
    assert.equal((await call(t.app, { method: 'GET', url: `/api/v1/holds/${second.body.data.id}`, token: alice })).body.data.status, 'active');
  });
});

describe('one customer racing themselves', () => {
  test('simultaneous hold requests of one customer for a screening leave exactly one active hold', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const pairs = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((row) => [m.id(`${row}3`), m.id(`${row}4`)]);
    const answers = await Promise.all(pairs.map((p) => hold(s.id, p)));
    for (const a of answers) {
      // the later of two requests that met in one batch replaces the earlier; one that met a
      // committed concurrent hold is refused by the database (holds_one_active)
      if (a.status !== 201) assertProblem(a, 409, 'hold_in_progress');
    }
    const granted = answers.filter((a) => a.status === 201).map((a) => a.body.data.id as string);
    assert.ok(granted.length >= 1);
    const { rows } = await t.rt.db.query<{ id: string; status: string; seat_ids: number[] }>(
      'SELECT id, status, seat_ids FROM holds WHERE screening_id = $1 AND user_id = $2',
      [s.id, aliceId],
    );
    const active = rows.filter((r) => r.status === 'active');
    assert.equal(active.length, 1, 'one active hold');
    assert.ok(granted.includes(active[0].id), 'and a 201 announced it');
    assert.deepEqual(rows.map((r) => r.id).sort(), [...granted].sort(), 'no hold row without a 201');
    const map = await seatMapOf(t.app, s.id);
    const held = map.seats
      .filter((x) => x.status === 'held')
      .map((x) => x.id)
      .sort((a, b) => a - b);
    assert.deepEqual(
      held,
      [...active[0].seat_ids].sort((a, b) => a - b),
      'only the active hold keeps seats',
    );
  });
});

describe('one customer, two holds committing apart', { skip: !onPostgres && 'needs PostgreSQL: a second connection waits on the first' }, () => {
  test('a hold request that meets a committed hold of the same customer gets 409 hold_in_progress and takes nothing', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    let answer!: ReturnType<typeof hold>;
    await t.rt.db.tx(async (trx) => {
      // another request of alice's, its hold written but not yet committed
      await trx.query(
        `INSERT INTO holds (screening_id, user_id, seat_ids, total_amount, reserved_until)
         VALUES ($1, $2, ARRAY[$3::int], 50000, now() + interval '10 minutes')`,
        [s.id, aliceId, m.id('A1')],
      );
      answer = hold(s.id, [m.id('A5'), m.id('A6')]);
      await new Promise((r) => setTimeout(r, 300)); // the request now waits on the unique index
    });
    const r = await answer;
    assertProblem(r, 409, 'hold_in_progress');
    assert.deepEqual(r.body.seat_ids, []);
    const map = await seatMapOf(t.app, s.id);
    assert.deepEqual(['A5', 'A6'].map(map.status), ['available', 'available']);
  });
});

describe('seat rules', () => {
  test('couple seats go in pairs; companions go with their wheelchair seat', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    assertProblem(await hold(s.id, [m.id('J4')]), 400, 'couple_seat_pair');
    const pair = await hold(s.id, [m.id('J4'), m.id('J5')]);
    assert.equal(pair.status, 201, JSON.stringify(pair.body));
    assertProblem(await hold(s.id, [m.id('A2')], bob), 400, 'companion_seat_alone');
    // A3 comes along: the aisle is right of it, so A1-A2 alone would strand it
    assert.equal((await hold(s.id, [m.id('A1'), m.id('A2'), m.id('A3')], bob)).status, 201);
  });

  test('no single seat stranded next to a hold, unless the theater turns the rule off', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    // B4 sits at the aisle: holding B5-B6 would leave it alone
    const r = await hold(s.id, [m.id('B5'), m.id('B6')]);
    assertProblem(r, 409, 'orphan_seat');
    assert.deepEqual(r.body.seat_ids, [m.id('B4')]);
    assert.equal((await hold(s.id, [m.id('B4'), m.id('B5'), m.id('B6')])).status, 201);
    const off = await call(t.app, {
      method: 'PATCH',
      url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}`,
      token: admin,
      payload: { orphan_seat_rule: false },
    });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.data.orphan_seat_rule, false);
    try {
      assert.equal((await hold(s.id, [m.id('C5'), m.id('C6')], bob)).status, 201);
    } finally {
      await call(t.app, {
        method: 'PATCH',
        url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}`,
        token: admin,
        payload: { orphan_seat_rule: true },
      });
    }
  });
});

describe('reading and releasing', () => {
  test('owner and admin see a hold; another customer gets 404; release frees the seats at once', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const h = (await hold(s.id, [m.id('D6'), m.id('D7')])).body.data;
    assert.equal((await call(t.app, { method: 'GET', url: `/api/v1/holds/${h.id}`, token: alice })).status, 200);
    assert.equal((await call(t.app, { method: 'GET', url: `/api/v1/holds/${h.id}`, token: admin })).status, 200);
    assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/holds/${h.id}`, token: bob }), 404, 'hold_not_found');
    assertProblem(await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${h.id}`, token: bob }), 404, 'hold_not_found');
    const del = await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${h.id}`, token: alice });
    assert.equal(del.status, 200);
    assert.equal(del.body.data.status, 'released');
    assert.deepEqual(['D6', 'D7'].map((await seatMapOf(t.app, s.id)).status), ['available', 'available']);
    assertProblem(await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${h.id}`, token: alice }), 409, 'hold_not_active');
    assert.equal((await hold(s.id, [m.id('D6'), m.id('D7')], bob)).status, 201, 'released seats can be held at once');
  });
});

describe('expiry', () => {
  test('an expired hold frees its seats in reads and writes without any sweeper', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const h = (await hold(s.id, [m.id('H4'), m.id('H5')])).body.data;
    await expire(h.id);
    await t.rt.cache.invalidate(`seatmap:${s.id}`);
    assert.equal((await seatMapOf(t.app, s.id)).status('H4'), 'available');
    assert.equal((await call(t.app, { method: 'GET', url: `/api/v1/holds/${h.id}`, token: alice })).body.data.status, 'expired');
    const taken = await hold(s.id, [m.id('H4'), m.id('H5')], bob);
    assert.equal(taken.status, 201, 'another customer takes the seats before any sweep');
    // the old hold's row is still 'active' (nobody swept): proof the write did not rely on it
    const { rows } = await t.rt.db.query<{ status: string }>('SELECT status FROM holds WHERE id = $1', [h.id]);
    assert.equal(rows[0].status, 'active');
  });

  test('the sweeper releases expired holds once, publishes the release, and leaves live holds alone', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const dead = (await hold(s.id, [m.id('I4'), m.id('I5')])).body.data;
    const live = (await hold(s.id, [m.id('I9'), m.id('I10')], bob)).body.data;
    await expire(dead.id);
    const seen = events.length;
    const first = await sweepExpiredHolds(t.rt);
    assert.ok(first.holds.includes(dead.id), JSON.stringify(first));
    assert.ok(!first.holds.includes(live.id));
    const second = await sweepExpiredHolds(t.rt);
    assert.ok(!second.holds.includes(dead.id), 'released once');
    const release = events.slice(seen).find((e) => e.screening_id === s.id);
    assert.ok(release);
    assert.deepEqual(
      release.seats.map((x) => x.status),
      ['available', 'available'],
    );
    const map = await seatMapOf(t.app, s.id);
    assert.equal(map.version, release.version);
    assert.deepEqual(['I4', 'I9'].map(map.status), ['available', 'held']);
    const { rows } = await t.rt.db.query<{ status: string }>('SELECT status FROM holds WHERE id = $1', [dead.id]);
    assert.equal(rows[0].status, 'expired');
  });
});

describe('two sweepers at once', () => {
  test('each expired hold is released exactly once across concurrent sweepers', async () => {
    // a second instance on the same database (PostgreSQL) or the same runtime (PGlite)
    const other = t.databaseUrl ? await startTestApp({}, undefined, { databaseUrl: t.databaseUrl, redisPrefix: t.config.REDIS_PREFIX }) : t;
    try {
      const s = await newScreening(t.app, admin);
      const m = await seatMapOf(t.app, s.id);
      const ids: string[] = [];
      for (const [i, row] of ['B', 'C', 'D', 'E', 'F', 'G'].entries()) {
        const token = (
          await call(t.app, {
            method: 'POST',
            url: '/api/v1/auth/register',
            payload: { email: `sweep${i}@example.com`, password: 'long enough pw', full_name: 'S' },
          })
        ).body.data.token;
        const h = await hold(s.id, [m.id(`${row}6`), m.id(`${row}7`)], token);
        assert.equal(h.status, 201, JSON.stringify(h.body));
        ids.push(h.body.data.id);
      }
      for (const id of ids) await expire(id);
      const [x, y] = await Promise.all([sweepExpiredHolds(t.rt, 2), sweepExpiredHolds(other.rt, 2)]);
      const more = await Promise.all([sweepExpiredHolds(t.rt), sweepExpiredHolds(other.rt)]);
      const released = [...x.holds, ...y.holds, ...more[0].holds, ...more[1].holds].filter((id) => ids.includes(id));
      assert.equal(released.length, ids.length, 'every expired hold released');
      assert.equal(new Set(released).size, ids.length, 'none released twice');
    } finally {
      if (other !== t) await other.close();
    }
  });
});

describe('Idempotency-Key', () => {
  test('same key and body -> the first answer; another body -> 422; in flight -> 409', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const body = [m.id('E9'), m.id('E10')];
    const first = await hold(s.id, body, alice, { 'idempotency-key': 'k-1' });
    const again = await hold(s.id, body, alice, { 'idempotency-key': 'k-1' });
    assert.equal(first.status, 201);
    assert.equal(again.status, 201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.body.data.id, first.body.data.id);
    const { rows } = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM holds WHERE screening_id = $1', [s.id]);
    assert.equal(rows[0].n, 1, 'one hold');
    assertProblem(await hold(s.id, [m.id('E12')], alice, { 'idempotency-key': 'k-1' }), 422, 'idempotency_key_reused');
    // a refusal is replayed too
    assert.equal((await hold(s.id, [m.id('F9'), m.id('F10')], bob)).status, 201);
    const refused = await hold(s.id, [m.id('F9'), m.id('F10')], alice, { 'idempotency-key': 'k-2' });
    assertProblem(refused, 409, 'seat_unavailable');
    const refusedAgain = await hold(s.id, [m.id('F9'), m.id('F10')], alice, { 'idempotency-key': 'k-2' });
    assert.equal(refusedAgain.status, 409);
    assert.equal(refusedAgain.headers['idempotent-replayed'], 'true');
    // a first request still running (its key row is in flight)
    const payload = { seat_ids: [m.id('G10'), m.id('G11')] };
    const url = `/api/v1/screenings/${s.id}/holds`;
    const hash = createHash('sha256')
      .update(`POST ${url}\n${JSON.stringify(payload)}`)
      .digest('hex');
    await t.rt.db.query(`INSERT INTO idempotency_keys (user_id, scope, key, request_hash) VALUES ($1, 'hold', 'k-3', $2)`, [aliceId, hash]);
    assertProblem(
      await call(t.app, { method: 'POST', url, token: alice, payload, headers: { 'idempotency-key': 'k-3' } }),
      409,
      'idempotency_in_flight',
    );
  });
});

describe('best available', () => {
  test('holds the best adjacent seats, then says when no group fits', async () => {
    const s = await newScreening(t.app, admin);
    const r = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds/best-available`, token: alice, payload: { count: 3 } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const m = await seatMapOf(t.app, s.id);
    const got = r.body.data.seat_ids.map((id: number) => m.seats.find((x) => x.id === id)!);
    assert.equal(new Set(got.map((x: any) => x.row)).size, 1, 'one row');
    const xs = got.map((x: any) => x.x).sort((a: number, b: number) => a - b);
    assert.deepEqual(xs, [xs[0], xs[0] + 1, xs[0] + 2], 'adjacent');
    // leave only seats that cannot be three together: block everything else but two per row
    const free = m.seats.filter((x) => x.status === 'available' && x.type !== 'companion' && x.type !== 'wheelchair');
    const keep = new Set<number>();
    for (const row of new Set(free.map((x) => x.row))) for (const x of free.filter((y) => y.row === row).slice(0, 2)) keep.add(x.id);
    const block = m.seats.filter((x) => x.status === 'available' && !keep.has(x.id)).map((x) => x.id);
    assert.equal(
      (await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/seats/block`, token: admin, payload: { seat_ids: block } })).status,
      200,
    );
    assertProblem(
      await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds/best-available`, token: bob, payload: { count: 3 } }),
      409,
      'not_enough_adjacent_seats',
    );
    assert.equal(
      (await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds/best-available`, token: bob, payload: { count: 2 } })).status,
      201,
    );
  });

  test('sold out -> 409', async () => {
    const s = await newScreening(t.app, admin, { theater_id: DEMO.theaters.pacificPlace, hall_id: DEMO.halls.pacificPlace4dx });
    const m = await seatMapOf(t.app, s.id);
    await call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${s.id}/seats/block`,
      token: admin,
      payload: { seat_ids: m.seats.map((x) => x.id) },
    });
    assertProblem(
      await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds/best-available`, token: alice, payload: { count: 1 } }),
      409,
      'not_enough_adjacent_seats',
    );
  });
});
