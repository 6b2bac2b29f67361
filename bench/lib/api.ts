// The API under test, as its own process on a benchmark database: `node --import tsx src/server.ts`
// with LOG_LEVEL=warn, a high AUTH_RATE_LIMIT, the in-process KV and a fresh JWT secret (unless the
// benchmark passes its own JWT_SECRET, or a REDIS_URL for Redis, in `extra`).
import { randomBytes } from 'node:crypto';
import { HOST, log } from './common.ts';
import { type Child, freePort, start, waitFor200 } from './processes.ts';

export interface Api {
  child: Child;
  /** http://127.0.0.1:<port> */
  base: string;
  /** spawn -> first 200 from /readyz */
  coldStartMs: number;
}

/**
 * The limits a load generator needs lifted, on every API process a benchmark starts (one here, or
 * a cluster's instances): they still run on every request, where their cost is measured, but never
 * refuse. One load generator is one client from one address with a few hundred accounts.
 */
export const LOAD_LIMITS = {
  AUTH_RATE_LIMIT: '1000000',
  RATE_LIMIT_MAX: '1000000000',
  REGISTRATIONS_PER_HOUR: '1000000000',
  HOLD_MAX_SEATS_PER_ACCOUNT: '1000000',
  MAX_SEATS_PER_CUSTOMER_PER_SCREENING: '1000000',
  HOLD_RATE_PER_ACCOUNT: '100000000',
  HOLD_RATE_PER_ADDRESS: '100000000',
};

/**
 * Starts the API on databaseUrl (extra env on top, e.g. READ_CACHE) and waits until /readyz is 200;
 * `cwd`: another checkout of the project to run instead of this one (before/after runs).
 */
export async function startApi(databaseUrl: string, extra: NodeJS.ProcessEnv = {}, cwd?: string): Promise<Api> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    JWT_SECRET: randomBytes(24).toString('hex'),
    LOG_LEVEL: 'warn',
    HOST,
    PORT: String(port),
    ...LOAD_LIMITS,
    DATA_DIR: ':memory:',
    ...extra,
  };
  // in-process KV unless the benchmark asks for Redis: the benchmarks measure the HTTP + PostgreSQL path
  if (extra.REDIS_URL === undefined) delete env.REDIS_URL;
  const extras = Object.entries(extra).map(([k, v]) => `${k}=${k === 'JWT_SECRET' ? '<secret>' : v}`);
  log(`starting the API (${[...extras, 'node --import tsx src/server.ts'].join(' ')})`);
  const base = `http://${HOST}:${port}`;
  const t0 = performance.now();
  // BENCH_API_NODE_ARGS: extra node flags for the API only, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = start('api', [...nodeArgs, '--import', 'tsx', 'src/server.ts'], env, undefined, false, cwd);
  const coldStartMs = Math.round(await waitFor200(`${base}/readyz`, child, t0));
  return { child, base, coldStartMs };
}

/** Logs in (demo accounts: password "password") and returns the Authorization header. */
export async function login(base: string, email: string, password = 'password'): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  const body = (await res.json()) as { data?: { token?: string } };
  const token = body.data?.token;
  if (res.status !== 200 || !token) throw new Error(`login failed: ${res.status} ${JSON.stringify(body)}`);
  return { authorization: `Bearer ${token}` };
}
