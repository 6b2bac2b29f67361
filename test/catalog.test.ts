import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call, type Res } from './helpers/http.ts';
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
/** The UTC date `n` days from now, YYYY-MM-DD. */
const day = (n: number) => new Date(Date.now() + n * DAY).toISOString().slice(0, 10);

const get = (url: string, token?: string) => call(t.app, { method: 'GET', url: `/api/v1${url}`, token });
const send = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}, token = admin) =>
  call(t.app, { method, url: `/api/v1${url}`, token, payload: payload as Record<string, unknown>, headers });

let seq = 0;
const unique = (prefix: string) => `${prefix} ${process.pid}-${++seq}`;

const newCity = async (over: Record<string, unknown> = {}) => {
  const r = await send('POST', '/cities', { name: unique('City'), province: 'Test Province', ...over });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data;
};
const newTheater = async (over: Record<string, unknown> = {}) => {
  const r = await send('POST', '/theaters', { city_id: DEMO.cities.jakarta, name: unique('Theater'), address: 'Jl. Test 1', ...over });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data;
};
const newMovie = async (over: Record<string, unknown> = {}) => {
  const r = await send('POST', '/movies', { title: unique('Movie'), duration: 90, ...over });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data;
};

/** A hall with a few seats, straight in SQL (hall management is another module). */
async function newHall(theaterId: number): Promise<number> {
  const { rows } = await t.rt.db.query<{ id: number }>('INSERT INTO halls (theater_id, name, capacity) VALUES ($1, $2, 4) RETURNING id', [
    theaterId,
    unique('Hall'),
  ]);
  await t.rt.db.query(`INSERT INTO seats (hall_id, row_label, number, x, y) SELECT $1, 'A', n, n, 0 FROM generate_series(1, 4) n`, [rows[0].id]);
  return rows[0].id;
}

async function newScreening(body: { movie_id: number; theater_id: number; hall_id: number; show_time: string }) {
  const r = await send('POST', '/screenings', { price: 50000, ...body });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data;
}

async function auditCount(action: string, entityId: number): Promise<number> {
  const { rows } = await t.rt.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM audit_log WHERE action = $1 AND entity_id = $2::text AND actor_id = 1',
    [action, entityId],
  );
  return rows[0].n;
}

const ids = (r: Res) => (r.body.data as { id: number }[]).map((x) => x.id);

describe('public browse reads (no token)', () => {
  test('cities: every city by name; each item equals the single read, which carries an ETag', async () => {
    const r = await get('/cities');
    assert.equal(r.status, 200);
    assert.equal(r.body.success, true);
    const names = r.body.data.map((c: { name: string }) => c.name);
    for (const n of ['Jakarta', 'Bandung', 'Surabaya', 'Denpasar']) assert.ok(names.includes(n), n);
    assert.deepEqual(
      names,
      [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    );
    for (const c of r.body.data.slice(0, 4)) {
      const one = await get(`/cities/${c.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.body.data, c);
      assert.match(String(one.headers.etag), /^"\d+"$/);
    }
  });

  test('theaters of a city: active ones by name, with total_halls; items equal the single read', async () => {
    const r = await get(`/cities/${DEMO.cities.jakarta}/theaters`);
    assert.equal(r.status, 200);
    assert.deepEqual(ids(r).slice(0, 2).sort(), [DEMO.theaters.grandIndonesia, DEMO.theaters.pacificPlace].sort());
    for (const th of r.body.data) {
      assert.equal(th.city_id, DEMO.cities.jakarta);
      assert.equal(th.is_active, true);
      const one = await get(`/theaters/${th.id}`);
      assert.deepEqual(one.body.data, th);
      assert.match(String(one.headers.etag), /^"\d+"$/);
    }
    assert.equal(r.body.data.find((x: { id: number }) => x.id === 1).total_halls, 2);
    const bali = (await get(`/cities/${DEMO.cities.denpasar}/theaters`)).body.data;
    assert.equal(bali[0].time_zone, 'Asia/Makassar');
  });

  test('inactive theaters leave the city list unless include_inactive=true', async () => {
    const th = await newTheater({ city_id: DEMO.cities.surabaya, is_active: false });
    assert.ok(!ids(await get(`/cities/${DEMO.cities.surabaya}/theaters`)).includes(th.id));
    assert.ok(ids(await get(`/cities/${DEMO.cities.surabaya}/theaters?include_inactive=true`)).includes(th.id));
  });

  test('movies: all of them, newest release first; items equal the single read', async () => {
    const r = await get('/movies');
    assert.equal(r.status, 200);
    assert.ok(r.body.data.length >= 10);
    const dates = r.body.data.map((m: { release_date: string | null }) => m.release_date).filter(Boolean);
    assert.deepEqual(dates, [...dates].sort().reverse());
    for (const m of r.body.data.slice(0, 3)) {
      const one = await get(`/movies/${m.id}`);
      assert.deepEqual(one.body.data, m);
      assert.match(String(one.headers.etag), /^"\d+"$/);
      assert.match(m.release_date, /^\d{4}-\d{2}-\d{2}$/);
      assert.ok(Array.isArray(m.genre) && Array.isArray(m.cast));
    }
  });

  test('screenings of a theater: upcoming, open, with movie, hall and local time, in pages', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const r: Res = await get(`/theaters/${DEMO.theaters.grandIndonesia}/screenings?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      for (const s of r.body.data) {
        assert.equal(s.theater_id, DEMO.theaters.grandIndonesia);
        assert.equal(s.theater.time_zone, 'Asia/Jakarta');
        assert.ok(new Date(s.show_time).getTime() > Date.now());
        assert.match(s.local_time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
        assert.equal(typeof s.movie.title, 'string');
        seen.push(s.id);
      }
      assert.equal(r.body.meta.limit, 7);
      cursor = r.body.meta.next_cursor;
    } while (cursor);
    assert.equal(new Set(seen).size, seen.length);
    const { rows } = await t.rt.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM screenings WHERE theater_id = $1 AND show_time > now() AND is_available AND status = 'scheduled'",
      [DEMO.theaters.grandIndonesia],
    );
    assert.equal(seen.length, rows[0].n);
  });

  test('screenings of a movie, by city and local date', async () => {
    const r = await get(`/movies/${DEMO.movies.avengersEndgame}/screenings?city_id=${DEMO.cities.jakarta}&limit=100`);
    assert.equal(r.status, 200);
    assert.ok(r.body.data.length > 0);
    for (const s of r.body.data) {
      assert.equal(s.movie_id, DEMO.movies.avengersEndgame);
      assert.equal(s.theater.city_id, DEMO.cities.jakarta);
    }
    const date = r.body.data[0].local_time.slice(0, 10);
    const onDate = await get(`/movies/${DEMO.movies.avengersEndgame}/screenings?city_id=${DEMO.cities.jakarta}&date=${date}&limit=100`);
    assert.ok(onDate.body.data.length > 0);
    for (const s of onDate.body.data) assert.equal(s.local_time.slice(0, 10), date);
  });

  test('unknown ids are 404, malformed ids and filters 400', async () => {
    assertProblem(await get('/cities/999999'), 404, 'city_not_found');
    assertProblem(await get('/cities/999999/theaters'), 404, 'city_not_found');
    assertProblem(await get('/theaters/999999'), 404, 'theater_not_found');
    assertProblem(await get('/theaters/999999/screenings'), 404, 'theater_not_found');
    assertProblem(await get('/movies/999999'), 404, 'movie_not_found');
    assertProblem(await get('/movies/999999/screenings'), 404, 'movie_not_found');
    assertProblem(await get(`/movies/${DEMO.movies.avengersEndgame}/screenings?city_id=999999`), 400, 'unknown_city');
    assertProblem(await get('/movies?city_id=999999'), 400, 'unknown_city');
    for (const url of [
      '/cities/0',
      '/cities/abc',
      '/theaters/-1',
      '/movies/1.5',
      '/cities/0/theaters',
      '/movies?status=showing',
      '/movies?city_id=0',
      '/movies?city_id=abc',
      `/movies?q=${'x'.repeat(101)}`,
      `/theaters/${DEMO.theaters.grandIndonesia}/screenings?date=2026-02-30`,
      `/theaters/${DEMO.theaters.grandIndonesia}/screenings?date=2026-2-1`,
      `/theaters/${DEMO.theaters.grandIndonesia}/screenings?date=25-12-2026`,
      `/theaters/${DEMO.theaters.grandIndonesia}/screenings?date=2026-12-25T10:00`,
      `/movies/${DEMO.movies.avengersEndgame}/screenings?date=2027-13-01`,
      `/movies/${DEMO.movies.avengersEndgame}/screenings?city_id=0`,
      `/theaters/${DEMO.theaters.grandIndonesia}/screenings?limit=0`,
      `/theaters/${DEMO.theaters.grandIndonesia}/screenings?cursor=bm9wZQ`,
    ]) {
      assertProblem(await get(url), 400, 'validation_failed');
    }
  });

  test('the seed screening list still needs a token; catalog writes need one too', async () => {
    assertProblem(await get('/screenings'), 401, 'unauthorized');
    assert.equal((await get('/screenings', customer)).status, 200);
  });
});

describe('movie filters', () => {
  test('status: now_showing and coming_soon by release and end date (UTC today)', async () => {
    const now = await newMovie({ release_date: day(-1), end_date: day(5) });
    const today = await newMovie({ release_date: day(0), end_date: day(0) });
    const open = await newMovie({ release_date: day(-100) });
    const soon = await newMovie({ release_date: day(10) });
    const ended = await newMovie({ release_date: day(-30), end_date: day(-1) });
    const undated = await newMovie({});
    const showing = ids(await get('/movies?status=now_showing'));
    const coming = ids(await get('/movies?status=coming_soon'));
    for (const m of [now, today, open]) assert.ok(showing.includes(m.id) && !coming.includes(m.id), m.title);
    assert.ok(coming.includes(soon.id) && !showing.includes(soon.id));
    for (const m of [ended, undated]) assert.ok(!showing.includes(m.id) && !coming.includes(m.id), m.title);
    // the demo: movies 9 and 10 open later, 1-8 are running
    assert.ok(coming.includes(9) && coming.includes(10));
    assert.ok([1, 2, 3, 4, 5, 6, 7, 8].every((id) => showing.includes(id)));
  });

  test('q: case-insensitive part of the title, with % and _ taken literally', async () => {
    const pct = await newMovie({ title: 'Qtest 100% Fun' });
    const digits = await newMovie({ title: 'Qtest 1000 Fun' });
    const under = await newMovie({ title: 'Qtest Snake_Case' });
    const plain = await newMovie({ title: 'Qtest SnakeXCase' });
    assert.deepEqual(ids(await get('/movies?q=100%25')), [pct.id]);
    assert.deepEqual(ids(await get('/movies?q=snake_case')), [under.id]);
    assert.deepEqual(ids(await get('/movies?q=QTEST%20snake')).sort(), [under.id, plain.id].sort());
    assert.equal(ids(await get('/movies?q=qtest')).length, 4);
    assert.ok(ids(await get('/movies?q=qtest')).includes(digits.id));
    assert.deepEqual(ids(await get('/movies?q=batman')), [2]);
    assert.deepEqual(ids(await get('/movies?q=no%20such%20title')), []);
  });

  test('city_id: movies with an upcoming open screening in that city; filters combine', async () => {
    const m = await newMovie({ title: 'Cityfilter Movie', release_date: day(-1) });
    const city = await newCity();
    const th = await newTheater({ city_id: city.id });
    const hall = await newHall(th.id);
    assert.deepEqual(ids(await get(`/movies?city_id=${city.id}&status=now_showing`)), []);
    await newScreening({ movie_id: m.id, theater_id: th.id, hall_id: hall, show_time: `${day(66)}T12:00:00Z` });
    assert.deepEqual(ids(await get(`/movies?city_id=${city.id}`)), [m.id]);
    assert.deepEqual(ids(await get(`/movies?city_id=${city.id}&q=cityfilter`)), [m.id]);
    assert.deepEqual(ids(await get(`/movies?city_id=${city.id}&status=coming_soon`)), []);
    assert.ok(!ids(await get(`/movies?city_id=${DEMO.cities.denpasar}`)).includes(m.id));
  });
});

describe('admin writes: who may', () => {
  const writes: [string, string][] = [
    ['POST', '/cities'],
    ['PUT', `/cities/${DEMO.cities.jakarta}`],
    ['PATCH', `/cities/${DEMO.cities.jakarta}`],
    ['DELETE', `/cities/${DEMO.cities.jakarta}`],
    ['POST', '/theaters'],
    ['PUT', `/theaters/${DEMO.theaters.grandIndonesia}`],
    ['PATCH', `/theaters/${DEMO.theaters.grandIndonesia}`],
    ['DELETE', `/theaters/${DEMO.theaters.grandIndonesia}`],
    ['POST', '/movies'],
    ['PUT', `/movies/${DEMO.movies.avengersEndgame}`],
    ['PATCH', `/movies/${DEMO.movies.avengersEndgame}`],
    ['DELETE', `/movies/${DEMO.movies.avengersEndgame}`],
  ];
  for (const [method, url] of writes) {
    test(`${method} ${url}: 401 without a token, 403 for a customer, nothing written`, async () => {
      const before = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
      const payload = method === 'DELETE' ? undefined : { name: 'X' };
      assertProblem(await call(t.app, { method: method as 'POST', url: `/api/v1${url}`, payload }), 401, 'unauthorized');
      assertProblem(await send(method as 'POST', url, payload, {}, customer), 403, 'forbidden');
      const afterCount = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log');
      assert.equal(afterCount.rows[0].n, before.rows[0].n);
    });
  }
});

describe('cities', () => {
  test('create (201, ETag, audit), update by PATCH and PUT (partial), delete', async () => {
    const r = await send('POST', '/cities', { name: 'Yogyakarta', province: 'DI Yogyakarta' });
    assert.equal(r.status, 201);
    assert.equal(r.headers.etag, '"1"');
    const c = r.body.data;
    assert.deepEqual({ name: c.name, province: c.province }, { name: 'Yogyakarta', province: 'DI Yogyakarta' });
    assert.equal(await auditCount('city.create', c.id), 1);

    const p = await send('PATCH', `/cities/${c.id}`, { province: 'Daerah Istimewa Yogyakarta' });
    assert.equal(p.status, 200);
    assert.equal(p.headers.etag, '"2"');
    assert.equal(p.body.data.name, 'Yogyakarta');
    const u = await send('PUT', `/cities/${c.id}`, { name: 'Jogja' });
    assert.equal(u.status, 200);
    assert.equal(u.headers.etag, '"3"');
    assert.equal(u.body.data.province, 'Daerah Istimewa Yogyakarta', 'PUT is partial too');
    assert.equal(await auditCount('city.update', c.id), 2);
    assert.deepEqual((await get(`/cities/${c.id}`)).body.data, u.body.data);

    const d = await send('DELETE', `/cities/${c.id}`);
    assert.equal(d.status, 200);
    assert.equal(d.body.data.name, 'Jogja');
    assertProblem(await get(`/cities/${c.id}`), 404, 'city_not_found');
    const { rows } = await t.rt.db.query<{ before: { name: string } }>(
      "SELECT before FROM audit_log WHERE action = 'city.delete' AND entity_id = $1::text",
      [c.id],
    );
    assert.equal(rows[0].before.name, 'Jogja');
  });

  test('refusals: duplicate name in a province, bad fields, empty patch, unknown id, in use', async () => {
    const c = await newCity({ name: 'Malang', province: 'Jawa Timur' });
    assertProblem(await send('POST', '/cities', { name: 'Malang', province: 'Jawa Timur' }), 409, 'city_exists');
    assertProblem(await send('POST', '/cities', { name: '' }), 400, 'validation_failed');
    assertProblem(await send('POST', '/cities', { province: 'X' }), 400, 'validation_failed');
    assertProblem(await send('POST', '/cities', { name: 'x'.repeat(101) }), 400, 'validation_failed');
    assertProblem(await send('PATCH', `/cities/${c.id}`, {}), 400, 'validation_failed');
    assertProblem(await send('PATCH', `/cities/${c.id}`, { unknown_field: 1 }), 400, 'validation_failed');
    assertProblem(await send('PATCH', '/cities/999999', { name: 'X' }), 404, 'city_not_found');
    assertProblem(await send('DELETE', '/cities/999999'), 404, 'city_not_found');
    assertProblem(await send('PATCH', '/cities/abc', { name: 'X' }), 400, 'validation_failed');
    const r = await send('DELETE', `/cities/${DEMO.cities.jakarta}`);
    assertProblem(r, 409, 'in_use');
    assert.match(r.body.detail, /theater/);
    assert.ok(r.body.theaters >= 2);
    assert.equal((await get(`/cities/${DEMO.cities.jakarta}`)).status, 200);
  });

  test('null clears the province', async () => {
    const c = await newCity();
    const r = await send('PATCH', `/cities/${c.id}`, { province: null });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.province, null);
  });
});

describe('theaters', () => {
  test('create with defaults, total_halls counts halls, update, delete', async () => {
    const r = await send('POST', '/theaters', { city_id: DEMO.cities.bandung, name: 'Bandung Test Cinema', address: 'Jl. Braga 1' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.headers.etag, '"1"');
    const th = r.body.data;
    assert.equal(th.time_zone, 'Asia/Jakarta');
    assert.equal(th.is_active, true);
    assert.equal(th.total_halls, 0);
    assert.equal(th.contact_phone, null);
    assert.equal(await auditCount('theater.create', th.id), 1);

    const p = await send('PATCH', `/theaters/${th.id}`, { contact_phone: '022-1234567', contact_email: 'braga@example.com' });
    assert.equal(p.status, 200);
    assert.equal(p.headers.etag, '"2"');
    assert.equal(p.body.data.address, 'Jl. Braga 1');
    const u = await send('PUT', `/theaters/${th.id}`, { city_id: DEMO.cities.surabaya, time_zone: 'asia/makassar' });
    assert.equal(u.status, 200, JSON.stringify(u.body));
    assert.equal(u.body.data.city_id, DEMO.cities.surabaya);
    assert.equal(u.body.data.time_zone, 'Asia/Makassar', 'stored in its usual spelling');
    assert.equal(u.body.data.contact_email, 'braga@example.com');
    assert.equal(await auditCount('theater.update', th.id), 2);

    await newHall(th.id);
    assert.equal((await get(`/theaters/${th.id}`)).body.data.total_halls, 1);
    const d = await send('DELETE', `/theaters/${th.id}`);
    assertProblem(d, 409, 'in_use');
    assert.match(d.body.detail, /hall/);
    assert.equal(d.body.halls, 1);

    const bare = await newTheater();
    assert.equal((await send('DELETE', `/theaters/${bare.id}`)).status, 200);
    assertProblem(await get(`/theaters/${bare.id}`), 404, 'theater_not_found');
    assert.equal(await auditCount('theater.delete', bare.id), 1);
  });

  test('time zones: IANA names only', async () => {
    for (const tz of ['Mars/Olympus_Mons', '+07:00', 'UTC+7', 'GMT+0700', 'Asia/Jakarta; DROP TABLE', '']) {
      const r = await send('POST', '/theaters', { city_id: DEMO.cities.jakarta, name: unique('TZ'), address: 'x', time_zone: tz });
      assert.equal(r.status, 400, `${tz}: ${JSON.stringify(r.body)}`);
      assert.ok(['invalid_time_zone', 'validation_failed'].includes(r.body.code), tz);
    }
    assertProblem(
      await send('POST', '/theaters', { city_id: DEMO.cities.jakarta, name: unique('TZ'), address: 'x', time_zone: 'Europe/Atlantis' }),
      400,
      'invalid_time_zone',
    );
    for (const tz of ['UTC', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires', 'Europe/Kyiv']) {
      const th = await newTheater({ time_zone: tz });
      assert.equal(th.time_zone, tz);
    }
    const th = await newTheater();
    assertProblem(await send('PATCH', `/theaters/${th.id}`, { time_zone: 'Nowhere/City' }), 400, 'invalid_time_zone');
    assert.equal((await get(`/theaters/${th.id}`)).body.data.time_zone, 'Asia/Jakarta');
  });

  test('the city must exist; other bad fields are 400', async () => {
    assertProblem(await send('POST', '/theaters', { city_id: 999999, name: 'X', address: 'Y' }), 400, 'unknown_city');
    const th = await newTheater();
    assertProblem(await send('PATCH', `/theaters/${th.id}`, { city_id: 999999 }), 400, 'unknown_city');
    assert.equal((await get(`/theaters/${th.id}`)).body.data.city_id, DEMO.cities.jakarta);
    assertProblem(await send('POST', '/theaters', { city_id: 0, name: 'X', address: 'Y' }), 400, 'validation_failed');
    assertProblem(await send('POST', '/theaters', { city_id: DEMO.cities.jakarta, name: 'X' }), 400, 'validation_failed');
    assertProblem(
      await send('POST', '/theaters', { city_id: DEMO.cities.jakarta, name: 'X', address: 'Y', contact_email: 'nope' }),
      400,
      'validation_failed',
    );
    assertProblem(
      await send('POST', '/theaters', { city_id: DEMO.cities.jakarta, name: 'X', address: 'Y', contact_phone: 'call me' }),
      400,
      'validation_failed',
    );
    assertProblem(await send('PATCH', '/theaters/999999', { name: 'X' }), 404, 'theater_not_found');
  });
});

describe('movies', () => {
  test('create with every field, update by PATCH and PUT, delete', async () => {
    const body = {
      title: 'Laskar Pelangi',
      description: 'Ten children and two teachers keep a village school alive on Belitung.',
      duration: 124,
      genre: ['Drama', 'Family'],
      rating: 'SU',
      director: 'Riri Riza',
      cast: ['Cut Mini', 'Ikranagara'],
      language: 'Indonesian',
      release_date: '2027-01-15',
      end_date: '2027-03-01',
      poster_url: 'https://img.example.com/laskar.jpg',
    };
    const r = await send('POST', '/movies', body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.headers.etag, '"1"');
    const m = r.body.data;
    for (const [k, v] of Object.entries(body)) assert.deepEqual(m[k], v, k);
    assert.equal(await auditCount('movie.create', m.id), 1);

    const p = await send('PATCH', `/movies/${m.id}`, { duration: 125, cast: ['Cut Mini'], description: null });
    assert.equal(p.status, 200);
    assert.equal(p.headers.etag, '"2"');
    assert.deepEqual(p.body.data.cast, ['Cut Mini']);
    assert.equal(p.body.data.description, null);
    assert.equal(p.body.data.title, 'Laskar Pelangi');
    const u = await send('PUT', `/movies/${m.id}`, { end_date: null });
    assert.equal(u.status, 200);
    assert.equal(u.body.data.end_date, null);
    assert.equal(u.body.data.release_date, '2027-01-15');
    assert.equal(await auditCount('movie.update', m.id), 2);
    assert.deepEqual((await get(`/movies/${m.id}`)).body.data, u.body.data);

    assert.equal((await send('DELETE', `/movies/${m.id}`)).status, 200);
    assertProblem(await get(`/movies/${m.id}`), 404, 'movie_not_found');
    assert.equal(await auditCount('movie.delete', m.id), 1);
  });

  test('refusals: dates out of order, bad duration and dates, unknown id', async () => {
    assertProblem(
      await send('POST', '/movies', { title: 'X', duration: 90, release_date: '2027-02-01', end_date: '2027-01-31' }),
      400,
      'invalid_date_range',
    );
    const m = await newMovie({ release_date: '2027-02-01' });
    assertProblem(await send('PATCH', `/movies/${m.id}`, { end_date: '2027-01-01' }), 400, 'invalid_date_range');
    assert.equal((await get(`/movies/${m.id}`)).body.data.end_date, null);
    for (const over of [
      { duration: 0 },
      { duration: 601 },
      { duration: 90.5 },
      { release_date: '2027-02-30' },
      { release_date: '01/02/2027' },
      { title: '' },
      { poster_url: 'ftp://x.example.com/p.jpg' },
      { poster_url: 'not a url' },
      { genre: [''] },
    ]) {
      assertProblem(await send('POST', '/movies', { title: 'X', duration: 90, ...over }), 400, 'validation_failed');
    }
    assertProblem(await send('POST', '/movies', { title: 'X' }), 400, 'validation_failed');
    assertProblem(await send('PUT', '/movies/999999', { title: 'X' }), 404, 'movie_not_found');
  });

  test('a movie with screenings cannot be deleted, nor its duration changed while they are upcoming', async () => {
    const d = await send('DELETE', `/movies/${DEMO.movies.avengersEndgame}`);
    assertProblem(d, 409, 'in_use');
    assert.match(d.body.detail, /screening/);
    const dur = await send('PATCH', `/movies/${DEMO.movies.avengersEndgame}`, { duration: 200 });
    assertProblem(dur, 409, 'in_use');
    assert.equal((await get(`/movies/${DEMO.movies.avengersEndgame}`)).body.data.duration, 181);
    assert.equal((await send('PATCH', `/movies/${DEMO.movies.avengersEndgame}`, { rating: '13+' })).status, 200, 'other fields may change');
  });
});

describe('optimistic concurrency (If-Match)', () => {
  const kinds = [
    { path: '/cities', table: 'cities', make: () => newCity(), change: { name: 'Renamed' }, field: 'name' },
    { path: '/theaters', table: 'theaters', make: () => newTheater(), change: { name: 'Renamed' }, field: 'name' },
    { path: '/movies', table: 'movies', make: () => newMovie(), change: { title: 'Renamed' }, field: 'title' },
  ];
  for (const k of kinds) {
    test(`${k.path}: a stale If-Match on PATCH, PUT and DELETE is 412 and changes nothing; the current one works`, async () => {
      const created = await k.make();
      const url = `${k.path}/${created.id}`;
      const fresh = await send('PATCH', url, { [k.field]: `${created[k.field]} v2` });
      assert.equal(fresh.headers.etag, '"2"');
      const snapshot = async () => (await t.rt.db.query(`SELECT * FROM ${k.table} WHERE id = $1`, [created.id])).rows[0] as Record<string, unknown>;
      const before = await snapshot();
      for (const [method, payload] of [
        ['PATCH', k.change],
        ['PUT', k.change],
        ['DELETE', undefined],
      ] as const) {
        for (const stale of ['"1"', 'W/"1"', '"1", "7"', 'garbage']) {
          const r = await send(method, url, payload, { 'if-match': stale });
          assertProblem(r, 412, 'precondition_failed');
          assert.equal(r.body.current_etag, '"2"');
        }
      }
      assert.deepEqual(await snapshot(), before, 'the row is untouched');
      assert.equal(await auditCount(`${k.table === 'cities' ? 'city' : k.table.slice(0, -1)}.update`, created.id), 1);

      const ok = await send('PUT', url, k.change, { 'if-match': '"2"' });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.etag, '"3"');
      assert.equal(ok.body.data[k.field], 'Renamed');
      const ok2 = await send('PATCH', url, { [k.field]: 'Again' }, { 'if-match': '"1", "3"' });
      assert.equal(ok2.headers.etag, '"4"');
      assertProblem(await send('DELETE', url, undefined, { 'if-match': '"3"' }), 412, 'precondition_failed');
      assert.equal((await send('DELETE', url, undefined, { 'if-match': '"4"' })).status, 200);
      assert.equal(await snapshot(), undefined);
    });
  }

  test('concurrent updates from one read: exactly one wins, the others get 412', async () => {
    const m = await newMovie();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => send('PATCH', `/movies/${m.id}`, { title: `Racer ${i}` }, { 'if-match': '"1"' })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 412, 412, 412, 412]);
    const winner = results.find((r) => r.status === 200)!;
    assert.equal((await get(`/movies/${m.id}`)).body.data.title, winner.body.data.title);
    assert.equal(await auditCount('movie.update', m.id), 1);
  });

  test('the single read ETag follows the version', async () => {
    const c = await newCity();
    assert.equal((await get(`/cities/${c.id}`)).headers.etag, '"1"');
    await send('PATCH', `/cities/${c.id}`, { name: unique('City') });
    assert.equal((await get(`/cities/${c.id}`)).headers.etag, '"2"');
  });
});

describe('browse cache', () => {
  test('lists are cached, and every write makes them fresh at once', async () => {
    const c = await newCity({ name: 'Cache City A' });
    const name = async () => (await get('/cities')).body.data.find((x: { id: number }) => x.id === c.id)?.name;
    assert.equal(await name(), 'Cache City A');
    // a change behind the API's back is not seen: the list comes from the cache
    await t.rt.db.query("UPDATE cities SET name = 'Cache City Sneaky' WHERE id = $1", [c.id]);
    assert.equal(await name(), 'Cache City A');
    await send('PATCH', `/cities/${c.id}`, { name: 'Cache City B' });
    assert.equal(await name(), 'Cache City B');
    await send('DELETE', `/cities/${c.id}`);
    assert.equal(await name(), undefined);
  });

  test('theaters of a city, movies and screening lists are fresh after a write', async () => {
    const th = await newTheater({ city_id: DEMO.cities.bandung });
    const inCity = async () => (await get(`/cities/${DEMO.cities.bandung}/theaters`)).body.data.find((x: { id: number }) => x.id === th.id);
    assert.equal((await inCity()).name, th.name);
    await send('PATCH', `/theaters/${th.id}`, { name: 'Cached Theater Renamed' });
    assert.equal((await inCity()).name, 'Cached Theater Renamed');
    await send('PATCH', `/theaters/${th.id}`, { is_active: false });
    assert.equal(await inCity(), undefined);

    const m = await newMovie({ title: 'Cachetest Original' });
    assert.deepEqual(ids(await get('/movies?q=cachetest')), [m.id]);
    await send('PUT', `/movies/${m.id}`, { title: 'Renamed Film' });
    assert.deepEqual(ids(await get('/movies?q=cachetest')), []);
    const created = await newMovie({ title: 'Cachetest Second' });
    assert.deepEqual(ids(await get('/movies?q=cachetest')), [created.id]);

    const first = await get(`/theaters/${DEMO.theaters.grandIndonesia}/screenings?limit=3`);
    assert.equal(first.body.data[0].theater.name, 'Cinema XXI Grand Indonesia');
    await send('PATCH', `/theaters/${DEMO.theaters.grandIndonesia}`, { name: 'Grand Indonesia XXI' });
    const again = await get(`/theaters/${DEMO.theaters.grandIndonesia}/screenings?limit=3`);
    assert.equal(again.body.data[0].theater.name, 'Grand Indonesia XXI');
    const movieList = await get(`/movies/${again.body.data[0].movie_id}/screenings?city_id=${DEMO.cities.jakarta}&limit=100`);
    assert.ok(movieList.body.data.some((s: { theater: { name: string } }) => s.theater.name === 'Grand Indonesia XXI'));
  });
});

describe('local dates in the theater time zone', () => {
  test('Asia/Jakarta (UTC+7): 23:30 local on D is on D, 00:30 local on D+1 is on D+1, though both are D in UTC', async () => {
    const th = await newTheater({ city_id: DEMO.cities.jakarta, time_zone: 'Asia/Jakarta' });
    const [hallA, hallB] = [await newHall(th.id), await newHall(th.id)];
    const m = await newMovie({ duration: 100 });
    const d = day(75);
    const d1 = day(76);
    const late = await newScreening({ movie_id: m.id, theater_id: th.id, hall_id: hallA, show_time: `${d}T23:30:00+07:00` });
    const early = await newScreening({ movie_id: m.id, theater_id: th.id, hall_id: hallB, show_time: `${d1}T00:30:00+07:00` });
    assert.equal(late.show_time, `${d}T16:30:00.000Z`);
    assert.equal(early.show_time, `${d}T17:30:00.000Z`);

    const onD = await get(`/theaters/${th.id}/screenings?date=${d}`);
    assert.equal(onD.status, 200);
    assert.deepEqual(ids(onD), [late.id]);
    assert.equal(onD.body.data[0].local_time, `${d}T23:30`);
    const onD1 = await get(`/theaters/${th.id}/screenings?date=${d1}`);
    assert.deepEqual(ids(onD1), [early.id]);
    assert.equal(onD1.body.data[0].local_time, `${d1}T00:30`);
    assert.deepEqual(ids(await get(`/theaters/${th.id}/screenings`)), [late.id, early.id]);

    assert.deepEqual(ids(await get(`/movies/${m.id}/screenings?date=${d}`)), [late.id]);
    assert.deepEqual(ids(await get(`/movies/${m.id}/screenings?date=${d1}&city_id=${DEMO.cities.jakarta}`)), [early.id]);
    assert.deepEqual(ids(await get(`/movies/${m.id}/screenings?date=${d1}&city_id=${DEMO.cities.bandung}`)), []);
  });
});

describe('OpenAPI', () => {
  test('catalog routes are documented: admin writes with bearer auth, browse reads without', async () => {
    const doc = (await call(t.app, { method: 'GET', url: '/swagger/json' })).body;
    const writes = [
      ['post', '/api/v1/cities'],
      ['put', '/api/v1/cities/{id}'],
      ['patch', '/api/v1/cities/{id}'],
      ['delete', '/api/v1/cities/{id}'],
      ['post', '/api/v1/theaters'],
      ['patch', '/api/v1/theaters/{id}'],
      ['post', '/api/v1/movies'],
      ['delete', '/api/v1/movies/{id}'],
    ];
    for (const [method, path] of writes) {
      const op = doc.paths[path][method];
      assert.deepEqual(op.security, [{ bearerAuth: [] }], `${method} ${path}`);
      assert.ok(op.responses['401'] && op.responses['403'], `${method} ${path} documents 401/403`);
      assert.deepEqual(op.tags, ['catalog']);
    }
    for (const path of [
      '/api/v1/cities',
      '/api/v1/cities/{id}/theaters',
      '/api/v1/movies',
      '/api/v1/theaters/{id}/screenings',
      '/api/v1/movies/{id}/screenings',
    ]) {
      const op = doc.paths[path].get;
      assert.ok(op.summary, path);
      assert.equal(op.security, undefined, `${path} is public`);
      assert.deepEqual(op.tags, ['browse']);
    }
    assert.ok(doc.paths['/api/v1/cities/{id}'].patch.responses['412']);
  });
});
