// Benchmark: seat holds (POST /api/v1/screenings/:id/holds) on PostgreSQL + Redis, under a flash sale
// and in a steady state, with WebSocket viewers of the sale; references in the same run.
//
//   node --import tsx bench/holds.ts [--duration=10] [--connections=100] [--warmup=2]
//
// 1. creates a fresh database, a Redis key prefix of its own (REDIS_PREFIX) and starts the API with
//    REDIS_URL (fast path + seat events through Redis) and a JWT secret this script knows; customers
//    are inserted by SQL and their tokens signed here (no bcrypt, no login). A theater of its own
//    (orphan_seat_rule = false: contention is under test, not seat etiquette), a 20 x 25 hall with
//    no aisles (admin API) and 21 screenings in it.
// 2. WEBSOCKET: 2,000 viewers of the sale's screening connect first, in a child process (2 cores: the
//    load generator's event loop must not also parse 2,000 sockets' deltas).
// 3. FLASH SALE: 1,200 customers, first requests uniformly within 1 s, 200 connections (lib/flash-sale.ts);
//    then the database check: oversold seats, every 201 a live hold holding exactly its seats.
// 4. STEADY, twice, each on 20 screenings of its own with --connections workers (customers) of its
//    own holding 1-4 seat groups for --warmup + --duration seconds (lib/steady.ts): first picking
//    seats from the live map (one WebSocket per screening, lib/live-map.ts), as customers do, then
//    blind (random groups, mostly refused); the same check on each worker's last 201.
// 5. stops the API; the Fastify hello world (autocannon, as the other benchmarks); pg-baseline.sh
//    (BASELINE_SECONDS=10) with nothing else running, always: the target needs its pgbench -N TPS.
// Target (the issue): successful seat holds/s through HTTP >= 0.3 x pgbench -N TPS.
// Writes bench/results/<UTC time>-holds.json and appends an entry to bench/RESULTS.md. Kills only its
// own children (by pid), drops its database and deletes its Redis keys, also on failure or Ctrl-C.
import { startApi } from './lib/api.ts';
import { fmt, log, pct, ratioOf, warn } from './lib/common.ts';
import { createCustomers, newJwtSecret } from './lib/customers.ts';
import { createVenue } from './lib/venue.ts';
import { createDatabase, dropDatabase, query, serverVersion } from './lib/database.ts';
import { firstRequestAt, runFlashSale, timeToSellOut } from './lib/flash-sale.ts';
import { seatRows } from './lib/hall.ts';
import { checkHolds, type HoldCheck } from './lib/hold-checks.ts';
import { pool } from './lib/http.ts';
import type { Summary } from './lib/load.ts';
import { describe, machine } from './lib/machine.ts';
import { parseOptions } from './lib/options.ts';
import { stop } from './lib/processes.ts';
import { deleteKeys, REDIS_URL, redisVersion, runPrefix } from './lib/redis.ts';
import { type Baseline, helloWorld, pgBaseline } from './lib/references.ts';
import { entryHead, type RunInfo, runInfo, saveResults, table } from './lib/report.ts';
import { onCleanup, runBenchmark } from './lib/run.ts';
import { type HoldLoad, holdLoad, latency, type Latency, rate } from './lib/stats.ts';
import { runSteady, type SteadyMode } from './lib/steady.ts';
import { openLiveMap } from './lib/live-map.ts';
import { cpuSample, type CpuSample, type CpuShare, cpuShare } from './lib/cpu.ts';
import { startViewers, type ViewerStats } from './lib/viewers.ts';

const opts = parseOptions('holds');
const ROWS = 20;
const PER_ROW = 25;
const SEATS = ROWS * PER_ROW;
const CUSTOMERS = 1_200;
const SALE_CONNECTIONS = 200;
const STAGGER_MS = 1_000;
const SALE_LIMIT_MS = 60_000;
const VIEWERS = 2_000;
const STEADY_SCREENINGS = 20;
/** the steady scenario runs once per mode, each on STEADY_SCREENINGS screenings of its own */
const STEADY_MODES: SteadyMode[] = ['map', 'blind'];
const MAX_GROUP = 4;
const TARGET_SHARE = 0.3; // holds/s >= 0.3 x pgbench -N TPS

type Verdict = 'PASS' | 'MISS';
interface Target {
  reading: string;
  value: number;
  threshold: number | null;
  verdict: Verdict;
  /** what bounds the reading whatever the code does, when something does */
  bound?: string;
}

type SteadyRun = HoldLoad & {
  mode: SteadyMode;
  screenings: number;
  workers: number;
  warmup_s: number;
  warmup_attempts: number;
  nothing_free: number;
  map_deltas: number | null;
  map_gaps: number | null;
  failures: string[];
  check: HoldCheck;
  cpu: CpuShare | null;
};

interface HoldsResult extends RunInfo {
  api: { cold_start_ms: number; env: Record<string, string> };
  flash_sale: HoldLoad & {
    screening_id: number;
    seats: number;
    customers: number;
    connections: number;
    stagger_ms: number;
    time_to_sell_out_s: number | null;
    seats_left: number;
    holds_per_s_to_sell_out: number;
    seats_per_s_to_sell_out: number;
    refreshes: number;
    refresh_latency_ms: Latency;
    stopped: Record<string, number>;
    failures: string[];
    check: HoldCheck;
  };
  websocket: ViewerStats & { subscribers: number; connected: number; failed: number; connect_ms: number; final_version: number; process: string };
  steady: SteadyRun[];
  hello_world: Summary & { endpoint: string };
  pg_baseline: Baseline;
  targets: Target[];
  server_errors: string[];
}

async function main() {
  const when = new Date();
  const box = machine(await serverVersion());
  log(`machine: ${describe(box)}; Redis ${await redisVersion()} at ${REDIS_URL}`);
  const db = await createDatabase('holds');
  const prefix = runPrefix('holds');
  onCleanup(() => deleteKeys(prefix));

  // ---- the API on PostgreSQL + Redis, with a JWT secret we know
  const secret = newJwtSecret();
  // the viewers all come from loopback: one address, far past its share of live sockets in production
  const env = {
    JWT_SECRET: secret,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    LIVE_SOCKETS_PER_ADDRESS: String(VIEWERS * 2),
    // the steady 'map' mode watches every steady screening with one account's token
    LIVE_SOCKETS_PER_ACCOUNT: String(STEADY_SCREENINGS * 2),
  };
  const api = await startApi(db.url, env);
  log(`API cold start: ${api.coldStartMs} ms`);
  const { theaterId, hallId, screenings } = await createVenue(api.base, db.url, secret, {
    name: 'Bench',
    rows: ROWS,
    perRow: PER_ROW,
    count: STEADY_SCREENINGS * STEADY_MODES.length + 1,
  });
  const [saleId, ...steadyIds] = screenings;
  const { rows } = await seatRows(api.base, saleId);
  log(
    `theater ${theaterId} (orphan_seat_rule = false), hall ${hallId} (${ROWS} x ${PER_ROW}), screenings ${saleId} (sale), ${steadyIds[0]}..${steadyIds.at(-1)}`,
  );
  const customers = await createCustomers(db.url, CUSTOMERS + STEADY_MODES.length * opts.connections + VIEWERS, secret);
  const tokens = customers.map((c) => c.token);

  async function steadyPhase(mode: SteadyMode, ids: number[], workerTokens: string[]): Promise<SteadyRun> {
    const maps = mode === 'map' ? await Promise.all(ids.map((id) => openLiveMap(api.base, id, workerTokens[0], rows.flat()))) : undefined;
    const agent = pool(opts.connections);
    log(`steady (${mode}): ${opts.connections} workers, ${ids.length} screenings, ${opts.warmup} s warm-up + ${opts.duration} s`);
    // CPU per process over the measured window (timers at its edges), to see what bounds the rate
    const cpuAt: Partial<Record<'start' | 'end', CpuSample>> = {};
    const apiPid = api.child.proc.pid;
    const cpuTimers = [
      setTimeout(() => (cpuAt.start = cpuSample(apiPid)), opts.warmup * 1000),
      setTimeout(() => (cpuAt.end = cpuSample(apiPid)), (opts.warmup + opts.duration) * 1000),
    ];
    const raw = await runSteady({
      base: api.base,
      screeningIds: ids,
      rows,
      tokens: workerTokens,
      agent,
      warmupMs: opts.warmup * 1000,
      durationMs: opts.duration * 1000,
      maxGroup: MAX_GROUP,
      mode,
      maps,
    });
    await agent.close();
    for (const timer of cpuTimers) clearTimeout(timer);
    for (const m of maps ?? []) m.close();
    const cpu = cpuAt.start && cpuAt.end ? cpuShare(cpuAt.start, cpuAt.end, box.nproc) : null;
    const load = holdLoad(raw.attempts, raw.measuredMs / 1000);
    const check = await checkHolds(db.url, ids, raw.last);
    log(
      `steady (${mode}): ${fmt(load.holds_per_s)} holds/s (${fmt(load.seats_per_s)} seats/s), ${fmt(load.attempts_per_s)} attempts/s, ` +
        `p50 ${load.latency_ms.p50} p99 ${load.latency_ms.p99} ms; 409s ${JSON.stringify(load.refusals_409)}; 5xx ${load.server_errors_5xx}; oversold ${check.oversold}`,
    );
    return {
      mode,
      screenings: ids.length,
      workers: workerTokens.length,
      warmup_s: opts.warmup,
      warmup_attempts: raw.warmupAttempts,
      ...load,
      nothing_free: raw.nothingFree,
      map_deltas: maps?.reduce((n, m) => n + m.deltas, 0) ?? null,
      map_gaps: maps?.reduce((n, m) => n + m.gaps, 0) ?? null,
      failures: raw.failures,
      check,
      cpu,
    };
  }

  // ---- WebSocket viewers first, then the flash sale
  const viewers = await startViewers(api.base, saleId, tokens.slice(CUSTOMERS + STEADY_MODES.length * opts.connections), rows.flat());
  const saleAgent = pool(SALE_CONNECTIONS);
  log(`flash sale: ${CUSTOMERS} customers over ${SALE_CONNECTIONS} connections, arriving within ${STAGGER_MS} ms, ${SEATS} seats`);
  const sale = await runFlashSale({
    base: api.base,
    screeningId: saleId,
    rows,
    tokens: tokens.slice(0, CUSTOMERS),
    agent: saleAgent,
    staggerMs: STAGGER_MS,
    limitMs: SALE_LIMIT_MS,
    refreshEvery: 3,
    maxGroup: MAX_GROUP,
  });
  await saleAgent.close();
  const finalVersion = Number((await query<{ v: string }>('SELECT seat_map_version AS v FROM screenings WHERE id = $1', [saleId], db.url)).rows[0].v);
  const granted = sale.grants.flatMap((g) => g.seatIds.map((id) => [id, g.at] as [number, number]));
  const ws = await viewers.finish(finalVersion, granted);
  await viewers.close();
  const saleCheck = await checkHolds(db.url, [saleId], sale.grants);
  const saleEnd = sale.attempts.reduce((t, a) => Math.max(t, a.doneAt), 0);
  const saleLoad = holdLoad(sale.attempts, (saleEnd - firstRequestAt(sale)) / 1000);
  const sellOut = timeToSellOut(sale, SEATS);
  const toSellOut = sellOut ?? saleLoad.seconds;
  log(
    `flash sale: ${saleLoad.holds} holds (${saleLoad.seats_held} seats) of ${saleLoad.attempts} attempts, sold out ${sellOut === null ? 'NEVER' : `in ${sellOut.toFixed(2)} s`}; ` +
      `409s ${JSON.stringify(saleLoad.refusals_409)}; 5xx ${saleLoad.server_errors_5xx}; oversold ${saleCheck.oversold}; wrong 201s ${saleCheck.grants_wrong}`,
  );
  log(
    `websocket: ${ws.reached_final_version}/${ws.viewers} reached version ${finalVersion}; delta latency p50 ${ws.delta_latency_ms.p50} ms p99 ${ws.delta_latency_ms.p99} ms`,
  );

  // ---- steady state, twice: customers picking from the live map, then blind, on screenings of their own
  const steadyRuns: SteadyRun[] = [];
  for (const [i, mode] of STEADY_MODES.entries()) {
    const ids = steadyIds.slice(i * STEADY_SCREENINGS, (i + 1) * STEADY_SCREENINGS);
    const from = CUSTOMERS + i * opts.connections;
    steadyRuns.push(await steadyPhase(mode, ids, tokens.slice(from, from + opts.connections)));
  }
  const serverErrors = api.child
    .output()
    .split('\n')
    .filter((l) => /"level":(50|60)/.test(l))
    .slice(0, 5);
  await stop(api.child);

  // ---- references: hello world, then raw PostgreSQL with nothing else running
  const hello = await helloWorld(opts);
  await dropDatabase(db.name);
  const baseline = await pgBaseline({ BASELINE_SECONDS: '10' });

  const nTps = 'error' in baseline ? null : Number(baseline.pgbench_N_tps);
  const threshold = nTps === null ? null : TARGET_SHARE * nTps;
  const sound = (l: HoldLoad, c: HoldCheck) => l.server_errors_5xx === 0 && l.network_errors === 0 && c.oversold === 0 && c.grants_wrong === 0;
  const target = (reading: string, value: number, clean: boolean): Target => ({
    reading,
    value,
    threshold,
    verdict: clean && threshold !== null && value >= threshold ? 'PASS' : 'MISS',
  });
  const saleOk = sound(saleLoad, saleCheck);
  const result: HoldsResult = {
    ...runInfo('holds', when, box, opts, {
      kv: `Redis ${REDIS_URL}, REDIS_PREFIX ${prefix} (keys deleted at the end)`,
      load_generator: 'own clients on undici Agents in the bench process; WebSocket viewers in a child process; same machine, loopback',
      connections: `${SALE_CONNECTIONS} (flash sale), ${opts.connections} workers = connections (steady)`,
      theater: 'a theater of its own with orphan_seat_rule = false',
      hall: `${ROWS} rows x ${PER_ROW} regular seats, no aisles (admin API)`,
      hold_ttl_s: Number(process.env.HOLD_TTL_SECONDS ?? 600),
      fastpath_ttl_ms: Number(process.env.FASTPATH_TTL_MS ?? 30_000),
      live_batch_ms: Number(process.env.LIVE_BATCH_MS ?? 100),
    }),
    api: {
      cold_start_ms: api.coldStartMs,
      env: {
        REDIS_URL,
        REDIS_PREFIX: prefix,
        JWT_SECRET: '<known to the bench>',
        LIVE_SOCKETS_PER_ADDRESS: env.LIVE_SOCKETS_PER_ADDRESS,
        LIVE_SOCKETS_PER_ACCOUNT: env.LIVE_SOCKETS_PER_ACCOUNT,
      },
    },
    flash_sale: {
      screening_id: saleId,
      seats: SEATS,
      customers: CUSTOMERS,
      connections: SALE_CONNECTIONS,
      stagger_ms: STAGGER_MS,
      ...saleLoad,
      time_to_sell_out_s: sellOut,
      seats_left: SEATS - saleCheck.seats_held_db,
      holds_per_s_to_sell_out: rate(saleLoad.holds, toSellOut),
      seats_per_s_to_sell_out: rate(saleLoad.seats_held, toSellOut),
      refreshes: sale.refreshes,
      refresh_latency_ms: latency(sale.refreshMs),
      stopped: sale.stopped,
      failures: sale.failures,
      check: saleCheck,
    },
    websocket: {
      subscribers: VIEWERS,
      connected: viewers.connected,
      failed: viewers.failed,
      connect_ms: viewers.connectMs,
      final_version: finalVersion,
      process: 'child process (bench/lib/viewers-child.ts), connected before the sale',
      ...ws,
    },
    steady: steadyRuns,
    hello_world: { endpoint: 'GET / (Fastify, bench/hello.ts)', ...hello.load },
    pg_baseline: baseline,
    targets: [
      // the sale has saleLoad.holds holds to give and its customers arrive over STAGGER_MS: however
      // fast the API, at most that many per arrival window
      {
        ...target('flash sale holds/s (to sell-out)', rate(saleLoad.holds, toSellOut), saleOk),
        bound: `at most ~${fmt(rate(saleLoad.holds, STAGGER_MS / 1000))}/s: ${fmt(saleLoad.holds)} holds to give, customers arriving over ${STAGGER_MS / 1000} s`,
      },
      {
        ...target('flash sale seats/s (to sell-out)', rate(saleLoad.seats_held, toSellOut), saleOk),
        bound: `at most ~${fmt(rate(saleLoad.seats_held, STAGGER_MS / 1000))}/s: ${fmt(saleLoad.seats_held)} seats, customers arriving over ${STAGGER_MS / 1000} s`,
      },
      ...steadyRuns.flatMap((s) => [
        target(`steady (${s.mode}) holds/s`, s.holds_per_s, sound(s, s.check)),
        target(`steady (${s.mode}) seats/s`, s.seats_per_s, sound(s, s.check)),
      ]),
    ],
    server_errors: serverErrors,
  };
  const file = saveResults(result, (f) => markdown(result, f));
  log(`results: ${file}; entry appended to bench/RESULTS.md`);
  for (const t of result.targets)
    log(`target ${t.reading}: ${fmt(t.value, 1)} vs ${t.threshold === null ? 'n/a' : fmt(t.threshold, 1)} ${t.verdict}`);
  const sum = (f: (x: { load: HoldLoad; check: HoldCheck }) => number) =>
    [{ load: saleLoad, check: saleCheck }, ...steadyRuns.map((s) => ({ load: s, check: s.check }))].reduce((n, x) => n + f(x), 0);
  const oversold = sum((x) => x.check.oversold);
  const errors5xx = sum((x) => x.load.server_errors_5xx);
  const wrong = sum((x) => x.check.grants_wrong);
  const bad = [
    ...(oversold > 0 ? [`OVERSOLD: ${oversold} seats (sale and steady runs)`] : []),
    ...(errors5xx > 0 ? [`5xx: ${errors5xx} (sale and steady runs)`] : []),
    ...(wrong > 0 ? [`201s not matching the database: ${wrong}`] : []),
  ];
  const problems = [
    ...saleCheck.problems,
    ...steadyRuns.flatMap((s) => s.check.problems),
    ...sale.failures,
    ...steadyRuns.flatMap((s) => s.failures),
    ...serverErrors,
  ];
  for (const b of bad) warn(`!!! ${b}: ${problems.slice(0, 5).join(' | ')}`);
  if (bad.length > 0) process.exitCode = 1;
}

function markdown(r: HoldsResult, file: string): string {
  const f = r.flash_sale;
  const w = r.websocket;
  const b = r.pg_baseline;
  const s0 = r.steady[0];
  const lines = [
    ...entryHead(
      r,
      `- load: own clients (undici) in the bench process: flash sale ${f.customers} customers over ${f.connections} connections, ` +
        `steady ${s0.workers} workers, ${s0.warmup_s} s warm-up + ${s0.seconds} s per mode (${r.steady.map((s) => s.mode).join(', ')}); ` +
        `${w.subscribers} WebSocket viewers in a child process; ` +
        `API pool ${r.setup.db_pool_max}, Redis (own REDIS_PREFIX), LOG_LEVEL=warn; bench theater with orphan_seat_rule = false`,
    ),
    `- API cold start ${fmt(r.api.cold_start_ms)} ms; hall ${ROWS} x ${PER_ROW} (${f.seats} seats), no aisles`,
    '',
    '| holds | attempts/s | holds/s | seats/s | p50 ms | p99 ms | 409 by cause | 5xx | net errors | oversold | 201s wrong |',
    '|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|',
    `| flash sale (1 screening, ${f.customers} customers) | ${fmt(f.attempts_per_s)} | ${fmt(f.holds_per_s_to_sell_out)} | ${fmt(f.seats_per_s_to_sell_out)} | ` +
      `${fmt(f.latency_ms.p50, 1)} | ${fmt(f.latency_ms.p99, 1)} | ${causes(f.refusals_409)} | ${f.server_errors_5xx} | ${f.network_errors} | **${f.check.oversold}** | ${f.check.grants_wrong} |`,
    ...r.steady.map(
      (s) =>
        `| steady, ${s.mode === 'map' ? 'seats picked from the live map' : 'blind picks'} (${s.screenings} screenings, ${s.workers} workers) | ` +
        `${fmt(s.attempts_per_s)} | ${fmt(s.holds_per_s)} | ${fmt(s.seats_per_s)} | ` +
        `${fmt(s.latency_ms.p50, 1)} | ${fmt(s.latency_ms.p99, 1)} | ${causes(s.refusals_409)} | ${s.server_errors_5xx} | ${s.network_errors} | **${s.check.oversold}** | ${s.check.grants_wrong} |`,
    ),
    '',
    `- flash sale: ${fmt(f.holds)} holds, ${fmt(f.seats_held)} seats, ${fmt(f.attempts)} attempts in ${f.seconds.toFixed(2)} s; ` +
      `sold out ${f.time_to_sell_out_s === null ? `**never** (${f.seats_left} seats left)` : `in **${f.time_to_sell_out_s.toFixed(2)} s**`} after the first request ` +
      `(holds/s and seats/s above: over that time); 201 latency p50 ${fmt(f.latency_201_ms.p50, 1)} / p99 ${fmt(f.latency_201_ms.p99, 1)} ms; ` +
      `${fmt(f.refreshes)} seat-map refreshes; customers stopped: ${JSON.stringify(f.stopped)}`,
    `- database check: every 201 is a live active hold holding exactly its seats (${f.check.grants_checked - f.check.grants_wrong}/${f.check.grants_checked} sale` +
      r.steady.map((s) => `, ${s.check.grants_checked - s.check.grants_wrong}/${s.check.grants_checked} steady ${s.mode} last holds`).join('') +
      `); holds nobody got a 201 for: ${f.check.unacknowledged_holds + r.steady.reduce((n, s) => n + s.check.unacknowledged_holds, 0)}`,
    ...r.steady.map((s) =>
      s.cpu
        ? `- CPU in the steady ${s.mode} window (cores of ${r.machine.nproc}): machine busy ${pct(s.cpu.machine_busy)}; bench (load generator) ${s.cpu.cores_bench}, ` +
          `API ${s.cpu.cores_api}, postgres (all processes) ${s.cpu.cores_postgres_all}, redis ${s.cpu.cores_redis}, other ${s.cpu.cores_other ?? 'n/a'}` +
          (s.map_deltas === null
            ? ''
            : `; live-map deltas received ${fmt(s.map_deltas)}, gaps ${s.map_gaps}, picks with no free group ${fmt(s.nothing_free)}`)
        : `- CPU in the steady ${s.mode} window: not measured (no /proc)`,
    ),
    `- WebSocket: ${fmt(w.connected)}/${fmt(w.subscribers)} connected before the sale (${fmt(w.connect_ms)} ms), ` +
      `**${fmt(w.reached_final_version)}** reached the final version ${w.final_version}; delta latency (delta received - 201 received, ` +
      `${fmt(w.delta_latency_ms.count)} seat deliveries, incl. the API's LIVE_BATCH_MS batching) p50 **${fmt(w.delta_latency_ms.p50, 1)} ms**, ` +
      `p99 **${fmt(w.delta_latency_ms.p99, 1)} ms**; missing ${fmt(w.seat_deliveries_missing)}, version gaps ${w.version_gaps}, closes ${JSON.stringify(w.close_codes)}`,
    '',
    ...table([{ name: 'Fastify hello world (`bench/hello.ts`, autocannon)', load: r.hello_world }]),
    '',
    'error' in b
      ? `- pg-baseline: ${String(b.error)}`
      : `- pg-baseline (same run, BASELINE_SECONDS=10): pgbench -N ${fmt(Number(b.pgbench_N_tps))} TPS, -S ${fmt(Number(b.pgbench_S_tps))} TPS; ` +
        `SQL pair holds ${fmt(Number(b.sql_pair_holds_per_s))}/s; steady (${s0.mode}) holds/s / SQL pair holds/s = ${pct(ratioOf(s0.holds_per_s, Number(b.sql_pair_holds_per_s)))}`,
    ...r.targets.map(
      (t) =>
        `- target "${t.reading} >= 0.3 x pgbench -N TPS": ${fmt(t.value, 1)} vs ${t.threshold === null ? 'n/a' : fmt(t.threshold, 1)} **${t.verdict}**` +
        (t.bound ? ` (bounded by the scenario: ${t.bound})` : ''),
    ),
    `- raw: \`${file}\``,
    '',
  ];
  return lines.join('\n');
}

const causes = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, n]) => `${k} ${fmt(n)}`)
    .join(', ') || '0';

await runBenchmark(main);
