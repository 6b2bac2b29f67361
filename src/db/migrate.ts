// The schema in two kinds of file, both plain SQL, applied by every instance at boot in one transaction
// under an advisory lock (two instances starting together apply them once):
// - migrations/NNN_*.sql: tables, indexes and data, applied once each in name order and recorded
//   with a checksum; a file that changed after it was applied stops the boot (they are frozen in
//   time), except for the rewrites listed in REWRITTEN.
// - functions/<name>.sql: the live body of each SQL function the code calls, one file each, as
//   CREATE OR REPLACE; (re)applied after the migrations whenever its content differs from what the
//   database last ran. A change of arguments or result type starts the file with the DROP FUNCTION
//   IF EXISTS of the old signature. Bodies are checked when called, not when created
//   (check_function_bodies off), so the files may refer to each other in any order. A function a
//   table depends on (search_fold, behind a generated column) is schema: it stays in its migration.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db, Sql } from './client.ts';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FUNCTIONS_DIR = fileURLToPath(new URL('./functions/', import.meta.url));
const LOCK_KEY = 724_001; // any constant shared by every instance of this service

export interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = DIR): Migration[] {
  return sqlFiles(dir, /^\d{3}_[\w-]+\.sql$/).map(({ base, sql, checksum }) => ({ version: base, sql, checksum }));
}

/** One SQL function's live definition (functions/<name>.sql). */
export interface SqlFunction {
  name: string;
  sql: string;
  checksum: string;
}

export function listFunctions(dir = FUNCTIONS_DIR): SqlFunction[] {
  return sqlFiles(dir, /^\w+\.sql$/).map(({ base, sql, checksum }) => ({ name: base, sql, checksum }));
}

/** The .sql files of a folder whose names match, in name order, with their text and checksum. */
function sqlFiles(dir: string, name: RegExp): { base: string; sql: string; checksum: string }[] {
  return readdirSync(dir)
    .filter((f) => name.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(join(dir, f), 'utf8');
      return { base: f.replace(/\.sql$/, ''), sql, checksum: sha256(sql) };
    });
}

// Migrations rewritten after they were applied, with the checksums they had: a database that applied
// the earlier text is as if it had applied the new one. 2026-12-05 (issue 14): the function bodies of
// 002-016 moved to functions/, and 012's ALTER FUNCTION settings into the functions' headers; each
// function's latest body, applied after the migrations, replaces whatever the old text had created,
// and the DROPs of changed signatures became DROP ... IF EXISTS.
const REWRITTEN: Record<string, string[]> = {
  '002_read_paths': ['affd818858aeaad62301d610d2d6dce7a92390a91d2989b191f2bfd9eb32bd7d'],
  '004_seat_prices': ['7616e542150ba11ef639636fe9852e3533e368e2cbc5779fa000df19036556ef'],
  '005_holds': ['044dde63ea2152ce0a661a5bc750d000c482cc2b1b2ffaa49280324c667a4075'],
  '009_take_seats_batch': ['0ea79f550d0671ad3ab8baa8790cdfd0660fbabdef30c9575bd4367855246df5'],
  '010_batch_version_bump': ['34d89e34e0e883aca980fb2d3b1c94a66e36196b805b17a1de49c833d542dc35'],
  '012_hold_plans': ['e7cb5c0a627195fe671a332f75aa7d610ef501aa6c721450d4e2c0de246b0ec8'],
  '013_lean_take_seats': ['9604f716f4b1cdf29b85bddc3d24fc03b931f3d13cb314a03bde2d3d6f9f98dd'],
  '014_hold_limits': ['ee0b88181ccc80d93150d863fd97ab3f9eaa99836c8304bbf2edd04323054424'],
  '016_title_search': ['4bee2230bfd4d27a63eda9daa979824eb51d1f2f8f74e5ffb0c3bb4ba8a1be85'],
};

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const ENSURE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;
const ENSURE_FUNCTIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_functions (
  name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;

/** Applies what is pending; returns the migration versions and function names it applied. */
export async function migrate(db: Db, migrations = listMigrations(), functions = listFunctions()): Promise<string[]> {
  return db.tx(async (trx) => {
    await trx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    // the pool's statement timeout is for requests: a migration over a large database (a rollup
    // built from a year of sales) takes as long as it takes, once
    await trx.query('SET LOCAL statement_timeout = 0');
    await trx.query(ENSURE_TABLE);
    const applied = await appliedVersions(trx);
    const done: string[] = [];
    for (const m of migrations) {
      const seen = applied.get(m.version);
      if (seen !== undefined) {
        if (seen === m.checksum) continue;
        if (!REWRITTEN[m.version]?.includes(seen)) throw new Error(`migration ${m.version} was changed after it was applied`);
        await trx.query('UPDATE schema_migrations SET checksum = $2 WHERE version = $1', [m.version, m.checksum]);
        continue;
      }
      await trx.exec(m.sql);
      await trx.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [m.version, m.checksum]);
      done.push(m.version);
    }
    await trx.query(ENSURE_FUNCTIONS_TABLE);
    const live = await appliedFunctions(trx);
    const stale = functions.filter((f) => live.get(f.name) !== f.checksum);
    if (stale.length > 0) await trx.query('SET LOCAL check_function_bodies = off');
    for (const f of stale) {
      await trx.exec(f.sql);
      await trx.query(
        `INSERT INTO schema_functions (name, checksum) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, applied_at = now()`,
        [f.name, f.checksum],
      );
      done.push(`functions/${f.name}`);
    }
    return done;
  });
}

async function appliedFunctions(sql: Sql): Promise<Map<string, string>> {
  const { rows } = await sql.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_functions');
  return new Map(rows.map((r) => [r.name, r.checksum]));
}

async function appliedVersions(sql: Sql): Promise<Map<string, string>> {
  const { rows } = await sql.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations');
  return new Map(rows.map((r) => [r.version, r.checksum]));
}

/** For /readyz: true when every migration file is applied and every function is the one in its file. */
export async function migrationsApplied(db: Sql, migrations = listMigrations(), functions = listFunctions()): Promise<boolean> {
  try {
    const applied = await appliedVersions(db);
    const live = await appliedFunctions(db);
    return migrations.every((m) => applied.get(m.version) === m.checksum) && functions.every((f) => live.get(f.name) === f.checksum);
  } catch {
    return false;
  }
}
