import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call, type Res } from './helpers/http.ts';
import { signedInApp, type TestApp } from './helpers/runtime.ts';
import { createScreening } from './helpers/screenings.ts';
import { DEMO } from '../src/db/seed/demo-ids.ts';

let t: TestApp;
let admin: string;
let customer: string;
before(async () => {
  ({ t, admin, customer } = await signedInApp());
});
after(() => t.close());

type Seat = { number: number; x: number; y?: number; type: string; pair_with?: number; companion_for?: number; id?: number };
type Row = { label: string; seats: Seat[] };
type Layout = { screen?: 'top'; aisles: number[]; rows: Row[] };

const DAY = 86_400_000;
/** A whole-hour UTC time `days` from now: far beyond the 7 days of demo screenings. */
const future = (days: number, hour = 10) => {
  const d = new Date(Date.now() + days * DAY);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

let names = 0;
const uniqueName = () => `Test Hall ${++names}`;

/** Rows of `perRow` regular seats, x from 0, y = row index. */
const grid = (labels: string[], perRow: number): Layout => ({
  aisles: [],
  rows: labels.map((label) => ({
    label,
    seats: Array.from({ length: perRow }, (_, i) => ({ number: i + 1, x: i, type: 'regular' })),
  })),
});

async function createHall(layout: Layout, over: Record<string, unknown> = {}) {
  const r = await call(t.app, {
    method: 'POST',
    url: '/api/v1/halls',
    token: admin,
    payload: { theater_id: DEMO.theaters.grandIndonesia, name: uniqueName(), screen_type: 'Regular', layout, ...over },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.data;
}

const getHall = (id: number) => call(t.app, { method: 'GET', url: `/api/v1/halls/${id}` });
const ifMatch = (etag?: string) => (etag ? { 'if-match': etag } : {});
const postHall = (payload: Record<string, unknown>, token = admin) => call(t.app, { method: 'POST', url: '/api/v1/halls', token, payload });
const patchHall = (id: number, payload: object, etag?: string, method: 'PATCH' | 'PUT' = 'PATCH', token = admin) =>
  call(t.app, { method, url: `/api/v1/halls/${id}`, token, payload, headers: ifMatch(etag) });
const deleteHall = (id: number, etag?: string) => call(t.app, { method: 'DELETE', url: `/api/v1/halls/${id}`, token: admin, headers: ifMatch(etag) });
const replace = (id: number, layout: Layout, etag?: string) =>
  call(t.app, {
    method: 'PUT',
    url: `/api/v1/halls/${id}/layout`,
    token: admin,
    payload: layout,
    headers: ifMatch(etag),
  });

/** A screening of Avengers: Endgame in a hall of Grand Indonesia, `days` ahead. */
const screeningIn = (hallId: number, days: number, over: Record<string, unknown> = {}): Promise<any> =>
  createScreening(t.app, admin, { movie_id: DEMO.movies.avengersEndgame, hall_id: hallId, show_time: future(days), ...over });

const q = async <R>(text: string, params: unknown[] = []) => (await t.rt.db.query<R>(text, params)).rows;

/** Seat id by "A-1" label, active or not. */
async function seatIds(hallId: number): Promise<Map<string, number>> {
  const rows = await q<{ id: number; row_label: string; number: number }>('SELECT id, row_label, number FROM seats WHERE hall_id = $1', [hallId]);
  return new Map(rows.map((r) => [`${r.row_label}-${r.number}`, r.id]));
}

/** Everything a layout change could touch, to prove a refused one touched nothing. */
async function snapshot(hallId: number) {
  return {
    hall: await q('SELECT * FROM halls WHERE id = $1', [hallId]),
    seats: await q('SELECT * FROM seats WHERE hall_id = $1 ORDER BY id', [hallId]),
    states: await q(
      `SELECT ss.screening_id, ss.seat_id, ss.status, ss.version FROM screening_seats ss
         JOIN screenings sc ON sc.id = ss.screening_id WHERE sc.hall_id = $1 ORDER BY 1, 2`,
      [hallId],
    ),
    screenings: await q('SELECT id, available_seats, seat_map_version FROM screenings WHERE hall_id = $1 ORDER BY id', [hallId]),
    audit: await q("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'hall' AND entity_id = $1::text", [hallId]),
  };
}

/** Sells a seat of a screening straight in SQL (as test/screenings.test.ts does); returns the ticket id. */
async function sellSeat(screeningId: number, seatId: number, status: 'sold' | 'refunded' = 'sold'): Promise<string> {
  return t.rt.db.tx(async (trx) => {
    const { rows } = await trx.query<{ id: string }>(
      `INSERT INTO tickets (booking_code, user_id, screening_id, status, total_amount, purchase_time)
       VALUES ('T-' || substr(md5(random()::text), 1, 8), 3, $1, $2, 50000, now()) RETURNING id`,
      [screeningId, status === 'sold' ? 'paid' : 'refunded'],
    );
    const id = rows[0].id;
    await trx.query(`INSERT INTO ticket_seats (ticket_id, screening_id, seat_id, price, status) VALUES ($1, $2, $3, 50000, $4)`, [
      id,
      screeningId,
      seatId,
      status,
    ]);
    if (status === 'sold') {
      await trx.query(`UPDATE screening_seats SET status = 'sold', ticket_id = $1 WHERE screening_id = $2 AND seat_id = $3`, [
        id,
        screeningId,
        seatId,
      ]);
      await trx.query('UPDATE screenings SET available_seats = available_seats - 1 WHERE id = $1', [screeningId]);
    }
    return id;
  });
}

/** Holds a seat in SQL, running out in `minutes` (negative: already expired). */
/** A hold of userId's (one active hold per customer and screening) ending in `minutes`. */
async function holdSeat(screeningId: number, seatId: number, minutes: number, userId: number) {
  await t.rt.db.tx(async (trx) => {
    const { rows } = await trx.query<{ id: string }>(
      `INSERT INTO holds (screening_id, user_id, seat_ids, total_amount, reserved_until)
       VALUES ($1, $4, ARRAY[$2::int], 50000, now() + make_interval(mins => $3)) RETURNING id`,
      [screeningId, seatId, minutes, userId],
    );
    await trx.query(
      `UPDATE screening_seats SET status = 'held', hold_id = $1, held_until = now() + make_interval(mins => $4)
        WHERE screening_id = $2 AND seat_id = $3`,
      [rows[0].id, screeningId, seatId, minutes],
    );
  });
}

/** The layout the tests post as "the real thing": 12 rows, two aisles, couples at the back, wheelchairs in front. */
function cinemaLayout(): Layout {
  const labels = 'ABCDEFGHIJKL'.split('');
  // 14 seats a row split 3 | 8 | 3 by aisles at x = 3 and x = 12
  const xOf = (n: number) => n - 1 + (n > 3 ? 1 : 0) + (n > 11 ? 1 : 0);
  const rows: Row[] = labels.map((label, r) => ({
    label,
    seats: Array.from({ length: 14 }, (_, i) => {
      const n = i + 1;
      const s: Seat = { number: n, x: xOf(n), type: r >= 8 && r <= 10 && n >= 4 && n <= 11 ? 'vip' : 'regular' };
      if (r === 6) s.y = 7; // a cross aisle behind row F: G onwards sit one step further back
      if (r > 6) s.y = r + 1;
      return s;
    }),
  }));
  const a = rows[0].seats;
  a[0] = { ...a[0], type: 'wheelchair' };
  a[1] = { ...a[1], type: 'companion', companion_for: 1 };
  a[13] = { ...a[13], type: 'wheelchair' };
  a[12] = { ...a[12], type: 'companion', companion_for: 14 };
  // back row: couples within each block (1-2 | 4-5 6-7 8-9 10-11 | 12-13), 3 and 14 stay single
  const l = rows[11].seats;
  for (const [p, q2] of [
    [1, 2],
    [4, 5],
    [6, 7],
    [8, 9],
    [10, 11],
    [12, 13],
  ]) {
    l[p - 1] = { ...l[p - 1], type: 'couple', pair_with: q2 };
    l[q2 - 1] = { ...l[q2 - 1], type: 'couple', pair_with: p };
  }
  // rows A-F leave y out (it defaults to the row index); from G on it is explicit
  return { screen: 'top', aisles: [12, 3], rows };
}

/** Layout seats as comparable strings: label, position, type, links (by seat number). */
function seatSet(layout: Layout): string[] {
  return layout.rows
    .flatMap((row, r) =>
      row.seats.map((s) => {
        const links = `pair=${s.pair_with ?? '-'} comp=${s.companion_for ?? '-'}`;
        return `${row.label}-${s.number} (${s.x},${s.y ?? r}) ${s.type} ${links}`;
      }),
    )
    .sort();
}

describe('POST /halls and GET /halls/:id', () => {
  test('round trip: a 12-row hall with aisles, couples and wheelchair places comes back exactly, capacity derived', async () => {
    const posted = cinemaLayout();
    const r = await call(t.app, {
      method: 'POST',
      url: '/api/v1/halls',
      token: admin,
      payload: { theater_id: DEMO.theaters.grandIndonesia, name: 'Studio Round Trip', screen_type: 'IMAX', has_3d_capability: true, layout: posted },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.headers.etag, '"1"');
    assert.equal(r.headers.location, `/api/v1/halls/${r.body.data.id}`);
    const created = r.body.data;
    assert.equal(created.capacity, 168);
    assert.equal(created.version, 1);

    const got = await getHall(created.id); // public: no token
    assert.equal(got.status, 200);
    assert.equal(got.headers.etag, '"1"');
    const hall = got.body.data;
    assert.deepEqual(hall, created, 'the create response is the read');
    assert.equal(hall.name, 'Studio Round Trip');
    assert.equal(hall.screen_type, 'IMAX');
    assert.equal(hall.has_3d_capability, true);
    assert.equal(hall.capacity, 168);
    assert.deepEqual(hall.layout.aisles, [3, 12]);
    assert.equal(hall.layout.screen, 'top');
    assert.deepEqual(
      hall.layout.rows.map((row: Row) => row.label),
      'ABCDEFGHIJKL'.split(''),
      'rows front to back',
    );
    assert.deepEqual(seatSet(hall.layout), seatSet(posted));
    // seats left to right within a row
    for (const row of hall.layout.rows as Row[]) {
      assert.deepEqual(
        row.seats.map((s) => s.x),
        [...row.seats.map((s) => s.x)].sort((a, b) => a - b),
      );
    }

    // links in the database point at the right seat ids, and each seat's id is its row
    type DbSeat = { id: number; row_label: string; number: number; pair_seat_id: number | null; companion_for_seat_id: number | null };
    const dbSeats = await q<DbSeat>('SELECT id, row_label, number, pair_seat_id, companion_for_seat_id FROM seats WHERE hall_id = $1 AND is_active', [
      created.id,
    ]);
    assert.equal(dbSeats.length, 168);
    const byId = new Map(dbSeats.map((s) => [s.id, s]));
    for (const row of hall.layout.rows as Row[]) {
      for (const s of row.seats) {
        const db = byId.get(s.id!)!;
        assert.equal(`${db.row_label}-${db.number}`, `${row.label}-${s.number}`);
        assert.equal(db.pair_seat_id === null ? undefined : byId.get(db.pair_seat_id)!.number, s.pair_with);
        assert.equal(db.companion_for_seat_id === null ? undefined : byId.get(db.companion_for_seat_id)!.number, s.companion_for);
      }
    }
    const [{ capacity }] = await q<{ capacity: number }>('SELECT capacity FROM halls WHERE id = $1', [created.id]);
    assert.equal(capacity, 168);
    const audit = await q<{ after: { capacity: number }; actor_id: number }>(
      "SELECT after, actor_id FROM audit_log WHERE action = 'hall.create' AND entity_id = $1::text",
      [created.id],
    );
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor_id, 1);
    assert.equal(audit[0].after.capacity, 168);
  });

  test('401 without a token, 403 for a customer; nothing is created', async () => {
    const payload = { theater_id: DEMO.theaters.grandIndonesia, name: 'Never', layout: grid(['A'], 2) };
    assertProblem(await call(t.app, { method: 'POST', url: '/api/v1/halls', payload }), 401, 'unauthorized');
    assertProblem(await call(t.app, { method: 'POST', url: '/api/v1/halls', payload, token: customer }), 403, 'forbidden');
    assert.equal((await q("SELECT 1 FROM halls WHERE name = 'Never'")).length, 0);
  });

  test('an invalid layout is 400 invalid_layout with every problem; bad fields are 400 validation_failed', async () => {
    const layout = grid(['A', 'A'], 2);
    layout.rows[1].seats[0].type = 'couple';
    layout.rows[1].seats[1].y = 0; // on A-2's place
    const r = await postHall({ theater_id: DEMO.theaters.grandIndonesia, name: 'Bad', layout });
    assertProblem(r, 400, 'invalid_layout');
    assert.deepEqual(r.body.problems.map((p: { rule: string }) => p.rule).sort(), [
      'couple_without_pair',
      'duplicate_position',
      'duplicate_row_label',
    ]);
    const fields = { aisles: [], rows: [{ label: 'a', seats: [{ number: 0, x: 1000, type: 'sofa' }] }] };
    const bad = await postHall({ theater_id: DEMO.theaters.grandIndonesia, name: 'Bad', layout: fields });
    assertProblem(bad, 400, 'validation_failed');
    assert.equal(bad.body.errors.length, 4, 'label, number, x and type');
    const c = await postHall({ theater_id: DEMO.theaters.grandIndonesia, name: 'Bad', capacity: 5, layout: grid(['A'], 1) });
    assert.equal(c.status, 201, 'a posted capacity is ignored');
    assert.equal(c.body.data.capacity, 1);
  });

  test('unknown theater -> 400 unknown_theater; a name taken in the theater -> 409 hall_name_taken', async () => {
    const layout = grid(['A'], 2);
    const post = (payload: Record<string, unknown>) => postHall(payload);
    assertProblem(await post({ theater_id: 9999, name: 'X', layout }), 400, 'unknown_theater');
    assertProblem(await post({ theater_id: DEMO.theaters.grandIndonesia, name: 'Hall 1', layout }), 409, 'hall_name_taken');
    const other = await post({ theater_id: DEMO.theaters.pacificPlace, name: 'Hall 1', layout });
    assert.equal(other.status, 201, 'the same name in another theater is fine');
  });

  test('GET: unknown hall 404, invalid id 400', async () => {
    assertProblem(await getHall(999999), 404, 'hall_not_found');
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/halls/abc' }), 400, 'validation_failed');
  });

  test("a demo hall's layout reads back valid: PUT what GET returned changes no seat", async () => {
    const hall = DEMO.halls.grandIndonesiaImax;
    const before = await getHall(hall);
    const countStates = () =>
      q('SELECT count(*)::int AS n FROM screening_seats ss JOIN screenings s ON s.id = ss.screening_id WHERE s.hall_id = $1', [hall]);
    const states = await countStates();
    const seatsOf = () => q('SELECT * FROM seats WHERE hall_id = $1 ORDER BY id', [hall]);
    const seatsBefore = await seatsOf();
    const r = await replace(hall, before.body.data.layout, before.headers.etag as string);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.data.layout, before.body.data.layout);
    assert.equal(r.body.data.version, before.body.data.version + 1);
    assert.deepEqual(await seatsOf(), seatsBefore);
    assert.deepEqual(await countStates(), states);
  });
});

describe('GET /theaters/:id/halls', () => {
  test("lists a theater's halls in pages, public; unknown theater 404", async () => {
    const all = await q<{ id: number }>('SELECT id FROM halls WHERE theater_id = $1 ORDER BY id', [DEMO.theaters.grandIndonesia]);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/halls?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const r: Res = await call(t.app, { method: 'GET', url });
      assert.equal(r.status, 200);
      for (const h of r.body.data) {
        assert.equal(h.theater_id, DEMO.theaters.grandIndonesia);
        assert.equal(typeof h.capacity, 'number');
        assert.equal('layout' in h, false);
        seen.push(h.id);
      }
      cursor = r.body.meta.next_cursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      all.map((h) => h.id),
    );
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/theaters/9999/halls' }), 404, 'theater_not_found');
    assertProblem(
      await call(t.app, { method: 'GET', url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/halls?cursor=bm9wZQ` }),
      400,
      'validation_failed',
    );
  });
});

describe('optimistic concurrency (If-Match)', () => {
  test('a stale If-Match on PATCH, PUT, PUT layout and DELETE: 412, nothing changes; the current ETag works', async () => {
    const hall = await createHall(grid(['A', 'B'], 3));
    const id = hall.id;
    const stale = '"99"';
    const unchanged = await snapshot(id);
    const attempts: Array<[string, () => Promise<Res>]> = [
      ['PATCH', () => patchHall(id, { name: 'Stale' }, stale)],
      ['PUT', () => patchHall(id, { screen_type: 'Stale' }, stale, 'PUT')],
      ['PUT layout', () => replace(id, grid(['A'], 1), stale)],
      ['DELETE', () => deleteHall(id, stale)],
    ];
    for (const [name, attempt] of attempts) {
      const r = await attempt();
      assertProblem(r, 412, 'precondition_failed');
      assert.equal(r.body.current_etag, '"1"', name);
      assert.deepEqual(await snapshot(id), unchanged, `${name} changed nothing`);
    }

    let etag = (await getHall(id)).headers.etag as string;
    assert.equal(etag, '"1"');
    const patched = await patchHall(id, { name: 'Renamed Hall' }, etag);
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.data.name, 'Renamed Hall');
    assert.equal(patched.body.data.screen_type, 'Regular', 'fields left out keep their value');
    assert.equal(patched.headers.etag, '"2"');
    etag = patched.headers.etag as string;

    const put = await patchHall(id, { screen_type: null, has_3d_capability: true }, etag, 'PUT');
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.data.screen_type, null);
    assert.equal(put.body.data.has_3d_capability, true);
    assert.equal(put.body.data.name, 'Renamed Hall');
    assert.equal(put.headers.etag, '"3"');
    // the ETag before the PUT is stale now
    assertProblem(await patchHall(id, { name: 'Late' }, etag), 412, 'precondition_failed');
    etag = put.headers.etag as string;

    const laid = await replace(id, grid(['A'], 1), etag);
    assert.equal(laid.status, 200, JSON.stringify(laid.body));
    assert.equal(laid.body.data.capacity, 1);
    assert.equal(laid.headers.etag, '"4"');
    etag = laid.headers.etag as string;

    const del = await deleteHall(id, etag);
    assert.equal(del.status, 200, JSON.stringify(del.body));
    assertProblem(await getHall(id), 404, 'hall_not_found');
    assert.equal((await q('SELECT 1 FROM seats WHERE hall_id = $1', [id])).length, 0, 'seats go with the hall');

    const actions = await q<{ action: string; before: { version: number } | null; after: { version: number } | null }>(
      "SELECT action, before, after FROM audit_log WHERE entity = 'hall' AND entity_id = $1::text ORDER BY id",
      [id],
    );
    assert.deepEqual(
      actions.map((a) => [a.action, a.before?.version ?? null, a.after?.version ?? null]),
      [
        ['hall.create', null, 1],
        ['hall.update', 1, 2],
        ['hall.update', 2, 3],
        ['hall.layout.replace', 3, 4],
        ['hall.delete', 4, null],
      ],
    );
  });

  test('concurrent writes with the same If-Match: exactly one wins, the others get 412', async () => {
    const { id } = await createHall(grid(['A', 'B'], 4));
    const writes = await Promise.all([
      ...['One', 'Two', 'Three'].map((name) => patchHall(id, { name: `Race ${name}` }, '"1"')),
      replace(id, grid(['A'], 2), '"1"'),
      replace(id, grid(['A', 'B', 'C'], 4), '"1"'),
    ]);
    assert.deepEqual(writes.map((r) => r.status).sort(), [200, 412, 412, 412, 412]);
    const [{ version }] = await q<{ version: number }>('SELECT version FROM halls WHERE id = $1', [id]);
    assert.equal(version, 2);
  });

  test('writes without If-Match are accepted; If-Match * too; an unparseable one is stale', async () => {
    const { id } = await createHall(grid(['A'], 2));
    assert.equal((await patchHall(id, { name: 'No Precondition' })).status, 200);
    assert.equal((await patchHall(id, { name: 'Star Precondition' }, '*')).status, 200);
    assertProblem(await patchHall(id, { name: 'Garbage' }, 'garbage'), 412, 'precondition_failed');
  });

  test('PATCH: empty body 400, duplicate name 409, unknown hall 404, customer 403', async () => {
    const { id } = await createHall(grid(['A'], 2));
    assertProblem(await patchHall(id, {}), 400, 'validation_failed');
    assertProblem(await patchHall(id, { name: 'Hall 2' }), 409, 'hall_name_taken');
    assertProblem(await patchHall(999999, { name: 'x' }), 404, 'hall_not_found');
    assertProblem(await patchHall(id, { name: 'x' }, undefined, 'PATCH', customer), 403, 'forbidden');
    assertProblem(await replace(999999, grid(['A'], 1)), 404, 'hall_not_found');
  });
});

describe('halls in use', () => {
  test('DELETE of a hall with screenings -> 409 in_use, nothing changes', async () => {
    const { id } = await createHall(grid(['A'], 4));
    const s = await screeningIn(id, 61);
    const before = await snapshot(id);
    const r = await deleteHall(id);
    assertProblem(r, 409, 'in_use');
    assert.deepEqual(r.body.screening_ids, [s.id]);
    assert.deepEqual(await snapshot(id), before);
  });

  test('turning 3D off while an upcoming 3D screening uses the hall -> 409 in_use', async () => {
    const { id } = await createHall(grid(['A'], 4), { has_3d_capability: true });
    const s = await screeningIn(id, 62, { is_3d: true, price_3d: 70000 });
    const r = await patchHall(id, { has_3d_capability: false });
    assertProblem(r, 409, 'in_use');
    assert.deepEqual(r.body.screening_ids, [s.id]);
    const ok = await patchHall(id, { name: 'Still 3D' });
    assert.equal(ok.body.data.has_3d_capability, true);
  });
});

describe('PUT /halls/:id/layout with screenings', () => {
  const states = (screeningId: number) =>
    q<{ label: string; seat_id: number; status: string }>(
      `SELECT s.row_label || '-' || s.number AS label, ss.seat_id, ss.status FROM screening_seats ss
         JOIN seats s ON s.id = ss.seat_id WHERE ss.screening_id = $1 ORDER BY s.row_label, s.number`,
      [screeningId],
    );
  const available = async (screeningId: number) =>
    (await q<{ n: number }>('SELECT available_seats AS n FROM screenings WHERE id = $1', [screeningId]))[0].n;

  test('adding seats gives upcoming screenings their states; removing a free seat takes its state away', async () => {
    const hall = await createHall(grid(['A', 'B'], 4));
    const s = await screeningIn(hall.id, 63);
    assert.equal(s.available_seats, 8);
    const ids = await seatIds(hall.id);

    // row C added, A-4 removed
    const next = grid(['A', 'B', 'C'], 4);
    next.rows[0].seats.pop();
    const r = await replace(hall.id, next, '"1"');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.capacity, 11);
    assert.equal(r.headers.etag, '"2"');
    assert.equal(await available(s.id), 11);
    const st = await states(s.id);
    assert.equal(st.length, 11);
    assert.ok(st.every((x) => x.status === 'available'));
    assert.ok(!st.some((x) => x.label === 'A-4'), "A-4's state is gone");
    const [a4] = await q<{ is_active: boolean }>('SELECT is_active FROM seats WHERE id = $1', [ids.get('A-4')]);
    assert.equal(a4.is_active, false, 'A-4 is retired, not deleted');
    // kept seats keep their ids
    const after = await seatIds(hall.id);
    for (const [label, id] of ids) assert.equal(after.get(label), id, label);
    const screening = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}`, token: customer });
    assert.equal(screening.body.data.available_seats, 11);

    // the audit row says what changed
    const [audit] = await q<{ before: { capacity: number }; after: { capacity: number; changes: Record<string, unknown> } }>(
      "SELECT before, after FROM audit_log WHERE action = 'hall.layout.replace' AND entity_id = $1::text",
      [hall.id],
    );
    assert.equal(audit.before.capacity, 8);
    assert.equal(audit.after.capacity, 11);
    assert.deepEqual(audit.after.changes.added, ['C-1', 'C-2', 'C-3', 'C-4']);
    assert.deepEqual(audit.after.changes.removed, ['A-4']);
    assert.deepEqual(audit.after.changes.screenings_updated, [s.id]);

    // A-4 comes back with its old id and a fresh state
    const back = await replace(hall.id, grid(['A', 'B', 'C'], 4));
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal((await seatIds(hall.id)).get('A-4'), ids.get('A-4'));
    assert.equal(await available(s.id), 12);
    assert.equal((await states(s.id)).length, 12);
  });

  test('removing a sold seat -> 409 layout_removes_sold_seats, nothing changes', async () => {
    const hall = await createHall(grid(['A', 'B'], 4));
    const s = await screeningIn(hall.id, 64);
    const ids = await seatIds(hall.id);
    await sellSeat(s.id, ids.get('B-2')!);
    const before = await snapshot(hall.id);

    const next = grid(['A', 'B', 'C'], 4);
    next.rows[1].seats.splice(1, 1); // B-2 left out
    const r = await replace(hall.id, next, '"1"');
    assertProblem(r, 409, 'layout_removes_sold_seats');
    assert.deepEqual(r.body.seats, ['B-2']);
    assert.deepEqual(r.body.screening_ids, [s.id]);
    assert.deepEqual(r.body.conflicts, [{ seat: 'B-2', seat_id: ids.get('B-2'), screening_id: s.id, status: 'sold' }]);
    assert.deepEqual(await snapshot(hall.id), before);

    // moving the sold seat is fine: it stays the same seat
    const moved = grid(['A', 'B'], 4);
    moved.rows[1].seats[1].x = 9;
    const ok = await replace(hall.id, moved, '"1"');
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const [sold] = await q<{ status: string; x: number }>(
      `SELECT ss.status, s.x FROM screening_seats ss JOIN seats s ON s.id = ss.seat_id
        WHERE ss.screening_id = $1 AND ss.seat_id = $2`,
      [s.id, ids.get('B-2')],
    );
    assert.deepEqual(sold, { status: 'sold', x: 9 });
  });

  test('a live hold blocks the removal too; an expired one does not', async () => {
    const hall = await createHall(grid(['A'], 4));
    const s = await screeningIn(hall.id, 65);
    const ids = await seatIds(hall.id);
    await holdSeat(s.id, ids.get('A-3')!, 10, 3);
    await holdSeat(s.id, ids.get('A-4')!, -5, 2);
    const before = await snapshot(hall.id);
    const r = await replace(hall.id, grid(['A'], 2));
    assertProblem(r, 409, 'layout_removes_sold_seats');
    assert.deepEqual(r.body.seats, ['A-3']);
    assert.deepEqual(await snapshot(hall.id), before);

    const keep3 = grid(['A'], 3);
    const ok = await replace(hall.id, keep3);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(
      (await states(s.id)).map((x) => x.label),
      ['A-1', 'A-2', 'A-3'],
    );
    assert.equal(await available(s.id), 3, 'the expired hold was counted available; its seat is gone');
  });

  test('a hold committed while the replace waits for the seat state is seen: 409, the hold survives', async () => {
    const hall = await createHall(grid(['A'], 4));
    const s = await screeningIn(hall.id, 68);
    const ids = await seatIds(hall.id);
    let commitHold!: () => void;
    const gate = new Promise<void>((resolve) => (commitHold = resolve));
    let heldSeat!: () => void;
    const seatHeld = new Promise<void>((resolve) => (heldSeat = resolve));
    const holding = t.rt.db.tx(async (trx) => {
      const { rows } = await trx.query<{ id: string }>(
        `INSERT INTO holds (screening_id, user_id, seat_ids, total_amount, reserved_until)
         VALUES ($1, 3, ARRAY[$2::int], 50000, now() + interval '10 minutes') RETURNING id`,
        [s.id, ids.get('A-4')],
      );
      await trx.query(
        `UPDATE screening_seats SET status = 'held', hold_id = $1, held_until = now() + interval '10 minutes'
          WHERE screening_id = $2 AND seat_id = $3 AND status = 'available'`,
        [rows[0].id, s.id, ids.get('A-4')],
      );
      heldSeat();
      await gate;
    });
    await seatHeld; // the seat state row is locked by the uncommitted hold before the replace starts
    const replacing = replace(hall.id, grid(['A'], 3));
    await new Promise((r) => setTimeout(r, 300)); // the replace is now waiting on the seat state's lock
    commitHold();
    await holding;
    const r = await replacing;
    assertProblem(r, 409, 'layout_removes_sold_seats');
    assert.deepEqual(
      r.body.conflicts.map((c: { seat: string; status: string }) => [c.seat, c.status]),
      [['A-4', 'held']],
    );
    const a4 = (await states(s.id)).find((x) => x.label === 'A-4');
    assert.equal(a4?.status, 'held');
  });

  test('a removed seat a refunded ticket points at keeps a blocked state, freed when the seat returns', async () => {
    const hall = await createHall(grid(['A'], 4));
    const s = await screeningIn(hall.id, 66);
    const ids = await seatIds(hall.id);
    await sellSeat(s.id, ids.get('A-4')!, 'refunded'); // ticket row refunded, seat state available again
    const r = await replace(hall.id, grid(['A'], 3));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(await available(s.id), 3);
    const ghost = (await states(s.id)).find((x) => x.label === 'A-4');
    assert.equal(ghost?.status, 'blocked', 'kept for the ticket row, never sellable');
    const back = await replace(hall.id, grid(['A'], 4));
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(await available(s.id), 4);
    assert.equal((await states(s.id)).find((x) => x.label === 'A-4')?.status, 'available');
  });

  test('ended screenings keep every state, sold seats included; the seat can be removed', async () => {
    const hall = await createHall(grid(['A'], 3));
    const [{ id: past }] = await q<{ id: number }>(
      `INSERT INTO screenings (movie_id, theater_id, hall_id, show_time, end_time, price, available_seats)
       VALUES (1, 1, $1, now() - interval '4 hours', now() - interval '1 hour', 50000, 3) RETURNING id`,
      [hall.id],
    );
    await q('INSERT INTO screening_seats (screening_id, seat_id) SELECT $1, id FROM seats WHERE hall_id = $2', [past, hall.id]);
    const ids = await seatIds(hall.id);
    await sellSeat(past, ids.get('A-3')!);
    const before = await states(past);
    const r = await replace(hall.id, grid(['A'], 2));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(await states(past), before);
    assert.equal(await available(past), 2, 'the past screening is not recounted');
  });

  test('two seats swap places in one replace; ids stay with row and number', async () => {
    const hall = await createHall(grid(['A', 'B'], 3));
    await screeningIn(hall.id, 67);
    const ids = await seatIds(hall.id);
    const swapped = grid(['A', 'B'], 3);
    const [a1, a2, a3] = swapped.rows[0].seats;
    const [b1] = swapped.rows[1].seats;
    a1.x = 2; // A-1 <-> A-3 within a row
    a3.x = 0;
    Object.assign(a2, { x: 0, y: 1 }); // A-2 <-> B-1 across rows
    Object.assign(b1, { x: 1, y: 0 });
    const r = await replace(hall.id, swapped);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const pos = await q<{ label: string; id: number; x: number; y: number }>(
      "SELECT row_label || '-' || number AS label, id, x, y FROM seats WHERE hall_id = $1 AND is_active ORDER BY 1",
      [hall.id],
    );
    const at = Object.fromEntries(pos.map((p) => [p.label, `${p.x},${p.y}`]));
    assert.deepEqual(at, { 'A-1': '2,0', 'A-2': '0,1', 'A-3': '0,0', 'B-1': '1,0', 'B-2': '1,1', 'B-3': '2,1' });
    for (const p of pos) assert.equal(p.id, ids.get(p.label), p.label);
    assert.equal((await q('SELECT 1 FROM seats WHERE hall_id = $1 AND NOT is_active', [hall.id])).length, 0);
  });

  test('seat types and links change in place: couples become regular, regular seats become couples', async () => {
    const hall = await createHall({
      aisles: [],
      rows: [
        {
          label: 'A',
          seats: [
            { number: 1, x: 0, type: 'couple', pair_with: 2 },
            { number: 2, x: 1, type: 'couple', pair_with: 1 },
            { number: 3, x: 2, type: 'wheelchair' },
            { number: 4, x: 3, type: 'companion', companion_for: 3 },
          ],
        },
      ],
    });
    const ids = await seatIds(hall.id);
    const r = await replace(hall.id, {
      aisles: [],
      rows: [
        {
          label: 'A',
          seats: [
            { number: 1, x: 0, type: 'regular' },
            { number: 2, x: 1, type: 'couple', pair_with: 3 },
            { number: 3, x: 2, type: 'couple', pair_with: 2 },
            { number: 4, x: 3, type: 'vip' },
          ],
        },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const seats = r.body.data.layout.rows[0].seats;
    assert.deepEqual(
      seats.map((s: Seat) => [s.id, s.type, s.pair_with ?? null, s.companion_for ?? null]),
      [
        [ids.get('A-1'), 'regular', null, null],
        [ids.get('A-2'), 'couple', 3, null],
        [ids.get('A-3'), 'couple', 2, null],
        [ids.get('A-4'), 'vip', null, null],
      ],
    );
  });

  test('customer 403, invalid layout 400 and nothing changes', async () => {
    const hall = await createHall(grid(['A'], 2));
    const before = await snapshot(hall.id);
    assertProblem(
      await call(t.app, { method: 'PUT', url: `/api/v1/halls/${hall.id}/layout`, token: customer, payload: grid(['A'], 1) }),
      403,
      'forbidden',
    );
    const bad = grid(['A'], 2);
    bad.aisles = [1];
    const r = await replace(hall.id, bad);
    assertProblem(r, 400, 'invalid_layout');
    const problems = r.body.problems.map((p: { rule: string; path: string }) => [p.rule, p.path]);
    assert.deepEqual(problems, [['seat_on_aisle', 'rows[0].seats[1]']]);
    assert.deepEqual(await snapshot(hall.id), before);
  });
});
