// Benchmark: GET /api/v1/screenings on PostgreSQL, against a Fastify hello world in the same run.
//
//   npx tsx bench/screenings.ts [--with-baseline] [--duration=10] [--connections=100] [--warmup=2]
//
// 1. creates a fresh PostgreSQL database (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres)
// 2. starts the API as its own process (`node --import tsx src/server.ts`) on that database and times its
//    cold start: spawn -> first 200 from /readyz (includes migrations and the demo-data seed)
// 3. logs in as the demo admin and runs autocannon against GET /api/v1/screenings (default page of 20)
// 4. stops the API, starts bench/hello.ts in its own process and runs the same load against it
// 5. --with-baseline: runs ../shared/bench/pg-baseline.sh (raw PostgreSQL figures, same run)
// Writes bench/results/<UTC time>-screenings.json and appends an entry to bench/RESULTS.md.
// Loopback only, fixed durations. It kills only the processes it started and drops its database, also
// on failure or Ctrl-C.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS_DIR = join(ROOT, 'bench', 'results');
const RESULTS_MD = join(ROOT, 'bench', 'RESULTS.md');
const BASELINE = resolve(ROOT, '..', 'shared', 'bench', 'pg-baseline.sh');
const HOST = '127.0.0.1';

// ------------------------------------------------------------------ options
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const num = (name: string, def: number, min: number, max: number) => {
  const raw = argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}`);
  return n;
};
const known = /^--(with-baseline|duration=\d+|connections=\d+|warmup=\d+)$/;
const unknown = argv.filter((a) => !known.test(a));
if (unknown.length > 0) {
  process.stderr.write(`unknown argument(s): ${unknown.join(' ')}\n`);
  process.stderr.write('usage: tsx bench/screenings.ts [--with-baseline] [--duration=10] [--connections=100] [--warmup=2]\n');
  process.exit(2);
}
const opts = {
  duration: num('duration', 10, 1, 120),
  connections: num('connections', 100, 1, 1000),
  warmup: num('warmup', 2, 0, 30),
  withBaseline: flag('with-baseline') || process.env.BENCH_BASELINE === '1',
};
const ADMIN_URL = process.env.BENCH_PG_URL ?? `postgres://postgres@${HOST}:5432/postgres`;
const COMMAND = process.env.BENCH_COMMAND ?? ['npx tsx bench/screenings.ts', ...argv].join(' ');

const log = (msg: string) => process.stdout.write(`[bench] ${msg}\n`);

// ------------------------------------------------------------------ child processes (ours only)
interface Child {
  name: string;
  proc: ChildProcess;
  output: () => string;
}
const children = new Set<Child>();

function start(name: string, args: string[], env: NodeJS.ProcessEnv): Child {
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (b: Buffer) => {
    tail = (tail + b.toString()).slice(-8000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const child = { name, proc, output: () => tail };
  children.add(child);
  proc.once('exit', () => children.delete(child));
  return child;
}

const exited = (proc: ChildProcess) => proc.exitCode !== null || proc.signalCode !== null;

async function stop(child: Child): Promise<void> {
  const { proc } = child;
  if (exited(proc)) return;
  const gone = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM'); // by its pid: ChildProcess.kill signals only this process
  const timer = setTimeout(() => !exited(proc) && proc.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/** Polls url until it answers 200; returns ms since `since`. */
async function waitFor200(url: string, child: Child, since: number, limitMs = 180_000): Promise<number> {
  for (;;) {
    if (exited(child.proc)) throw new Error(`${child.name} exited (${child.proc.exitCode ?? child.proc.signalCode}):\n${child.output()}`);
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    if (res) await res.arrayBuffer().catch(() => undefined);
    if (res?.status === 200) return performance.now() - since;
    if (performance.now() - since > limitMs) throw new Error(`${url} gave no 200 within ${limitMs} ms:\n${child.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ------------------------------------------------------------------ database
let dbName: string | undefined;

async function adminQuery<R extends pg.QueryResultRow>(sql: string): Promise<pg.QueryResult<R>> {
  const c = new pg.Client({ connectionString: ADMIN_URL, application_name: 'cinema-bench' });
  await c.connect();
  try {
    return await c.query<R>(sql);
  } finally {
    await c.end();
  }
}

async function dropDb(): Promise<void> {
  if (!dbName) return;
  const name = dbName;
  dbName = undefined;
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(
    () => log(`dropped database ${name}`),
    (err: Error) => process.stderr.write(`[bench] could not drop database ${name}: ${err.message}\n`),
  );
}

// ------------------------------------------------------------------ load
interface Summary {
  url: string;
  connections: number;
  duration_s: number;
  requests_total: number;
  req_per_s_mean: number;
  req_per_s_stddev: number;
  latency_ms: { mean: number; p50: number; p90: number; p99: number; max: number };
  non_2xx: number;
  errors: number;
  timeouts: number;
  status_codes: Record<string, number>;
}

function summarize(r: Result): Summary {
  const codes: Record<string, number> = {};
  for (const [code, s] of Object.entries(r.statusCodeStats ?? {})) codes[code] = Number(s.count);
  return {
    url: r.url,
    connections: r.connections,
    duration_s: r.duration,
    requests_total: r.requests.total,
    req_per_s_mean: r.requests.average,
    req_per_s_stddev: r.requests.stddev,
    latency_ms: { mean: r.latency.average, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    status_codes: codes,
  };
}

async function load(label: string, url: string, headers: Record<string, string> = {}): Promise<Summary> {
  const base = { url, connections: opts.connections, headers, timeout: 10 };
  if (opts.warmup > 0) {
    log(`${label}: warm-up ${opts.warmup} s`);
    await autocannon({ ...base, duration: opts.warmup });
  }
  log(`${label}: ${opts.connections} connections, ${opts.duration} s`);
  const s = summarize(await autocannon({ ...base, duration: opts.duration, title: label }));
  log(
    `${label}: ${fmt(s.req_per_s_mean)} req/s, p50 ${s.latency_ms.p50} ms, p99 ${s.latency_ms.p99} ms, ` +
      `non-2xx ${s.non_2xx}, errors ${s.errors}`,
  );
  return s;
}

// ------------------------------------------------------------------ machine
function sh(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function machine(pgVersion: string) {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const meminfo = existsSync('/proc/meminfo') ? readFileSync('/proc/meminfo', 'utf8') : '';
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0);
  return {
    nproc: Number(sh('nproc', []) ?? 0),
    mem_total_gib: Math.round((memKb / 1024 / 1024) * 10) / 10,
    cpu_model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    node: process.version,
    postgres: pgVersion,
    kernel: sh('uname', ['-sr']) ?? 'unknown',
  };
}

function codeVersion() {
  const head = sh('git', ['rev-parse', '--short', 'HEAD']);
  const dirty = (sh('git', ['status', '--porcelain', '--', 'src', 'package.json', 'package-lock.json']) ?? '') !== '';
  return { commit: head ?? null, uncommitted_changes: dirty };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

// ------------------------------------------------------------------ baseline
async function runBaseline(): Promise<Record<string, unknown> | { error: string }> {
  if (!existsSync(BASELINE)) return { error: `${BASELINE} not found` };
  log(`baseline: ${relative(ROOT, BASELINE)} (about a minute)`);
  return new Promise((ok) => {
    let out = '';
    let err = '';
    const proc = spawn('bash', [BASELINE], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const child = { name: 'pg-baseline', proc, output: () => out + err };
    children.add(child);
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
    proc.once('exit', (code) => {
      children.delete(child);
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        ok(JSON.parse(line) as Record<string, unknown>);
      } catch (e) {
        ok({ error: `pg-baseline.sh failed (${(e as Error).message}): ${(line || err).slice(0, 500)}` });
      }
    });
  });
}

// ------------------------------------------------------------------ main
async function main() {
  const when = new Date();
  mkdirSync(RESULTS_DIR, { recursive: true });

  const pgVersion = (await adminQuery<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
  const box = machine(pgVersion);
  log(`machine: ${box.nproc} cores, ${box.mem_total_gib} GiB, ${box.cpu_model}, node ${box.node}, PostgreSQL ${pgVersion}`);

  dbName = `bench_screenings_${process.pid}_${randomBytes(3).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${dbName}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${dbName}`;
  log(`created database ${dbName}`);

  // ---- the API: cold start, then load
  const apiPort = await freePort();
  const apiEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    JWT_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    HOST,
    PORT: String(apiPort),
    AUTH_RATE_LIMIT: '1000000',
    DATA_DIR: ':memory:',
  };
  delete apiEnv.REDIS_URL; // in-process KV: this benchmark measures the HTTP + PostgreSQL path
  const apiBase = `http://${HOST}:${apiPort}`;
  log('starting the API (node --import tsx src/server.ts)');
  const t0 = performance.now();
  const api = start('api', ['--import', 'tsx', 'src/server.ts'], apiEnv);
  const coldStartMs = Math.round(await waitFor200(`${apiBase}/readyz`, api, t0));
  log(`API cold start: ${coldStartMs} ms (spawn -> first 200 from /readyz, incl. migrations + demo seed)`);

  const loginRes = await fetch(`${apiBase}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@cinema.com', password: 'password' }),
  });
  const loginBody = (await loginRes.json()) as { data?: { token?: string } };
  const token = loginBody.data?.token;
  if (loginRes.status !== 200 || !token) throw new Error(`login failed: ${loginRes.status} ${JSON.stringify(loginBody)}`);
  const auth = { authorization: `Bearer ${token}` };

  const listUrl = `${apiBase}/api/v1/screenings`;
  const probe = await fetch(listUrl, { headers: auth });
  const probeText = await probe.text();
  if (probe.status !== 200) throw new Error(`GET /api/v1/screenings: ${probe.status} ${probeText.slice(0, 300)}`);
  const pageItems = ((JSON.parse(probeText) as { data?: unknown[] }).data ?? []).length;
  log(`GET /api/v1/screenings: 200, ${pageItems} screenings, ${probeText.length} bytes`);

  const apiLoad = await load('api', listUrl, auth);
  await stop(api);

  // ---- hello world, same machine, same run
  const helloPort = await freePort();
  log('starting the hello world (node --import tsx bench/hello.ts)');
  const t1 = performance.now();
  const hello = start('hello', ['--import', 'tsx', 'bench/hello.ts', String(helloPort)], { ...process.env, HOST });
  await waitFor200(`http://${HOST}:${helloPort}/`, hello, t1, 60_000);
  const helloLoad = await load('hello', `http://${HOST}:${helloPort}/`);
  await stop(hello);

  await dropDb();
  const baseline = opts.withBaseline ? await runBaseline() : null;

  const ratio = helloLoad.req_per_s_mean > 0 ? apiLoad.req_per_s_mean / helloLoad.req_per_s_mean : null;
  const stamp = when.toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const file = join(RESULTS_DIR, `${stamp}-screenings.json`);
  const result = {
    benchmark: 'screenings',
    date: when.toISOString(),
    command: COMMAND,
    machine: box,
    code: codeVersion(),
    setup: {
      api: 'node --import tsx src/server.ts',
      database: 'fresh PostgreSQL database, migrations + demo data applied by the API at start',
      kv: 'in-process (no REDIS_URL)',
      db_pool_max: Number(process.env.DB_POOL_MAX ?? 10),
      log_level: 'warn',
      load_generator: 'autocannon (programmatic) in the bench process, same machine, loopback',
      connections: opts.connections,
      warmup_s: opts.warmup,
      duration_s: opts.duration,
    },
    api: {
      cold_start_ms: coldStartMs,
      endpoint: 'GET /api/v1/screenings (bearer token, default page of 20)',
      page_items: pageItems,
      response_bytes: probeText.length,
      ...apiLoad,
    },
    hello_world: { endpoint: 'GET / (Fastify, bench/hello.ts)', ...helloLoad },
    ratio_api_to_hello: ratio,
    pg_baseline: baseline,
  };
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  if (!existsSync(RESULTS_MD)) {
    writeFileSync(RESULTS_MD, '# Benchmark results\n\nOne entry per run, newest last. How to run and read them: bench/README.md.\n');
  }
  appendFileSync(RESULTS_MD, markdown(result, relative(ROOT, file)));
  log(`results: ${relative(ROOT, file)}; entry appended to bench/RESULTS.md`);
  log(
    `cold start ${coldStartMs} ms | API ${fmt(apiLoad.req_per_s_mean)} req/s p50 ${apiLoad.latency_ms.p50} p99 ${apiLoad.latency_ms.p99} ms | ` +
      `hello ${fmt(helloLoad.req_per_s_mean)} req/s p50 ${helloLoad.latency_ms.p50} p99 ${helloLoad.latency_ms.p99} ms | ` +
      `ratio ${ratio === null ? 'n/a' : `${(ratio * 100).toFixed(1)} %`}`,
  );
}

type Result_ = {
  date: string;
  command: string;
  machine: ReturnType<typeof machine>;
  code: ReturnType<typeof codeVersion>;
  setup: { connections: number; warmup_s: number; duration_s: number; db_pool_max: number };
  api: Summary & { cold_start_ms: number; page_items: number };
  hello_world: Summary;
  ratio_api_to_hello: number | null;
  pg_baseline: Record<string, unknown> | null;
};

function markdown(r: Result_, file: string): string {
  const m = r.machine;
  const row = (name: string, s: Summary) =>
    `| ${name} | ${fmt(s.req_per_s_mean)} | ${fmt(s.latency_ms.p50, 1)} | ${fmt(s.latency_ms.p99, 1)} | ${s.non_2xx} | ${s.errors} |`;
  const code = r.code.commit ? `${r.code.commit}${r.code.uncommitted_changes ? ' + uncommitted changes' : ''}` : 'no commit yet (working tree)';
  const lines = [
    '',
    `## ${r.date.slice(0, 16).replace('T', ' ')} UTC: screenings`,
    '',
    `- machine: ${m.nproc} cores (nproc), ${m.mem_total_gib} GiB RAM, ${m.cpu_model}; Node ${m.node}; PostgreSQL ${m.postgres}`,
    `- code: ${code}`,
    `- command: \`${r.command}\``,
    `- load: autocannon in the bench process, ${r.setup.connections} connections, ${r.setup.warmup_s} s warm-up + ${r.setup.duration_s} s measured, loopback; API pool ${r.setup.db_pool_max}, in-process KV, LOG_LEVEL=warn`,
    `- API cold start (spawn -> first 200 from /readyz, incl. migrations + demo seed on an empty database): **${fmt(r.api.cold_start_ms)} ms**`,
    '',
    '| target | req/s (mean) | p50 ms | p99 ms | non-2xx | errors |',
    '|---|---:|---:|---:|---:|---:|',
    row(`API \`GET /api/v1/screenings\` (${r.api.page_items} per page)`, r.api),
    row('Fastify hello world (`bench/hello.ts`)', r.hello_world),
    '',
    `- ratio API / hello world: **${r.ratio_api_to_hello === null ? 'n/a' : `${(r.ratio_api_to_hello * 100).toFixed(1)} %`}**`,
  ];
  if (r.pg_baseline) {
    const b = r.pg_baseline;
    const s = Number(b.pgbench_S_tps);
    lines.push(
      'error' in b
        ? `- pg-baseline: ${String(b.error)}`
        : `- pg-baseline (same run): pgbench -S ${fmt(s)} TPS, -N ${fmt(Number(b.pgbench_N_tps))} TPS; API req/s / pgbench -S TPS = ${(r.api.req_per_s_mean / s).toFixed(2)}`,
    );
  }
  lines.push(`- raw: \`${file}\``, '');
  return lines.join('\n');
}

// ------------------------------------------------------------------ cleanup, also on failure
async function cleanup() {
  await Promise.allSettled([...children].map(stop));
  await dropDb();
}

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    process.stderr.write(`[bench] ${sig}: stopping\n`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (err) {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
