// Test runtime: the real app on a real database. With DATABASE_URL set (CI's second pass) each test
// file gets its own fresh PostgreSQL database on that server, dropped at the end; otherwise an
// in-memory PGlite. REDIS_URL, when set, is used with a key prefix of the file's own.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import pg from 'pg';
import { type BuildOptions, buildApp } from '../../src/app.ts';
import { type Config, loadConfig } from '../../src/config.ts';
import type { Clock } from '../../src/lib/clock.ts';
import { openRuntime, type Runtime } from '../../src/runtime.ts';
import { loginAs } from './http.ts';
import { demoImage } from './pglite-image.ts';

export const onPostgres = Boolean(process.env.DATABASE_URL);
export const onRedis = Boolean(process.env.REDIS_URL);

export interface TestApp {
  app: FastifyInstance;
  rt: Runtime;
  config: Config;
  /** PostgreSQL URL of this file's database (PostgreSQL mode only) */
  databaseUrl?: string;
  close(): Promise<void>;
}

/** Drawn per run: a fixed secret in the repository would be one more published value. */
export const TEST_SECRET = randomBytes(32).toString('hex');

/** A fresh database for this file: returns its URL and a drop function. */
export async function freshDatabase(baseUrl = process.env.DATABASE_URL as string) {
  const name = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestAppOptions {
  /** build the embedded database from scratch (migrations, seed) instead of loading the run's image */
  freshEmbedded?: boolean;
  /** join an existing database (another instance of the same deployment) instead of a fresh one */
  databaseUrl?: string;
  /** share Redis keys and channels with another instance */
  redisPrefix?: string;
  /** where the app's log lines go (tests that read the logs) */
  logStream?: DestinationStream;
  /** the built web app to serve (default web/dist) */
  webDist?: string;
  /** sees every route as it is registered */
  onRoute?: BuildOptions['onRoute'];
}

export async function startTestApp(env: Record<string, string> = {}, clock?: Clock, opts: TestAppOptions = {}): Promise<TestApp> {
  const db = onPostgres && !opts.databaseUrl ? await freshDatabase() : undefined;
  const databaseUrl = opts.databaseUrl ?? db?.url;
  const config = loadConfig({
    DATA_DIR: ':memory:',
    LOG_LEVEL: 'silent',
    AUTH_RATE_LIMIT: '100000',
    // the demo customer holds seats of many screenings in one file, from one address; the hoarding
    // limits are tested where they are set (test/security/api6-business-flows-hoarding.test.ts)
    HOLD_MAX_SEATS_PER_ACCOUNT: '100000',
    MAX_SEATS_PER_CUSTOMER_PER_SCREENING: '100000',
    HOLD_RATE_PER_ACCOUNT: '100000000',
    HOLD_RATE_PER_ADDRESS: '100000000',
    // app.inject comes from one address: the per-client limits would count a whole file as one client
    RATE_LIMIT_MAX: '100000000',
    REGISTRATIONS_PER_HOUR: '100000000',
    JWT_SECRET: TEST_SECRET,
    SWEEP_INTERVAL_MS: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl, DB_POOL_MAX: '10' } : {}),
    ...(onRedis ? { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: opts.redisPrefix ?? `test:${randomBytes(4).toString('hex')}:` } : {}),
    ...env,
  });
  // the embedded database starts from the suite run's migrated, seeded image (pglite-image.ts)
  const fromImage = !databaseUrl && config.dataDir === ':memory:' && config.SEED_DEMO && !opts.freshEmbedded;
  const rt = await openRuntime(config, clock, fromImage ? { pgliteImage: await demoImage() } : {});
  const app = await buildApp(rt, { logStream: opts.logStream, webDist: opts.webDist, onRoute: opts.onRoute });
  await app.ready();
  return {
    app,
    rt,
    config,
    databaseUrl,
    async close() {
      await app.close();
      await rt.close();
      await db?.drop();
    },
  };
}

/** A test app with the demo admin and customer signed in: the usual start of a suite. */
export async function signedInApp(env: Record<string, string> = {}) {
  const t = await startTestApp(env);
  return { t, admin: await loginAs(t.app, 'admin@cinema.com'), customer: await loginAs(t.app, 'customer@cinema.com') };
}
