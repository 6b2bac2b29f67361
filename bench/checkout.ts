// Benchmark: checkout + payment confirmation end to end, on PostgreSQL + Redis, with the in-process
// gateway simulator adding 50 ms to every gateway call; references in the same run.
//
//   node --import tsx bench/checkout.ts [--duration=10] [--connections=100] [--warmup=2]
//
// 1. creates a fresh database and a Redis key prefix of its own, and starts the API with REDIS_URL,
//    GATEWAY=simulator, GATEWAY_LATENCY_MS=50, a JWT secret this script knows and the outbox worker on
//    (OUTBOX_INTERVAL_MS default: every paid ticket queues its e-ticket e-mail, PDF attached, filed in
//    the local mailbox under <tmpdir>/cinema-api-<API pid>, counted and deleted at the end). DATA_DIR
//    stays ':memory:' (as every benchmark): a DATA_DIR folder would also make the simulator write its
//    whole state to gateway-state.json in the API's event loop (up to every 200 ms), a cost no real
//    gateway puts on the API. A theater of its own (orphan_seat_rule = false), a 20 x 25 hall and
//    SCREENINGS screenings in it (admin API); --connections customers (SQL, tokens signed here).
// 2. LOAD (lib/checkout-flow.ts): one worker per customer, --warmup + --duration seconds, each looping
//    hold 1-4 adjacent free seats -> checkout (fresh Idempotency-Key, card/ewallet/bank_transfer/qris)
//    -> POST /_gateway/payments/<gateway id>/approve (what the customer's bank does; the simulator then
//    sends its signed webhook to the API, which confirms the payment) -> GET /api/v1/tickets/<id>
//    every POLL_MS until 'paid'.
// 3. then: the simulator's webhook log (server-side event -> confirmed time of every capture), the
//    outbox drained (bounded), the mails counted, the database and the gateway's ledger checked
//    (lib/checkout-checks.ts), the API stopped.
// 4. the Fastify hello world (autocannon) and pg-baseline.sh (BASELINE_SECONDS=10), with nothing else
//    of ours running; and the floor the gateway latency puts on the flow (see GATEWAY_CALLS_PER_CYCLE).
// Writes bench/results/<UTC time>-checkout.json and appends an entry to bench/RESULTS.md (BENCH_NO_SAVE=1:
// prints them instead, to try the benchmark out); exits 1 on
// a 5xx, an oversold seat or a failed check. Kills only its own children (by pid), drops its database,
// deletes its Redis keys and its mailbox folder, also on failure or Ctrl-C.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApi } from './lib/api.ts';
import {
  type CheckoutCheck,
  checkCheckout,
  type LedgerCheck,
  ledgerCheck,
  outboxBacklog,
  type WebhookStats,
  webhookStats,
} from './lib/checkout-checks.ts';
import { cpuSample, type CpuSample, type CpuShare, cpuShare } from './lib/cpu.ts';
import { runCheckoutFlow } from './lib/checkout-flow.ts';
import { type PoolSample, samplePool } from './lib/checkout-pool.ts';
import { type FlowStats, flowStats } from './lib/checkout-stats.ts';
import { fmt, log, pct, ratioOf, warn } from './lib/common.ts';
import { createCustomers, newJwtSecret } from './lib/customers.ts';
import { createVenue } from './lib/venue.ts';
import { createDatabase, dropDatabase, serverVersion } from './lib/database.ts';
import { seatRows } from './lib/hall.ts';
import { call, pool } from './lib/http.ts';
import type { Summary } from './lib/load.ts';
import { describe, machine } from './lib/machine.ts';
import { parseOptions } from './lib/options.ts';
import { stop } from './lib/processes.ts';
import { deleteKeys, REDIS_URL, redisVersion, runPrefix } from './lib/redis.ts';
import { type Baseline, helloWorld, pgBaseline } from './lib/references.ts';
import { entryHead, type RunInfo, runInfo, saveResults, table } from './lib/report.ts';
import { onCleanup, runBenchmark } from './lib/run.ts';

const opts = parseOptions('checkout');
const ROWS = 20;
const PER_ROW = 25;
const SCREENINGS = 40; // 20,000 seats: far more than a run sells (the entry says how many were picked)
const MAX_GROUP = 4;
const POLL_MS = 20;
const POLL_LIMIT_MS = 10_000;
const GATEWAY_LATENCY_MS = 50;
const DRAIN_LIMIT_MS = 60_000;
// the API's outbox worker period: its default unless set in the environment (startApi passes it on)
const OUTBOX_INTERVAL_MS = Number(process.env.OUTBOX_INTERVAL_MS ?? 1000);
// Gateway calls that wait GATEWAY_LATENCY_MS in one customer cycle: only createPayment, inside POST
// .../checkout (src/modules/checkout/start-checkout.ts). The approve is a control route that calls
// sim.approve() directly (src/gateway-simulator/control-routes.ts: no portCall, so no latency), and
// the webhook is the simulator POSTing to the API, scheduled at once (webhooks.ts: schedule(d, 0));
// confirmPayment applies the event's data without asking the gateway. getPayment / cancelPayment
// (the reconciler after RECONCILE_AFTER_SECONDS = 30 s, a release) do not happen in this flow.
const GATEWAY_CALLS_PER_CYCLE = 1;

interface CheckoutResult extends RunInfo {
  load_average_start: number[];
  load_average_end: number[];
  api: { cold_start_ms: number; env: Record<string, string> };
  flow: {
    workers: number;
    screenings: number;
    seats: number;
    seats_picked: number;
    workers_out_of_seats: number;
    methods: string[];
    max_group: number;
    poll_ms: number;
    poll_limit_ms: number;
    gateway_latency_ms: number;
    warmup_s: number;
    cycles_total: number;
    failures: string[];
  };
  results: FlowStats;
  webhooks: WebhookStats;
  floor: {
    gateway_calls_per_cycle: number;
    gateway_latency_ms: number;
    /** the most cycles/s one customer can do with nothing but the gateway's latency in the way */
    ideal_per_worker_per_s: number;
    ideal_total_per_s: number;
    /** paid/s measured / ideal */
    achieved_share: number | null;
    /** had the brief's assumption held (3 gateway calls per cycle) */
    ideal_total_per_s_if_3_calls: number;
    /** workers / (paid/s): the mean time one cycle took (Little's law), ms */
    mean_cycle_ms_littles_law: number | null;
  };
  outbox: {
    interval_ms: number;
    backlog_at_end_of_load: number;
    drained: boolean;
    drain_ms_after_load: number;
    left_after_drain: number;
    dead: number;
    mails_filed: number;
    mailbox: string;
  };
  cpu: CpuShare | null;
  db_pool: PoolSample;
  check: CheckoutCheck;
  ledger: LedgerCheck;
  hello_world: Summary & { endpoint: string };
  pg_baseline: Baseline;
  server_log: { errors: string[]; warnings: Record<string, number> };
  verdict: { ok: boolean; problems: string[] };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

async function main() {
  const when = new Date();
  const loadStart = loadavg().map(round1);
  const box = machine(await serverVersion());
  log(`machine: ${describe(box)}; load average ${loadStart.join(' ')}; Redis ${await redisVersion()} at ${REDIS_URL}`);
  const db = await createDatabase('checkout');
  const prefix = runPrefix('checkout');
  onCleanup(() => deleteKeys(prefix));

  // ---- the API: PostgreSQL + Redis, the simulator in process at 50 ms, the outbox worker on
  const secret = newJwtSecret();
  const env = { JWT_SECRET: secret, REDIS_URL, REDIS_PREFIX: prefix, GATEWAY: 'simulator', GATEWAY_LATENCY_MS: String(GATEWAY_LATENCY_MS) };
  const api = await startApi(db.url, env);
  const apiPid = api.child.proc.pid as number;
  // DATA_DIR=':memory:': the API files mail under <its tmpdir>/cinema-api-<pid> (src/jobs/outbox.ts)
  const localDir = join(tmpdir(), `cinema-api-${apiPid}`);
  const mailbox = join(localDir, 'mailbox');
  onCleanup(async () => {
    if (existsSync(localDir)) rmSync(localDir, { recursive: true, force: true });
  });
  log(`API cold start: ${api.coldStartMs} ms (pid ${apiPid}); mailbox ${mailbox}`);

  const { theaterId, hallId, screenings } = await createVenue(api.base, db.url, secret, {
    name: 'Bench Checkout',
    rows: ROWS,
    perRow: PER_ROW,
    count: SCREENINGS,
  });
  const { rows } = await seatRows(api.base, screenings[0]);
  const setupAgent = pool(1);
  const pm = await call(setupAgent, `${api.base}/api/v1/payment-methods`, 'GET');
  await setupAgent.close();
  if (pm.status !== 200) throw new Error(`GET /payment-methods: ${pm.status}`);
  const methods = (pm.body.data as { code: string }[]).map((m) => m.code);
  const customers = await createCustomers(db.url, opts.connections, secret);
  log(
    `theater ${theaterId}, hall ${hallId} (${ROWS} x ${PER_ROW}), ${SCREENINGS} screenings ${screenings[0]}..${screenings.at(-1)}; ${customers.length} customers; methods ${methods.join(', ')}`,
  );

  // ---- the load
  const agent = pool(opts.connections);
  const cpu: Partial<Record<'start' | 'end', CpuSample>> = {};
  const poolSampler = samplePool(db.url);
  log(`load: ${opts.connections} workers, hold -> checkout -> approve -> poll every ${POLL_MS} ms; ${opts.warmup} s warm-up + ${opts.duration} s`);
  const raw = await runCheckoutFlow({
    base: api.base,
    screeningIds: screenings,
    rows,
    tokens: customers.map((c) => c.token),
    methods,
    agent,
    warmupMs: opts.warmup * 1000,
    durationMs: opts.duration * 1000,
    maxGroup: MAX_GROUP,
    pollMs: POLL_MS,
    pollLimitMs: POLL_LIMIT_MS,
    onWindow: (edge) => {
      cpu[edge] = cpuSample(apiPid);
      if (edge === 'start') poolSampler.start();
      else poolSampler.halt();
    },
  });
  await agent.close();
  const dbPool = await poolSampler.result();
  const backlogAtEnd = (await outboxBacklog(db.url)).waiting;
  const stats = flowStats(raw);
  log(
    `load: ${fmt(stats.checkouts_per_s, 1)} checkouts/s, ${fmt(stats.paid_per_s, 1)} paid tickets/s; checkout p50 ${stats.steps.checkout.latency_ms.p50} p99 ${stats.steps.checkout.latency_ms.p99} ms; ` +
      `approve -> paid seen p50 ${stats.approve_to_paid_seen_ms.p50} p99 ${stats.approve_to_paid_seen_ms.p99} ms; 5xx ${stats.server_errors_5xx}; outbox backlog ${backlogAtEnd}`,
  );

  // ---- after the load: webhooks settled, outbox drained, the books checked
  const webhooks = await webhookStats(api.base, raw.fromWall, raw.toWall);
  log(
    `webhooks: ${webhooks.delivered}/${webhooks.captured_events} delivered, event -> confirmed p50 ${webhooks.event_to_confirmed_ms.p50} p99 ${webhooks.event_to_confirmed_ms.p99} ms, retried ${webhooks.retried}`,
  );
  const t0 = performance.now();
  let ob = await outboxBacklog(db.url);
  while (OUTBOX_INTERVAL_MS > 0 && ob.waiting > 0 && performance.now() - t0 < DRAIN_LIMIT_MS) {
    await new Promise((r) => setTimeout(r, 250));
    ob = await outboxBacklog(db.url);
  }
  const drainMs = Math.round(performance.now() - t0);
  const mails = existsSync(mailbox) ? readdirSync(mailbox).filter((f) => f.endsWith('.json')).length : 0;
  if (OUTBOX_INTERVAL_MS === 0) log(`outbox: worker off (OUTBOX_INTERVAL_MS=0), ${ob.waiting} e-mails queued`);
  else
    log(
      `outbox: ${ob.waiting === 0 ? `drained ${drainMs} ms after the load` : `${ob.waiting} still waiting after ${drainMs} ms`}; ${mails} mails filed, ${ob.dead} dead`,
    );
  const check = await checkCheckout(db.url, screenings, raw.cycles);
  const ledger = await ledgerCheck(api.base, db.url, screenings);
  const logLines = api.child.stdout().split('\n');
  const serverErrors = logLines.filter((l) => /"level":(50|60)/.test(l)).slice(0, 5);
  const warnings: Record<string, number> = {};
  for (const l of logLines.filter((x) => /"level":40/.test(x))) {
    const msg = /"msg":"([^"]*)"/.exec(l)?.[1] ?? l.slice(0, 80);
    warnings[msg] = (warnings[msg] ?? 0) + 1;
  }
  await stop(api.child);
  const loadEnd = loadavg().map(round1);

  // ---- references, with nothing of ours running
  const hello = await helloWorld(opts);
  await dropDatabase(db.name);
  const baseline = await pgBaseline({ BASELINE_SECONDS: '10' });

  const idealPerWorker = 1000 / (GATEWAY_CALLS_PER_CYCLE * GATEWAY_LATENCY_MS);
  const ideal = idealPerWorker * opts.connections;
  const problems = [
    ...(stats.server_errors_5xx > 0 ? [`${stats.server_errors_5xx} 5xx answers`] : []),
    ...(stats.network_errors > 0 ? [`${stats.network_errors} network errors`] : []),
    ...(check.oversold > 0 ? [`OVERSOLD: ${check.oversold} seats sold twice`] : []),
    ...(check.paid_tickets_wrong_seats > 0 ? [`${check.paid_tickets_wrong_seats} paid tickets without exactly their seats sold`] : []),
    ...(check.screening_seats_unmatched + check.ticket_seats_unmatched > 0
      ? [`screening_seats / ticket_seats disagree: ${check.screening_seats_unmatched} + ${check.ticket_seats_unmatched}`]
      : []),
    ...(check.payments_captured !== check.paid_tickets ? [`captured payments ${check.payments_captured} != paid tickets ${check.paid_tickets}`] : []),
    ...(check.paid_without_one_capture + check.captures_of_unpaid_tickets > 0
      ? [
          `payments vs tickets: ${check.paid_without_one_capture} paid without one capture, ${check.captures_of_unpaid_tickets} captures of unpaid tickets`,
        ]
      : []),
    ...(check.outbox_ticket_issued !== check.paid_tickets
      ? [`outbox ticket_issued ${check.outbox_ticket_issued} != paid tickets ${check.paid_tickets}`]
      : []),
    ...(check.client_paid_wrong > 0 ? [`${check.client_paid_wrong} tickets seen paid but not so in the database`] : []),
    ...(!ledger.matches_db
      ? [
          `gateway ledger ${ledger.captured_payments} captured (${ledger.captured_total}) vs database ${check.payments_captured} (${ledger.db_captured_total})`,
        ]
      : []),
    ...(webhooks.gave_up + webhooks.not_delivered_yet > 0
      ? [`webhooks: ${webhooks.gave_up} gave up, ${webhooks.not_delivered_yet} undelivered`]
      : []),
  ];
  const result: CheckoutResult = {
    ...runInfo('checkout', when, box, opts, {
      kv: `Redis ${REDIS_URL}, REDIS_PREFIX ${prefix} (keys deleted at the end)`,
      load_generator: 'own clients on one undici Agent (as many connections as workers) in the bench process; same machine, loopback',
      connections: `${opts.connections} workers = customers = connections`,
      gateway: `GATEWAY=simulator (in the API process), GATEWAY_LATENCY_MS=${GATEWAY_LATENCY_MS}, webhooks back to the API`,
      outbox:
        OUTBOX_INTERVAL_MS > 0
          ? `OUTBOX_INTERVAL_MS ${OUTBOX_INTERVAL_MS}${process.env.OUTBOX_INTERVAL_MS ? '' : ' (default)'}: e-ticket e-mails with the PDF into the local mailbox (tmpdir, deleted at the end)`
          : 'OUTBOX_INTERVAL_MS=0: outbox worker OFF (rows queued, nothing rendered or sent)',
      data_dir: ':memory: (no gateway-state.json writes)',
      theater: 'a theater of its own with orphan_seat_rule = false',
      hall: `${ROWS} rows x ${PER_ROW} regular seats, no aisles (admin API), ${SCREENINGS} screenings`,
    }),
    load_average_start: loadStart,
    load_average_end: loadEnd,
    api: { cold_start_ms: api.coldStartMs, env: { ...env, JWT_SECRET: '<known to the bench>' } },
    flow: {
      workers: opts.connections,
      screenings: SCREENINGS,
      seats: SCREENINGS * ROWS * PER_ROW,
      seats_picked: raw.seatsPicked,
      workers_out_of_seats: raw.outOfSeats,
      methods,
      max_group: MAX_GROUP,
      poll_ms: POLL_MS,
      poll_limit_ms: POLL_LIMIT_MS,
      gateway_latency_ms: GATEWAY_LATENCY_MS,
      warmup_s: opts.warmup,
      cycles_total: raw.cycles.length,
      failures: raw.failures,
    },
    results: stats,
    webhooks,
    floor: {
      gateway_calls_per_cycle: GATEWAY_CALLS_PER_CYCLE,
      gateway_latency_ms: GATEWAY_LATENCY_MS,
      ideal_per_worker_per_s: idealPerWorker,
      ideal_total_per_s: ideal,
      achieved_share: ratioOf(stats.paid_per_s, ideal),
      ideal_total_per_s_if_3_calls: round1((opts.connections * 1000) / (3 * GATEWAY_LATENCY_MS)),
      mean_cycle_ms_littles_law: stats.paid_per_s > 0 ? Math.round((opts.connections / stats.paid_per_s) * 1000) : null,
    },
    outbox: {
      interval_ms: OUTBOX_INTERVAL_MS,
      backlog_at_end_of_load: backlogAtEnd,
      drained: ob.waiting === 0,
      drain_ms_after_load: drainMs,
      left_after_drain: ob.waiting,
      dead: ob.dead,
      mails_filed: mails,
      mailbox: '<tmpdir>/cinema-api-<API pid>/mailbox (deleted)',
    },
    cpu: cpu.start && cpu.end ? cpuShare(cpu.start, cpu.end, box.nproc) : null,
    db_pool: dbPool,
    check,
    ledger,
    hello_world: { endpoint: 'GET / (Fastify, bench/hello.ts)', ...hello.load },
    pg_baseline: baseline,
    server_log: { errors: serverErrors, warnings },
    verdict: { ok: problems.length === 0, problems },
  };
  if (process.env.BENCH_NO_SAVE === '1') {
    // trying the benchmark out: the entry on stdout, nothing written
    process.stdout.write(`${markdown(result, '(not saved: BENCH_NO_SAVE=1)')}\n${JSON.stringify(result, null, 2)}\n`);
  } else {
    const file = saveResults(result, (f) => markdown(result, f));
    log(`results: ${file}; entry appended to bench/RESULTS.md`);
  }
  for (const p of problems) warn(`!!! ${p}: ${[...check.problems, ...raw.failures, ...serverErrors].slice(0, 5).join(' | ')}`);
  if (problems.length > 0) process.exitCode = 1;
}

const codes = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([k, n]) => `${k} × ${fmt(n)}`)
    .join(', ') || '0';

function markdown(r: CheckoutResult, file: string): string {
  const s = r.results;
  const w = r.webhooks;
  const c = r.check;
  const b = r.pg_baseline;
  const fl = r.floor;
  const stepRow = (name: string, x: FlowStats['steps'][keyof FlowStats['steps']]) =>
    `| ${name} | ${fmt(x.requests)} | ${fmt(x.per_s, 1)} | ${fmt(x.latency_ms.p50, 1)} | ${fmt(x.latency_ms.p90, 1)} | ${fmt(x.latency_ms.p99, 1)} | ${fmt(x.latency_ms.max, 1)} | ${codes(x.not_ok)} |`;
  const nTps = 'error' in b ? null : Number(b.pgbench_N_tps);
  const cpu = r.cpu;
  const lines = [
    ...entryHead(
      r,
      `- load: ${r.flow.workers} customers = workers = connections (undici) in the bench process, ${r.flow.warmup_s} s warm-up + ${s.seconds} s measured; ` +
        `each loops hold 1-${r.flow.max_group} seats -> checkout (${r.flow.methods.join('/')}) -> approve at the simulator -> GET ticket every ${r.flow.poll_ms} ms until paid; ` +
        `API pool ${r.setup.db_pool_max}, Redis (own REDIS_PREFIX), GATEWAY=simulator in process with GATEWAY_LATENCY_MS=${r.flow.gateway_latency_ms}, ${r.outbox.interval_ms > 0 ? `outbox worker on (every ${r.outbox.interval_ms} ms)` : '**outbox worker OFF (OUTBOX_INTERVAL_MS=0)**'}, LOG_LEVEL=warn`,
    ),
    `- load average (1/5/15 min) at the start ${r.load_average_start.join(' / ')}, at the end of the API run ${r.load_average_end.join(' / ')}; API cold start ${fmt(r.api.cold_start_ms)} ms`,
    '',
    '| figure | value |',
    '|---|---:|',
    `| checkouts/s (201s) | **${fmt(s.checkouts_per_s, 1)}** |`,
    `| paid tickets/s end to end (hold -> paid seen) | **${fmt(s.paid_per_s, 1)}** (${fmt(s.seats_sold_per_s, 1)} seats/s) |`,
    `| checkout latency p50 / p99 | **${fmt(s.steps.checkout.latency_ms.p50, 1)} / ${fmt(s.steps.checkout.latency_ms.p99, 1)} ms** (includes the ${r.flow.gateway_latency_ms} ms gateway call) |`,
    `| approve -> paid, server side (webhook event created -> delivered: POST, signature, confirm transaction, 200) p50 / p99 | **${fmt(w.event_to_confirmed_ms.p50, 1)} / ${fmt(w.event_to_confirmed_ms.p99, 1)} ms** (${fmt(w.event_to_confirmed_ms.count)} events) |`,
    `| approve sent -> ticket seen paid by the customer (${r.flow.poll_ms} ms polls) p50 / p99 | ${fmt(s.approve_to_paid_seen_ms.p50, 1)} / ${fmt(s.approve_to_paid_seen_ms.p99, 1)} ms (polls per ticket p50 ${s.polls_per_paid.p50}, max ${s.polls_per_paid.max}) |`,
    `| whole cycle (hold sent -> paid seen) p50 / p99 | ${fmt(s.cycle_ms.p50, 1)} / ${fmt(s.cycle_ms.p99, 1)} ms |`,
    `| floor: ${fl.gateway_calls_per_cycle} gateway call x ${fl.gateway_latency_ms} ms per cycle | at most ${fmt(fl.ideal_per_worker_per_s)} cycles/s per customer, **${fmt(fl.ideal_total_per_s)}/s** for ${r.flow.workers}; measured ${pct(fl.achieved_share)} of it (mean cycle ${fmt(fl.mean_cycle_ms_littles_law ?? 0)} ms by Little's law) |`,
    `| 5xx / network errors (whole run) | **${s.server_errors_5xx}** / ${s.network_errors} |`,
    '',
    '| step (measured window) | requests | per s | p50 ms | p90 ms | p99 ms | max ms | not OK |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    stepRow('POST /screenings/:id/holds', s.steps.hold),
    stepRow('POST /holds/:id/checkout', s.steps.checkout),
    stepRow('POST /_gateway/payments/:id/approve', s.steps.approve),
    stepRow('GET /tickets/:id (poll)', s.steps.ticket),
    '',
    `- cycles (whole run) by outcome: ${codes(s.outcomes)}; seats picked ${fmt(r.flow.seats_picked)} of ${fmt(r.flow.seats)}; workers out of seats ${r.flow.workers_out_of_seats}`,
    `- webhooks (simulator log): ${fmt(w.delivered)}/${fmt(w.captured_events)} payment.captured delivered, retried ${w.retried}, gave up ${w.gave_up}${Object.keys(w.last_errors).length ? `, last errors ${codes(w.last_errors)}` : ''}`,
    `- database check: paid tickets **${fmt(c.paid_tickets)}**, every one with exactly its hold's seats sold to it: ${c.paid_tickets_wrong_seats === 0 ? 'yes' : `**no, ${c.paid_tickets_wrong_seats} wrong**`}; ` +
      `oversold **${c.oversold}**; seats sold ticket_seats ${fmt(c.seats_sold_ticket_seats)} / screening_seats ${fmt(c.seats_sold_screening_seats)} (unmatched ${c.screening_seats_unmatched} / ${c.ticket_seats_unmatched}); ` +
      `payments captured ${fmt(c.payments_captured)} (paid without exactly one capture ${c.paid_without_one_capture}, captures of unpaid tickets ${c.captures_of_unpaid_tickets}); ` +
      `outbox ticket_issued e-mails ${fmt(c.outbox_ticket_issued)}; refunds ${c.refunds}; tickets ${codes(c.tickets_by_status)}; payments ${codes(c.payments_by_status)}`,
    `- clients: ${fmt(c.client_paid)} tickets seen paid, ${c.client_paid_wrong} of them not paid with their seats in the database; paid but not seen by a client ${c.paid_not_seen_by_client}; ` +
      `gateway ledger ${fmt(r.ledger.captured_payments)} captured, ${r.ledger.captured_total} vs database ${r.ledger.db_captured_total}: ${r.ledger.matches_db ? 'match' : '**mismatch**'}`,
    r.outbox.interval_ms === 0
      ? `- outbox: worker **off** (OUTBOX_INTERVAL_MS=0): ${fmt(c.outbox_ticket_issued)} ticket_issued e-mails queued, none rendered or filed`
      : `- outbox (e-ticket e-mail with PDF, local mailbox): backlog ${fmt(r.outbox.backlog_at_end_of_load)} at the end of the load, ` +
        `${r.outbox.drained ? `drained ${fmt(r.outbox.drain_ms_after_load)} ms later` : `**${r.outbox.left_after_drain} still waiting** after ${fmt(r.outbox.drain_ms_after_load)} ms`}; ` +
        `**${fmt(r.outbox.mails_filed)} mails filed**, ${r.outbox.dead} dead`,
    cpu
      ? `- CPU in the measured window (cores of ${r.machine.nproc}): machine busy ${pct(cpu.machine_busy)}; bench (load generator) ${cpu.cores_bench}, API ${cpu.cores_api}, ` +
        `postgres (all processes) ${cpu.cores_postgres_all}, redis ${cpu.cores_redis}, other ${cpu.cores_other ?? 'n/a'}`
      : '- CPU: not sampled',
    `- API's PostgreSQL connections in the window (pg_stat_activity every 100 ms, ${r.db_pool.samples} samples): mean ${codes(r.db_pool.mean_by_state)}; ` +
      `all ${r.setup.db_pool_max} busy (none idle) in ${pct(r.db_pool.pool_all_busy_share)} of the samples; active connections waiting on ${codes(r.db_pool.active_wait_events)}`,
    `- server log: ${r.server_log.errors.length} error lines; warnings ${codes(r.server_log.warnings)}`,
    ...(r.verdict.ok ? ['- checks: all passed'] : r.verdict.problems.map((p) => `- **FAILED: ${p}**`)),
    '',
    ...table([{ name: 'Fastify hello world (`bench/hello.ts`, autocannon)', load: r.hello_world }]),
    '',
    'error' in b
      ? `- pg-baseline: ${String(b.error)}`
      : `- pg-baseline (same run, BASELINE_SECONDS=10): pgbench -N ${fmt(Number(b.pgbench_N_tps))} TPS, -S ${fmt(Number(b.pgbench_S_tps))} TPS; ` +
        `checkouts/s / pgbench -N TPS = ${pct(ratioOf(s.checkouts_per_s, nTps ?? 0))}; paid tickets/s / pgbench -N TPS = ${pct(ratioOf(s.paid_per_s, nTps ?? 0))}`,
    `- raw: \`${file}\``,
    '',
  ];
  return lines.join('\n');
}

await runBenchmark(main);
