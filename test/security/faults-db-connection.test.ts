// PostgreSQL drops the connection of a transaction in the middle of it (pg_terminate_backend here; a
// crash or a failover in production). The request that owned it answers 503 `unavailable`, the
// process lives on, and the pool hands out a working connection to the next request. Before the fix
// the checked-out client emitted 'error' with nobody listening and the process exited.
// The API runs as a real child process: an unhandled 'error' event kills it, as it would in production.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type ApiProcess, apiProcess, signIn } from '../helpers/api-process.ts';
import { plainScreening } from '../helpers/screenings.ts';
import { eventually } from '../helpers/checkout.ts';
import { onPostgres } from '../helpers/runtime.ts';

const skip = onPostgres ? false : 'needs PostgreSQL (DATABASE_URL): PGlite has no connections to drop';

let p: ApiProcess;
before(async () => {
  if (!onPostgres) return;
  p = await apiProcess();
  await p.start();
});
after(async () => p?.close());

function alive() {
  return p.api?.proc.exitCode === null && p.api?.proc.signalCode === null;
}

test('a transaction whose backend is terminated answers 503 and the process lives on', { skip }, async () => {
  const admin = await signIn(p, 'admin@cinema.com');
  const customer = await signIn(p, 'customer@cinema.com');
  const s = await plainScreening(p, admin, 2, 6, 48);
  const hold = await p.json('POST', `/screenings/${s.screeningId}/holds`, { seat_ids: [s.seatId('A3'), s.seatId('A4')] }, customer);
  assert.equal(hold.status, 201, JSON.stringify(hold.body));
  const holdId = hold.body.data.id as string;

  // Hold the hold's row locked, so the checkout's transaction (it locks the hold first) waits
  // inside BEGIN ... COMMIT on a connection we can see and terminate.
  const locker = new pg.Client({ connectionString: p.databaseUrl, application_name: 'fault-locker' });
  await locker.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM holds WHERE id = $1 FOR UPDATE', [holdId]);
    const checkout = p.json('POST', `/holds/${holdId}/checkout`, { payment_method: 'card' }, customer, { 'idempotency-key': 'co-terminated' });
    const victim = await eventually(async () => {
      const { rows } = await locker.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'cinema-api' AND wait_event_type = 'Lock'`,
      );
      return rows[0]?.pid;
    });
    const killed = await locker.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [victim]);
    assert.equal(killed.rows[0].ok, true);
    const r = await checkout.catch((err: Error) => assert.fail(`no answer (${err.message}): the API exited?\n${p.api?.output().slice(-2000)}`));
    assert.equal(r.status, 503, JSON.stringify(r.body));
    assert.equal(r.body.code, 'unavailable');
  } finally {
    await locker.query('ROLLBACK').catch(() => {});
    await locker.end();
  }

  // The process is still there, with no unhandled 'error' in its output...
  await new Promise((r) => setTimeout(r, 300)); // the connection's 'end' follows the query's error
  assert.ok(alive(), `the API exited:\n${p.api?.output()}`);
  assert.doesNotMatch(p.api?.output() ?? '', /Unhandled 'error' event|uncaughtException/);
  // ...and it serves: the same checkout, retried with its key (a 5xx freed it), goes through on a
  // healthy connection.
  const ready = await fetch(`http://127.0.0.1:${p.port}/readyz`);
  assert.equal(ready.status, 200);
  const again = await p.json('POST', `/holds/${holdId}/checkout`, { payment_method: 'card' }, customer, { 'idempotency-key': 'co-terminated' });
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.equal(again.body.data.ticket.hold_id, holdId);
});

test('connections terminated while idle in the pool are replaced, not fatal', { skip }, async () => {
  // The other way a backend goes away: between requests, while its connection sits in the pool.
  for (let i = 0; i < 3; i++) assert.equal((await fetch(`http://127.0.0.1:${p.port}/readyz`)).status, 200);
  const killer = new pg.Client({ connectionString: p.databaseUrl, application_name: 'fault-killer' });
  await killer.connect();
  try {
    const { rows } = await killer.query<{ n: number }>(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'cinema-api'`,
    );
    assert.ok(rows[0].n > 0, 'the API had connections to terminate');
  } finally {
    await killer.end();
  }
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(alive(), `the API exited:\n${p.api?.output()}`);
  const customer = await signIn(p, 'customer@cinema.com'); // a query on a fresh connection
  assert.ok(customer);
  assert.equal((await fetch(`http://127.0.0.1:${p.port}/readyz`)).status, 200);
});
