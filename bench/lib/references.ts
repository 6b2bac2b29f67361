// Same-run references: a bare Fastify hello world under the same load (the ceiling for a Node HTTP
// server on this machine, in this run), and optionally ../shared/bench/pg-baseline.sh (raw PostgreSQL).
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { HOST, log, ROOT } from './common.ts';
import { load, type Summary } from './load.ts';
import type { BenchOptions } from './options.ts';
import { exitOf, freePort, start, stop, waitFor200 } from './processes.ts';

const BASELINE = resolve(ROOT, '..', 'shared', 'bench', 'pg-baseline.sh');

export type Baseline = Record<string, unknown> | { error: string };

/** Starts bench/hello.ts in its own process, loads it like the API, stops it. */
export async function helloWorld(opts: BenchOptions): Promise<{ load: Summary; responseBytes: number }> {
  const port = await freePort();
  log('starting the hello world (node --import tsx bench/hello.ts)');
  const t0 = performance.now();
  const hello = start('hello', ['--import', 'tsx', 'bench/hello.ts', String(port)], { ...process.env, HOST });
  try {
    const url = `http://${HOST}:${port}/`;
    await waitFor200(url, hello, t0, 60_000);
    const responseBytes = (await (await fetch(url)).arrayBuffer()).byteLength;
    return { load: await load('hello', url, opts), responseBytes };
  } finally {
    await stop(hello);
  }
}

/**
 * Runs pg-baseline.sh (about a minute; `env` on top of ours, e.g. BASELINE_SECONDS=10) and parses its
 * one JSON line; failures come back as { error }.
 */
export async function pgBaseline(env: NodeJS.ProcessEnv = {}): Promise<Baseline> {
  if (!existsSync(BASELINE)) return { error: `${BASELINE} not found` };
  const extras = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  log(`baseline: ${extras}${relative(ROOT, BASELINE)} (about a minute)`);
  const child = start('pg-baseline', [BASELINE], { ...process.env, ...env }, 'bash');
  const code = await exitOf(child);
  const line = child.stdout().trim().split('\n').at(-1) ?? '';
  try {
    if (code !== 0) throw new Error(`exit ${code}`);
    return JSON.parse(line) as Record<string, unknown>;
  } catch (e) {
    return { error: `pg-baseline.sh failed (${(e as Error).message}): ${(line || child.output()).slice(0, 500)}` };
  }
}
