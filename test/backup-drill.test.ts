// The backup and restore drill in its short form (ops/backup/drill.ts --short): a cluster of its own
// with WAL archiving, sales through the service, a base backup taken while it sells, more sales and
// refunds up to a named restore point and after it, a point-in-time restore into a new cluster; the
// restored ledger must equal the ledger at that point. Runs in the PostgreSQL phase (it needs the
// server's binaries and the postgres user; its clusters are its own).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { onPostgres } from './helpers/runtime.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const skip = !onPostgres ? 'runs with the PostgreSQL suite' : !existsSync('/usr/lib/postgresql') ? 'no PostgreSQL server binaries' : false;

test('a point-in-time restore from a base backup and the WAL archive equals the ledger at the restore point', { skip }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'ops/backup/drill.ts', '--short'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(out, /^MATCH: the restore equals the ledger at the restore point; the primary moved on after it/m);
  assert.match(out, /\| tickets refunded \| (\d+) \| \1 \| (?!\1 \|)\d+ \|/, 'refunds after the point are not restored');
});
