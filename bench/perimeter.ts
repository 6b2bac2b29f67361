// Benchmark: what the HTTP perimeter (issue 12 items 4, 12: @fastify/helmet, the general request
// limit, the NUL guard) costs the hottest read, GET /api/v1/screenings/:id/seats, in one run.
//
//   node --import tsx bench/perimeter.ts [--rounds=2] [--duration=10] [--connections=50] [--warmup=2]
//
// Three builds of HEAD, each in a temporary git worktree (sharing this checkout's node_modules) on one
// PostgreSQL database, run in alternating rounds so that a busy machine weighs on all alike:
// - before:  the perimeter as it was: the static header set in one onSend hook, no request limit, no NUL guard
// - plugin:  HEAD, but @fastify/helmet registered as a plugin (it rebuilds helmet for every request)
// - after:   HEAD (the header set @fastify/helmet makes, computed once at start)
// The variants are made by replacing lines of src/app.ts; if HEAD's lines moved, it says so and stops.
// Prints a table (req/s, p50, p99 per round and their mean); writes nothing else.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi } from './lib/api.ts';
import { fmt, log, ROOT } from './lib/common.ts';
import { createDatabase, query } from './lib/database.ts';
import { load, type Summary } from './lib/load.ts';
import { parseOptions } from './lib/options.ts';
import { stop } from './lib/processes.ts';
import { onCleanup, runBenchmark } from './lib/run.ts';

const opts = parseOptions('perimeter', process.argv.slice(2), { pattern: /^--rounds=\d+$/, usage: '[--rounds=2]' });
const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 2);

const STATIC_HEADERS = `  app.addHook('onSend', (req, reply, payload, done) => {
    reply.headers({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'strict-transport-security': 'max-age=15552000; includeSubDomains',
      'cross-origin-opener-policy': 'same-origin',
      'x-dns-prefetch-control': 'off',
    });
    done(null, payload);
  });
`;
const HELMET = '  await registerSecurityHeaders(app);\n';
const HELMET_PLUGIN = `  await app.register((await import('@fastify/helmet')).default, {
    frameguard: { action: 'deny' },
    contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"] } },
  });
`;
const LIMIT = '  await registerRequestLimit(app, config);\n';
const NUL = '  refuseNulBytes(app);\n';

type Variant = 'before' | 'plugin' | 'after';
const EDITS: Record<Variant, [string, string][]> = {
  before: [
    [HELMET, STATIC_HEADERS],
    [LIMIT, ''],
    [NUL, ''],
  ],
  plugin: [[HELMET, HELMET_PLUGIN]],
  after: [],
};

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

function worktree(variant: Variant): string {
  const dir = mkdtempSync(join(tmpdir(), `cinema-perimeter-${variant}-`));
  git('worktree', 'add', '--detach', '--force', dir, 'HEAD');
  onCleanup(async () => {
    git('worktree', 'remove', '--force', dir);
    rmSync(dir, { recursive: true, force: true });
  });
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const file = join(dir, 'src', 'app.ts');
  let src = readFileSync(file, 'utf8');
  for (const [from, to] of EDITS[variant]) {
    if (!src.includes(from)) throw new Error(`${variant}: src/app.ts no longer has ${JSON.stringify(from.trim())}`);
    src = src.replace(from, to);
  }
  writeFileSync(file, src);
  return dir;
}

async function main() {
  const db = await createDatabase('perimeter');
  const dirs = Object.fromEntries((['before', 'plugin', 'after'] as const).map((v) => [v, worktree(v)])) as Record<Variant, string>;
  log(`HEAD ${git('rev-parse', '--short', 'HEAD')}; ${ROUNDS} rounds of before / plugin / after`);
  const runs: Record<Variant, Summary[]> = { before: [], plugin: [], after: [] };
  let id: number | undefined;
  for (let round = 1; round <= ROUNDS; round++) {
    for (const v of ['before', 'plugin', 'after'] as const) {
      const api = await startApi(db.url, { RATE_LIMIT_MAX: '1000000000' }, dirs[v]);
      try {
        if (id === undefined) {
          const { rows } = await query<{ id: number }>(
            'SELECT s.id FROM screenings s JOIN halls h ON h.id = s.hall_id WHERE h.capacity = 300 AND s.show_time > now() ORDER BY s.id LIMIT 1',
            [],
            db.url,
          );
          id = rows[0].id;
        }
        runs[v].push(await load(`${v} #${round}`, `${api.base}/api/v1/screenings/${id}/seats`, opts));
      } finally {
        await stop(api.child);
      }
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  log('variant | req/s per round | mean req/s | mean p50 ms | mean p99 ms | non-2xx');
  for (const v of ['before', 'plugin', 'after'] as const) {
    const rs = runs[v];
    log(
      `${v} | ${rs.map((r) => fmt(r.req_per_s_mean)).join(', ')} | ${fmt(mean(rs.map((r) => r.req_per_s_mean)))} | ` +
        `${fmt(mean(rs.map((r) => r.latency_ms.p50)), 1)} | ${fmt(mean(rs.map((r) => r.latency_ms.p99)), 1)} | ${rs.reduce((a, r) => a + r.non_2xx, 0)}`,
    );
  }
  const after = mean(runs.after.map((r) => r.req_per_s_mean));
  const before = mean(runs.before.map((r) => r.req_per_s_mean));
  log(`after / before: ${((after / before) * 100).toFixed(1)} %`);
}

await runBenchmark(main);
