// Results: the raw JSON in bench/results/<UTC time>-<name>.json and an entry appended to RESULTS.md.
// The pieces of an entry every benchmark shares (heading, machine, code, command, load, table rows).
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fmt, ROOT } from './common.ts';
import type { Summary } from './load.ts';
import { type CodeVersion, codeVersion, type Machine } from './machine.ts';
import type { BenchOptions } from './options.ts';
import type { Baseline } from './references.ts';

const RESULTS_DIR = join(ROOT, 'bench', 'results');
const RESULTS_MD = join(ROOT, 'bench', 'RESULTS.md');

/** The fields at the top of every results file. */
export interface RunInfo {
  benchmark: string;
  date: string;
  command: string;
  machine: Machine;
  code: CodeVersion;
  setup: ReturnType<typeof apiSetup>;
}

/** The head of a results file: which benchmark, when, on what, from which code, how it ran. */
export function runInfo(benchmark: string, when: Date, machine: Machine, opts: BenchOptions, setupExtra: Record<string, unknown> = {}): RunInfo {
  return { benchmark, date: when.toISOString(), command: opts.command, machine, code: codeVersion(), setup: apiSetup(opts, setupExtra) };
}

/** How the API was run and loaded (the results' `setup`); `extra` adds benchmark-specific fields. */
export function apiSetup(opts: BenchOptions, extra: Record<string, unknown> = {}) {
  return {
    api: 'node --import tsx src/server.ts',
    database: 'fresh PostgreSQL database, migrations + demo data applied by the API at start',
    kv: 'in-process (no REDIS_URL)',
    db_pool_max: Number(process.env.DB_POOL_MAX ?? 10),
    log_level: 'warn',
    load_generator: 'autocannon (programmatic) in the bench process, same machine, loopback',
    connections: opts.connections,
    warmup_s: opts.warmup,
    duration_s: opts.duration,
    ...extra,
  };
}

/** Writes the JSON file and appends entry(its path) to RESULTS.md; returns the path, relative to the root. */
export function saveResults(result: RunInfo, entry: (file: string) => string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = result.date.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const file = join(RESULTS_DIR, `${stamp}-${result.benchmark}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  if (!existsSync(RESULTS_MD)) {
    writeFileSync(RESULTS_MD, '# Benchmark results\n\nOne entry per run, newest last. How to run and read them: bench/README.md.\n');
  }
  appendFileSync(RESULTS_MD, entry(relative(ROOT, file)));
  return relative(ROOT, file);
}

/** Heading, machine, code, command and load lines of an entry (`load` replaces the autocannon load line). */
export function entryHead(r: RunInfo, load?: string): string[] {
  const m = r.machine;
  const s = r.setup;
  const code = r.code.commit ? `${r.code.commit}${r.code.uncommitted_changes ? ' + uncommitted changes' : ''}` : 'no commit yet (working tree)';
  return [
    '',
    `## ${r.date.slice(0, 16).replace('T', ' ')} UTC: ${r.benchmark}`,
    '',
    `- machine: ${m.nproc} cores (nproc), ${m.mem_total_gib} GiB RAM, ${m.cpu_model}; Node ${m.node}; PostgreSQL ${m.postgres}`,
    `- code: ${code}`,
    `- command: \`${r.command}\``,
    load ??
      `- load: autocannon in the bench process, ${s.connections} connections, ${s.warmup_s} s warm-up + ${s.duration_s} s measured, loopback; API pool ${s.db_pool_max}, in-process KV, LOG_LEVEL=warn`,
  ];
}

export interface Row {
  name: string;
  load: Summary;
  /** response body size, bytes: adds a column when any row has it */
  bytes?: number;
}

/** The table of load results: req/s, p50/p99, non-2xx, errors (and response bytes). */
export function table(rows: Row[]): string[] {
  const bytes = rows.some((r) => r.bytes !== undefined);
  const row = ({ name, load: s, bytes: b }: Row) =>
    `| ${name} | ${fmt(s.req_per_s_mean)} | ${fmt(s.latency_ms.p50, 1)} | ${fmt(s.latency_ms.p99, 1)} | ${s.non_2xx} | ${s.errors} |` +
    (bytes ? ` ${b === undefined ? '' : fmt(b)} |` : '');
  return [
    `| target | req/s (mean) | p50 ms | p99 ms | non-2xx | errors |${bytes ? ' response bytes |' : ''}`,
    `|---|---:|---:|---:|---:|---:|${bytes ? '---:|' : ''}`,
    ...rows.map(row),
  ];
}

/** The pg-baseline line of an entry: its TPS and `label` req/s per pgbench -S transaction. */
export function baselineLine(b: Baseline, label: string, reqPerS: number): string {
  if ('error' in b) return `- pg-baseline: ${String(b.error)}`;
  const s = Number(b.pgbench_S_tps);
  return `- pg-baseline (same run): pgbench -S ${fmt(s)} TPS, -N ${fmt(Number(b.pgbench_N_tps))} TPS; ${label} req/s / pgbench -S TPS = ${(reqPerS / s).toFixed(2)}`;
}
