// A screening's waiting room (kv/waiting-room*.ts, modules/waiting-room): off unless configured; past
// WAITING_ROOM_ENGAGE_PER_S hold attempts in a second it engages, and customers not yet let through
// are answered 429 waiting_room with their place and when to ask again, holding nothing and leaving
// their Idempotency-Key unused; they are let through in order at WAITING_ROOM_ADMIT_PER_S; a
// malformed request takes no place; the poll says sold_out when too few seats are left. Runs on the
// in-process room (embedded) and on Redis (CI's second pass), where two instances share one line;
// a Redis that cannot answer leaves the room open.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { admit, newBucket, stateOf } from '../src/kv/waiting-room.ts';
import { memoryRoom } from '../src/kv/waiting-room-memory.ts';
import { redisRoom } from '../src/kv/waiting-room-redis.ts';
import { redisClient } from '../src/kv/redis.ts';
import { newCustomer } from './helpers/checkout.ts';
import { assertProblem, call, loginAs } from './helpers/http.ts';
import { onPostgres, onRedis, startTestApp, type TestApp } from './helpers/runtime.ts';
import { newScreening, plainHall, seatMapOf } from './helpers/screenings.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Seats 1-3 of a row of the test hall (a block of three: holding it strands no seat). */
const row = (m: { id(label: string): number }, r: string) => [1, 2, 3].map((x) => m.id(`${r}${x}`));
/** Waits for the start of the next wall-clock second (the room counts attempts per second). */
const nextSecond = () => sleep(1000 - (Date.now() % 1000) + 5);

describe('the admission arithmetic', () => {
  test('a bucket lets through at most one second of admissions at once, then at the rate, in order', () => {
    const b = newBucket(10, 0);
    b.next = 25;
    admit(b, 10, 0);
    assert.equal(b.admitted, 10, 'a full bucket: one second of customers at once');
    admit(b, 10, 500);
    assert.equal(b.admitted, 15, 'then 10 a second');
    admit(b, 10, 60_000);
    assert.equal(b.admitted, 25, 'never past the last place handed out');
    admit(b, 10, 600_000);
    assert.equal(b.tokens, 10, 'and never more than one second saved up');
    assert.deepEqual(stateOf(25, 25, 0, 10), { state: 'admitted', position: 25 });
    assert.deepEqual(stateOf(30, 25, 0.5, 10), { state: 'waiting', position: 30, ahead: 4, retryAfterMs: 450 });
    assert.equal(
      (stateOf(100_000, 0, 0, 1) as { retryAfterMs: number }).retryAfterMs,
      2_000,
      'asked again within 2 s at most (a sell-out is heard soon)',
    );
  });

  test('the in-process room: engages past the threshold, keeps a place per customer, lingers, then starts a new line', async () => {
    let now = 10_000;
    const room = memoryRoom({ engagePerS: 2, admitPerS: 1, lingerMs: 5_000, passMs: 3_000 }, () => now);
    assert.deepEqual(await room.attempt(7, 1), { state: 'open' });
    assert.deepEqual(await room.attempt(7, 2), { state: 'open' });
    assert.deepEqual(await room.attempt(7, 3), { state: 'admitted', position: 1 }, 'the third attempt in a second engages it');
    assert.deepEqual(await room.attempt(7, 4), { state: 'waiting', position: 2, ahead: 0, retryAfterMs: 1000 });
    assert.deepEqual(await room.attempt(8, 4), { state: 'open' }, 'another screening has a room of its own');
    now += 400;
    assert.deepEqual(await room.poll(7, 4), { state: 'waiting', position: 2, ahead: 0, retryAfterMs: 600 }, 'same place');
    now += 600;
    assert.deepEqual(await room.poll(7, 4), { state: 'admitted', position: 2 });
    now += 5_000; // the linger is over: no queue
    assert.deepEqual(await room.attempt(7, 9), { state: 'open' });
    now += 3_000;
    for (const u of [10, 11]) await room.attempt(7, u);
    assert.deepEqual(await room.attempt(7, 12), { state: 'admitted', position: 1 }, 'a new rush starts a new line');
  });
});

describe('the waiting room through the API', () => {
  let t: TestApp;
  let admin: string;
  before(async () => {
    t = await startTestApp({
      WAITING_ROOM_ENGAGE_PER_S: '2',
      WAITING_ROOM_ADMIT_PER_S: '1',
      WAITING_ROOM_LINGER_SECONDS: '30',
      HOLD_MAX_SEATS: '12',
    });
    admin = await loginAs(t.app, 'admin@cinema.com');
  });
  after(() => t?.close());

  const hold = (app: TestApp, screeningId: number, seatIds: number[], token: string, key = randomUUID()) =>
    call(app.app, {
      method: 'POST',
      url: `/api/v1/screenings/${screeningId}/holds`,
      token,
      payload: { seat_ids: seatIds },
      headers: { 'idempotency-key': key },
    });
  const poll = (app: TestApp, screeningId: number, token: string, count?: number) =>
    call(app.app, { method: 'POST', url: `/api/v1/screenings/${screeningId}/waiting-room`, token, ...(count ? { payload: { count } } : {}) });

  /** Asks the room until let through (at most limitMs), as the web app does. */
  const untilLetThrough = async (screeningId: number, token: string, limitMs = 15_000) => {
    const until = Date.now() + limitMs;
    for (;;) {
      const r = await poll(t, screeningId, token);
      if (r.body.data.state !== 'waiting') return r.body.data.state as string;
      assert.ok(Date.now() < until, `still waiting after ${limitMs} ms: ${JSON.stringify(r.body)}`);
      await sleep(r.body.data.retry_after_ms);
    }
  };

  test('a rush queues customers in order: a place and a time to come back, the request not run, the key still usable; then let through', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const rush = await Promise.all([1, 2, 3, 4, 5].map((i) => newCustomer(t, `rush${i}`)));
    const [c, d] = await Promise.all([newCustomer(t, 'carol'), newCustomer(t, 'dave')]);
    assert.equal((await poll(t, s.id, c.token)).body.data.state, 'open', 'no rush yet: no queue');
    // five attempts at once, within one second: two go on as usual, the third engages the room and is
    // first in line (let through at once: one second's worth), the last two wait at places 2 and 3
    await nextSecond();
    const burst = await Promise.all(rush.map((x, i) => hold(t, s.id, row(m, 'BCDEF'[i]), x.token)));
    assert.deepEqual(burst.map((r) => r.status).sort(), [201, 201, 201, 429, 429], JSON.stringify(burst.map((r) => r.body.code)));
    assert.deepEqual(
      burst
        .filter((r) => r.status === 429)
        .map((r) => r.body.position)
        .sort(),
      [2, 3],
    );
    // a malformed request takes no place in line
    assertProblem(
      await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/holds`, token: c.token, payload: { seat_ids: [] } }),
      400,
      'validation_failed',
    );
    const key = randomUUID();
    const waiting = await hold(t, s.id, row(m, 'G'), c.token, key);
    assertProblem(waiting, 429, 'waiting_room');
    assert.equal(waiting.body.position, 4, 'the next place: the malformed request took none');
    assert.ok(waiting.body.ahead >= 1 && waiting.body.ahead <= 2, JSON.stringify(waiting.body));
    assert.ok(waiting.body.retry_after_ms > 0 && waiting.body.retry_after_ms <= 2_000, JSON.stringify(waiting.body));
    assert.equal(waiting.headers['retry-after'], String(Math.ceil(waiting.body.retry_after_ms / 1000)));
    const later = await hold(t, s.id, row(m, 'H'), d.token);
    assertProblem(later, 429, 'waiting_room');
    assert.equal(later.body.position, 5, 'the next customer is behind');
    assert.ok(later.body.ahead > waiting.body.ahead - 1, JSON.stringify(later.body));
    // nothing was held for the customers in line, and the key was not used
    const { rows } = await t.rt.db.query<{ n: string }>(
      `SELECT (SELECT count(*) FROM holds WHERE user_id = ANY($1)) + (SELECT count(*) FROM idempotency_keys WHERE key = $2) AS n`,
      [[c.id, d.id], key],
    );
    assert.equal(Number(rows[0].n), 0);
    const asked = await poll(t, s.id, c.token);
    assert.equal(asked.status, 200);
    assert.equal(asked.body.data.position, 4, 'asking keeps the place (and needs no body)');
    assert.equal(await untilLetThrough(s.id, c.token), 'admitted');
    const again = await hold(t, s.id, row(m, 'G'), c.token, key);
    assert.equal(again.status, 201, `the same request with the same key, once let through: ${JSON.stringify(again.body)}`);
    // dave, one place behind, is let through a second after carol at 1 a second: still in line now
    assertProblem(await hold(t, s.id, row(m, 'H'), d.token), 429, 'waiting_room');
    // carol, let through, goes on holding without queueing again while the room stays engaged
    assert.equal((await hold(t, s.id, row(m, 'I'), c.token)).status, 201);
  });

  test('the poll: sold_out when no block of the seats wanted is free side by side, 404 for an unknown screening, 400 for a bad count', async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const free = m.seats.filter((x) => x.status === 'available').length;
    const c = await newCustomer(t, 'poller');
    await nextSecond();
    await Promise.all([0, 1, 2].map(() => hold(t, s.id, row(m, 'F'), c.token))); // three attempts in a second engage it
    const first = await poll(t, s.id, c.token, 2);
    assert.notEqual(first.body.data.state, 'open', JSON.stringify(first.body));
    assert.equal(first.body.data.free_seats, free - 3);
    // sold_out names a block of `count` free seats side by side: the longest such run, counted here
    const now = await seatMapOf(t.app, s.id);
    const byRow = new Map<string, number[]>();
    for (const x of now.seats as unknown as { row: string; x: number; status: string }[])
      if (x.status === 'available') byRow.set(x.row, [...(byRow.get(x.row) ?? []), x.x]);
    let longest = 0;
    for (const xs of byRow.values()) {
      xs.sort((a, b) => a - b);
      let run = 0;
      for (let i = 0; i < xs.length; i++) {
        run = i > 0 && xs[i] === xs[i - 1] + 1 ? run + 1 : 1;
        longest = Math.max(longest, run);
      }
    }
    assert.ok(longest >= 2 && longest < t.config.HOLD_MAX_SEATS, `the test hall's rows have aisles: longest run ${longest}`);
    const big = await newCustomer(t, 'big');
    const fits = await poll(t, s.id, big.token, longest);
    assert.ok(['waiting', 'admitted'].includes(fits.body.data.state), `a block that fits is not sold out: ${JSON.stringify(fits.body)}`);
    const none = await poll(t, s.id, big.token, longest + 1);
    assert.deepEqual([none.body.data.state, none.body.data.retry_after_ms], ['sold_out', 0], 'no block that long: sold out at once');
    assertProblem(
      await call(t.app, { method: 'POST', url: '/api/v1/screenings/999999/waiting-room', token: c.token, payload: {} }),
      404,
      'screening_not_found',
    );
    assertProblem(
      await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/waiting-room`, token: c.token, payload: { count: 0 } }),
      400,
      'validation_failed',
    );
    assertProblem(await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/waiting-room`, payload: {} }), 401, 'unauthorized');
  });

  test("a partner key restricted to other theaters takes no place in this screening's line and cannot ask about it", async () => {
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const elsewhere = await plainHall(t.app, admin, 1, 5);
    const issued = await call(t.app, {
      method: 'POST',
      url: '/api/v1/api-keys',
      token: admin,
      payload: { name: 'Elsewhere', scopes: ['holds:write'], theater_ids: [elsewhere.theaterId] },
    });
    assert.equal(issued.status, 201, JSON.stringify(issued.body));
    const byKey = (url: string, payload: object) =>
      call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}${url}`, headers: { 'x-api-key': issued.body.data.secret }, payload });
    const c = await Promise.all([1, 2, 3, 4].map((i) => newCustomer(t, `key${i}`)));
    await nextSecond();
    await Promise.all(c.slice(0, 3).map((x, i) => hold(t, s.id, row(m, 'BCD'[i]), x.token))); // engages the room
    assertProblem(await byKey('/holds', { seat_ids: row(m, 'E') }), 403, 'theater_not_allowed');
    assertProblem(await byKey('/waiting-room', {}), 403, 'theater_not_allowed');
    const next = await hold(t, s.id, row(m, 'F'), c[3].token);
    assertProblem(next, 429, 'waiting_room');
    assert.equal(next.body.position, 2, 'the key took no place');
  });

  test('two instances on one Redis share one line', { skip: !(onPostgres && onRedis) && 'needs PostgreSQL and Redis' }, async () => {
    const other = await startTestApp(
      { WAITING_ROOM_ENGAGE_PER_S: '2', WAITING_ROOM_ADMIT_PER_S: '1', WAITING_ROOM_LINGER_SECONDS: '30' },
      undefined,
      { databaseUrl: t.databaseUrl, redisPrefix: t.config.REDIS_PREFIX },
    );
    try {
      const s = await newScreening(t.app, admin);
      const m = await seatMapOf(t.app, s.id);
      const c = await Promise.all([1, 2, 3, 4].map((i) => newCustomer(t, `shared${i}`)));
      await nextSecond();
      const burst = await Promise.all([
        hold(t, s.id, row(m, 'B'), c[0].token),
        hold(other, s.id, row(m, 'C'), c[1].token),
        hold(t, s.id, row(m, 'D'), c[2].token),
      ]);
      assert.deepEqual(
        burst.map((r) => r.status),
        [201, 201, 201],
        'three attempts across both instances in a second: two go on, the third engages the room and is let through first',
      );
      const r = await hold(other, s.id, row(m, 'E'), c[3].token);
      assertProblem(r, 429, 'waiting_room');
      assert.equal(r.body.position, 2, 'the other instance hands out the next place of the same line');
      assert.equal((await poll(t, s.id, c[3].token)).body.data.position, 2);
    } finally {
      await other.close();
    }
  });
});

describe('off by default', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t?.close());

  test('without WAITING_ROOM_ENGAGE_PER_S a burst of attempts is decided as before, and the poll says open', async () => {
    assert.equal(t.config.WAITING_ROOM_ENGAGE_PER_S, 0, 'off unless configured');
    assert.equal(t.rt.waitingRoom.enabled, false);
    const admin = await loginAs(t.app, 'admin@cinema.com');
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const c = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => newCustomer(t, `calm${i}`)));
    const rs = await Promise.all(
      c.map((x, i) =>
        call(t.app, {
          method: 'POST',
          url: `/api/v1/screenings/${s.id}/holds`,
          token: x.token,
          payload: { seat_ids: row(m, 'BCDEFG'[i]) },
        }),
      ),
    );
    assert.deepEqual(
      rs.map((r) => r.status),
      [201, 201, 201, 201, 201, 201],
    );
    const r = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/waiting-room`, token: c[0].token, payload: {} });
    assert.deepEqual([r.status, r.body.data.state], [200, 'open']);
  });
});

describe('the Redis room', () => {
  test('places and admissions as the rules say, accruing while people wait however rarely they ask', {
    skip: !onRedis && 'needs Redis',
  }, async () => {
    const client = redisClient(process.env.REDIS_URL as string);
    try {
      const room = redisRoom(client, `test:wr:${randomUUID()}:`, { engagePerS: 1, admitPerS: 1, lingerMs: 30_000, passMs: 30_000 });
      await nextSecond();
      assert.deepEqual(await room.attempt(1, 1), { state: 'open' });
      assert.deepEqual(await room.attempt(1, 2), { state: 'admitted', position: 1 }, 'the second attempt in a second engages it');
      assert.equal((await room.attempt(1, 3)).state, 'waiting');
      const last = await room.attempt(1, 4);
      assert.deepEqual([last.state, (last as { position: number }).position], ['waiting', 3]);
      await sleep(2_200); // nobody asks meanwhile: two places accrue all the same
      assert.deepEqual(await room.poll(1, 4), { state: 'admitted', position: 3 });
      assert.deepEqual(await room.poll(2, 4), { state: 'open' }, 'another screening has no line');
    } finally {
      client.disconnect();
    }
  });

  test('with Redis unreachable every attempt is let on (PostgreSQL still decides)', async () => {
    const client = redisClient('redis://127.0.0.1:1/0');
    try {
      const room = redisRoom(client, 'x:', { engagePerS: 1, admitPerS: 1, lingerMs: 1000, passMs: 1000 });
      for (let u = 1; u <= 3; u++) assert.deepEqual(await room.attempt(1, u), { state: 'open' });
    } finally {
      client.disconnect();
    }
  });
});
