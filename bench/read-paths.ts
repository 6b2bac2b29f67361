// Benchmark: the hot read paths of two versions of the code, in the same run, turn by turn: what a
// change (new checks on every request: rate limits, token revocation, security headers) costs them.
//
//   node --import tsx bench/read-paths.ts --before=REV [--rounds=2] [--redis] [--duration=10] [--connections=100] [--warmup=2]
//
// 1. checks REV out into a temporary git worktree — "before" (its node_modules: this checkout's when
//    the lock files are equal, else its own `npm ci`);
//    this checkout is "after"; each gets a fresh PostgreSQL database (migrations + demo data)
// 2. ROUNDS times, before then after: starts that version's API, loads
//    a. GET /api/v1/screenings with a customer's bearer token (JWT checks, the list from the cache)
//    b. GET /api/v1/screenings/:id/seats without a token (the cached seat map of a 300-seat hall)
//    and stops it again, so both versions meet the same machine state in turn
// 3. a Fastify hello world, same load, as the ceiling of this machine in this run
// Target (issue 12): after >= 90 % of before on each path (mean req/s over the rounds).
// --redis: both versions run with REDIS_URL (rate limits, revocation marks and the cache in Redis).
// Writes bench/results/<UTC time>-read-paths.json and appends an entry to bench/RESULTS.md.
import { type Api, login, startApi } from './lib/api.ts';
import { fmt, log, pct, ratioOf, ROOT } from './lib/common.ts';
import { git, worktreeOf } from './lib/worktree.ts';
import { createDatabase, query, serverVersion } from './lib/database.ts';
import { load, type Summary } from './lib/load.ts';
import { describe, machine } from './lib/machine.ts';
import { parseOptions } from './lib/options.ts';
import { stop } from './lib/processes.ts';
import { deleteKeys, REDIS_URL, redisVersion, runPrefix } from './lib/redis.ts';
import { helloWorld } from './lib/references.ts';
import { entryHead, type RunInfo, runInfo, saveResults } from './lib/report.ts';
import { onCleanup, runBenchmark } from './lib/run.ts';

const OWN = { pattern: /^--(before=\S+|rounds=\d+|redis)$/, usage: '--before=REV [--rounds=2] [--redis]' };
const opts = parseOptions('read-paths', process.argv.slice(2), OWN);
const arg = (key: string) => process.argv.find((a) => a.startsWith(`--${key}=`))?.split('=')[1];
const ROUNDS = Number(arg('rounds') ?? 2);
const WITH_REDIS = process.argv.includes('--redis');
const TARGET = 0.9;
const SEATS = 300;

// Every limit far above what one load generator on loopback sends: the checks still run on every
// request (that is what is measured), they just never refuse. Names the older code does not know are
// ignored by it (the config reads only its own variables).
const GENEROUS_LIMITS: NodeJS.ProcessEnv = {
  AUTH_RATE_LIMIT: '1000000',
  RATE_LIMIT_MAX: '100000000',
  RATE_LIMIT_PER_MINUTE: '100000000',
};

interface Version {
  label: 'before' | 'after';
  rev: string;
  cwd: string;
  dbUrl: string;
}

interface PathRun {
  round: number;
  list: Summary;
  seat_map: Summary;
}

interface ReadPathsResult extends RunInfo {
  versions: { before: string; after: string };
  rounds: number;
  redis: string | null;
  runs: Record<'before' | 'after', PathRun[]>;
  hello_world: Summary;
  verdicts: {
    path: string;
    before_req_s: number;
    after_req_s: number;
    ratio: number | null;
    p99_before_ms: number;
    p99_after_ms: number;
    verdict: 'PASS' | 'MISS';
  }[];
}

async function pickScreening(dbUrl: string): Promise<number> {
  const { rows } = await query<{ id: number }>(
    `SELECT s.id FROM screenings s JOIN halls h ON h.id = s.hall_id
      WHERE h.capacity = $1 AND s.show_time > now() ORDER BY s.id LIMIT 1`,
    [SEATS],
    dbUrl,
  );
  if (!rows[0]) throw new Error(`no upcoming screening in a hall with capacity ${SEATS}`);
  return rows[0].id;
}

async function runOnce(v: Version, round: number, extra: NodeJS.ProcessEnv): Promise<PathRun> {
  const api: Api = await startApi(v.dbUrl, { ...GENEROUS_LIMITS, ...extra }, v.cwd);
  try {
    const auth = await login(api.base, 'customer@cinema.com');
    const id = await pickScreening(v.dbUrl);
    const list = await load(`${v.label} #${round} list`, `${api.base}/api/v1/screenings`, opts, auth);
    const seatMap = await load(`${v.label} #${round} seat map`, `${api.base}/api/v1/screenings/${id}/seats`, opts);
    return { round, list, seat_map: seatMap };
  } finally {
    await stop(api.child);
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const clean = (s: Summary) => s.non_2xx === 0 && s.errors === 0;

async function main() {
  const beforeArg = arg('before');
  if (!beforeArg) throw new Error(`--before=REV is required (${OWN.usage})`);
  if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 10) throw new Error('--rounds must be 1..10');
  const when = new Date();
  const box = machine(await serverVersion());
  log(`machine: ${describe(box)}`);
  const beforeRev = git('rev-parse', '--short', beforeArg);
  const afterRev = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'src') !== '';
  log(`before: ${beforeRev}; after: ${afterRev}${dirty ? ' + uncommitted changes' : ''}`);

  let redis: string | null = null;
  const extra: NodeJS.ProcessEnv = {};
  if (WITH_REDIS) {
    redis = await redisVersion();
    const prefix = runPrefix('read-paths');
    Object.assign(extra, { REDIS_URL, REDIS_PREFIX: prefix });
    onCleanup(() => deleteKeys(prefix));
  }
  const versions: Version[] = [
    { label: 'before', rev: beforeRev, cwd: worktreeOf(beforeRev), dbUrl: (await createDatabase('rp_before')).url },
    { label: 'after', rev: afterRev, cwd: ROOT, dbUrl: (await createDatabase('rp_after')).url },
  ];
  const runs: ReadPathsResult['runs'] = { before: [], after: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    for (const v of versions) runs[v.label].push(await runOnce(v, round, extra));
  }
  const hello = (await helloWorld(opts)).load;

  const verdicts = (['list', 'seat_map'] as const).map((path) => {
    const rate = (label: 'before' | 'after') => mean(runs[label].map((r) => r[path].req_per_s_mean));
    const p99 = (label: 'before' | 'after') => mean(runs[label].map((r) => r[path].latency_ms.p99));
    const ratio = ratioOf(rate('after'), rate('before'));
    const allClean = [...runs.before, ...runs.after].every((r) => clean(r[path]));
    return {
      path: path === 'list' ? 'GET /api/v1/screenings (bearer token)' : 'GET /api/v1/screenings/:id/seats (public, cached)',
      before_req_s: rate('before'),
      after_req_s: rate('after'),
      ratio,
      p99_before_ms: p99('before'),
      p99_after_ms: p99('after'),
      verdict: (ratio !== null && ratio >= TARGET && allClean ? 'PASS' : 'MISS') as 'PASS' | 'MISS',
    };
  });
  for (const v of verdicts) {
    log(
      `${v.path}: before ${fmt(v.before_req_s)} req/s, after ${fmt(v.after_req_s)} req/s = ${pct(v.ratio)} (target >= ${pct(TARGET)}): ${v.verdict}`,
    );
  }

  const result: ReadPathsResult = {
    ...runInfo('read-paths', when, box, opts, {
      kv: redis ? `Redis ${redis} (${REDIS_URL})` : 'in-process (no REDIS_URL)',
      limits: GENEROUS_LIMITS,
    }),
    versions: { before: beforeRev, after: `${afterRev}${dirty ? ' + uncommitted changes' : ''}` },
    rounds: ROUNDS,
    redis,
    runs,
    hello_world: hello,
    verdicts,
  };
  const file = saveResults(result, (f) =>
    [
      ...entryHead(result),
      `- versions: before ${beforeRev}, after ${result.versions.after}; ${ROUNDS} rounds, before then after in each; ${redis ? `Redis ${redis}` : 'in-process KV'}`,
      '',
      '| path | before req/s | after req/s | after / before | p99 before ms | p99 after ms | verdict (>= 90 %) |',
      '|---|---:|---:|---:|---:|---:|---|',
      ...verdicts.map(
        (v) =>
          `| ${v.path} | ${fmt(v.before_req_s)} | ${fmt(v.after_req_s)} | ${pct(v.ratio)} | ${fmt(v.p99_before_ms, 1)} | ${fmt(v.p99_after_ms, 1)} | ${v.verdict} |`,
      ),
      `| Fastify hello world (same run) | | ${fmt(hello.req_per_s_mean)} | | | ${fmt(hello.latency_ms.p99, 1)} | |`,
      '',
      `Raw numbers: \`${f}\``,
      '',
    ].join('\n'),
  );
  log(`results: ${file}`);
}

await runBenchmark(main);
