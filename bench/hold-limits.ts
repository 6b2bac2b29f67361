// What the hold limits of migration 014 cost PostgreSQL per hold, same run: take_seats() as it is
// now (customer lock, three more index lookups, chain start) against the body of migration 013,
// installed beside it as take_seats_013 in the same database. One connection calls one function in a
// loop (each of U customers re-posting a hold of two seats of one screening: the replacement path),
// the two functions turn by turn, R rounds of N calls each; holds/s per round, the median reported.
// The hold attempts' Redis counters (hold-attempts.ts) are not in this number: one auto-pipelined
// round trip per request, as the fast path's mark.
//   node --import tsx bench/hold-limits.ts [rounds=6] [calls=1000] [customers=50]
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { openRuntime } from '../src/runtime.ts';
import { log, ROOT } from './lib/common.ts';
import { createDatabase, dropAll, serverVersion } from './lib/database.ts';

const [ROUNDS, CALLS, CUSTOMERS] = [6, 1000, 50].map((d, i) => Number(process.argv[2 + i] ?? d));

async function main() {
  const db = await createDatabase('holdlimits');
  const rt = await openRuntime(
    loadConfig({
      DATABASE_URL: db.url,
      DATA_DIR: ':memory:',
      JWT_SECRET: randomUUID() + randomUUID(),
      LOG_LEVEL: 'silent',
      SWEEP_INTERVAL_MS: '0',
      OUTBOX_INTERVAL_MS: '0',
      RECONCILE_INTERVAL_MS: '0',
    }),
  );
  await rt.close();
  const c = new pg.Client({ connectionString: db.url, application_name: 'cinema-bench' });
  await c.connect();
  try {
    // CPU, not the disk: no WAL flush wait per hold (both functions alike)
    await c.query('SET synchronous_commit = off');
    // the 013 body, renamed, beside the live one
    const body013 = readFileSync(`${ROOT}/src/db/migrations/013_lean_take_seats.sql`, 'utf8');
    const core = body013.slice(body013.indexOf('CREATE OR REPLACE FUNCTION take_seats_core'));
    await c.query(core.replace('FUNCTION take_seats_core(', 'FUNCTION take_seats_core_013('));
    await c.query(`CREATE FUNCTION take_seats_013(p_hold uuid, p_screening integer, p_user integer, p_seats integer[], p_ttl_seconds integer)
      RETURNS TABLE (reserved_until timestamptz, total_amount numeric, prices numeric[], map_version bigint, released_holds uuid[], released_seats integer[])
      LANGUAGE sql AS $$ SELECT * FROM take_seats_core_013(p_hold, p_screening, p_user, p_seats, p_ttl_seconds, true) $$`);

    // one screening on sale, U customers, two plain seats each, no seat etiquette
    await c.query('UPDATE theaters SET orphan_seat_rule = false');
    const s = (
      await c.query<{ id: number }>(
        `SELECT s.id FROM screenings s WHERE s.show_time > now() + interval '1 day' AND s.status = 'scheduled' AND s.is_available
          AND (SELECT count(*) FROM screening_seats ss JOIN seats st ON st.id = ss.seat_id
                WHERE ss.screening_id = s.id AND st.seat_type IN ('regular', 'vip') AND st.pair_seat_id IS NULL) >= $1
          ORDER BY s.show_time LIMIT 1`,
        [2 * CUSTOMERS],
      )
    ).rows[0].id;
    const seats = (
      await c.query<{ seat_id: number }>(
        `SELECT ss.seat_id FROM screening_seats ss JOIN seats st ON st.id = ss.seat_id
          WHERE ss.screening_id = $1 AND ss.status = 'available' AND st.seat_type IN ('regular', 'vip') AND st.pair_seat_id IS NULL
          ORDER BY ss.seat_id`,
        [s],
      )
    ).rows.map((r) => r.seat_id);
    const users = (
      await c.query<{ id: number }>(
        `INSERT INTO users (email, password_hash, full_name)
         SELECT 'hl' || i || '@bench.local', 'x', 'Bench ' || i FROM generate_series(1, $1) AS i RETURNING id`,
        [CUSTOMERS],
      )
    ).rows.map((r) => r.id);

    const calls = {
      '013': (u: number, k: number) =>
        c.query('SELECT * FROM take_seats_013($1, $2, $3, $4::int[], 600)', [randomUUID(), s, u, [seats[2 * k], seats[2 * k + 1]]]),
      '014': (u: number, k: number) =>
        c.query('SELECT * FROM take_seats($1, $2, $3, $4::int[], 600, 1200, 300, 1000000, 1000000)', [
          randomUUID(),
          s,
          u,
          [seats[2 * k], seats[2 * k + 1]],
        ]),
    };
    const rates: Record<string, number[]> = { '013': [], '014': [] };
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['013', '014'] as const) : (['014', '013'] as const);
      for (const v of order) {
        // each function starts from no active hold (the other one's holds released)
        await c.query(
          `UPDATE holds SET status = 'released', released_at = now() - interval '1 hour', reserved_until = now() - interval '1 hour' WHERE status = 'active'`,
        );
        await c.query(
          `UPDATE screening_seats SET status = 'available', hold_id = NULL, held_until = NULL WHERE screening_id = $1 AND status = 'held'`,
          [s],
        );
        const t0 = performance.now();
        for (let i = 0; i < CALLS; i++) await calls[v](users[i % CUSTOMERS], i % CUSTOMERS);
        rates[v].push(CALLS / ((performance.now() - t0) / 1000));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    log(`PostgreSQL ${await serverVersion()}, ${ROUNDS} rounds x ${CALLS} holds, ${CUSTOMERS} customers re-posting, one connection`);
    for (const v of ['013', '014'])
      log(`take_seats ${v}: ${rates[v].map((r) => r.toFixed(0)).join(' ')} holds/s, median ${median(rates[v]).toFixed(0)}`);
    log(`014 / 013 (medians): ${((median(rates['014']) / median(rates['013'])) * 100).toFixed(1)} %`);
  } finally {
    await c.end();
    await dropAll();
  }
}

await main();
