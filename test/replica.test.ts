// The read replica, real (PostgreSQL phase): a primary and a streaming replica of their own, made
// with pg_basebackup -R (ops/pg/local-pg.ts). The replica's replay is paused to make it visibly
// behind, so a read shows where it was served from.
// - Lag-tolerant reads (catalog) come from the replica; a catalog change made through the API is
//   read back at once (its mark sends reads to the primary).
// - A customer's purchase shows in "my tickets" at once: the payment's confirmation marks the
//   customer. Without the mark, the same read is served by the replica and misses the ticket.
// - Past REPLICA_MAX_LAG_MS every read goes to the primary and /readyz says 'degraded'.
// - A replica that goes down costs no failed read; /readyz says so and recovers when it is back.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { localPgUnavailable, type LocalPg, one, removeAll, startPrimary, startReplica, waitFor, workDir } from '../ops/pg/local-pg.ts';
import { approve, checkout, listen, newCustomer, webhooksSettled } from './helpers/checkout.ts';
import { call, loginAs } from './helpers/http.ts';
import { onPostgres, startTestApp, type TestApp } from './helpers/runtime.ts';
import { newScreening, seatMapOf } from './helpers/screenings.ts';

const skip = !onPostgres ? 'runs with the PostgreSQL suite' : localPgUnavailable();

describe('reads from a streaming replica', { skip }, () => {
  let root: string;
  let primary: LocalPg;
  let replica: LocalPg;
  /** replica reads allowed up to a minute behind: a paused replica still takes them */
  let patient: TestApp;
  /** a 600 ms bound */
  let strict: TestApp;
  const readyz = async (t: TestApp) => (await call(t.app, { method: 'GET', url: '/readyz' })).body;
  const pause = () => one(replica.url('cinema'), 'SELECT pg_wal_replay_pause()');
  const resume = () => one(replica.url('cinema'), 'SELECT pg_wal_replay_resume()');

  before(async () => {
    root = workDir('cinema-replica-test-');
    primary = await startPrimary(root);
    await one(primary.url(), 'CREATE DATABASE cinema');
    replica = await startReplica(primary, root);
    const env = (maxLag: number) => ({
      DATABASE_REPLICA_URL: replica.url('cinema'),
      REPLICA_MAX_LAG_MS: String(maxLag),
      REPLICA_CHECK_MS: '100',
      READ_CACHE: 'false',
    });
    patient = await startTestApp(env(60_000), undefined, { databaseUrl: primary.url('cinema') });
    await listen(patient); // the gateway simulator's webhooks come back to it
    strict = await startTestApp(env(600), undefined, { databaseUrl: primary.url('cinema'), redisPrefix: patient.config.REDIS_PREFIX });
    await waitFor(async () => (await readyz(patient)).status === 'ready' && (await readyz(strict)).status === 'ready', 10_000);
  });
  after(async () => {
    await strict?.close();
    await patient?.close();
    if (root) removeAll(root, [replica, primary].filter(Boolean));
  });

  test('catalog reads come from the replica; a change made through the API is read back at once', async () => {
    const admin = await loginAs(patient.app, 'admin@cinema.com');
    const { rows } = await patient.rt.db.query<{ id: number; title: string }>('SELECT id, title FROM movies ORDER BY id LIMIT 1');
    const movie = rows[0];
    const title = async () => (await call(patient.app, { method: 'GET', url: `/api/v1/movies/${movie.id}` })).body.data.title as string;
    assert.equal((await readyz(patient)).checks.replica.ok, true);
    await pause();
    try {
      // a change behind the API's back (no mark): the replica, paused, does not have it
      await patient.rt.db.query('UPDATE movies SET title = $2 WHERE id = $1', [movie.id, 'Seen only on the primary']);
      assert.equal(await title(), movie.title, 'served by the replica');
      // a change through the API marks the catalog: read back from the primary at once
      const made = await call(patient.app, { method: 'POST', url: '/api/v1/cities', token: admin, payload: { name: `Replica ${Date.now()}` } });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const read = await call(patient.app, { method: 'GET', url: `/api/v1/cities/${made.body.data.id}` });
      assert.equal(read.status, 200, 'the new city, read right after its 201');
      assert.equal(await title(), 'Seen only on the primary', 'while the catalog mark lives, every catalog read is a primary read');
    } finally {
      await resume();
      await patient.rt.db.query('UPDATE movies SET title = $2 WHERE id = $1', [movie.id, movie.title]);
    }
  });

  test('a purchase shows in "my tickets" at once; without its mark the replica would have missed it', async () => {
    const admin = await loginAs(patient.app, 'admin@cinema.com');
    const customer = await newCustomer(patient, 'replica');
    const s = await newScreening(patient.app, admin);
    const m = await seatMapOf(patient.app, s.id);
    const mark = `replica:wrote:customer:${customer.id}`;
    const mine = async () =>
      (
        (await call(patient.app, { method: 'GET', url: '/api/v1/me/tickets', token: customer.token })).body.data as { id: string; status: string }[]
      ).map((t) => `${t.id} ${t.status}`);
    await waitFor(async () => (await readyz(patient)).checks.replica.ok === true, 10_000);
    await pause();
    try {
      const hold = await call(patient.app, {
        method: 'POST',
        url: `/api/v1/screenings/${s.id}/holds`,
        token: customer.token,
        payload: { seat_ids: [m.id('D6'), m.id('D7')] },
      });
      assert.equal(hold.status, 201, JSON.stringify(hold.body));
      const co = await checkout(patient, customer.token, hold.body.data.id);
      assert.equal(co.status, 201, JSON.stringify(co.body));
      const ticketId = co.body.data.ticket.id as string;
      // forget the checkout's own mark: what follows must come from the payment's confirmation
      await patient.rt.kv.del(mark);
      await approve(patient, co.body.data.payment.id);
      await webhooksSettled(patient);
      assert.deepEqual(await mine(), [`${ticketId} paid`], 'right after the webhook confirmed the payment');
      // the replica really is behind: without the mark, the same read misses the ticket
      assert.equal((await one<{ n: number }>(replica.url('cinema'), `SELECT count(*)::int AS n FROM tickets WHERE id = '${ticketId}'`)).n, 0);
      await patient.rt.kv.del(mark);
      assert.deepEqual(await mine(), [], 'no mark: served by the paused replica');
    } finally {
      await resume();
    }
  });

  test('past the lag bound reads go to the primary, and /readyz says the replica lags', async () => {
    const { rows } = await strict.rt.db.query<{ id: number; name: string }>('SELECT id, name FROM cities ORDER BY id LIMIT 1');
    const city = rows[0];
    await waitFor(async () => (await readyz(strict)).status === 'ready', 10_000);
    await pause();
    try {
      await strict.rt.db.query('UPDATE cities SET name = $2 WHERE id = $1', [city.id, 'Only on the primary']);
      await waitFor(async () => (await readyz(strict)).status === 'degraded', 5_000);
      const body = await readyz(strict);
      assert.equal(body.checks.replica.ok, false);
      assert.match(body.checks.replica.detail, /lags \d+ ms \(bound 600 ms\)/);
      assert.ok(body.checks.replica.lag_ms > 600);
      const r = await call(strict.app, { method: 'GET', url: `/api/v1/cities/${city.id}` });
      assert.equal(r.body.data.name, 'Only on the primary');
    } finally {
      await resume();
      await strict.rt.db.query('UPDATE cities SET name = $2 WHERE id = $1', [city.id, city.name]);
    }
    await waitFor(async () => (await readyz(strict)).status === 'ready', 5_000);
  });

  test('a replica that goes down costs no failed read; /readyz says so, and it is used again once back', async () => {
    const customer = await loginAs(patient.app, 'customer@cinema.com');
    await waitFor(async () => (await readyz(patient)).checks.replica.ok === true, 10_000);
    replica.stop('immediate');
    try {
      for (const url of ['/api/v1/movies', '/api/v1/cities', '/api/v1/me/tickets', '/api/v1/screenings']) {
        const r = await call(patient.app, { method: 'GET', url, token: customer });
        assert.equal(r.status, 200, `${url} with the replica down: ${JSON.stringify(r.body)}`);
      }
      const body = await readyz(patient);
      assert.equal(body.status, 'degraded');
      assert.equal(body.checks.replica.ok, false);
      assert.match(body.checks.replica.detail, /reads go to the primary/);
    } finally {
      replica.start();
    }
    // used again once back: ready, and catalog reads from the replica (a change behind the API's
    // back, with replay paused, is not seen)
    await waitFor(async () => (await readyz(patient)).status === 'ready', 20_000);
    const { rows } = await patient.rt.db.query<{ id: number; title: string }>('SELECT id, title FROM movies ORDER BY id DESC LIMIT 1');
    await pause();
    try {
      await patient.rt.db.query('UPDATE movies SET title = $2 WHERE id = $1', [rows[0].id, 'Not replayed yet']);
      await patient.rt.kv.del('replica:wrote:catalog'); // the first test's city would send catalog reads to the primary for a minute
      const r = await call(patient.app, { method: 'GET', url: `/api/v1/movies/${rows[0].id}` });
      assert.equal(r.body.data.title, rows[0].title, 'read from the replica again');
    } finally {
      await resume();
      await patient.rt.db.query('UPDATE movies SET title = $2 WHERE id = $1', [rows[0].id, rows[0].title]);
    }
  });
});
