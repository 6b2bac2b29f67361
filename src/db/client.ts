// One query layer over two engines: node-postgres (a bounded pool) or PGlite (embedded, one connection).
// Both speak the same SQL; results are normalised here so callers never see which one ran.
import { createHash } from 'node:crypto';
import pg from 'pg';

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** Anything that runs SQL: the pool, or a transaction handed to a callback. */
export interface Sql {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface Db extends Sql {
  readonly kind: 'postgres' | 'pglite';
  /** Runs fn in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  tx<T>(fn: (trx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// int8 (counts, sums) as JS numbers: our values stay far below 2^53. numeric stays a string and is
// turned into integer minor units by lib/money, never into a float.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PostgresOptions {
  url: string;
  poolMax: number;
  applicationName?: string;
  /** how long to wait for a connection (default 10 s; a replica's is short: the primary can answer instead) */
  connectTimeoutMs?: number;
}

export function connectPostgres(opts: PostgresOptions): Db {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolMax,
    application_name: opts.applicationName ?? 'cinema-api',
    // A request never waits forever: for a connection, for a lock, or on a runaway statement.
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    statement_timeout: 10_000,
    lock_timeout: 3_000,
    idle_in_transaction_session_timeout: 15_000,
    // No JIT: every query here is short, and a large estimate (a year's report) made PostgreSQL spend
    // seconds compiling a plan that runs in a hundred milliseconds (docs/decisions.md).
    options: '-c jit=off',
  });
  // An idle client that loses its server (restart, kill) must not crash the process.
  pool.on('error', () => {});
  // Nor one just handed out: the pool takes its own listener off a client as it hands it out, and
  // tx() adds its listener only after the await. A backend terminated as its connection is made (a
  // pool reconnecting under pg_terminate_backend, a failover) sends its FATAL in the same read as the
  // first ReadyForQuery, and it is emitted in that gap: an 'error' nobody listens to ends the process
  // (the fault suite, ops/faults, saw instances exit so). Every client keeps a listener of its own
  // for life; the error still fails its queries and marks it unusable, so it is destroyed, not reused.
  pool.on('connect', (client) => client.on('error', () => {}));
  const run = async <R>(c: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]) => {
    const r = await c.query({ name: statementName(text), text, values: params as unknown[] });
    return { rows: r.rows as R[], rowCount: r.rowCount ?? 0 };
  };
  return {
    kind: 'postgres',
    query: (text, params) => run(pool, text, params),
    exec: async (text) => void (await pool.query(text)),
    async tx(fn) {
      const client = await pool.connect();
      // A checked-out client has no listener of the pool's: when its backend goes away in the middle
      // of the transaction (pg_terminate_backend, a crash, a failover) it emits 'error', and an
      // 'error' nobody listens to ends the process. The statement running then (or the next one)
      // rejects by itself, so the listener only has to keep the event from being fatal and make sure
      // the broken client is destroyed instead of going back to the pool.
      let broken: Error | undefined;
      const onError = (err: Error) => {
        broken = err;
      };
      client.on('error', onError);
      const release = (err?: Error) => {
        client.removeListener('error', onError);
        client.release(err ?? broken);
      };
      try {
        await client.query('BEGIN');
        const out = await fn({
          query: (text, params) => run(client, text, params),
          exec: async (text) => void (await client.query(text)),
        });
        await client.query('COMMIT');
        release();
        return out;
      } catch (err) {
        // A failed ROLLBACK means the connection is broken: destroy it instead of reusing it.
        await client.query('ROLLBACK').then(
          () => release(),
          (e: Error) => release(e),
        );
        throw err;
      }
    },
    close: () => pool.end(),
  };
}

// Every statement is prepared once per connection under a name derived from its text: PostgreSQL
// then skips parsing and planning on repeat runs (planning cost more than executing for our reads).
// The set of statement texts is fixed by the code, so the per-connection cache stays small.
const names = new Map<string, string>();
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `s${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * PGlite in a folder (kept across restarts) or in memory (':memory:'); in memory it may start from
 * `image`, a data directory dumped earlier (the tests load a migrated, seeded one instead of
 * building it again for every suite).
 */
export async function connectPglite(dataDir: string, image?: Blob): Promise<Db> {
  const { PGlite } = await import('@electric-sql/pglite');
  const db = dataDir !== ':memory:' ? new PGlite(dataDir) : image ? new PGlite({ loadDataDir: image }) : new PGlite();
  await db.waitReady;
  return pgliteDb(db);
}

type PGliteInstance = InstanceType<typeof import('@electric-sql/pglite')['PGlite']>;

/** Our query layer over an open PGlite. */
export function pgliteDb(db: PGliteInstance): Db {
  type Runner = Pick<typeof db, 'query'>;
  const run = async <R>(c: Runner, text: string, params?: readonly unknown[]) => {
    const r = await c.query<R>(text, params as unknown[]);
    return { rows: r.rows, rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) };
  };
  return {
    kind: 'pglite',
    query: (text, params) => run(db, text, params),
    exec: async (text) => void (await db.exec(text)),
    tx: (fn) => db.transaction((t) => fn({ query: (text, params) => run(t, text, params), exec: async (text) => void (await t.exec(text)) })),
    close: () => db.close(),
  };
}

/** PostgreSQL error codes the services react to. */
export const PG = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  exclusionViolation: '23P01',
  serializationFailure: '40001',
  deadlock: '40P01',
  lockNotAvailable: '55P03',
} as const;

export function pgCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
