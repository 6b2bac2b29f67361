// Benchmark: a login storm. How many logins a second one API process manages with 50 concurrent
// logins, and what the storm does to the seat map that customers keep loading meanwhile.
//
//   node --import tsx bench/login.ts [--duration=10] [--warmup=2] [--connections=50] [--viewer-rate=100]
//
// 1. creates a fresh database, starts the API (migrations + demo data) and adds 200 customers whose
//    password hash is the seed's own `$2a$10$` hash of "password" (made by the seed's Go build)
// 2. quiet: the seat map (GET /api/v1/screenings/:id/seats, 300 seats, public) at a steady
//    --viewer-rate requests/s from 10 connections: its p99 with nothing else running
// 3. storm: the same seat-map load, and at the same time POST /api/v1/login with --connections
//    (default 50) connections as fast as they are answered, each request a customer in turn
// 4. the ceiling, same run, the API stopped: raw bcrypt verifies/s of the same hash with the same
//    library in this process (--connections at once on libuv's pool), no HTTP, no database: what
//    this machine can hash today, so a miss of the fixed target can be told from a slow service
// Targets (issue 12 item 4b): logins/s >= 28 (the seed's Go build on the same machine, both
// cores) and the seat map's p99 in the storm <= 2 x its quiet p99.
// Writes bench/results/<UTC time>-login.json and appends an entry to bench/RESULTS.md.
import { verify } from '@node-rs/bcrypt';
import autocannon from 'autocannon';
import { startApi } from './lib/api.ts';
import { fmt, log } from './lib/common.ts';
import { createDatabase, dropDatabase, query, serverVersion } from './lib/database.ts';
import { summarize, type Summary } from './lib/load.ts';
import { describe, machine } from './lib/machine.ts';
import { parseOptions } from './lib/options.ts';
import { stop } from './lib/processes.ts';
import { entryHead, type RunInfo, runInfo, saveResults } from './lib/report.ts';
import { runBenchmark } from './lib/run.ts';

const OWN = { pattern: /^--viewer-rate=\d+$/, usage: '[--viewer-rate=100]' };
const argv = process.argv.slice(2);
// 50 concurrent logins unless told otherwise (the issue's figure), not the other benchmarks' 100
const opts = parseOptions('login', argv.some((a) => a.startsWith('--connections=')) ? argv : [...argv, '--connections=50'], OWN);
opts.command = process.env.BENCH_COMMAND ?? ['node --import tsx bench/login.ts', ...argv].join(' ');
const VIEWER_RATE = Number(argv.find((a) => a.startsWith('--viewer-rate='))?.split('=')[1] ?? 100);
const VIEWER_CONNECTIONS = 10;
const CUSTOMERS = 200;
const SEED_GO_LOGINS_PER_S = 28;

interface LoginResult extends RunInfo {
  endpoint: { login: string; seat_map: string };
  customers: number;
  viewer_rate_per_s: number;
  quiet_seat_map: Summary;
  storm: { logins: Summary; seat_map: Summary };
  ceiling: { verifies_per_s: number; logins_share: number };
  targets: {
    logins_per_s: { target: string; value: number; verdict: 'PASS' | 'MISS' };
    seat_map_p99: { target: string; quiet_ms: number; storm_ms: number; ratio: number | null; verdict: 'PASS' | 'MISS' };
  };
}

async function seatMapLoad(url: string, duration: number): Promise<Summary> {
  return summarize(await autocannon({ url, connections: VIEWER_CONNECTIONS, overallRate: VIEWER_RATE, duration, timeout: 10 }));
}

async function loginStorm(base: string, emails: string[], duration: number): Promise<Summary> {
  let next = 0;
  return summarize(
    await autocannon({
      url: `${base}/api/v1/login`,
      connections: opts.connections,
      duration,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          setupRequest: (req) => ({ ...req, body: JSON.stringify({ email: emails[next++ % emails.length], password: 'password' }) }),
        },
      ],
    }),
  );
}

async function main() {
  const when = new Date();
  const box = machine(await serverVersion());
  log(`machine: ${describe(box)}`);
  const db = await createDatabase('login');
  // every limit far above one load generator's traffic: logins are measured, not refused
  const api = await startApi(db.url, { RATE_LIMIT_MAX: '100000000', LOGIN_FREE_FAILURES: '1000' });
  log(`API cold start: ${api.coldStartMs} ms`);

  const { rows } = await query<{ email: string }>(
    `INSERT INTO users (email, password_hash, full_name)
     SELECT 'storm' || g || '@example.com', (SELECT password_hash FROM users WHERE email = 'customer@cinema.com'), 'Storm ' || g
       FROM generate_series(1, $1::int) g RETURNING email`,
    [CUSTOMERS],
    db.url,
  );
  const hash = (await query<{ h: string }>("SELECT password_hash AS h FROM users WHERE email = 'customer@cinema.com'", [], db.url)).rows[0].h;
  log(`${rows.length} customers with the seed's hash (${hash.slice(0, 7)}...)`);
  const emails = rows.map((r) => r.email);
  const { rows: sc } = await query<{ id: number }>(
    `SELECT s.id FROM screenings s JOIN halls h ON h.id = s.hall_id WHERE h.capacity = 300 AND s.show_time > now() ORDER BY s.id LIMIT 1`,
    [],
    db.url,
  );
  const seatMap = `${api.base}/api/v1/screenings/${sc[0].id}/seats`;
  const probe = await fetch(seatMap);
  if (probe.status !== 200) throw new Error(`seat map: ${probe.status}`);
  await probe.arrayBuffer();

  log(`warm-up ${opts.warmup} s: seat map and logins`);
  if (opts.warmup > 0) await Promise.all([seatMapLoad(seatMap, opts.warmup), loginStorm(api.base, emails, opts.warmup)]);

  log(`quiet: seat map at ${VIEWER_RATE} req/s, ${opts.duration} s`);
  const quiet = await seatMapLoad(seatMap, opts.duration);
  log(`quiet seat map: p50 ${quiet.latency_ms.p50} ms, p99 ${quiet.latency_ms.p99} ms`);

  log(`storm: ${opts.connections} connections logging in + the seat map at ${VIEWER_RATE} req/s, ${opts.duration} s`);
  const [logins, during] = await Promise.all([loginStorm(api.base, emails, opts.duration), seatMapLoad(seatMap, opts.duration)]);
  log(`logins: ${fmt(logins.req_per_s_mean, 1)}/s, p50 ${logins.latency_ms.p50} ms, p99 ${logins.latency_ms.p99} ms, non-2xx ${logins.non_2xx}`);
  log(`seat map in the storm: p50 ${during.latency_ms.p50} ms, p99 ${during.latency_ms.p99} ms`);
  await stop(api.child);
  await dropDatabase(db.name);
  const ceiling = await rawVerifies(hash, opts.duration);
  log(`ceiling: ${fmt(ceiling, 1)} raw bcrypt verifies/s; logins reached ${fmt((logins.req_per_s_mean / ceiling) * 100, 1)} % of it`);

  const ratio = quiet.latency_ms.p99 > 0 ? during.latency_ms.p99 / quiet.latency_ms.p99 : null;
  const clean = (s: Summary) => s.non_2xx === 0 && s.errors === 0;
  const setupExtra = {
    viewer_connections: VIEWER_CONNECTIONS,
    viewer_rate_per_s: VIEWER_RATE,
    uv_threadpool_size: process.env.UV_THREADPOOL_SIZE ?? 'default (4)',
  };
  const result: LoginResult = {
    ...runInfo('login', when, box, opts, setupExtra),
    endpoint: { login: 'POST /api/v1/login (bcrypt cost 10, the seed hash)', seat_map: `GET /api/v1/screenings/${sc[0].id}/seats (public, cached)` },
    customers: CUSTOMERS,
    viewer_rate_per_s: VIEWER_RATE,
    quiet_seat_map: quiet,
    storm: { logins, seat_map: during },
    ceiling: { verifies_per_s: ceiling, logins_share: logins.req_per_s_mean / ceiling },
    targets: {
      logins_per_s: {
        target: `>= ${SEED_GO_LOGINS_PER_S}/s (the seed's Go build)`,
        value: logins.req_per_s_mean,
        verdict: clean(logins) && logins.req_per_s_mean >= SEED_GO_LOGINS_PER_S ? 'PASS' : 'MISS',
      },
      seat_map_p99: {
        target: 'p99 in the storm <= 2 x quiet p99',
        quiet_ms: quiet.latency_ms.p99,
        storm_ms: during.latency_ms.p99,
        ratio,
        verdict: clean(during) && ratio !== null && ratio <= 2 ? 'PASS' : 'MISS',
      },
    },
  };
  const file = saveResults(result, (f) => markdown(result, f));
  log(`results: ${file}; entry appended to bench/RESULTS.md`);
  log(`logins/s: ${result.targets.logins_per_s.verdict}; seat map p99: ${result.targets.seat_map_p99.verdict}`);
}

/** Verifies of the password against hash per second, `opts.connections` at a time, for seconds. */
async function rawVerifies(hash: string, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let done = 0;
  const worker = async () => {
    while (performance.now() < until) {
      if (!(await verify('password', hash))) throw new Error('the seed hash does not verify');
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: opts.connections }, worker));
  return done / ((performance.now() - started) / 1000);
}

function markdown(r: LoginResult, file: string): string {
  const t = r.targets;
  const row = (name: string, s: Summary) =>
    `| ${name} | ${fmt(s.req_per_s_mean, 1)} | ${s.latency_ms.p50} | ${s.latency_ms.p99} | ${s.non_2xx} | ${s.errors} |`;
  return [
    ...entryHead(
      r,
      `- load: logins with ${r.setup.connections} connections as fast as answered; the seat map at ${r.viewer_rate_per_s} req/s from 10 connections; ${r.setup.warmup_s} s warm-up + ${r.setup.duration_s} s measured per phase, loopback; UV_THREADPOOL_SIZE ${process.env.UV_THREADPOOL_SIZE ?? 'default (4)'}`,
    ),
    '',
    '| phase | req/s | p50 ms | p99 ms | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|',
    row('quiet: seat map', r.quiet_seat_map),
    row('storm: logins', r.storm.logins),
    row('storm: seat map', r.storm.seat_map),
    '',
    `- logins/s ${fmt(t.logins_per_s.value, 1)} (target ${t.logins_per_s.target}): **${t.logins_per_s.verdict}**`,
    `- ceiling, same run: ${fmt(r.ceiling.verifies_per_s, 1)} raw bcrypt verifies/s (same hash and library, no HTTP, API stopped); logins reached ${fmt(r.ceiling.logins_share * 100, 1)} % of it`,
    `- seat map p99 ${t.seat_map_p99.storm_ms} ms in the storm vs ${t.seat_map_p99.quiet_ms} ms quiet (x${t.seat_map_p99.ratio?.toFixed(2) ?? 'n/a'}; target ${t.seat_map_p99.target}): **${t.seat_map_p99.verdict}**`,
    `- raw: \`${file}\``,
    '',
  ].join('\n');
}

await runBenchmark(main);
