import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call } from './helpers/http.ts';
import { signedInApp, type TestApp } from './helpers/runtime.ts';
import { DEMO } from '../src/db/seed/demo-ids.ts';

let t: TestApp;
let admin: string;
let customer: string;
before(async () => {
  ({ t, admin, customer } = await signedInApp());
});
after(() => t.close());

const DAY = 86_400_000;
/** A whole-hour UTC time `days` from now: far beyond the 7 days of demo screenings. */
const future = (days: number, hour = 10) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

const create = (payload: Record<string, unknown>, token = admin) => call(t.app, { method: 'POST', url: '/api/v1/screenings', token, payload });
const base = (over: Record<string, unknown> = {}) => ({
  movie_id: DEMO.movies.avengersEndgame,
  theater_id: DEMO.theaters.grandIndonesia,
  hall_id: DEMO.halls.grandIndonesiaImax,
  show_time: future(40),
  price: 50000,
  ...over,
});

describe('GET /screenings', () => {
  test('lists only future, open screenings, soonest first, in pages that neither skip nor repeat', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let last = '';
    do {
      const url: string = `/api/v1/screenings?limit=25${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await call(t.app, { method: 'GET', url, token: customer });
      assert.equal(r.status, 200);
      assert.equal(r.body.success, true);
      for (const s of r.body.data) {
        assert.ok(new Date(s.show_time).getTime() > Date.now(), 'future only');
        assert.ok(s.show_time >= last, 'ordered by show_time');
        assert.equal(s.is_available, true);
        last = s.show_time;
        seen.push(s.id);
      }
      cursor = r.body.meta.next_cursor;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, 'no repeats');
    const { rows } = await t.rt.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM screenings WHERE show_time > now() AND is_available AND status = 'scheduled'",
    );
    assert.equal(seen.length, rows[0].n, 'no skips');
    assert.ok(seen.length > 20);
  });

  test('the plain call (no query) answers the seed shape with a default page of 20', async () => {
    const r = await call(t.app, { method: 'GET', url: '/api/v1/screenings', token: customer });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.length, 20);
    const s = r.body.data[0];
    for (const k of [
      'id',
      'movie_id',
      'theater_id',
      'hall_id',
      'show_time',
      'end_time',
      'price',
      'price_3d',
      'available_seats',
      'is_3d',
      'is_available',
      'created_at',
      'updated_at',
    ]) {
      assert.ok(k in s, `field ${k}`);
    }
    assert.equal(typeof s.price, 'number');
    assert.match(s.show_time, /Z$/);
    // the list (built as JSON in the database) and the single read (built from a row) agree exactly
    for (const item of r.body.data.slice(0, 5)) {
      const one = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${item.id}`, token: customer });
      assert.deepEqual(item, one.body.data);
    }
  });

  test('limit outside 1-100 and a forged cursor are 400', async () => {
    for (const q of ['limit=0', 'limit=101', 'limit=abc', 'cursor=bm9wZQ']) {
      assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/screenings?${q}`, token: customer }), 400, 'validation_failed');
    }
  });
});

describe('GET /screenings/:id', () => {
  test('found, not found, invalid id', async () => {
    const made = (await create(base({ show_time: future(43) }))).body.data;
    const r = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${made.id}`, token: customer });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.id, made.id);
    assert.equal(r.body.data.hall_id, DEMO.halls.grandIndonesiaImax);
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/screenings/999999', token: customer }), 404, 'screening_not_found');
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/screenings/abc', token: customer }), 400, 'validation_failed');
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/screenings/0', token: customer }), 400, 'validation_failed');
  });
});

describe('POST /screenings', () => {
  test('creates with end_time from the movie, capacity from the hall, and one seat state per seat', async () => {
    const r = await create(base({ is_3d: true, price_3d: 75500 }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const s = r.body.data;
    const { rows } = await t.rt.db.query<{ duration: number; capacity: number; states: number; audit: number }>(
      `SELECT (SELECT duration FROM movies WHERE id = $2) AS duration,
              (SELECT count(*)::int FROM seats WHERE hall_id = $3 AND is_active) AS capacity,
              (SELECT count(*)::int FROM screening_seats WHERE screening_id = $1 AND status = 'available') AS states,
              (SELECT count(*)::int FROM audit_log WHERE entity = 'screening' AND entity_id = $1::text
                 AND action = 'screening.create' AND actor_id = $4) AS audit`,
      [s.id, DEMO.movies.avengersEndgame, DEMO.halls.grandIndonesiaImax, DEMO.users.admin],
    );
    assert.equal(new Date(s.end_time).getTime() - new Date(s.show_time).getTime(), rows[0].duration * 60_000);
    assert.equal(s.available_seats, rows[0].capacity);
    assert.equal(rows[0].states, rows[0].capacity);
    assert.equal(rows[0].audit, 1);
    assert.equal(s.price, 50000);
    assert.equal(s.price_3d, 75500);
    assert.equal(s.is_3d, true);
    assert.equal(s.currency, 'IDR');
    const got = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}`, token: customer });
    assert.deepEqual(got.body.data, s);
  });

  test('a show_time with an offset is stored as that instant', async () => {
    const local = future(41).replace('T10:00:00.000Z', 'T19:30:00+07:00');
    const r = await create(base({ show_time: local }));
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.data.show_time, new Date(local).toISOString());
    assert.match(r.body.data.show_time, /T12:30:00\.000Z$/);
  });

  const refusals: [string, Record<string, unknown>, number, string][] = [
    ['unknown movie', { movie_id: 9999 }, 400, 'unknown_movie'],
    ['unknown theater', { theater_id: 9999 }, 400, 'unknown_theater'],
    ['unknown hall', { hall_id: 9999 }, 400, 'unknown_hall'],
    ['hall of another theater', { theater_id: DEMO.theaters.pacificPlace }, 400, 'hall_not_in_theater'],
    ['time without offset', { show_time: '2031-01-01T10:00:00' }, 400, 'validation_failed'],
    ['not a time', { show_time: 'tomorrow' }, 400, 'validation_failed'],
    ['in the past', { show_time: '2020-01-01T10:00:00Z' }, 400, 'screening_in_past'],
    ['price with 3 decimals', { price: 50000.001 }, 400, 'invalid_amount'],
    // IDR is paid in whole rupiah (no sen in use; gateways take whole amounts)
    ['price with sen', { price: 50000.5 }, 400, 'invalid_amount'],
    ['3D price with sen', { is_3d: true, price_3d: 75000.25 }, 400, 'invalid_amount'],
    ['zero price', { price: 0 }, 400, 'validation_failed'],
    ['negative price', { price: -5 }, 400, 'validation_failed'],
    ['price as a string', { price: 'free' }, 400, 'validation_failed'],
    ['3D without price_3d', { is_3d: true }, 400, 'price_3d_required'],
    [
      '3D in a hall without 3D',
      { theater_id: DEMO.theaters.pacificPlace, hall_id: DEMO.halls.pacificPlaceRegular, is_3d: true, price_3d: 70000 },
      400,
      'hall_not_3d',
    ],
    ['missing hall_id', { hall_id: undefined }, 400, 'validation_failed'],
  ];
  for (const [name, over, status, code] of refusals) {
    test(`refuses: ${name} -> ${status} ${code}, and writes nothing`, async () => {
      const before = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM screenings');
      assertProblem(await create(base({ show_time: future(50), ...over })), status, code);
      const after = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM screenings');
      assert.equal(after.rows[0].n, before.rows[0].n);
    });
  }

  test('overlap in one hall -> 409, including the cleaning gap; the next free slot is accepted', async () => {
    const first = await create(base({ show_time: future(60, 10) }));
    assert.equal(first.status, 201);
    const end = new Date(first.body.data.end_time).getTime();
    // starts inside the first show
    assertProblem(await create(base({ show_time: future(60, 11) })), 409, 'screening_overlap');
    // starts 5 minutes after it ends: inside the 15-minute cleaning gap
    const r = await create(base({ show_time: new Date(end + 5 * 60_000).toISOString() }));
    assertProblem(r, 409, 'screening_overlap');
    assert.equal(r.body.conflicting_screening_id, first.body.data.id);
    // ends inside the next one's gap (a show before it)
    assertProblem(
      await create(base({ show_time: new Date(new Date(first.body.data.show_time).getTime() - 3 * 3600_000).toISOString() })),
      409,
      'screening_overlap',
    );
    // exactly at the end of the gap: fine; another hall at the same time: fine
    assert.equal((await create(base({ show_time: new Date(end + 15 * 60_000).toISOString() }))).status, 201);
    assert.equal((await create(base({ hall_id: DEMO.halls.grandIndonesiaDolby, show_time: future(60, 11) }))).status, 201);
  });

  test('concurrent creates for one slot: exactly one wins', async () => {
    const slot = base({ show_time: future(70, 9) });
    const results = await Promise.all(Array.from({ length: 6 }, () => create(slot)));
    const codes = results.map((r) => r.status).sort();
    assert.deepEqual(codes, [201, 409, 409, 409, 409, 409]);
  });
});

describe('PUT /screenings/:id', () => {
  test('partial update keeps other fields; price and availability change; audit has before and after', async () => {
    const c = await create(base({ show_time: future(80) }));
    const id = c.body.data.id;
    const r = await call(t.app, { method: 'PUT', url: `/api/v1/screenings/${id}`, token: admin, payload: { price: 65000 } });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.price, 65000);
    assert.equal(r.body.data.is_available, true, 'a missing is_available stays true (the seed made it false)');
    assert.equal(r.body.data.show_time, c.body.data.show_time);
    const { rows } = await t.rt.db.query<{ before: { price: number }; after: { price: number } }>(
      "SELECT before, after FROM audit_log WHERE action = 'screening.update' AND entity_id = $1::text",
      [id],
    );
    assert.equal(rows[0].before.price, 50000);
    assert.equal(rows[0].after.price, 65000);
  });

  test('moving the time recomputes end_time; a move onto another show -> 409 and nothing changes', async () => {
    const a = (await create(base({ show_time: future(90, 9) }))).body.data;
    const b = (await create(base({ show_time: future(90, 15) }))).body.data;
    const moved = await call(t.app, { method: 'PUT', url: `/api/v1/screenings/${b.id}`, token: admin, payload: { show_time: future(90, 20) } });
    assert.equal(moved.status, 200);
    assert.equal(
      new Date(moved.body.data.end_time).getTime() - new Date(moved.body.data.show_time).getTime(),
      new Date(b.end_time).getTime() - new Date(b.show_time).getTime(),
    );
    const clash = await call(t.app, { method: 'PUT', url: `/api/v1/screenings/${b.id}`, token: admin, payload: { show_time: a.show_time } });
    assertProblem(clash, 409, 'screening_overlap');
    const still = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${b.id}`, token: admin });
    assert.equal(still.body.data.show_time, moved.body.data.show_time);
  });

  test('moving to another hall rebuilds the seat states; the movie change re-derives end_time', async () => {
    const s = (await create(base({ show_time: future(95) }))).body.data;
    const r = await call(t.app, {
      method: 'PUT',
      url: `/api/v1/screenings/${s.id}`,
      token: admin,
      payload: { hall_id: DEMO.halls.grandIndonesiaDolby, movie_id: DEMO.movies.theBatman },
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const { rows } = await t.rt.db.query<{ cap: number; states: number; dur: number }>(
      `SELECT (SELECT count(*)::int FROM seats WHERE hall_id = $2) AS cap,
              (SELECT count(*)::int FROM screening_seats ss JOIN seats st ON st.id = ss.seat_id
                WHERE ss.screening_id = $1 AND st.hall_id = $2) AS states,
              (SELECT duration FROM movies WHERE id = $3) AS dur`,
      [s.id, DEMO.halls.grandIndonesiaDolby, DEMO.movies.theBatman],
    );
    assert.equal(r.body.data.available_seats, rows[0].cap);
    assert.equal(rows[0].states, rows[0].cap);
    assert.equal(new Date(r.body.data.end_time).getTime() - new Date(r.body.data.show_time).getTime(), rows[0].dur * 60_000);
  });

  test('404 for an unknown id, 400 for bad fields', async () => {
    assertProblem(
      await call(t.app, { method: 'PUT', url: '/api/v1/screenings/999999', token: admin, payload: { price: 1 } }),
      404,
      'screening_not_found',
    );
    const s = (await create(base({ show_time: future(96) }))).body.data;
    assertProblem(
      await call(t.app, { method: 'PUT', url: `/api/v1/screenings/${s.id}`, token: admin, payload: { price: 1.234 } }),
      400,
      'invalid_amount',
    );
    assertProblem(
      await call(t.app, { method: 'PUT', url: `/api/v1/screenings/${s.id}`, token: admin, payload: { price: 60000.5 } }),
      400,
      'invalid_amount',
    );
    assertProblem(
      await call(t.app, { method: 'PUT', url: `/api/v1/screenings/${s.id}`, token: admin, payload: { hall_id: DEMO.halls.pacificPlace4dx } }),
      400,
      'hall_not_in_theater',
    );
  });
});

describe('DELETE /screenings/:id', () => {
  test('soft delete: the screening stays readable, leaves the list, and frees its slot', async () => {
    const s = (await create(base({ show_time: future(100) }))).body.data;
    const r = await call(t.app, { method: 'DELETE', url: `/api/v1/screenings/${s.id}`, token: admin });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.is_available, false);
    const got = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}`, token: customer });
    assert.equal(got.body.data.is_available, false);
    assert.equal((await create(base({ show_time: s.show_time }))).status, 201);
  });

  test('refused with 409 while the screening has sold seats; nothing changes', async () => {
    const s = (await create(base({ show_time: future(110) }))).body.data;
    await sellOneSeat(s.id);
    const r = await call(t.app, { method: 'DELETE', url: `/api/v1/screenings/${s.id}`, token: admin });
    assertProblem(r, 409, 'screening_has_sales');
    const got = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}`, token: admin });
    assert.equal(got.body.data.is_available, true);
  });

  test('404 for an unknown id', async () => {
    assertProblem(await call(t.app, { method: 'DELETE', url: '/api/v1/screenings/999999', token: admin }), 404, 'screening_not_found');
  });
});

/** Sells the first seat of a screening to the demo customer, straight in SQL (checkout comes later). */
async function sellOneSeat(screeningId: number) {
  await t.rt.db.tx(async (trx) => {
    const { rows } = await trx.query<{ id: string; seat_id: number }>(
      `INSERT INTO tickets (booking_code, user_id, screening_id, status, total_amount, purchase_time)
       VALUES ('T-' || substr(md5(random()::text), 1, 8), 3, $1, 'paid', 50000, now())
       RETURNING id, (SELECT min(seat_id) FROM screening_seats WHERE screening_id = $1) AS seat_id`,
      [screeningId],
    );
    const { id, seat_id } = rows[0];
    await trx.query(`INSERT INTO ticket_seats (ticket_id, screening_id, seat_id, price, status) VALUES ($1, $2, $3, 50000, 'sold')`, [
      id,
      screeningId,
      seat_id,
    ]);
    await trx.query(`UPDATE screening_seats SET status = 'sold', ticket_id = $1 WHERE screening_id = $2 AND seat_id = $3`, [
      id,
      screeningId,
      seat_id,
    ]);
  });
}

describe('GET /screenings filters', () => {
  const list = async (q: string) => {
    const r = await call(t.app, { method: 'GET', url: `/api/v1/screenings?limit=100&${q}`, token: customer });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.data as any[];
  };

  test('theater, movie and city filters return only matching screenings', async () => {
    const pacific = await list(`theater_id=${DEMO.theaters.pacificPlace}`);
    assert.ok(pacific.length > 0);
    for (const s of pacific) assert.equal(s.theater_id, DEMO.theaters.pacificPlace);
    for (const s of await list(`movie_id=${DEMO.movies.theBatman}`)) assert.equal(s.movie_id, DEMO.movies.theBatman);
    const bandung = await list(`city_id=${DEMO.cities.bandung}`);
    const { rows } = await t.rt.db.query<{ id: number }>('SELECT id FROM theaters WHERE city_id = $1', [DEMO.cities.bandung]);
    const ids = new Set(rows.map((r) => r.id));
    assert.ok(bandung.length > 0);
    for (const s of bandung) assert.ok(ids.has(s.theater_id));
  });

  test('date is the local date of the theater: 23:30 and 00:30 Jakarta time fall on their own local days', async () => {
    const day = new Date(Date.now() + 120 * DAY).toISOString().slice(0, 10);
    const next = new Date(Date.parse(day) + DAY).toISOString().slice(0, 10);
    const late = (await create(base({ show_time: `${day}T23:30:00+07:00` }))).body.data; // 16:30Z on `day`
    const early = (await create(base({ hall_id: DEMO.halls.grandIndonesiaDolby, show_time: `${next}T00:30:00+07:00` }))).body.data; // 17:30Z on `day`
    assert.match(early.show_time, new RegExp(`^${day}T17:30`));
    const onDay = (await list(`theater_id=${DEMO.theaters.grandIndonesia}&date=${day}`)).map((s) => s.id);
    const onNext = (await list(`theater_id=${DEMO.theaters.grandIndonesia}&date=${next}`)).map((s) => s.id);
    assert.ok(onDay.includes(late.id) && !onDay.includes(early.id));
    assert.ok(onNext.includes(early.id) && !onNext.includes(late.id));
  });

  test('from/to bound show_time; bad dates and ids are 400', async () => {
    const from = new Date(Date.now() + 2 * DAY).toISOString();
    const to = new Date(Date.now() + 3 * DAY).toISOString();
    const got = await list(`from=${from}&to=${to}`);
    assert.ok(got.length > 0);
    for (const s of got) assert.ok(s.show_time >= from && s.show_time < to);
    for (const q of ['date=2026-02-30', 'date=27-11-2026', 'city_id=0', 'theater_id=x', 'from=yesterday']) {
      assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/screenings?${q}`, token: customer }), 400, 'validation_failed');
    }
  });

  test('pages neither skip nor repeat while screenings are inserted between page requests', async () => {
    const before = (await list(`theater_id=${DEMO.theaters.grandIndonesia}`)).map((s) => s.id);
    const seen: number[] = [];
    let cursor: string | null = null;
    let i = 0;
    do {
      const r: any = await call(t.app, {
        method: 'GET',
        url: `/api/v1/screenings?theater_id=${DEMO.theaters.grandIndonesia}&limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        token: customer,
      });
      seen.push(...r.body.data.map((s: any) => s.id));
      cursor = r.body.meta.next_cursor;
      // insert one screening far ahead (after every page) and one soon (before the cursor)
      await create(base({ hall_id: DEMO.halls.grandIndonesiaDolby, show_time: future(200 + i, 9) }));
      i++;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length, 'no repeats');
    for (const id of before) assert.ok(seen.includes(id), `screening ${id} not skipped`);
  });
});

describe('If-Match on screenings', () => {
  test('GET carries the version as ETag; a stale If-Match on PUT or DELETE -> 412 and nothing changes', async () => {
    const s = (await create(base({ show_time: future(130) }))).body.data;
    const got = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}`, token: admin });
    const etag = String(got.headers.etag);
    assert.equal(etag, '"1"');
    const stale = await call(t.app, {
      method: 'PUT',
      url: `/api/v1/screenings/${s.id}`,
      token: admin,
      headers: { 'if-match': '"0"' },
      payload: { price: 99000 },
    });
    assertProblem(stale, 412, 'precondition_failed');
    assertProblem(
      await call(t.app, { method: 'DELETE', url: `/api/v1/screenings/${s.id}`, token: admin, headers: { 'if-match': '"7"' } }),
      412,
      'precondition_failed',
    );
    const still = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}`, token: admin });
    assert.deepEqual(still.body.data, got.body.data);
    const okPut = await call(t.app, {
      method: 'PUT',
      url: `/api/v1/screenings/${s.id}`,
      token: admin,
      headers: { 'if-match': etag },
      payload: { price: 99000 },
    });
    assert.equal(okPut.status, 200);
    assert.equal(okPut.headers.etag, '"2"');
    // the seed's clients send no If-Match: still accepted
    assert.equal((await call(t.app, { method: 'PUT', url: `/api/v1/screenings/${s.id}`, token: admin, payload: { price: 98000 } })).status, 200);
  });
});

describe("GET /theaters/:id/schedule (a theater's day, for the schedule page)", () => {
  test("every screening of the local day, closed ones too, with version, local times and seats sold; not the next day's", async () => {
    // 23:30 in Jakarta on day 42 (16:30 UTC), and 00:30 the day after (17:30 UTC)
    const late = future(42, 16).replace('T16:00', 'T16:30');
    const next = future(42, 17).replace('T17:00', 'T17:30');
    const a = (await create(base({ hall_id: DEMO.halls.grandIndonesiaDolby, show_time: late }))).body.data;
    const b = (await create(base({ hall_id: DEMO.halls.grandIndonesiaImax, show_time: next }))).body.data;
    const closed = await call(t.app, { method: 'DELETE', url: `/api/v1/screenings/${a.id}`, token: admin });
    assert.equal(closed.status, 200);
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(late));
    const r = await call(t.app, { method: 'GET', url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/schedule?date=${day}`, token: admin });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const d = r.body.data;
    assert.equal(d.theater.time_zone, 'Asia/Jakarta');
    assert.equal(d.cleaning_gap_minutes, 15);
    assert.ok(d.halls.some((h: { id: number }) => h.id === DEMO.halls.grandIndonesiaImax));
    const mine = d.screenings.find((s: { id: number }) => s.id === a.id);
    assert.deepEqual(
      [mine.local_start, mine.is_available, mine.version, mine.sold_seats, mine.show_time],
      ['23:30', false, Number(String(closed.headers.etag).replaceAll('"', '')), 0, new Date(late).toISOString().replace('.000Z', 'Z')],
    );
    assert.ok(!d.screenings.some((s: { id: number }) => s.id === b.id), "the next local day's show is not on it");
    assert.equal(mine.start_minute, 23 * 60 + 30);
    assert.ok(mine.end_minute > 24 * 60, 'it runs past midnight');
    // the next day shows it too, from 30 minutes before its midnight, beside that day's own show
    const nextDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date(next));
    const n = await call(t.app, { method: 'GET', url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/schedule?date=${nextDay}`, token: admin });
    const carried = n.body.data.screenings.find((s: { id: number }) => s.id === a.id);
    assert.deepEqual([carried?.start_minute, carried?.end_minute], [-30, mine.end_minute - 24 * 60]);
    assert.equal(n.body.data.screenings.find((s: { id: number }) => s.id === b.id)?.start_minute, 30);
    assertProblem(
      await call(t.app, { method: 'GET', url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/schedule?date=2026-02-30`, token: admin }),
      400,
      'validation_failed',
    );
    assertProblem(await call(t.app, { method: 'GET', url: `/api/v1/theaters/999999/schedule?date=${day}`, token: admin }), 404, 'theater_not_found');
    assertProblem(
      await call(t.app, { method: 'GET', url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/schedule?date=${day}`, token: customer }),
      403,
      'forbidden',
    );
  });
});
