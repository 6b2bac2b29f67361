// Item 4 of issue 12 (OWASP API6:2023, unrestricted access to sensitive business flows): one account
// could hold seats of any number of screenings at once, re-post its hold every few minutes to keep
// seats forever, and buy a whole screening; nothing limited how often it tried. The limits a cinema
// sets: seats held at once per account across screenings, a bounded life for a customer's holds on
// one screening (replacing, re-posting or releasing and holding again does not restart it), seats per
// customer per screening (held + bought, re-checked at checkout), hold attempts per account and per
// client address (Redis-backed when configured). The database decides the account cap under
// concurrency: simultaneous holds of one account never pass it together.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { approve, checkout, heldSeats, listen, newCustomer, webhooksSettled } from '../helpers/checkout.ts';
import { assertProblem, call, loginAs, type Res } from '../helpers/http.ts';
import { startTestApp, type TestApp } from '../helpers/runtime.ts';
import { newScreening, seatMapOf } from '../helpers/screenings.ts';

const LIMITS = {
  HOLD_TTL_SECONDS: '600',
  HOLD_MAX_SEATS_PER_ACCOUNT: '6',
  MAX_SEATS_PER_CUSTOMER_PER_SCREENING: '6',
  HOLD_MAX_LIFE_SECONDS: '900',
  HOLD_RENEWAL_COOLDOWN_SECONDS: '300',
  // attempts are limited in their own app below; here they must not get in the way
  HOLD_RATE_PER_ACCOUNT: '100000',
  HOLD_RATE_PER_ADDRESS: '100000',
};

let t: TestApp;
let admin: string;
before(async () => {
  t = await startTestApp(LIMITS);
  await listen(t);
  admin = await loginAs(t.app, 'admin@cinema.com');
});
after(() => t.close());

const hold = (screeningId: number, seatIds: number[], token: string) =>
  call(t.app, { method: 'POST', url: `/api/v1/screenings/${screeningId}/holds`, token, payload: { seat_ids: seatIds } });

async function liveSeatsOf(userId: number): Promise<number> {
  const { rows } = await t.rt.db.query<{ n: number }>(
    `SELECT coalesce(sum(cardinality(seat_ids)), 0)::int AS n FROM holds WHERE user_id = $1 AND status = 'active' AND reserved_until > now()`,
    [userId],
  );
  return rows[0].n;
}

const secondsUntil = (iso: string) => (Date.parse(iso) - Date.now()) / 1000;

describe('seats held at once per account, across screenings', () => {
  test('a hold past the cap is 409 hold_limit_reached and takes nothing; within it, it is granted', async () => {
    const c = await newCustomer(t, 'hoarder');
    const s1 = await newScreening(t.app, admin);
    const s2 = await newScreening(t.app, admin);
    const m1 = await seatMapOf(t.app, s1.id);
    const m2 = await seatMapOf(t.app, s2.id);
    assert.equal((await hold(s1.id, ['F6', 'F7', 'F8', 'F9'].map(m1.id), c.token)).status, 201);

    const r = await hold(s2.id, ['F6', 'F7', 'F8'].map(m2.id), c.token);
    assertProblem(r, 409, 'hold_limit_reached');
    assert.equal(r.body.max, 6);
    assert.equal(r.body.held, 4);
    const after = await seatMapOf(t.app, s2.id);
    assert.deepEqual(['F6', 'F7', 'F8'].map(after.status), ['available', 'available', 'available']);
    assert.equal(await liveSeatsOf(c.id), 4);

    // two more fit; replacing the first hold counts its new seats, not the old ones on top
    assert.equal((await hold(s2.id, ['F6', 'F7'].map(m2.id), c.token)).status, 201);
    assert.equal((await hold(s1.id, ['G6', 'G7', 'G8', 'G9'].map(m1.id), c.token)).status, 201);
    assertProblem(await hold(s1.id, ['G4', 'G5', 'G6', 'G7', 'G8'].map(m1.id), c.token), 409, 'hold_limit_reached');
    assert.equal(await liveSeatsOf(c.id), 6);
    // best-available goes through the same check
    const best = await call(t.app, {
      method: 'POST',
      url: `/api/v1/screenings/${(await newScreening(t.app, admin)).id}/holds/best-available`,
      token: c.token,
      payload: { count: 2 },
    });
    assertProblem(best, 409, 'hold_limit_reached');
    // other customers are not affected
    const other = await newCustomer(t, 'other');
    assert.equal((await hold(s2.id, ['H6', 'H7', 'H8'].map(m2.id), other.token)).status, 201);
  });

  test('an expired or released hold no longer counts', async () => {
    const c = await newCustomer(t, 'returning');
    const s1 = await newScreening(t.app, admin);
    const s2 = await newScreening(t.app, admin);
    const m1 = await seatMapOf(t.app, s1.id);
    const m2 = await seatMapOf(t.app, s2.id);
    const first = await hold(s1.id, ['F6', 'F7', 'F8', 'F9'].map(m1.id), c.token);
    assert.equal(first.status, 201);
    const del = await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${first.body.data.id}`, token: c.token });
    assert.equal(del.status, 200);
    assert.equal((await hold(s2.id, ['F4', 'F5', 'F6', 'F7', 'F8', 'F9'].map(m2.id), c.token)).status, 201);
  });
});

describe('a hold cannot be renewed for ever', () => {
  /** Moves the start of a customer's holds on a screening `seconds` into the past, as time would. */
  async function ageHolds(userId: number, screeningId: number, seconds: number) {
    await t.rt.db.query(
      `UPDATE holds SET created_at = created_at - make_interval(secs => $3),
              chain_started_at = chain_started_at - make_interval(secs => $3)
        WHERE user_id = $1 AND screening_id = $2`,
      [userId, screeningId, seconds],
    );
  }

  test('re-posting, replacing, releasing and holding again never reach past the life bound', async () => {
    const c = await newCustomer(t, 'renewer');
    const s = await newScreening(t.app, admin);
    const m = await seatMapOf(t.app, s.id);
    const seats = ['E6', 'E7'].map(m.id);
    const first = await hold(s.id, seats, c.token);
    assert.equal(first.status, 201);
    assert.ok(secondsUntil(first.body.data.reserved_until) > 590, 'a fresh hold gets its full time');

    // 800 s later (of a 900 s bound): re-posting the same seats gives at most the 100 s left
    await t.rt.db.query("UPDATE holds SET created_at = created_at - interval '800 seconds' WHERE id = $1", [first.body.data.id]);
    const again = await hold(s.id, seats, c.token);
    assert.equal(again.status, 201, JSON.stringify(again.body));
    const left = secondsUntil(again.body.data.reserved_until);
    assert.ok(left <= 101 && left > 90, `re-posted hold runs ${left} s, not a fresh 600`);
    const bound = again.body.data.reserved_until;

    // nor does another re-post, another choice of seats, or releasing and holding again
    const third = await hold(s.id, ['E7', 'E8'].map(m.id), c.token);
    assert.equal(third.status, 201);
    assert.ok(Date.parse(third.body.data.reserved_until) <= Date.parse(bound));
    assert.equal((await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${third.body.data.id}`, token: c.token })).status, 200);
    const fourth = await hold(s.id, seats, c.token);
    assert.equal(fourth.status, 201);
    assert.ok(Date.parse(fourth.body.data.reserved_until) <= Date.parse(bound));

    // once the bound has passed: no new hold on this screening until the cooldown is over
    await ageHolds(c.id, s.id, 200);
    await t.rt.db.query(`UPDATE holds SET reserved_until = now() - interval '1 second' WHERE id = $1`, [fourth.body.data.id]);
    await t.rt.db.query(`UPDATE screening_seats SET held_until = now() - interval '1 second' WHERE hold_id = $1`, [fourth.body.data.id]);
    await t.rt.fastPath.unmark(s.id, seats, `u${c.id}`);
    const refused = await hold(s.id, seats, c.token);
    assertProblem(refused, 409, 'hold_renewal_limit');
    const retry = Number(refused.headers['retry-after']);
    assert.ok(retry > 0 && retry <= 300, `Retry-After ${retry}`);
    assert.equal(refused.body.retry_after, retry);
    const map = await seatMapOf(t.app, s.id);
    assert.deepEqual(['E6', 'E7'].map(map.status), ['available', 'available'], 'the seats are free for others meanwhile');
    // someone else may hold them at once
    const other = await newCustomer(t, 'next-in-line');
    const theirs = await hold(s.id, seats, other.token);
    assert.equal(theirs.status, 201);
    await call(t.app, { method: 'DELETE', url: `/api/v1/holds/${theirs.body.data.id}`, token: other.token });
    // other screenings are not affected
    const s2 = await newScreening(t.app, admin);
    assert.equal((await hold(s2.id, ['E6', 'E7'].map((await seatMapOf(t.app, s2.id)).id), c.token)).status, 201);

    // after the cooldown a new hold starts afresh
    await t.rt.db.query(
      `UPDATE holds SET reserved_until = reserved_until - interval '300 seconds', released_at = released_at - interval '300 seconds'
        WHERE user_id = $1 AND screening_id = $2`,
      [c.id, s.id],
    );
    const fresh = await hold(s.id, seats, c.token);
    assert.equal(fresh.status, 201, JSON.stringify(fresh.body));
    assert.ok(secondsUntil(fresh.body.data.reserved_until) > 590);
  });
});

describe('seats per customer per screening, bought ones included', () => {
  test('a hold that would take a customer past the cap for a screening is 409 seat_limit_per_screening', async () => {
    const c = await newCustomer(t, 'buyer');
    const bought = await heldSeats(t, admin, c.token, ['F6', 'F7', 'F8', 'F9']);
    const co = await checkout(t, c.token, bought.hold.id);
    assert.equal(co.status, 201, JSON.stringify(co.body));
    await approve(t, co.body.data.payment.id);
    await webhooksSettled(t);

    const r = await hold(bought.screeningId, ['H6', 'H7', 'H8'].map(bought.map.id), c.token);
    assertProblem(r, 409, 'seat_limit_per_screening');
    assert.equal(r.body.max, 6);
    assert.equal(r.body.bought, 4);
    const map = await seatMapOf(t.app, bought.screeningId);
    assert.deepEqual(['H6', 'H7', 'H8'].map(map.status), ['available', 'available', 'available']);
    // two more are fine; and the paid seats do not count against the held-at-once cap
    const two = await hold(bought.screeningId, ['H6', 'H7'].map(bought.map.id), c.token);
    assert.equal(two.status, 201);
  });

  test('checkout checks again: seats bought meanwhile count', async () => {
    const c = await newCustomer(t, 'late');
    const { screeningId, hold: h, map } = await heldSeats(t, admin, c.token, ['F6', 'F7', 'F8']);
    // meanwhile four seats of this screening were sold to the same customer (a late payment, another
    // device): a ticket of theirs, paid
    await t.rt.db.tx(async (trx) => {
      const { rows } = await trx.query<{ id: string }>(
        `INSERT INTO tickets (booking_code, user_id, screening_id, status, total_amount, purchase_time)
         VALUES ($3, $1, $2, 'paid', 200000, now()) RETURNING id`,
        [c.id, screeningId, `LATE${c.id}`],
      );
      const seatIds = ['C6', 'C7', 'C8', 'C9'].map(map.id);
      await trx.query(`UPDATE screening_seats SET status = 'sold', ticket_id = $3 WHERE screening_id = $1 AND seat_id = ANY ($2::int[])`, [
        screeningId,
        seatIds,
        rows[0].id,
      ]);
      await trx.query(`INSERT INTO ticket_seats (ticket_id, screening_id, seat_id, price, status) SELECT $1, $2, unnest($3::int[]), 50000, 'sold'`, [
        rows[0].id,
        screeningId,
        seatIds,
      ]);
    });
    const r = await checkout(t, c.token, h.id);
    assertProblem(r, 409, 'seat_limit_per_screening');
    const { rows } = await t.rt.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets WHERE hold_id = $1', [h.id]);
    assert.equal(rows[0].n, 0, 'no ticket, no payment for the refused checkout');
  });
});

describe('hold attempts per account and per client address', () => {
  let r8: TestApp;
  before(async () => {
    r8 = await startTestApp({ HOLD_RATE_PER_ACCOUNT: '3', HOLD_RATE_PER_ADDRESS: '5' });
  });
  after(() => r8.close());

  const attempt = (token: string, screeningId: number, seatIds: number[], address = '127.0.0.1') =>
    call(r8.app, { method: 'POST', url: `/api/v1/screenings/${screeningId}/holds`, token, payload: { seat_ids: seatIds }, remoteAddress: address });

  function assertLimited(r: Res) {
    assertProblem(r, 429, 'rate_limited');
    const retry = Number(r.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
  }

  test('an account past its attempts gets 429 with Retry-After, whatever the seats or address', async () => {
    const admin8 = await loginAs(r8.app, 'admin@cinema.com');
    const s = await newScreening(r8.app, admin8);
    const m = await seatMapOf(r8.app, s.id);
    const c = await newCustomer(r8, 'eager');
    for (const [i, row] of ['A', 'B', 'C'].entries()) {
      assert.equal((await attempt(c.token, s.id, [m.id(`${row}6`), m.id(`${row}7`)], `10.0.0.${i + 1}`)).status, 201);
    }
    assertLimited(await attempt(c.token, s.id, [m.id('D6'), m.id('D7')], '10.0.0.9'));
    // the refused attempt held nothing
    assert.equal((await seatMapOf(r8.app, s.id)).status('D6'), 'available');
  });

  test('an address past its attempts gets 429 for every account behind it; other addresses go on', async () => {
    const admin8 = await loginAs(r8.app, 'admin@cinema.com');
    const s = await newScreening(r8.app, admin8);
    const m = await seatMapOf(r8.app, s.id);
    const a = await newCustomer(r8, 'a');
    const b = await newCustomer(r8, 'b');
    const c = await newCustomer(r8, 'c');
    const addr = '192.0.2.7';
    for (const row of ['E', 'F', 'G']) assert.equal((await attempt(a.token, s.id, [m.id(`${row}6`), m.id(`${row}7`)], addr)).status, 201);
    for (const row of ['H', 'I']) assert.equal((await attempt(b.token, s.id, [m.id(`${row}6`), m.id(`${row}7`)], addr)).status, 201);
    assertLimited(await attempt(c.token, s.id, [m.id('D6'), m.id('D7')], addr));
    assert.equal((await attempt(c.token, s.id, [m.id('D6'), m.id('D7')], '192.0.2.8')).status, 201);
  });

  test('an IPv6 client counts by its /64: rotating the address within it does not reset the count', async () => {
    const admin8 = await loginAs(r8.app, 'admin@cinema.com');
    const s = await newScreening(r8.app, admin8);
    const m = await seatMapOf(r8.app, s.id);
    const a = await newCustomer(r8, 'six-a');
    const b = await newCustomer(r8, 'six-b');
    const rows = ['E', 'F', 'G', 'H', 'I'];
    for (const [i, row] of rows.entries()) {
      const who = i < 3 ? a : b;
      assert.equal((await attempt(who.token, s.id, [m.id(`${row}6`), m.id(`${row}7`)], `2001:db8:7:1::${i + 1}`)).status, 201);
    }
    assertLimited(await attempt(b.token, s.id, [m.id('J6'), m.id('J7')], '2001:db8:7:1:ffff::99'));
    // another /64 is another subscriber
    const c = await newCustomer(r8, 'six-c');
    assert.equal((await attempt(c.token, s.id, [m.id('J6'), m.id('J7')], '2001:db8:7:2::1')).status, 201);
  });
});

describe('simultaneous holds of one account across screenings', () => {
  test('never take it past the cap together', async () => {
    const c = await newCustomer(t, 'racer');
    const screenings = await Promise.all(Array.from({ length: 8 }, () => newScreening(t.app, admin)));
    const maps = await Promise.all(screenings.map((s) => seatMapOf(t.app, s.id)));
    const answers = await Promise.all(screenings.map((s, i) => hold(s.id, ['F6', 'F7'].map(maps[i].id), c.token)));
    for (const a of answers) if (a.status !== 201) assertProblem(a, 409, 'hold_limit_reached');
    const granted = answers.filter((a) => a.status === 201).length;
    assert.equal(granted, 3, 'exactly three holds of two seats fit under a cap of six');
    assert.equal(await liveSeatsOf(c.id), 6);
    const { rows } = await t.rt.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM screening_seats WHERE screening_id = ANY ($1::int[]) AND status = 'held'`,
      [screenings.map((s) => s.id)],
    );
    assert.equal(rows[0].n, 6, 'no seat held by a refused request');
  });
});
