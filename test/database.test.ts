// The database's own guards: constraints that hold even if the code above them is wrong, and the
// migration runner's promises.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectPostgres, type Db, pgCode, PG, type Sql } from '../src/db/client.ts';
import { listFunctions, listMigrations, migrate, migrationsApplied } from '../src/db/migrate.ts';
import { ERRORS } from '../src/http/errors.ts';
import { SQL_ERRORS } from '../src/http/sql-errors.ts';
import { seedDemo } from '../src/db/seed/demo.ts';
import { freshDatabase, onPostgres, startTestApp, type TestApp } from './helpers/runtime.ts';

let t: TestApp;
let db: Db;
let screeningId: number;
let seatId: number;
before(async () => {
  t = await startTestApp();
  db = t.rt.db;
  const { rows } = await db.query<{ screening_id: number; seat_id: number }>(
    'SELECT screening_id, seat_id FROM screening_seats ORDER BY screening_id, seat_id LIMIT 1',
  );
  ({ screening_id: screeningId, seat_id: seatId } = rows[0]);
});
after(() => t.close());

async function rejects(code: string, fn: (trx: Sql) => Promise<unknown>) {
  await assert.rejects(
    () => db.tx(fn),
    (err) => {
      assert.equal(pgCode(err), code, String(err));
      return true;
    },
  );
}

async function ticket(trx: { query: Db['query'] }, code: string): Promise<string> {
  const { rows } = await trx.query<{ id: string }>(
    `INSERT INTO tickets (booking_code, user_id, screening_id, status, total_amount, purchase_time)
     VALUES ($1, 3, $2, 'paid', 50000, now()) RETURNING id`,
    [code, screeningId],
  );
  return rows[0].id;
}

describe('invariants held by constraints', () => {
  test('a seat of a screening is sold at most once, whatever the code does', async () => {
    await rejects(PG.uniqueViolation, async (trx) => {
      for (const code of ['DUP-A', 'DUP-B']) {
        const id = await ticket(trx, code);
        await trx.query(`INSERT INTO ticket_seats (ticket_id, screening_id, seat_id, price, status) VALUES ($1, $2, $3, 50000, 'sold')`, [
          id,
          screeningId,
          seatId,
        ]);
      }
    });
    // a refunded sale does not block a new one
    await db
      .tx(async (trx) => {
        const a = await ticket(trx, 'OK-A');
        await trx.query(`INSERT INTO ticket_seats (ticket_id, screening_id, seat_id, price, status) VALUES ($1, $2, $3, 1, 'refunded')`, [
          a,
          screeningId,
          seatId,
        ]);
        const b = await ticket(trx, 'OK-B');
        await trx.query(`INSERT INTO ticket_seats (ticket_id, screening_id, seat_id, price, status) VALUES ($1, $2, $3, 1, 'sold')`, [
          b,
          screeningId,
          seatId,
        ]);
        throw Object.assign(new Error('rollback on purpose'), { code: 'ROLLBACK' });
      })
      .catch((e) => assert.equal(e.code, 'ROLLBACK'));
  });

  test('seat state: held needs a hold, sold needs a ticket', async () => {
    await rejects(PG.checkViolation, (trx) =>
      trx.query(`UPDATE screening_seats SET status = 'held' WHERE screening_id = $1 AND seat_id = $2`, [screeningId, seatId]),
    );
    await rejects(PG.checkViolation, (trx) =>
      trx.query(`UPDATE screening_seats SET status = 'sold' WHERE screening_id = $1 AND seat_id = $2`, [screeningId, seatId]),
    );
    await rejects(PG.checkViolation, (trx) =>
      trx.query(`UPDATE screening_seats SET status = 'gone' WHERE screening_id = $1 AND seat_id = $2`, [screeningId, seatId]),
    );
  });

  test("a screening's hall must belong to its theater", async () => {
    await rejects(PG.foreignKeyViolation, (trx) =>
      trx.query(
        `INSERT INTO screenings (movie_id, theater_id, hall_id, show_time, end_time, price, available_seats)
         VALUES (1, 2, 1, now() + interval '90 days', now() + interval '90 days 2 hours', 50000, 10)`,
      ),
    );
  });

  test('money is never negative or zero-priced, and a refund never exceeds the payment', async () => {
    await rejects(PG.checkViolation, (trx) => trx.query('UPDATE screenings SET price = 0 WHERE id = $1', [screeningId]));
    await rejects(PG.checkViolation, async (trx) => {
      const id = await ticket(trx, 'PAY-1');
      await trx.query(
        `INSERT INTO payments (ticket_id, gateway, method, amount, status, refunded_amount)
         VALUES ($1, 'sim', 'card', 100, 'captured', 150)`,
        [id],
      );
    });
  });

  test('one hold turns into at most one ticket', async () => {
    await rejects(PG.uniqueViolation, async (trx) => {
      const { rows } = await trx.query<{ id: string }>(
        `INSERT INTO holds (screening_id, user_id, seat_ids, total_amount, reserved_until)
         VALUES ($1, 3, ARRAY[$2::int], 50000, now() + interval '10 minutes') RETURNING id`,
        [screeningId, seatId],
      );
      for (const code of ['H-1', 'H-2']) {
        await trx.query(`INSERT INTO tickets (booking_code, user_id, screening_id, hold_id, total_amount) VALUES ($1, 3, $2, $3, 50000)`, [
          code,
          screeningId,
          rows[0].id,
        ]);
      }
    });
  });
  test('a customer has at most one active hold per screening; released ones do not count', async () => {
    const hold = (trx: Sql, status: string) =>
      trx.query(
        `INSERT INTO holds (screening_id, user_id, seat_ids, total_amount, reserved_until, status)
         VALUES ($1, 3, ARRAY[$2::int], 50000, now() + interval '10 minutes', $3)`,
        [screeningId, seatId, status],
      );
    await rejects(PG.uniqueViolation, async (trx) => {
      await hold(trx, 'released');
      await hold(trx, 'active');
      await hold(trx, 'active');
    });
  });
});

describe('migrations', () => {
  test('applying again does nothing', async () => {
    assert.deepEqual(await migrate(db), []);
  });

  test('a migration edited after it was applied stops the boot', async () => {
    const edited = listMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await assert.rejects(() => migrate(db, edited), /was changed after it was applied/);
  });

  test('a database that applied the text a migration had before its function bodies moved boots, and records the new text', async () => {
    await db.query(
      `UPDATE schema_migrations SET checksum = 'ee0b88181ccc80d93150d863fd97ab3f9eaa99836c8304bbf2edd04323054424' WHERE version = '014_hold_limits'`,
    );
    assert.equal(await migrationsApplied(db), false);
    assert.deepEqual(await migrate(db), []);
    const { rows } = await db.query<{ checksum: string }>(`SELECT checksum FROM schema_migrations WHERE version = '014_hold_limits'`);
    assert.equal(rows[0].checksum, listMigrations().find((m) => m.version === '014_hold_limits')?.checksum);
    assert.equal(await migrationsApplied(db), true);
  });

  test('a function whose file changed is replaced at the next boot, and only then is the database ready', async () => {
    const lockSpace = async () => (await db.query<{ n: number }>('SELECT hold_lock_space() AS n')).rows[0].n;
    const original = await lockSpace();
    const changed = listFunctions().map((f) =>
      f.name === 'hold_lock_space' ? { ...f, sql: f.sql.replace(String(original), '724999'), checksum: 'changed' } : f,
    );
    assert.equal(await migrationsApplied(db, listMigrations(), changed), false);
    assert.deepEqual(await migrate(db, listMigrations(), changed), ['functions/hold_lock_space']);
    assert.equal(await lockSpace(), 724999);
    assert.equal(await migrationsApplied(db, listMigrations(), changed), true);
    assert.deepEqual(await migrate(db), ['functions/hold_lock_space'], 'the file as it is now is back');
    assert.equal(await lockSpace(), original);
  });

  test('every function the code calls has exactly one live definition, its file, and no migration defines it', () => {
    const names = listFunctions().map((f) => f.name);
    assert.ok(names.includes('take_seats_core') && names.includes('seat_prices'));
    for (const m of listMigrations()) {
      for (const name of names) {
        assert.doesNotMatch(m.sql, new RegExp(`CREATE (OR REPLACE )?FUNCTION ${name}\\(`), `${m.version} defines ${name}`);
      }
    }
    for (const f of listFunctions()) {
      assert.match(f.sql, new RegExp(`^CREATE OR REPLACE FUNCTION ${f.name}\\(`, 'm'), `${f.name}.sql defines ${f.name}`);
    }
  });

  test('every SQLSTATE a function raises is mapped to an error code, and every mapped one is raised', () => {
    const raised = new Set(listFunctions().flatMap((f) => [...f.sql.matchAll(/ERRCODE = '(\w+)'/g)].map((m) => m[1])));
    assert.deepEqual([...raised].sort(), Object.keys(SQL_ERRORS).sort());
    for (const e of Object.values(SQL_ERRORS)) assert.ok(e.code in ERRORS, e.code);
  });

  test('013 on a database where the old race left two active holds of one customer keeps the newest', {
    skip: !onPostgres && 'needs PostgreSQL',
  }, async () => {
    const fresh = await freshDatabase();
    const d = connectPostgres({ url: fresh.url, poolMax: 2 });
    try {
      const all = listMigrations();
      await migrate(
        d,
        all.filter((m) => m.version < '013'),
      );
      await seedDemo(d, { days: 2 });
      const { rows: seats } = await d.query<{ screening_id: number; seat_id: number }>(
        `SELECT screening_id, seat_id FROM screening_seats WHERE screening_id = (SELECT min(id) FROM screenings) ORDER BY seat_id LIMIT 2`,
      );
      const [s1, s2] = seats;
      const ids: string[] = [];
      for (const [i, seat] of [s1, s2].entries()) {
        const { rows } = await d.query<{ id: string }>(
          `INSERT INTO holds (screening_id, user_id, seat_ids, total_amount, reserved_until, created_at)
           VALUES ($1, 3, ARRAY[$2::int], 50000, now() + interval '10 minutes', now() - make_interval(secs => $3)) RETURNING id`,
          [seat.screening_id, seat.seat_id, 10 - i],
        );
        ids.push(rows[0].id);
        await d.query(
          `UPDATE screening_seats SET status = 'held', hold_id = $1, held_until = now() + interval '10 minutes' WHERE screening_id = $2 AND seat_id = $3`,
          [rows[0].id, seat.screening_id, seat.seat_id],
        );
      }
      const version = async () =>
        Number((await d.query<{ v: string }>('SELECT seat_map_version AS v FROM screenings WHERE id = $1', [s1.screening_id])).rows[0].v);
      const v0 = await version();
      assert.deepEqual(
        await migrate(d, all),
        all.filter((m) => m.version >= '013').map((m) => m.version),
      );
      const { rows: holds } = await d.query<{ id: string; status: string }>('SELECT id, status FROM holds WHERE id = ANY($1::uuid[])', [ids]);
      assert.deepEqual(
        new Map(holds.map((h) => [h.id, h.status])),
        new Map([
          [ids[0], 'released'],
          [ids[1], 'active'],
        ]),
        'the newer hold stays',
      );
      const { rows: st } = await d.query<{ seat_id: number; status: string }>(
        'SELECT seat_id, status FROM screening_seats WHERE screening_id = $1 AND seat_id = ANY($2::int[]) ORDER BY seat_id',
        [s1.screening_id, [s1.seat_id, s2.seat_id]],
      );
      assert.deepEqual(
        st.map((r) => r.status),
        ['available', 'held'],
        "the released hold's seat is free again",
      );
      assert.equal(await version(), v0 + 1, 'and the map moved on');
    } finally {
      await d.close();
      await fresh.drop();
    }
  });

  // PGlite has one connection, so only PostgreSQL can race two migrators.
  test('two instances migrating one empty database at once apply each file once', { skip: !onPostgres && 'needs PostgreSQL' }, async () => {
    const fresh = await freshDatabase();
    const a = connectPostgres({ url: fresh.url, poolMax: 2 });
    const b = connectPostgres({ url: fresh.url, poolMax: 2 });
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      const files = [...listMigrations().map((m) => m.version), ...listFunctions().map((f) => `functions/${f.name}`)].sort();
      assert.deepEqual([...ra, ...rb].sort(), files);
      const { rows } = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      assert.equal(rows[0].n, listMigrations().length);
    } finally {
      await Promise.all([a.close(), b.close()]);
      await fresh.drop();
    }
  });
});
