// Plain SQL files applied in name order, each recorded with a checksum: a file that changed after it
// was applied stops the boot (migrations are frozen in time). All pending files run in one
// transaction under an advisory lock, so two instances starting together apply them once.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db, Sql } from './client.ts';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const LOCK_KEY = 724_001; // any constant shared by every instance of this service

export interface Migration {
  version: string;
  sql: string;
  checksum: string;
}

export function listMigrations(dir = DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(join(dir, f), 'utf8');
      return { version: f.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

const ENSURE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`;

/** Applies what is pending; returns the versions it applied. */
export async function migrate(db: Db, migrations = listMigrations()): Promise<string[]> {
  return db.tx(async (trx) => {
    await trx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await trx.query(ENSURE_TABLE);
    const applied = await appliedVersions(trx);
    const done: string[] = [];
    for (const m of migrations) {
      const seen = applied.get(m.version);
      if (seen !== undefined) {
        if (seen !== m.checksum) throw new Error(`migration ${m.version} was changed after it was applied`);
        continue;
      }
      await trx.exec(m.sql);
      await trx.query('INSERT INTO schema_migrations (version, checksum) VALUES ($1, $2)', [m.version, m.checksum]);
      done.push(m.version);
    }
    return done;
  });
}

async function appliedVersions(sql: Sql): Promise<Map<string, string>> {
  const { rows } = await sql.query<{ version: string; checksum: string }>(
    'SELECT version, checksum FROM schema_migrations',
  );
  return new Map(rows.map((r) => [r.version, r.checksum]));
}

/** For /readyz: true when every migration file is applied. */
export async function migrationsApplied(db: Sql, migrations = listMigrations()): Promise<boolean> {
  try {
    const applied = await appliedVersions(db);
    return migrations.every((m) => applied.get(m.version) === m.checksum);
  } catch {
    return false;
  }
}
