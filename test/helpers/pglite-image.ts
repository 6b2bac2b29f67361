// The embedded database every test app starts from: migrated and seeded with the demo data once,
// dumped to a file in the temp folder, and loaded by each suite's app (about 0.6 s) instead of being
// built again (about 3 s; some 70 apps start in a run of the suite). The file's name carries a hash
// of everything that shapes it (migrations, database functions, the seed), so a change to any of
// them builds a new one. The demo's screenings are placed relative to the day it is made, so an
// image older than MAX_AGE_MS is made again; suites of one run share it, runs days apart never do.
// Several test processes may make it at once: each writes its own file and renames it into place.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pgliteDb } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { seedDemo } from '../../src/db/seed/demo.ts';

const MAX_AGE_MS = 10 * 60 * 1000;
const DB_SOURCES = fileURLToPath(new URL('../../src/db/', import.meta.url));

/** Every file under src/db, by path and content. */
function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else hash.update(path.slice(DB_SOURCES.length)).update('\0').update(readFileSync(path)).update('\0');
    }
  };
  walk(DB_SOURCES);
  return hash.digest('hex').slice(0, 16);
}

let image: Promise<Blob> | undefined;

/** The demo database as a dumped data directory, made if there is none fresh enough. */
export function demoImage(): Promise<Blob> {
  image ??= (async () => {
    const file = join(tmpdir(), `cinema-test-pglite-${sourceHash()}.tar`);
    try {
      if (Date.now() - statSync(file).mtimeMs < MAX_AGE_MS) return new Blob([readFileSync(file)]);
    } catch {
      // none yet
    }
    const pg = new PGlite();
    await pg.waitReady;
    const db = pgliteDb(pg);
    await migrate(db);
    await seedDemo(db);
    const dump = await pg.dumpDataDir('none');
    await pg.close();
    const bytes = Buffer.from(await dump.arrayBuffer());
    const mine = `${file}.${process.pid}`;
    writeFileSync(mine, bytes);
    renameSync(mine, file);
    return new Blob([bytes]);
  })();
  return image;
}
