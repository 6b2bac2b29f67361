// The fault suite in its short form (ops/faults/main.ts --short): two instances behind HAProxy on a
// PostgreSQL primary + replica and a Redis of its own, a contended load through the balancer, and
// under it, in turn: backends terminated, an instance SIGKILLed, Redis stopped, the primary
// crash-restarted, the replica failed. After each, the invariants (no seat sold or held twice, every
// acknowledged hold and captured payment present, failures only as 503 with Retry-After, /readyz
// back). Runs in the PostgreSQL + Redis phase, where HAProxy and the server binaries are (its
// clusters and Redis are its own; DATABASE_URL and REDIS_URL only say which phase this is).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { clusterUnavailable } from '../ops/cluster/cluster.ts';
import { localPgUnavailable } from '../ops/pg/local-pg.ts';
import { onPostgres, onRedis } from './helpers/runtime.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const skip =
  clusterUnavailable(onPostgres, onRedis) ||
  localPgUnavailable() ||
  (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0 ? 'needs redis-server' : false);

const FAULTS = ['PostgreSQL backends terminated', 'an API instance SIGKILLed', 'Redis stopped', 'PostgreSQL crash-restart', 'replica failed'];

test('under each fault: no seat sold or held twice, nothing acknowledged lost, failures only as 503 + Retry-After', { skip }, () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'ops/faults/main.ts', '--short'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.match(out, /^OK: no breach under any fault/m);
  const table = out.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| -'));
  assert.match(
    table[0],
    /^\| fault +\| requests \| +2xx \| +4xx \| 503 \+ Retry-After \| 500 \| other 5xx \| dropped \| closed, resent \| \/readyz back \(s\) \| payments settled \(s\) \| invariants \|$/,
  );
  const rows = table.slice(1).map((l) => l.split('|').map((c) => c.trim()));
  assert.deepEqual(
    rows.map((c) => c[1]),
    FAULTS,
  );
  for (const c of rows) {
    assert.ok(Number(c[2].replace(/,/g, '')) > 50, `${c[1]}: ran under load (${c[2]} requests)`);
    assert.deepEqual([c[6], c[7], c[8]], ['0', '0', '0'], `${c[1]}: no 500, other 5xx or dropped connection`);
    assert.match(c[10], /^\d+\.\d$/, `${c[1]}: /readyz back within the bound`);
    assert.equal(c[12], 'ok', c[1]);
  }
});
