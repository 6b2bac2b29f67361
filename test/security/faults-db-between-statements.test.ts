// A transaction's backend goes away while the transaction sits between two statements (the request
// is doing work of its own, or waiting on Redis): node-postgres hears of it as an 'error' event, and
// the next statement is refused with a plain Error, "Client has encountered a connection error and
// is not queryable", that carries no code. That is PostgreSQL gone, not a bug of ours: 503
// `unavailable` with Retry-After, like every other lost connection. The fault suite (ops/faults)
// found it answered 500 (DELETE /holds/:id under pg_terminate_backend).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import Fastify from 'fastify';
import pg from 'pg';
import { connectPostgres, type Db } from '../../src/db/client.ts';
import { registerProblemHandlers } from '../../src/http/problem.ts';
import { freshDatabase, onPostgres } from '../helpers/runtime.ts';

const skip = onPostgres ? false : 'needs PostgreSQL (DATABASE_URL): PGlite has no connections to drop';

let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
let db: Db | undefined;
before(async () => {
  if (!onPostgres) return;
  database = await freshDatabase();
  db = connectPostgres({ url: database.url, poolMax: 2 });
});
after(async () => {
  await db?.close();
  await database?.drop();
});

test('a transaction whose backend is terminated between two statements answers 503 with Retry-After', { skip }, async () => {
  const url = String(database?.url);
  const app = Fastify();
  registerProblemHandlers(app);
  app.get('/work', async () =>
    (db as Db).tx(async (trx) => {
      const { rows } = await trx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // between the two statements, the backend is terminated and the client hears of it
      const killer = new pg.Client({ connectionString: url });
      await killer.connect();
      await killer.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
      await killer.end();
      await new Promise((r) => setTimeout(r, 300));
      await trx.query('SELECT 1');
      return { done: true };
    }),
  );
  try {
    const r = await app.inject({ method: 'GET', url: '/work' });
    assert.equal(r.statusCode, 503, r.body);
    assert.equal(r.json().code, 'unavailable');
    assert.equal(r.headers['retry-after'], '1');
    // and the pool serves the next one on a working connection
    assert.deepEqual((await (db as Db).query('SELECT 1 AS one')).rows, [{ one: 1 }]);
  } finally {
    await app.close();
  }
});
