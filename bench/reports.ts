// Benchmark: the admin reports (GET /api/v1/reports/*) on a year of one chain's history.
//
//   node --import tsx bench/reports.ts [--with-baseline] [--samples=30] [--small] [--keep]
//
// 1. creates a fresh PostgreSQL database and starts the API on it (migrations + demo data)
// 2. fills it with a year of history (bench/lib/history.ts: 20 theaters, 100 halls, 4 shows a day,
//    about a million sold seats; --small: 2 theaters, 60 days, 20,000 seats, for a quick look)
// 3. as admin, asks each report (JSON; sales by day also as CSV) for the last 30 and 365 local days,
//    chain-wide and for one theater: 3 unmeasured requests, then --samples measured, one at a time,
//    each to completion (the time an admin waits), and checks every answer is a 200
// 4. references in the same run: the same number of GETs of a Fastify hello world (the HTTP floor),
//    one raw pass over the year's captured payments in SQL (the floor of any report that reads the
//    ledger without rollups), and with --with-baseline ../shared/bench/pg-baseline.sh
// Target (the issue): every report's p95 under 200 ms on this machine.
// Writes bench/results/<UTC time>-reports.json and appends an entry to bench/RESULTS.md.
import { login, startApi } from './lib/api.ts';
import { fmt, HOST, log } from './lib/common.ts';
import { createDatabase, keepDatabase, query, serverVersion } from './lib/database.ts';
import { DEFAULT_HISTORY, generateHistory, type HistoryOptions, type HistorySize } from './lib/history.ts';
import { describe, machine } from './lib/machine.ts';
import { parseOptions } from './lib/options.ts';
import { freePort, start, stop, waitFor200 } from './lib/processes.ts';
import { type Baseline, pgBaseline } from './lib/references.ts';
import { entryHead, type RunInfo, runInfo, saveResults } from './lib/report.ts';
import { runBenchmark } from './lib/run.ts';

const opts = parseOptions('reports', process.argv.slice(2), { pattern: /^--(samples=\d+|small|keep)$/, usage: '[--samples=30] [--small] [--keep]' });
const SAMPLES = Number(process.argv.find((a) => a.startsWith('--samples='))?.split('=')[1] ?? 30);
const SMALL = process.argv.includes('--small');
// --keep: leave the database (and its year of history) in place for a look afterwards
const KEEP = process.argv.includes('--keep');
const TARGET_P95_MS = 200;
const WARMUP = 3;

interface Timing {
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

interface Case {
  name: string;
  path: string;
  days: number;
  rows?: number;
  bytes?: number;
  ms?: Timing;
  verdict?: 'PASS' | 'MISS';
}

interface ReportsResult extends RunInfo {
  history: HistoryOptions;
  size: HistorySize;
  cases: Case[];
  hello_world: Timing;
  raw_ledger_scan_ms: Timing;
  pg_baseline: Baseline | null;
}

const round = (n: number) => Math.round(n * 10) / 10;

function timing(ms: number[]): Timing {
  const a = [...ms].sort((x, y) => x - y);
  const q = (p: number) => round(a[Math.min(a.length - 1, Math.ceil(p * a.length) - 1)]);
  return { samples: a.length, p50: q(0.5), p95: q(0.95), max: round(a[a.length - 1]) };
}

/** warm-up, then SAMPLES sequential calls of fn; each must resolve */
async function measure(fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const ms: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return timing(ms);
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

function cases(theaterId: number): Case[] {
  const to = day(-1);
  const range = (days: number) => `from=${day(-days)}&to=${to}`;
  const out: Case[] = [];
  const add = (name: string, path: string, days: number) => out.push({ name, path: `${path}${path.includes('?') ? '&' : '?'}${range(days)}`, days });
  for (const days of [30, 365]) {
    for (const g of ['day', 'movie', 'theater', 'hall', 'method']) add(`sales by ${g}`, `/reports/sales?group_by=${g}`, days);
    add('sales by day, CSV', '/reports/sales?group_by=day&format=csv', days);
    add('sales by movie, one theater', `/reports/sales?group_by=movie&theater_id=${theaterId}`, days);
    for (const g of ['screening', 'hall', 'slot']) add(`occupancy by ${g}`, `/reports/occupancy?group_by=${g}`, days);
    add('occupancy by screening, one theater', `/reports/occupancy?group_by=screening&theater_id=${theaterId}`, days);
    add('top movies', '/reports/top-movies', days);
    add('refunds', '/reports/refunds', days);
    add('no-shows', '/reports/no-shows', days);
  }
  return out;
}

async function main() {
  const started = new Date();
  const m = machine(await serverVersion());
  log(`machine: ${describe(m)}`);
  const history: HistoryOptions = SMALL
    ? { ...DEFAULT_HISTORY, theaters: 2, days: 60, targetSeats: 20_000, customers: 2_000, movies: 20 }
    : DEFAULT_HISTORY;
  const db = await createDatabase('reports');
  if (KEEP) {
    keepDatabase(db.name);
    log(`--keep: ${db.url} stays after the run`);
  }
  const api = await startApi(db.url);
  log(`generating history: ${JSON.stringify(history)}`);
  const size = await generateHistory(db.url, history);
  log(`history: ${JSON.stringify(size)}`);
  const auth = await login(api.base, 'admin@cinema.com');
  const { rows: th } = await query<{ id: number }>(`SELECT min(id) AS id FROM theaters WHERE name LIKE 'Chain %'`, [], db.url);

  const list = cases(th[0].id);
  for (const c of list) {
    let last = { rows: 0, bytes: 0 };
    c.ms = await measure(async () => {
      const res = await fetch(`${api.base}/api/v1${c.path}`, { headers: auth });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`GET ${c.path}: ${res.status} ${text.slice(0, 300)}`);
      const rows = c.path.includes('format=csv')
        ? text.trimEnd().split('\r\n').length - 1
        : [(JSON.parse(text) as { data: unknown }).data].flat().length;
      last = { rows, bytes: Buffer.byteLength(text) };
    });
    Object.assign(c, last, { verdict: c.ms.p95 < TARGET_P95_MS ? 'PASS' : 'MISS' });
    log(`${c.name}, ${c.days} days: p50 ${c.ms.p50} ms, p95 ${c.ms.p95} ms, ${c.rows} rows`);
  }
  const rawScan = await measure(() =>
    query(`SELECT count(*), sum(amount) FROM payments WHERE captured_at >= now() - interval '366 days'`, [], db.url),
  );
  await stop(api.child);

  const port = await freePort();
  const hello = start('hello', ['--import', 'tsx', 'bench/hello.ts', String(port)], { ...process.env, HOST });
  const helloUrl = `http://${HOST}:${port}/`;
  await waitFor200(helloUrl, hello, performance.now(), 60_000);
  const helloMs = await measure(async () => (await fetch(helloUrl)).text());
  await stop(hello);
  const baseline = opts.withBaseline ? await pgBaseline() : null;

  const result: ReportsResult = {
    ...runInfo('reports', started, m, opts, {
      database: 'fresh PostgreSQL database: migrations + demo data by the API, then bench/lib/history.ts',
      samples: SAMPLES,
      warmup_requests: WARMUP,
      load_generator: 'one request at a time (fetch) from the bench process, loopback',
    }),
    history,
    size,
    cases: list,
    hello_world: helloMs,
    raw_ledger_scan_ms: rawScan,
    pg_baseline: baseline,
  };
  const file = saveResults(result, (f) => entry(result, f));
  log(`results: ${file}`);
  const misses = list.filter((c) => c.verdict === 'MISS');
  log(misses.length === 0 ? `every report p95 < ${TARGET_P95_MS} ms` : `${misses.length} report(s) at or over ${TARGET_P95_MS} ms p95`);
}

function entry(r: ReportsResult, file: string): string {
  const s = r.size;
  const b = r.pg_baseline;
  const lines = [
    ...entryHead(
      r,
      `- load: one admin request at a time, ${WARMUP} unmeasured then ${SAMPLES} measured per report, loopback; API pool ${r.setup.db_pool_max}, LOG_LEVEL=warn`,
    ),
    `- data (bench/lib/history.ts, ${s.seconds} s to generate): ${s.theaters} theaters, ${s.halls} halls, ${fmt(s.seats)} seats, ${fmt(s.screenings)} screenings (${s.cancelled_screenings} cancelled), ` +
      `${fmt(s.screening_seats)} screening seats, ${fmt(s.tickets)} tickets, ${fmt(s.ticket_seats_sold)} seats sold + ${fmt(s.ticket_seats_refunded)} refunded, ` +
      `${fmt(s.payments_captured)} captured payments, ${fmt(s.refunds)} refunds; database ${fmt(s.database_bytes / 2 ** 20)} MiB`,
    `- same-run references: Fastify hello world GET p50 ${r.hello_world.p50} ms, p95 ${r.hello_world.p95} ms; ` +
      `one raw SQL pass over the year's captured payments (count, sum) p50 ${r.raw_ledger_scan_ms.p50} ms, p95 ${r.raw_ledger_scan_ms.p95} ms` +
      (b === null
        ? ''
        : 'error' in b
          ? `; pg-baseline: ${String(b.error)}`
          : `; pg-baseline: pgbench -S ${fmt(Number(b.pgbench_S_tps))} TPS, -N ${fmt(Number(b.pgbench_N_tps))} TPS`),
    `- target: p95 < ${TARGET_P95_MS} ms for every report`,
    '',
    '| report | days | rows | bytes | p50 ms | p95 ms | max ms | p95 < 200 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...r.cases.map(
      (c) => `| ${c.name} | ${c.days} | ${fmt(c.rows ?? 0)} | ${fmt(c.bytes ?? 0)} | ${c.ms?.p50} | ${c.ms?.p95} | ${c.ms?.max} | ${c.verdict} |`,
    ),
    '',
    `Raw numbers: \`${file}\`.`,
    '',
  ];
  return lines.join('\n');
}

void runBenchmark(main);
