// Holds in batches (functions/take_seats_batch.sql + take-batcher.ts): one refused hold of a batch rolls back alone,
// its row locks and its holds row with it; the others commit; concurrent requests share batches and
// no seat ends up in two holds.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { Db } from '../src/db/client.ts';
import { holdLimits } from '../src/modules/holds/hold-limits.ts';
import { createTakeBatcher, TakeError } from '../src/modules/inventory/take-batcher.ts';
import { loginAs } from './helpers/http.ts';
import { startTestApp, type TestApp } from './helpers/runtime.ts';
import { newScreening, seatMapOf } from './helpers/screenings.ts';

let t: TestApp;
let admin: string;
before(async () => {
  t = await startTestApp();
  admin = await loginAs(t.app, 'admin@cinema.com');
});
after(() => t.close());

async function freeSeatIds(screeningId: number, n: number) {
  const map = await seatMapOf(t.app, screeningId);
  return map.seats
    .filter((s) => s.type === 'regular' && s.status === 'available')
    .slice(0, n)
    .map((s) => s.id);
}

describe('take_seats_batch', () => {
  test('a refused item rolls back alone; the items after it see its seats free', async () => {
    const s = await newScreening(t.app, admin);
    const [a, b, c] = await freeSeatIds(s.id, 3);
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    const version = async () =>
      Number((await t.rt.db.query<{ v: number }>('SELECT seat_map_version AS v FROM screenings WHERE id = $1', [s.id])).rows[0].v);
    const v0 = await version();
    const { rows } = await t.rt.db.query<{ idx: number; err_code: string | null; err_detail: string | null; map_version: number | null }>(
      'SELECT idx, err_code, err_detail, map_version FROM take_seats_batch($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[], 600, 1200, 300, 100, 100)',
      [ids, [s.id, s.id, s.id], [1, 2, 3], [a, b, b, c, c], [2, 2, 1]],
    );
    // the two holds that went through get the next two versions, in the order they ran
    assert.deepEqual(
      rows.map((r) => [r.idx, r.err_code, r.err_detail, r.map_version === null ? null : Number(r.map_version)]),
      [
        [1, null, null, v0 + 1],
        [2, 'CN409', String(b), null],
        [3, null, null, v0 + 2],
      ],
    );
    assert.equal(await version(), v0 + 2, 'the screening moved by exactly the holds it got');
    const held = await t.rt.db.query<{ seat_id: number; hold_id: string }>(
      `SELECT seat_id, hold_id FROM screening_seats WHERE screening_id = $1 AND status = 'held' ORDER BY seat_id`,
      [s.id],
    );
    assert.deepEqual(
      held.rows.map((r) => [r.seat_id, r.hold_id]),
      [
        [a, ids[0]],
        [b, ids[0]],
        [c, ids[2]],
      ],
    );
    const holds = await t.rt.db.query('SELECT id FROM holds WHERE id = ANY($1::uuid[]) ORDER BY id', [ids]);
    assert.equal(holds.rowCount, 2, 'the refused hold left no row behind');
    assert.ok(!holds.rows.some((r) => r.id === ids[1]));
  });
});

describe('the batcher', () => {
  test('concurrent requests share batches; every seat is granted once; refusals carry the SQLSTATE', async () => {
    const s = await newScreening(t.app, admin);
    const seats = await freeSeatIds(s.id, 12);
    let calls = 0;
    const counting: Db = { ...t.rt.db, query: (text, params) => (calls++, t.rt.db.query(text, params)) };
    const batcher = createTakeBatcher(counting, { limits: holdLimits(t.config), concurrency: 1, maxBatch: 64 });
    // 30 requests for overlapping pairs of 12 seats, from users 1..3 (the later hold of a user for the
    // screening replaces the earlier one, as take_seats does)
    const reqs = Array.from({ length: 30 }, (_, i) => ({
      holdId: randomUUID(),
      screeningId: s.id,
      userId: 1 + (i % 3),
      seatIds: [seats[i % 11], seats[(i % 11) + 1]],
    }));
    const outcomes = await Promise.allSettled(reqs.map((r) => batcher.take(r)));
    assert.ok(calls < reqs.length, `30 requests took ${calls} round trips`);
    assert.ok(calls >= 2);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    for (const o of refused) {
      assert.ok(o.reason instanceof TakeError, String(o.reason));
      assert.ok(['CN409', 'CN410'].includes(o.reason.code), o.reason.code);
    }
    assert.ok(outcomes.some((o) => o.status === 'fulfilled'));
    // the database: every held seat belongs to one active hold, and that hold lists it
    const { rows } = await t.rt.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM screening_seats ss JOIN holds h ON h.id = ss.hold_id
        WHERE ss.screening_id = $1 AND ss.status = 'held' AND (h.status <> 'active' OR NOT ss.seat_id = ANY (h.seat_ids))`,
      [s.id],
    );
    assert.equal(rows[0].n, 0);
    const active = await t.rt.db.query<{ seat_ids: number[] }>(`SELECT seat_ids FROM holds WHERE screening_id = $1 AND status = 'active'`, [s.id]);
    const all = active.rows.flatMap((r) => r.seat_ids);
    assert.equal(new Set(all).size, all.length, 'no seat in two active holds');
    assert.ok(active.rowCount <= 3, 'one active hold per user and screening');
  });

  test('twenty customers asking for the same two seats at once, through shared batches: exactly one wins', async () => {
    const s = await newScreening(t.app, admin);
    const seats = await freeSeatIds(s.id, 2);
    const { rows: users } = await t.rt.db.query<{ id: number }>(
      `INSERT INTO users (email, password_hash, full_name)
       SELECT 'batch-' || g || '-' || $1 || '@example.com', 'x', 'Batch ' || g FROM generate_series(1, 20) g RETURNING id`,
      [s.id],
    );
    let calls = 0;
    const counting: Db = { ...t.rt.db, query: (text, params) => (calls++, t.rt.db.query(text, params)) };
    const batcher = createTakeBatcher(counting, { limits: holdLimits(t.config), concurrency: 1, maxBatch: 64 });
    const outcomes = await Promise.allSettled(
      users.map((u) => batcher.take({ holdId: randomUUID(), screeningId: s.id, userId: u.id, seatIds: seats })),
    );
    assert.ok(calls < users.length, `20 requests took ${calls} round trips: they shared batches`);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    assert.equal(won.length, 1, 'exactly one hold of the seats');
    for (const o of outcomes) if (o.status === 'rejected') assert.ok(['CN409', 'CN410'].includes((o.reason as TakeError).code));
    const { rows } = await t.rt.db.query<{ n: number }>(
      `SELECT count(DISTINCT hold_id)::int AS n FROM screening_seats WHERE screening_id = $1 AND seat_id = ANY ($2::int[]) AND status = 'held'`,
      [s.id, seats],
    );
    assert.equal(rows[0].n, 1);
  });

  test("one request's bad data (a seat id past int4) fails alone: the others of its batch get their holds", async () => {
    const s = await newScreening(t.app, admin);
    const seats = await freeSeatIds(s.id, 6);
    const batcher = createTakeBatcher(t.rt.db, { limits: holdLimits(t.config), concurrency: 1, maxBatch: 64 });
    const take = (userId: number, seatIds: number[]) => batcher.take({ holdId: randomUUID(), screeningId: s.id, userId, seatIds });
    // the first leaves alone; the three behind it wait and go out together
    const outcomes = await Promise.allSettled([
      take(1, [seats[0], seats[1]]),
      take(2, [seats[2], seats[3]]),
      take(3, [2 ** 31]),
      take(4, [seats[4], seats[5]]),
    ]);
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? 'held' : (o.reason as { code?: string }).code)),
      ['held', 'held', '22003', 'held'],
    );
  });

  test('a batch that fails as a whole rejects every request in it', async () => {
    const broken: Db = { ...t.rt.db, query: async () => Promise.reject(Object.assign(new Error('connection lost'), { code: '08006' })) };
    const batcher = createTakeBatcher(broken, { limits: holdLimits(t.config), concurrency: 1, maxBatch: 64 });
    const outcomes = await Promise.allSettled([1, 2, 3].map((i) => batcher.take({ holdId: randomUUID(), screeningId: 1, userId: i, seatIds: [i] })));
    assert.deepEqual(
      outcomes.map((o) => o.status === 'rejected' && (o.reason as { code?: string }).code),
      ['08006', '08006', '08006'],
    );
  });
});
