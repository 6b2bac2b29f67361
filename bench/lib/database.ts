// Fresh PostgreSQL databases for a run: created on the admin connection (BENCH_PG_URL, default
// postgres://postgres@127.0.0.1:5432/postgres) and dropped at the end, also on failure.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { HOST, log, warn } from './common.ts';

const ADMIN_URL = process.env.BENCH_PG_URL ?? `postgres://postgres@${HOST}:5432/postgres`;
const created = new Set<string>();

/** One statement on a short-lived connection to `url` (default: the admin database). */
export async function query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], url = ADMIN_URL) {
  const c = new pg.Client({ connectionString: url, application_name: 'cinema-bench' });
  await c.connect();
  try {
    return await c.query<R>(sql, params);
  } finally {
    await c.end();
  }
}

export async function serverVersion(): Promise<string> {
  return (await query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
}

/** Creates bench_<label>_<pid>_<random>; returns its name and connection URL. */
export async function createDatabase(label: string): Promise<{ name: string; url: string }> {
  const name = `bench_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  await query(`CREATE DATABASE ${name}`);
  created.add(name);
  log(`created database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export async function dropDatabase(name: string): Promise<void> {
  if (!created.delete(name)) return;
  await query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(
    () => log(`dropped database ${name}`),
    (err: Error) => warn(`could not drop database ${name}: ${err.message}`),
  );
}

/** Leaves the database in place at the end (for a look at it afterwards); the caller says so in the log. */
export const keepDatabase = (name: string) => void created.delete(name);

export const dropAll = async () => {
  for (const name of [...created]) await dropDatabase(name);
};
