// Benchmark: the release-night flash sale (issue 17, part 4), on one API instance and on N behind
// HAProxy, PostgreSQL + Redis; same-run references.
//
//   node --import tsx bench/flash-sale.ts [--instances=1,3] [--room=off,on] [--duration=10] [--connections=100] [--warmup=2]
//
// For each instance count, on a fresh database and Redis prefix of its own:
// 1. one instance: the API as its own process (lib/api.ts), no balancer; N > 1: ops/cluster (HAProxy in
//    front of N instances and the gateway simulator). JWT secret known here: customers are inserted by
//    SQL and their tokens signed here. A theater of its own with orphan_seat_rule = false, a 20 x 25
//    hall (500 seats) and three screenings: warm-up, sale, saturation.
// 2. WARM-UP: --warmup seconds of hold attempts on the warm-up screening (JIT, pools; not recorded).
// 3. SALE: 1,000 customers, 2 adjacent seats each, first requests uniformly within 1 s, over 200
//    connections (lib/pair-sale.ts: a refused customer asks for best available or picks again, with
//    a reloaded map now and then, and stops when a fresh map has no pair left). Then the database: oversold seats (must be 0), every 201
//    a live hold holding exactly its seats, and how many adjacent free pairs are left (0: every
//    grantable pair was sold; the time to that is first request -> last 201).
// 4. SATURATION: --connections workers POST random pairs of the saturation screening as fast as they
//    are answered, --duration seconds: decisions per second (201, 409, 422).
// 5. everything stopped, the database dropped, the Redis keys deleted.
// With --room=on (by default both), each instance count runs again with the waiting room engaged
// past ROOM.engage attempts/s and letting ROOM.admit customers/s through: the sale only (the
// saturation run measures the hold path itself, which the room does not change); its customers
// queue as the web app does (lib/pair-sale.ts). Per customer: the time from its first request to its
// last answer, and how many requests it made, beside the raw sale's.
// In both, where the CPU went (lib/cpu.ts: the load generator, the API instances, PostgreSQL, Redis).
// Then the Fastify hello world (autocannon) and pg-baseline.sh (BASELINE_SECONDS=10), each with
// nothing else running. Targets: every grantable pair held within 1.5 s of the first request; hold
// p99 < 100 ms; 0 oversold; decisions/s >= 0.5 x pgbench -N TPS (judged on the saturation run; the
// sale's own rate is bounded by its arrivals). Appends an entry to bench/RESULTS.md.
import { availableParallelism } from 'node:os';
import { startCluster } from '../ops/cluster/cluster.ts';
import { cpuSample, type CpuShare, cpuShare } from './lib/cpu.ts';
import { LOAD_LIMITS, startApi } from './lib/api.ts';
import { fmt, log, pct, ratioOf, warn } from './lib/common.ts';
import { createCustomers, newJwtSecret } from './lib/customers.ts';
import { createDatabase, dropDatabase, query, serverVersion } from './lib/database.ts';
import { seatRows } from './lib/hall.ts';
import { checkHolds, type HoldCheck } from './lib/hold-checks.ts';
import { nowMs, pool } from './lib/http.ts';
import { describe, machine } from './lib/machine.ts';
import { parseOptions } from './lib/options.ts';
import { type Attempt, runPairSale, runSaturation } from './lib/pair-sale.ts';
import { stop } from './lib/processes.ts';
import { deleteKeys, REDIS_URL, redisVersion, runPrefix } from './lib/redis.ts';
import { type Baseline, helloWorld, pgBaseline } from './lib/references.ts';
import { entryHead, type RunInfo, runInfo, saveResults } from './lib/report.ts';
import { onCleanup, runBenchmark } from './lib/run.ts';
import { countBy, type HoldAttempt, holdLoad, latency, type Latency, rate } from './lib/stats.ts';
import { createVenue } from './lib/venue.ts';

const INSTANCES_ARG = /^--instances=\d+(,\d+)*$/;
const ROOM_ARG = /^--room=(off|on)(,(off|on))?$/;
const opts = parseOptions('flash-sale', undefined, {
  pattern: new RegExp(`${INSTANCES_ARG.source}|${ROOM_ARG.source}`),
  usage: '[--instances=1,3] [--room=off,on]',
});
const instanceCounts = (process.argv.find((a) => INSTANCES_ARG.test(a))?.split('=')[1] ?? '1,3').split(',').map(Number);
const roomModes = (process.argv.find((a) => ROOM_ARG.test(a))?.split('=')[1] ?? 'off,on').split(',').map((m) => m === 'on');
/** The waiting room of the --room=on runs (the API's WAITING_ROOM_* settings). */
const ROOM = { engage: 200, admit: 250 };
const ROWS = 20;
const PER_ROW = 25;
const CUSTOMERS = 1_000;
const SALE_CONNECTIONS = 200;
const STAGGER_MS = 1_000;
const SALE_LIMIT_MS = 30_000;
const TARGETS = { sell_through_s: 1.5, p99_ms: 100, share_of_pgbench_n: 0.5 };

/** The API env a hold benchmark needs on every instance (lib/api.ts lifts the same limits for one). */
const LIMITS = { LOG_LEVEL: 'warn', ...LOAD_LIMITS };

interface Split {
  count: number;
  latency_ms: Latency;
}

interface RunFigures {
  instances: number;
  room: boolean;
  front: string;
  cold_start_ms: number;
  sale: ReturnType<typeof holdLoad> & {
    decisions_per_s: number;
    by_via: Record<string, number>;
    grants: Split;
    refusals_fast_path: Split;
    refusals_postgres: Split;
    best_available: Split;
    map_reads: Split;
    room_polls: Split;
    waiting_room_429: number;
    /** first request -> last answer per customer, by whether it ended with seats */
    customers: { held: Split; not_held: Split; requests_per_customer: number; in_arrival_order: number };
    pairs_left: number;
    free_seats_left: number;
    sell_through_s: number | null;
    stopped: Record<string, number>;
    failures: string[];
    check: HoldCheck;
    /** where the CPU went from the first arrival to the last answer */
    cpu: CpuShare | null;
  };
  saturation:
    | null
    | (ReturnType<typeof holdLoad> & {
        workers: number;
        decisions_per_s: number;
        grants: Split;
        refusals_fast_path: Split;
        refusals_postgres: Split;
        failures: string[];
        check: { oversold: number };
        cpu: CpuShare | null;
      });
}

interface FlashResult extends RunInfo {
  runs: RunFigures[];
  hello_world: { req_per_s: number; p99_ms: number };
  pg_baseline: Baseline;
  targets: { instances: number; room: boolean; reading: string; value: number | null; threshold: number | null; verdict: 'PASS' | 'MISS' }[];
}

const split = (xs: HoldAttempt[]): Split => ({ count: xs.length, latency_ms: latency(xs.map((a) => a.doneAt - a.sentAt)) });
/** Of the customers who got seats, the share that were among the first as many to arrive (1: strictly first come, first served). */
function inArrivalOrder(customers: { first: number; outcome: string }[]): number {
  const winners = customers.filter((c) => c.outcome === 'held').length;
  const firstArrivals = [...customers].sort((a, b) => a.first - b.first).slice(0, winners);
  return winners === 0 ? 0 : Math.round((firstArrivals.filter((c) => c.outcome === 'held').length / winners) * 1000) / 1000;
}
const spread = (ms: number[]): Split => ({ count: ms.length, latency_ms: latency(ms) });
const isDecision = (a: HoldAttempt) => a.status === 201 || a.status === 409 || a.status === 422;
const postgresRefusal = (a: HoldAttempt) => a.code === 'seat_unavailable' && a.cause !== 'fast_path';

async function oversold(dbUrl: string, screeningId: number): Promise<number> {
  const { rows } = await query<{ n: string }>(
    `SELECT count(*) AS n FROM (SELECT seat_id FROM holds, unnest(seat_ids) seat_id
      WHERE screening_id = $1 AND status = 'active' AND reserved_until > now() GROUP BY seat_id HAVING count(*) > 1) x`,
    [screeningId],
    dbUrl,
  );
  return Number(rows[0].n);
}

/** Free seats of the screening, by the database, and the adjacent pairs among them. */
async function leftOver(dbUrl: string, screeningId: number, rows: number[][]) {
  const { rows: free } = await query<{ seat_id: number }>(
    `SELECT seat_id FROM screening_seats WHERE screening_id = $1
        AND (status = 'available' OR (status = 'held' AND held_until <= now()))`,
    [screeningId],
    dbUrl,
  );
  const ids = new Set(free.map((r) => r.seat_id));
  let pairs = 0;
  for (const row of rows) for (let x = 0; x + 1 < row.length; x++) if (ids.has(row[x]) && ids.has(row[x + 1])) pairs++;
  return { free: ids.size, pairs };
}

function logCpu(what: string, c: CpuShare | null) {
  if (!c) return;
  log(
    `${what}: CPU over ${c.seconds} s, machine busy ${pct(c.machine_busy)}; cores: load generator ${c.cores_bench}, API ${c.cores_api}, ` +
      `PostgreSQL ${c.cores_postgres_all}, Redis ${c.cores_redis}, other ${c.cores_other ?? 'n/a'}`,
  );
}

async function runOnce(n: number, room: boolean): Promise<RunFigures> {
  const db = await createDatabase(`flash${n}`);
  const prefix = runPrefix(`flash${n}`);
  onCleanup(() => deleteKeys(prefix));
  const secret = newJwtSecret();
  const roomEnv: Record<string, string> = room
    ? { WAITING_ROOM_ENGAGE_PER_S: String(ROOM.engage), WAITING_ROOM_ADMIT_PER_S: String(ROOM.admit) }
    : { WAITING_ROOM_ENGAGE_PER_S: '0' };
  let base: string;
  let coldStartMs: number;
  let front: string;
  let close: () => Promise<unknown>;
  let apiPids: () => (number | undefined)[];
  if (n === 1) {
    const t0 = nowMs();
    const api = await startApi(db.url, { ...LIMITS, ...roomEnv, JWT_SECRET: secret, REDIS_URL, REDIS_PREFIX: prefix });
    ({ base } = api);
    coldStartMs = Math.round(nowMs() - t0);
    front = 'one API process, no balancer';
    close = () => stop(api.child);
    apiPids = () => [api.child.proc.pid];
  } else {
    const t0 = nowMs();
    log(`starting the cluster: HAProxy + ${n} instances + gateway (ops/cluster/cluster.ts)`);
    const cluster = await startCluster({
      instances: n,
      databaseUrl: db.url,
      redisUrl: REDIS_URL,
      redisPrefix: prefix,
      env: { ...LIMITS, ...roomEnv, JWT_SECRET: secret },
    });
    onCleanup(() => cluster.close());
    base = cluster.url;
    coldStartMs = Math.round(nowMs() - t0);
    front = `HAProxy (leastconn) in front of ${n} instances`;
    close = () => cluster.close();
    apiPids = () => cluster.instances.map((i) => i.child.pid);
  }
  if (room) front += `, waiting room (engages past ${ROOM.engage} attempts/s, lets ${ROOM.admit} customers/s through)`;
  log(`${front} at ${base}, up in ${coldStartMs} ms`);
  try {
    const { screenings } = await createVenue(base, db.url, secret, { name: `Flash ${n}`, rows: ROWS, perRow: PER_ROW, count: 3 });
    const [warmId, saleId, satId] = screenings;
    const { rows } = await seatRows(base, saleId);
    const customers = await createCustomers(db.url, CUSTOMERS + opts.connections, secret);
    const tokens = customers.map((c) => c.token);
    const workerTokens = tokens.slice(CUSTOMERS);

    if (opts.warmup > 0) {
      const agent = pool(opts.connections);
      log(`warm-up: ${opts.connections} workers, ${opts.warmup} s on screening ${warmId}`);
      await runSaturation({ base, screeningId: warmId, rows, tokens: workerTokens, agent, warmupMs: 0, durationMs: opts.warmup * 1000 });
      await agent.close();
    }

    const saleAgent = pool(SALE_CONNECTIONS);
    log(
      `sale: ${CUSTOMERS} customers x 2 adjacent seats, arriving within ${STAGGER_MS} ms, ${SALE_CONNECTIONS} connections, ${ROWS * PER_ROW} seats`,
    );
    const saleCpuFrom = cpuSample(apiPids());
    const sale = await runPairSale({
      base,
      screeningId: saleId,
      rows,
      tokens: tokens.slice(0, CUSTOMERS),
      agent: saleAgent,
      staggerMs: STAGGER_MS,
      limitMs: SALE_LIMIT_MS,
      refreshEvery: 3,
    });
    const saleCpuTo = cpuSample(apiPids());
    await saleAgent.close();
    const first = sale.attempts.reduce((t, a) => Math.min(t, a.sentAt), Infinity);
    const last = sale.attempts.reduce((t, a) => Math.max(t, a.doneAt), 0);
    const lastGrant = sale.grants.reduce((t, g) => Math.max(t, g.at), first);
    const saleLoad = holdLoad(sale.attempts, (last - first) / 1000);
    const check = await checkHolds(db.url, [saleId], sale.grants);
    const left = await leftOver(db.url, saleId, rows);
    const decisions = sale.attempts.filter(isDecision);
    const saleFigures: RunFigures['sale'] = {
      ...saleLoad,
      decisions_per_s: rate(decisions.length, (last - first) / 1000),
      by_via: countBy(sale.attempts, (a: Attempt) => a.via),
      grants: split(sale.attempts.filter((a) => a.status === 201)),
      refusals_fast_path: split(sale.attempts.filter((a) => a.cause === 'fast_path')),
      refusals_postgres: split(sale.attempts.filter(postgresRefusal)),
      best_available: split(sale.attempts.filter((a) => a.via === 'best_available')),
      map_reads: { count: sale.mapMs.length, latency_ms: latency(sale.mapMs) },
      room_polls: { count: sale.roomMs.length, latency_ms: latency(sale.roomMs) },
      waiting_room_429: sale.attempts.filter((a) => a.code === 'waiting_room').length,
      customers: {
        held: spread(sale.customers.filter((x) => x.outcome === 'held').map((x) => x.ms)),
        not_held: spread(sale.customers.filter((x) => x.outcome !== 'held').map((x) => x.ms)),
        requests_per_customer: Math.round((sale.customers.reduce((t, x) => t + x.requests, 0) / Math.max(1, sale.customers.length)) * 100) / 100,
        in_arrival_order: inArrivalOrder(sale.customers),
      },
      pairs_left: left.pairs,
      free_seats_left: left.free,
      sell_through_s: left.pairs === 0 ? Math.round(lastGrant - first) / 1000 : null,
      stopped: sale.stopped,
      failures: sale.failures,
      check,
      cpu: cpuShare(saleCpuFrom, saleCpuTo, availableParallelism()),
    };
    log(
      `sale (${n}${room ? ', room' : ''}): ${saleLoad.holds} holds of ${saleLoad.attempts} requests; every pair sold ${saleFigures.sell_through_s === null ? `NOT (${left.pairs} pairs left)` : `in ${saleFigures.sell_through_s} s`}; ` +
        `p50 ${saleLoad.latency_ms.p50} p95 ${saleLoad.latency_ms.p95} p99 ${saleLoad.latency_ms.p99} ms; 409s ${JSON.stringify(saleLoad.refusals_409)}; ` +
        `5xx ${saleLoad.server_errors_5xx}; oversold ${check.oversold}; wrong 201s ${check.grants_wrong}; ` +
        `customers' last answer p50/p99 held ${saleFigures.customers.held.latency_ms.p50}/${saleFigures.customers.held.latency_ms.p99} ms, ` +
        `not held ${saleFigures.customers.not_held.latency_ms.p50}/${saleFigures.customers.not_held.latency_ms.p99} ms; ` +
        `${saleFigures.customers.requests_per_customer} requests per customer; ${pct(saleFigures.customers.in_arrival_order)} of winners among the first arrivals; stopped ${JSON.stringify(sale.stopped)}`,
    );
    logCpu(`sale (${n}${room ? ', room' : ''})`, saleFigures.cpu);
    if (room) {
      return { instances: n, room, front, cold_start_ms: coldStartMs, sale: saleFigures, saturation: null };
    }

    const satAgent = pool(opts.connections);
    log(`saturation (${n}): ${opts.connections} workers as fast as answered, ${opts.duration} s on screening ${satId}`);
    const satCpuFrom = cpuSample(apiPids());
    const sat = await runSaturation({
      base,
      screeningId: satId,
      rows,
      tokens: workerTokens,
      agent: satAgent,
      warmupMs: 0,
      durationMs: opts.duration * 1000,
    });
    const satCpuTo = cpuSample(apiPids());
    await satAgent.close();
    const satLoad = holdLoad(sat.attempts, opts.duration);
    const satFigures: RunFigures['saturation'] = {
      ...satLoad,
      workers: workerTokens.length,
      decisions_per_s: rate(sat.attempts.filter(isDecision).length, opts.duration),
      grants: split(sat.attempts.filter((a) => a.status === 201)),
      refusals_fast_path: split(sat.attempts.filter((a) => a.cause === 'fast_path')),
      refusals_postgres: split(sat.attempts.filter(postgresRefusal)),
      failures: sat.failures,
      check: { oversold: await oversold(db.url, satId) },
      cpu: cpuShare(satCpuFrom, satCpuTo, availableParallelism()),
    };
    log(
      `saturation (${n}): ${fmt(satFigures.decisions_per_s)} decisions/s (${fmt(satLoad.holds_per_s)} grants/s); p50 ${satLoad.latency_ms.p50} p99 ${satLoad.latency_ms.p99} ms; ` +
        `409s ${JSON.stringify(satLoad.refusals_409)}; 5xx ${satLoad.server_errors_5xx}; oversold ${satFigures.check.oversold}`,
    );
    logCpu(`saturation (${n})`, satFigures.cpu);
    return { instances: n, room, front, cold_start_ms: coldStartMs, sale: saleFigures, saturation: satFigures };
  } finally {
    await close();
    await dropDatabase(db.name);
    await deleteKeys(prefix);
  }
}

async function main() {
  const when = new Date();
  const box = machine(await serverVersion());
  log(`machine: ${describe(box)}; Redis ${await redisVersion()} at ${REDIS_URL}; instance counts ${instanceCounts.join(', ')}`);
  const runs: RunFigures[] = [];
  for (const n of instanceCounts) for (const room of roomModes) runs.push(await runOnce(n, room));

  // ---- references, each with nothing else running
  const hello = await helloWorld(opts);
  const baseline = await pgBaseline({ BASELINE_SECONDS: '10' });
  const nTps = 'error' in baseline ? null : Number(baseline.pgbench_N_tps);
  const decisionsFloor = nTps === null ? null : TARGETS.share_of_pgbench_n * nTps;

  const targets: FlashResult['targets'] = [];
  for (const r of runs) {
    const clean = r.sale.server_errors_5xx === 0 && r.sale.network_errors === 0 && r.sale.check.grants_wrong === 0;
    const judge = (reading: string, value: number | null, threshold: number | null, ok: boolean) =>
      targets.push({ instances: r.instances, room: r.room, reading, value, threshold, verdict: clean && ok ? 'PASS' : 'MISS' });
    judge(
      'every grantable pair held (s after the first request)',
      r.sale.sell_through_s,
      TARGETS.sell_through_s,
      (r.sale.sell_through_s ?? Infinity) <= TARGETS.sell_through_s,
    );
    judge('hold request p99 in the sale (ms)', r.sale.latency_ms.p99, TARGETS.p99_ms, r.sale.latency_ms.p99 < TARGETS.p99_ms);
    const over = r.sale.check.oversold + (r.saturation?.check.oversold ?? 0);
    judge(r.saturation ? 'oversold seats (sale + saturation)' : 'oversold seats', over, 0, over === 0);
    if (r.saturation) {
      judge(
        'saturation decisions/s',
        r.saturation.decisions_per_s,
        decisionsFloor,
        decisionsFloor !== null && r.saturation.decisions_per_s >= decisionsFloor,
      );
    }
  }

  const result: FlashResult = {
    ...runInfo('flash-sale', when, box, opts, {
      kv: `Redis ${REDIS_URL}, a key prefix of its own per run (deleted at the end)`,
      load_generator: 'own clients on undici Agents in the bench process; same machine, loopback',
      connections: `${SALE_CONNECTIONS} (sale), ${opts.connections} workers = connections (warm-up, saturation)`,
      theater: 'a theater of its own with orphan_seat_rule = false',
      hall: `${ROWS} rows x ${PER_ROW} regular seats, no aisles (admin API)`,
      customers: `${CUSTOMERS}, 2 adjacent seats each, first requests within ${STAGGER_MS} ms, Idempotency-Key per request`,
      instance_counts: instanceCounts,
      waiting_room: roomModes.includes(true)
        ? `runs with the room: WAITING_ROOM_ENGAGE_PER_S=${ROOM.engage}, WAITING_ROOM_ADMIT_PER_S=${ROOM.admit}`
        : 'off',
    }),
    runs,
    hello_world: { req_per_s: hello.load.req_per_s_mean, p99_ms: hello.load.latency_ms.p99 },
    pg_baseline: baseline,
    targets,
  };
  const file = saveResults(result, (path) => entry(result, path));
  log(`results: ${file} (+ bench/RESULTS.md)`);
  for (const t of targets)
    log(`${t.verdict} [${t.instances}${t.room ? ', room' : ''}] ${t.reading}: ${t.value ?? 'n/a'} (target ${t.threshold ?? 'n/a'})`);
  if (runs.some((r) => r.sale.check.oversold + (r.saturation?.check.oversold ?? 0) > 0 || r.sale.check.grants_wrong > 0)) {
    warn('OVERSOLD or a wrong 201: see the results file');
    process.exitCode = 1;
  }
}

function entry(r: FlashResult, path: string): string {
  const b = r.pg_baseline;
  const nTps = 'error' in b ? null : Number(b.pgbench_N_tps);
  const ms = (s: Split) => (s.count === 0 ? '-' : `${s.latency_ms.p50} / ${s.latency_ms.p99}`);
  const lines = [
    ...entryHead(
      r,
      `- load: ${CUSTOMERS} customers x 2 adjacent seats arriving uniformly within 1 s over ${SALE_CONNECTIONS} connections (after a refusal half ask best available, half pick again, reloading the map every 3 refusals; Idempotency-Key per request); then ${opts.connections} saturation workers for ${r.setup.duration_s} s; ${r.setup.warmup_s} s warm-up on a screening of its own, loopback`,
    ),
    `- same run, nothing else running: pgbench -N ${'error' in b ? `(failed: ${b.error})` : `${fmt(Number(b.pgbench_N_tps))} TPS, pgbench -S ${fmt(Number(b.pgbench_S_tps))} TPS, SQL hold attempts ${fmt(Number(b.sql_hold_attempts_per_s))}/s`}; Fastify hello world ${fmt(r.hello_world.req_per_s)} req/s`,
    `- hall 20 x 25 = 500 seats, orphan_seat_rule off; PostgreSQL + Redis; a fresh database and Redis prefix per instance count and room mode`,
    '',
    '| instances | waiting room | every pair held after | hold p50 / p95 / p99 ms | 201 / 409 Redis / 409 PostgreSQL / none left / 429 waiting_room | 201 p50 / p99 ms | 409 Redis p50 / p99 ms | 409 PostgreSQL p50 / p99 ms | room polls (p99 ms) | sale decisions/s | oversold | 5xx |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.runs.map((x) => {
      const s = x.sale;
      return `| ${x.instances} | ${x.room ? 'on' : 'off'} | ${s.sell_through_s === null ? `not all (${s.pairs_left} pairs left)` : `${s.sell_through_s} s`} | ${s.latency_ms.p50} / ${s.latency_ms.p95} / ${s.latency_ms.p99} | ${s.grants.count} / ${s.refusals_fast_path.count} / ${s.refusals_postgres.count} / ${s.refusals_409.not_enough_adjacent_seats ?? 0} / ${s.waiting_room_429} | ${ms(s.grants)} | ${ms(s.refusals_fast_path)} | ${ms(s.refusals_postgres)} | ${s.room_polls.count ? `${s.room_polls.count} (${s.room_polls.latency_ms.p99})` : '-'} | ${fmt(s.decisions_per_s)} | ${s.check.oversold} | ${s.server_errors_5xx} |`;
    }),
    '',
    'Per customer, first request to last answer (a hold, or the news that nothing is left: a sold_out from the room, or a fresh map with no pair):',
    '',
    '| instances | waiting room | customers with seats | their p50 / p99 ms | customers without | their p50 / p99 ms | requests per customer | winners among the first as many to arrive |',
    '|---:|---|---:|---:|---:|---:|---:|---:|',
    ...r.runs.map((x) => {
      const c = x.sale.customers;
      return `| ${x.instances} | ${x.room ? 'on' : 'off'} | ${c.held.count} | ${ms(c.held)} | ${c.not_held.count} | ${ms(c.not_held)} | ${c.requests_per_customer} | ${pct(c.in_arrival_order)} |`;
    }),
    '',
    '| instances | saturation decisions/s | / pgbench -N | grants/s | p50 / p99 ms | 409 Redis p50 ms | 409 PostgreSQL p50 ms | 201 p50 ms | oversold |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.runs.flatMap((x) => {
      const s = x.saturation;
      if (!s) return [];
      const share = nTps === null ? null : ratioOf(s.decisions_per_s, nTps);
      return `| ${x.instances} | ${fmt(s.decisions_per_s)} | ${pct(share)} | ${fmt(s.holds_per_s)} | ${s.latency_ms.p50} / ${s.latency_ms.p99} | ${s.refusals_fast_path.latency_ms.p50} | ${s.refusals_postgres.count ? s.refusals_postgres.latency_ms.p50 : '-'} | ${s.grants.latency_ms.p50} | ${s.check.oversold} |`;
    }),
    '',
    `Where the CPU went (cores used on average, of ${r.machine.nproc}; PostgreSQL and Redis by process name, the whole machine's; other: HAProxy, the gateway, the rest):`,
    '',
    '| instances | waiting room | window | machine busy | load generator | API (all instances) | PostgreSQL | Redis | other |',
    '|---:|---|---|---:|---:|---:|---:|---:|---:|',
    ...r.runs.flatMap((x) =>
      (
        [
          ['sale', x.sale.cpu],
          ['saturation', x.saturation?.cpu ?? null],
        ] as const
      ).flatMap(([window, c]) =>
        c
          ? [
              `| ${x.instances} | ${x.room ? 'on' : 'off'} | ${window} (${c.seconds} s) | ${pct(c.machine_busy)} | ${c.cores_bench} | ${c.cores_api} | ${c.cores_postgres_all} | ${c.cores_redis} | ${c.cores_other ?? 'n/a'} |`,
            ]
          : [],
      ),
    ),
    '',
    '| instances | waiting room | target | value | threshold | verdict |',
    '|---:|---|---|---:|---:|---|',
    ...r.targets.map(
      (t) =>
        `| ${t.instances} | ${t.room ? 'on' : 'off'} | ${t.reading} | ${t.value ?? 'n/a'} | ${t.threshold === null ? 'n/a' : fmt(t.threshold, t.threshold > 0 && t.threshold < 10 ? 1 : 0)} | ${t.verdict} |`,
    ),
    '',
    `Raw numbers: \`${path}\``,
    '',
  ];
  return lines.join('\n');
}

void runBenchmark(main);
