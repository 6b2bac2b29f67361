// The API as a child process (what `npm start` runs) against a payment gateway served from the test's
// own process, so the API can be killed (SIGKILL) and restarted on the same data while the gateway and
// its books live on. Speaks plain HTTP, as any client would; the database is opened by the test only
// once the child is gone (PGlite is single-process) or beside it (PostgreSQL).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectPglite, connectPostgres, type Db } from '../../src/db/client.ts';
import { type GatewayServer, startGatewayServer } from '../../src/gateway-server.ts';
import { freePort, type Server, startServer, waitFor } from './process.ts';
import { freshDatabase, onPostgres, TEST_SECRET } from './runtime.ts';

const WEBHOOK_SECRET = 'api-process-webhook-secret-0123456789';
const API_KEY = 'sk_test_api_process';

export interface ApiProcess {
  gateway: GatewayServer;
  port: number;
  /** the API's own PostgreSQL database (PostgreSQL mode only) */
  databaseUrl: string | undefined;
  api: Server | undefined;
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no cleanup, exactly what a crash does */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit */
  stop(): Promise<void>;
  json(method: string, path: string, body?: unknown, token?: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** the API's database, for checks (PGlite: only while the child is stopped) */
  openDb(): Promise<Db>;
  close(): Promise<void>;
}

export async function apiProcess(env: Record<string, string> = {}): Promise<ApiProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'cinema-api-process-'));
  const port = await freePort();
  const gateway = await startGatewayServer({
    port: 0,
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: `http://127.0.0.1:${port}/api/v1/payments/webhook`,
    // a call under the 'timeout' fault is performed, then answers nothing for 1 + 5 s at most: the API
    // gives up first (GATEWAY_TIMEOUT_MS), and no timer outlives the test by long
    hangMs: 5_000,
    simulator: { timeoutMs: 1_000, webhookRetry: { baseMs: 100, maxAttempts: 3 } },
  });
  const db = onPostgres ? await freshDatabase() : undefined;
  const fullEnv = {
    DATA_DIR: dir,
    GATEWAY: 'http',
    GATEWAY_URL: gateway.url,
    GATEWAY_API_KEY: API_KEY,
    GATEWAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    JWT_SECRET: TEST_SECRET,
    AUTH_RATE_LIMIT: '100000',
    // one test client on loopback: the per-client limits are tested in test/security/api4-rate-limits.test.ts
    RATE_LIMIT_MAX: '100000000',
    REGISTRATIONS_PER_HOUR: '100000000',
    HOLD_MAX_SEATS_PER_ACCOUNT: '100000',
    MAX_SEATS_PER_CUSTOMER_PER_SCREENING: '100000',
    HOLD_RATE_PER_ACCOUNT: '100000000',
    HOLD_RATE_PER_ADDRESS: '100000000',
    SWEEP_INTERVAL_MS: '0',
    OUTBOX_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
    ...(db ? { DATABASE_URL: db.url } : {}),
    ...env,
  };
  const self: ApiProcess = {
    gateway,
    port,
    databaseUrl: db?.url,
    api: undefined,
    async start() {
      self.api = startServer(fullEnv, port);
      await waitFor(`http://127.0.0.1:${port}/readyz`, 30_000);
    },
    async kill() {
      self.api?.proc.kill('SIGKILL');
      await self.api?.exited;
    },
    async stop() {
      if (!self.api || self.api.proc.exitCode !== null || self.api.proc.signalCode !== null) return;
      self.api.proc.kill('SIGTERM');
      await self.api.exited;
    },
    async json(method, path, body, token, headers = {}) {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      return { status: r.status, body: text ? JSON.parse(text) : undefined };
    },
    async openDb() {
      return db ? connectPostgres({ url: db.url, poolMax: 2 }) : connectPglite(join(dir, 'pglite'));
    },
    async close() {
      if (self.api && self.api.proc.exitCode === null && self.api.proc.signalCode === null) {
        self.api.proc.kill('SIGKILL');
        await self.api.exited;
      }
      await gateway.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

/** Signs in (the demo accounts' password is "password"). */
export async function signIn(p: ApiProcess, email: string, password = 'password'): Promise<string> {
  const r = await p.json('POST', '/login', { email, password });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.data.token;
}

/** Hold -> checkout -> the gateway captures (its customer side); returns the ticket and gateway payment ids. */
export async function buy(p: ApiProcess, token: string, screeningId: number, seatIds: number[]): Promise<{ ticketId: string; paymentId: string }> {
  const hold = await p.json('POST', `/screenings/${screeningId}/holds`, { seat_ids: seatIds }, token);
  assert.equal(hold.status, 201, JSON.stringify(hold.body));
  const co = await p.json('POST', `/holds/${hold.body.data.id}/checkout`, { payment_method: 'card' }, token, {
    'idempotency-key': `co-${hold.body.data.id}`,
  });
  assert.equal(co.status, 201, JSON.stringify(co.body));
  p.gateway.simulator.approve(co.body.data.payment.id);
  return { ticketId: co.body.data.ticket.id, paymentId: co.body.data.payment.id };
}

/** Polls until fn returns something truthy (the checkout helpers' poller). */
export { eventually as until } from './checkout.ts';
