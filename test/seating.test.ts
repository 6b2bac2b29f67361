// Seat maps, the price card behind them, and admin seat blocks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertProblem, call } from './helpers/http.ts';
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

const seats = (id: number, headers: Record<string, string> = {}) => call(t.app, { method: 'GET', url: `/api/v1/screenings/${id}/seats`, headers });

/** A screening of Avengers: Endgame in Grand Indonesia's IMAX hall (Asia/Jakarta) at a local hour `days` ahead. */
async function screeningAt(daysAhead: number, localHour: number, over: Record<string, unknown> = {}): Promise<any> {
  const date = new Date(Date.now() + daysAhead * 86_400_000).toISOString().slice(0, 10);
  const show_time = `${date}T${String(localHour).padStart(2, '0')}:00:00+07:00`;
  return createScreening(t.app, admin, { movie_id: DEMO.movies.avengersEndgame, show_time, ...over });
}

describe('seat map', () => {
  test('is public and lists every seat of the hall with status, price and position', async () => {
    const s = await screeningAt(60, 20);
    const r = await seats(s.id);
    assert.equal(r.status, 200);
    const map = r.body.data;
    const { rows } = await t.rt.db.query<{ id: number; x: number; y: number; seat_type: string; label: string }>(
      `SELECT st.id, st.x, st.y, st.seat_type, st.row_label || st.number AS label
         FROM screening_seats ss JOIN seats st ON st.id = ss.seat_id WHERE ss.screening_id = $1 ORDER BY st.id`,
      [s.id],
    );
    assert.equal(map.seats.length, rows.length);
    const byId = new Map(map.seats.map((s: any) => [s.id, s]));
    for (const row of rows) {
      const s: any = byId.get(row.id);
      assert.deepEqual([s.x, s.y, s.type, s.label], [row.x, row.y, row.seat_type, row.label]);
      assert.equal(s.status, 'available');
      assert.equal(typeof s.price, 'number');
    }
    assert.equal(map.counts.available, rows.length);
    assert.equal(map.screening_id, s.id);
    assert.equal(map.currency, 'IDR');
    assert.equal(map.on_sale, true);
    assert.ok(Array.isArray(map.hall.aisles));
  });

  test('unknown screening -> 404, bad id -> 400', async () => {
    assertProblem(await seats(999999), 404, 'screening_not_found');
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/screenings/x/seats' }), 400, 'validation_failed');
  });

  test('conditional GET: 304 while unchanged, 200 with a new ETag and a higher version after a change', async () => {
    const s = await screeningAt(61, 20);
    const first = await seats(s.id);
    const etag = String(first.headers.etag);
    assert.ok(etag);
    const again = await seats(s.id, { 'if-none-match': etag });
    assert.equal(again.status, 304);
    assert.equal(again.body, '');
    assert.equal(again.headers['content-length'], undefined, 'a 304 announces no body');

    const seatIds = first.body.data.seats.slice(0, 2).map((x: any) => x.id);
    const block = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/seats/block`, token: admin, payload: { seat_ids: seatIds } });
    assert.equal(block.status, 200, JSON.stringify(block.body));
    const changed = await seats(s.id, { 'if-none-match': etag });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.etag, etag);
    assert.equal(changed.body.data.version, first.body.data.version + 1, 'one change (a block of two seats) = one version');
    assert.equal(changed.body.data.counts.blocked, 2);
    for (const id of seatIds) assert.equal(changed.body.data.seats.find((x: any) => x.id === id).status, 'blocked');
  });

  test('repeat reads are served from the cache until a seat change invalidates it', async () => {
    const s = await screeningAt(65, 20);
    const first = (await seats(s.id)).body.data;
    const seatId = first.seats[0].id;
    // a change behind the service's back is not seen: the map came from the cache
    await t.rt.db.query(`UPDATE screening_seats SET status = 'blocked' WHERE screening_id = $1 AND seat_id = $2`, [s.id, seatId]);
    const cached = (await seats(s.id)).body.data;
    assert.equal(cached.seats[0].status, 'available');
    // a change through the service invalidates it
    const other = first.seats[1].id;
    const r = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/seats/block`, token: admin, payload: { seat_ids: [other] } });
    assert.equal(r.status, 200);
    const fresh = (await seats(s.id)).body.data;
    assert.equal(fresh.seats[0].status, 'blocked');
    assert.equal(fresh.seats[1].status, 'blocked');
  });

  test('a seat held by an expired hold shows available, without any write (cache included)', async () => {
    const s = await screeningAt(62, 20);
    const seatId = (await seats(s.id)).body.data.seats[5].id;
    // a hold that runs out 1.5 s from now, written straight to the database as the holds code will
    await t.rt.db.tx(async (trx) => {
      const { rows } = await trx.query<{ id: string }>(
        `INSERT INTO holds (screening_id, user_id, seat_ids, total_amount, reserved_until)
         VALUES ($1, 3, ARRAY[$2::int], 50000, now() + interval '1.5 seconds') RETURNING id`,
        [s.id, seatId],
      );
      await trx.query(
        `UPDATE screening_seats SET status = 'held', hold_id = $3, held_until = now() + interval '1.5 seconds',
                version = version + 1 WHERE screening_id = $1 AND seat_id = $2`,
        [s.id, seatId, rows[0].id],
      );
    });
    await t.rt.cache.invalidate(`seatmap:${s.id}`);
    const held = await seats(s.id);
    assert.equal(held.body.data.seats.find((x: any) => x.id === seatId).status, 'held');
    await new Promise((r) => setTimeout(r, 1700));
    const later = await seats(s.id);
    assert.equal(later.body.data.seats.find((x: any) => x.id === seatId).status, 'available');
    assert.equal(later.body.data.counts.held, 0);
  });
});

describe('layout round trip through the seat map', () => {
  test('a posted 12-row hall with aisles, couple and wheelchair seats comes back seat for seat, priced', async () => {
    // 12 rows A-L of 14 seats; aisles at x = 3 and x = 12; row L is couples; row A has two wheelchair
    // seats at the ends with a companion next to each
    const xOf = (n: number) => n - 1 + (n > 3 ? 1 : 0) + (n > 11 ? 1 : 0);
    const rows = 'ABCDEFGHIJKL'.split('').map((label, i) => ({
      label,
      seats: Array.from({ length: 14 }, (_, k) => {
        const number = k + 1;
        const seat: Record<string, unknown> = { number, x: xOf(number), y: i, type: 'regular' };
        if (label === 'L') Object.assign(seat, { type: 'couple', pair_with: number % 2 === 1 ? number + 1 : number - 1 });
        if (label === 'A' && (number === 1 || number === 14)) seat.type = 'wheelchair';
        if (label === 'A' && (number === 2 || number === 13)) Object.assign(seat, { type: 'companion', companion_for: number === 2 ? 1 : 14 });
        if (label === 'J' || label === 'K') seat.type = 'vip';
        return seat;
      }),
    }));
    // couples pair up inside each block between aisles (1-3, 4-11, 12-14); a block's odd seat out
    // stays regular
    const l = rows[11].seats;
    for (const seat of l) {
      const n = seat.number as number;
      const block = n <= 3 ? [1, 2] : n <= 11 ? [4, 11] : [12, 14];
      const [lo, hi] = block;
      const partner = (n - lo) % 2 === 0 ? n + 1 : n - 1;
      if (partner < lo || partner > hi) {
        seat.type = 'regular';
        delete seat.pair_with;
      } else seat.pair_with = partner;
    }
    const hall = await call(t.app, {
      method: 'POST',
      url: '/api/v1/halls',
      token: admin,
      payload: { theater_id: DEMO.theaters.grandIndonesia, name: 'Round Trip 12', screen_type: 'Regular', layout: { aisles: [3, 12], rows } },
    });
    assert.equal(hall.status, 201, JSON.stringify(hall.body));
    const put = await call(t.app, {
      method: 'PUT',
      url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/pricing`,
      token: admin,
      payload: { surcharges: { vip: 15000, couple: 30000, wheelchair: 0 }, rules: [] },
    });
    assert.equal(put.status, 200);
    const day = new Date(Date.now() + 75 * 86_400_000).toISOString().slice(0, 10);
    const s = await call(t.app, {
      method: 'POST',
      url: '/api/v1/screenings',
      token: admin,
      payload: {
        movie_id: DEMO.movies.theBatman,
        theater_id: DEMO.theaters.grandIndonesia,
        hall_id: hall.body.data.id,
        show_time: `${day}T12:00:00Z`,
        price: 45000,
      },
    });
    assert.equal(s.status, 201, JSON.stringify(s.body));

    const map = (await seats(s.body.data.id)).body.data;
    const posted = rows.flatMap((r) => r.seats.map((x) => ({ ...x, label: `${r.label}${x.number}` }) as Record<string, any>));
    assert.equal(map.seats.length, posted.length);
    assert.equal(map.seats.length, 12 * 14);
    const byLabel = new Map(map.seats.map((x: any) => [x.label, x]));
    const idOf = (label: string) => (byLabel.get(label) as any).id;
    for (const p of posted) {
      const got: any = byLabel.get(p.label as string);
      assert.ok(got, `seat ${p.label}`);
      assert.deepEqual([got.x, got.y, got.type], [p.x, p.y, p.type], p.label as string);
      const surcharge = ({ vip: 15000, couple: 30000 } as Record<string, number>)[p.type as string] ?? 0;
      assert.equal(got.price, 45000 + surcharge, `${p.label} price`);
      const row = (p.label as string)[0];
      if (p.pair_with) assert.equal(got.pair_seat_id, idOf(`${row}${p.pair_with}`));
      else assert.equal(got.pair_seat_id, undefined);
      if (p.companion_for) assert.equal(got.companion_for_seat_id, idOf(`${row}${p.companion_for}`));
    }
    assert.deepEqual(map.hall.aisles, [3, 12]);
    // the wheelchair seats and companions are where they were posted
    assert.deepEqual(
      [byLabel.get('A1'), byLabel.get('A2')].map((x: any) => x.type),
      ['wheelchair', 'companion'],
    );
  });
});

describe('price card', () => {
  test('seat prices follow the 3D base, seat-type surcharges and local day/time rules', async () => {
    // a Saturday evening and a weekday matinee, in Jakarta time
    const saturday = nextWeekday(6, 70);
    const weekday = nextWeekday(3, 70);
    const put = await call(t.app, {
      method: 'PUT',
      url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/pricing`,
      token: admin,
      payload: {
        surcharges: { vip: 20000, couple: 35500 },
        rules: [
          { name: 'Weekend', days: 'weekend', adjustment: 10000 },
          { name: 'Matinee', days: 'all', starts_at: '00:00', ends_at: '17:00', adjustment: -12500 },
        ],
      },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.data.rules.length, 2);

    const evening3d = await screeningAt(daysUntil(saturday), 19, { is_3d: true, price_3d: 80000 });
    const matinee = await screeningAt(daysUntil(weekday), 13);
    for (const [s, base, adj] of [
      [evening3d, 80000, 10000],
      [matinee, 50000, -12500],
    ] as const) {
      const map = (await seats(s.id)).body.data;
      const types = new Set<string>();
      for (const seat of map.seats) {
        const surcharge = ({ vip: 20000, couple: 35500 } as Record<string, number>)[seat.type] ?? 0;
        assert.equal(seat.price, base + adj + surcharge, `${seat.label} (${seat.type}) in screening ${s.id}`);
        types.add(seat.type);
      }
      assert.ok(types.has('vip') && types.has('couple') && types.has('regular'));
    }
  });

  test('a discount larger than the price leaves a seat at one rupiah, not at a fraction of one', async () => {
    const put = (rules: unknown[]) =>
      call(t.app, {
        method: 'PUT',
        url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/pricing`,
        token: admin,
        payload: { surcharges: {}, rules },
      });
    assert.equal((await put([{ name: 'Free day', days: 'all', adjustment: -100000 }])).status, 200);
    try {
      const s = await screeningAt(75, 15);
      const map = (await seats(s.id)).body.data;
      const regular = map.seats.find((x: any) => x.type === 'regular');
      assert.equal(regular.price, 1);
    } finally {
      assert.equal((await put([])).status, 200);
    }
  });

  test('GET is public with an ETag; a stale If-Match -> 412 and the card is unchanged', async () => {
    const got = await call(t.app, { method: 'GET', url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/pricing` });
    assert.equal(got.status, 200);
    const etag = String(got.headers.etag);
    const stale = await call(t.app, {
      method: 'PUT',
      url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/pricing`,
      token: admin,
      headers: { 'if-match': '"0"' },
      payload: { surcharges: {}, rules: [] },
    });
    assertProblem(stale, 412, 'precondition_failed');
    const still = await call(t.app, { method: 'GET', url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/pricing` });
    assert.deepEqual(still.body.data, got.body.data);
    const fresh = await call(t.app, {
      method: 'PUT',
      url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/pricing`,
      token: admin,
      headers: { 'if-match': etag },
      payload: { surcharges: { vip: 1000 }, rules: [] },
    });
    assert.equal(fresh.status, 200);
    assert.notEqual(fresh.headers.etag, etag);
  });

  test('bad cards are refused: 3 decimals, negative surcharge, inverted times, customer', async () => {
    const put = (payload: Record<string, unknown>, token = admin) =>
      call(t.app, { method: 'PUT', url: `/api/v1/theaters/${DEMO.theaters.grandIndonesia}/pricing`, token, payload });
    assertProblem(await put({ surcharges: { vip: 1.001 }, rules: [] }), 400, 'invalid_amount');
    // rupiah are whole: a surcharge or an adjustment of half a rupiah could not be paid
    assertProblem(await put({ surcharges: { couple: 35000.5 }, rules: [] }), 400, 'invalid_amount');
    assertProblem(await put({ surcharges: {}, rules: [{ name: 'x', adjustment: -0.5 }] }), 400, 'invalid_amount');
    assertProblem(await put({ surcharges: { vip: -5 }, rules: [] }), 400, 'invalid_amount');
    assertProblem(
      await put({ surcharges: {}, rules: [{ name: 'x', starts_at: '18:00', ends_at: '10:00', adjustment: 5 }] }),
      400,
      'validation_failed',
    );
    assertProblem(await put({ surcharges: {}, rules: [{ name: 'x', starts_at: '25:00', adjustment: 5 }] }), 400, 'validation_failed');
    assertProblem(await put({ surcharges: {}, rules: [] }, customer), 403, 'forbidden');
    assertProblem(await call(t.app, { method: 'GET', url: '/api/v1/theaters/9999/pricing' }), 404, 'theater_not_found');
  });
});

describe('blocking seats', () => {
  test('all or nothing: a held seat in the set -> 409 listing it, nothing blocked', async () => {
    const s = await screeningAt(63, 20);
    const map = (await seats(s.id)).body.data;
    const [a, b, c] = map.seats.map((x: any) => x.id);
    await t.rt.db.tx(async (trx) => {
      const { rows } = await trx.query<{ id: string }>(
        `INSERT INTO holds (screening_id, user_id, seat_ids, total_amount, reserved_until)
         VALUES ($1, 3, ARRAY[$2::int], 1, now() + interval '10 minutes') RETURNING id`,
        [s.id, c],
      );
      await trx.query(
        `UPDATE screening_seats SET status = 'held', hold_id = $3, held_until = now() + interval '10 minutes'
          WHERE screening_id = $1 AND seat_id = $2`,
        [s.id, c, rows[0].id],
      );
    });
    const r = await call(t.app, { method: 'POST', url: `/api/v1/screenings/${s.id}/seats/block`, token: admin, payload: { seat_ids: [a, b, c] } });
    assertProblem(r, 409, 'seat_unavailable');
    assert.deepEqual(r.body.seat_ids, [c]);
    const { rows } = await t.rt.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM screening_seats WHERE screening_id = $1 AND status = 'blocked'",
      [s.id],
    );
    assert.equal(rows[0].n, 0);
  });

  test('block and unblock move available_seats; unknown seats -> 400; customers -> 403', async () => {
    const s = await screeningAt(64, 20);
    const ids = (await seats(s.id)).body.data.seats.slice(0, 3).map((x: any) => x.id);
    const url = `/api/v1/screenings/${s.id}/seats`;
    assertProblem(await call(t.app, { method: 'POST', url: `${url}/block`, token: customer, payload: { seat_ids: ids } }), 403, 'forbidden');
    assertProblem(
      await call(t.app, { method: 'POST', url: `${url}/block`, token: admin, payload: { seat_ids: [...ids, 999999] } }),
      400,
      'unknown_seats',
    );
    assert.equal(
      (await call(t.app, { method: 'POST', url: `${url}/block`, token: admin, payload: { seat_ids: ids, reason: 'broken' } })).status,
      200,
    );
    const blocked = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}`, token: customer });
    assert.equal(blocked.body.data.available_seats, s.available_seats - 3);
    assertProblem(await call(t.app, { method: 'POST', url: `${url}/block`, token: admin, payload: { seat_ids: ids } }), 409, 'seat_unavailable');
    assert.equal((await call(t.app, { method: 'POST', url: `${url}/unblock`, token: admin, payload: { seat_ids: ids } })).status, 200);
    const back = await call(t.app, { method: 'GET', url: `/api/v1/screenings/${s.id}`, token: customer });
    assert.equal(back.body.data.available_seats, s.available_seats);
    const audit = await t.rt.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1::text AND action IN ('seats.block', 'seats.unblock')",
      [s.id],
    );
    assert.equal(audit.rows[0].n, 2);
  });
});

/** The first date with ISO weekday `isoDay` (1 = Monday) at least `minDays` from now, as YYYY-MM-DD. */
function nextWeekday(isoDay: number, minDays: number): string {
  const d = new Date(Date.now() + minDays * 86_400_000);
  while (((d.getUTCDay() + 6) % 7) + 1 !== isoDay) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
function daysUntil(date: string): number {
  return Math.round((Date.parse(`${date}T12:00:00Z`) - Date.now()) / 86_400_000);
}
