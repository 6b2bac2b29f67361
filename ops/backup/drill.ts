// The backup and restore drill: `npm run backup-drill` (`-- --short` for CI's version). Proves on
// this machine that a base backup plus the WAL archive restores the ledger to a chosen moment.
//
// 1. A PostgreSQL cluster of its own (initdb as the postgres user, in a temp folder) with WAL
//    archiving on (archive_command copies each segment to an archive folder), on a free port.
// 2. The service (in process, its real routes and the gateway simulator) migrates and seeds it,
//    then customers buy tickets (hold, checkout, pay at the gateway, webhook).
// 3. pg_basebackup takes the base backup while the service keeps selling.
// 4. More sales and refunds; then a named restore point ("the moment"), and the ledger's
//    fingerprint at that moment: tickets by status, payments by status with their sums, refunds by
//    status with their sums, seats sold. WAL is switched so the segment reaches the archive.
// 5. Sales and refunds after the moment, which the restore must not contain.
// 6. The base backup restored into a new cluster (another folder, another port), replaying archived
//    WAL up to the restore point (recovery_target_name), promoted.
// 7. The restored fingerprint must equal the one at the moment, and differ from the primary's final
//    one. A table is printed; any difference exits non-zero. Everything it started is stopped.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openRuntime } from '../../src/runtime.ts';
import { freePort } from '../cluster/cluster.ts';
import { asPostgresLater, giveToPostgres, type LocalPg, localServer, pgBin, removeAll, startPrimary, workDir } from '../pg/local-pg.ts';

const SHORT = process.argv.includes('--short');
const ROUNDS = SHORT ? { before: 3, between: 4, after: 3 } : { before: 20, between: 30, after: 20 };
const HOST = '127.0.0.1';

const FINGERPRINT = `
SELECT 'tickets ' || status AS what, count(*)::text AS value FROM tickets GROUP BY status
UNION ALL SELECT 'payments ' || status, count(*) || ' / ' || coalesce(sum(amount), 0) FROM payments GROUP BY status
UNION ALL SELECT 'refunds ' || status, count(*) || ' / ' || coalesce(sum(amount), 0) FROM refunds GROUP BY status
UNION ALL SELECT 'seats sold', count(*)::text FROM ticket_seats WHERE status = 'sold'
ORDER BY 1`;

type Fingerprint = Map<string, string>;

async function fingerprint(url: string): Promise<Fingerprint> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ what: string; value: string }>(FINGERPRINT);
    return new Map(rows.map((r) => [r.what, r.value]));
  } finally {
    await c.end();
  }
}

async function sql(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

/** The service, in process, on the drill's primary: sells and refunds through its real routes. */
async function shop(databaseUrl: string, dataDir: string) {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST,
    PUBLIC_BASE_URL: base,
    LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(32).toString('hex'),
    SWEEP_INTERVAL_MS: '0',
    RATE_LIMIT_MAX: '100000000',
    AUTH_RATE_LIMIT: '100000',
    HOLD_RATE_PER_ACCOUNT: '100000000',
    HOLD_MAX_SEATS_PER_ACCOUNT: '100000',
    MAX_SEATS_PER_CUSTOMER_PER_SCREENING: '100000',
  });
  const rt = await openRuntime(config);
  // the drill buys single seats all over the halls: the orphan-seat rule is not what it tests
  await rt.db.query('UPDATE theaters SET orphan_seat_rule = false');
  const app = await buildApp(rt);
  await app.listen({ host: HOST, port });
  const send = async (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) => {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  const login = await send('POST', '/api/v1/login', { email: 'customer@cinema.com', password: 'password' });
  const token = login.body.data.token as string;
  // free seats of upcoming shows, far enough ahead for a full refund; a seat at a time, spread out
  const free = (await sql(
    databaseUrl,
    `SELECT ss.screening_id, ss.seat_id FROM screening_seats ss JOIN screenings s ON s.id = ss.screening_id JOIN seats se ON se.id = ss.seat_id
      WHERE ss.status = 'available' AND s.status = 'scheduled' AND s.is_available AND s.show_time > now() + interval '2 days'
        AND se.seat_type = 'regular' AND se.number % 4 = 1
      ORDER BY s.id, se.row_label, se.number LIMIT 500`,
  )) as { screening_id: number; seat_id: number }[];
  let next = 0;
  const sold: string[] = [];

  async function buy(): Promise<string> {
    const { screening_id, seat_id } = free[next++];
    const hold = await send('POST', `/api/v1/screenings/${screening_id}/holds`, { seat_ids: [seat_id] }, token);
    if (hold.status !== 201) throw new Error(`hold: ${hold.status} ${JSON.stringify(hold.body)}`);
    const co = await send('POST', `/api/v1/holds/${hold.body.data.id}/checkout`, { payment_method: 'card' }, token, { 'idempotency-key': `drill-${hold.body.data.id}` });
    if (co.status !== 201) throw new Error(`checkout: ${co.status} ${JSON.stringify(co.body)}`);
    const ok = await send('POST', `/_gateway/payments/${co.body.data.payment.id}/approve`);
    if (ok.status !== 200) throw new Error(`approve: ${ok.status}`);
    const ticket = co.body.data.ticket.id as string;
    for (let i = 0; i < 100; i++) {
      if ((await send('GET', `/api/v1/tickets/${ticket}`, undefined, token)).body.data.status === 'paid') {
        sold.push(ticket);
        return ticket;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`ticket ${ticket} not paid`);
  }
  async function refundOne(): Promise<void> {
    const ticket = sold.shift();
    if (!ticket) throw new Error('nothing to refund');
    const r = await send('POST', `/api/v1/tickets/${ticket}/refunds`, { reason: 'drill' }, token, { 'idempotency-key': `drill-r-${ticket}` });
    if (r.status !== 201) throw new Error(`refund: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return {
    buy,
    refundOne,
    async close() {
      await app.close();
      await rt.close();
    },
  };
}

async function main() {
  const bin = pgBin();
  const dir = workDir('cinema-backup-drill-');
  const [archiveDir, baseDir, appDir] = ['archive', 'base', 'app'].map((d) => join(dir, d));
  for (const d of [archiveDir, appDir]) mkdirSync(d);
  giveToPostgres(archiveDir);
  const started: LocalPg[] = [];
  const p2 = await freePort();
  const url = (port: number) => `postgres://postgres@${HOST}:${port}/postgres`;
  const t0 = performance.now();
  let failed = false;
  try {
    // 1. the primary, archiving its WAL
    const primary = await startPrimary(dir, { archiveDir });
    started.push(primary);
    const p1 = primary.port;

    // 2. the shop on it: migrations, demo data, sales
    const shopOn = await shop(url(p1), appDir);
    try {
      for (let i = 0; i < ROUNDS.before; i++) await shopOn.buy();
      // 3. the base backup, taken while the shop keeps selling
      let backingUp = true;
      const backup = asPostgresLater(`${bin}/pg_basebackup`, ['-h', HOST, '-p', String(p1), '-U', 'postgres', '-D', baseDir, '-X', 'stream', '-c', 'fast']).finally(
        () => (backingUp = false),
      );
      let duringBackup = 0;
      const during = (async () => {
        while (backingUp) {
          await shopOn.buy();
          duringBackup++;
        }
      })();
      await Promise.all([backup, during]);
      // 4. more sales and refunds, then the moment
      for (let i = 0; i < ROUNDS.between; i++) {
        await shopOn.buy();
        if (i % 2 === 1) await shopOn.refundOne();
      }
      await sql(url(p1), "SELECT pg_create_restore_point('drill')");
      const atMoment = await fingerprint(url(p1));
      await sql(url(p1), 'SELECT pg_switch_wal()');
      // 5. after the moment: not to be restored
      for (let i = 0; i < ROUNDS.after; i++) {
        await shopOn.buy();
        await shopOn.refundOne();
      }
      await sql(url(p1), 'SELECT pg_switch_wal()');
      const final = await fingerprint(url(p1));
      await shopOn.close();

      // 6. restore into a new cluster, to the restore point
      const restoreDir = baseDir;
      writeFileSync(
        join(restoreDir, 'postgresql.auto.conf'),
        [
          `port = ${p2}`,
          `listen_addresses = '${HOST}'`,
          "unix_socket_directories = ''",
          "archive_mode = 'off'",
          `restore_command = 'cp ${archiveDir}/%f %p'`,
          "recovery_target_name = 'drill'",
          "recovery_target_action = 'promote'",
          // recovery needs at least the primary's (ops/pg/local-pg.ts)
          'max_connections = 200',
          '',
        ].join('\n'),
      );
      writeFileSync(join(restoreDir, 'recovery.signal'), '');
      const restoreServer = localServer(restoreDir, p2, join(dir, 'restore.log'));
      restoreServer.start();
      started.push(restoreServer);
      for (let i = 0; i < 600; i++) {
        const [{ recovering }] = (await sql(url(p2), 'SELECT pg_is_in_recovery() AS recovering')) as { recovering: boolean }[];
        if (!recovering) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const restored = await fingerprint(url(p2));

      // 7. the table
      const keys = [...new Set([...atMoment.keys(), ...restored.keys(), ...final.keys()])].sort();
      const rows = keys.map((k) => ({ what: k, moment: atMoment.get(k) ?? '-', restored: restored.get(k) ?? '-', final: final.get(k) ?? '-' }));
      console.log('\n| ledger | at the restore point | restored | primary at the end |\n|---|---:|---:|---:|');
      for (const r of rows) console.log(`| ${r.what} | ${r.moment} | ${r.restored} | ${r.final} |`);
      const same = rows.every((r) => r.moment === r.restored);
      const moved = rows.some((r) => r.moment !== r.final);
      console.log(
        `\n${same ? 'MATCH' : 'MISMATCH'}: the restore ${same ? 'equals' : 'differs from'} the ledger at the restore point; ` +
          `${moved ? 'the primary moved on after it, and none of that was restored' : 'NOTE: nothing changed after the restore point'}` +
          ` (${ROUNDS.before} sales before the base backup and ${duringBackup} while it was taken, ${ROUNDS.between} sales and ${Math.floor(ROUNDS.between / 2)} refunds before the point, ` +
          `${ROUNDS.after} sales and refunds after; ${Math.round((performance.now() - t0) / 1000)} s)`,
      );
      failed = !same || !moved;
    } catch (err) {
      await shopOn.close().catch(() => {});
      throw err;
    }
  } finally {
    removeAll(dir, started.reverse());
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(`backup drill failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
