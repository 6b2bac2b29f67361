// The API killed (SIGKILL) after the gateway captured a payment and before any ticket was committed:
// the webhook is lost (dropped), the process restarts on the same data, and its reconciler asks the
// gateway and finishes the sale. Exactly one paid ticket, seats sold, nothing refunded. The gateway
// runs in this test's process (src/gateway-server.ts); the API is a child process, as in production.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type GatewayServer, startGatewayServer } from '../src/gateway-server.ts';
import { freePort, type Server, startServer, waitFor } from './helpers/process.ts';
import { freshDatabase, onPostgres, TEST_SECRET } from './helpers/runtime.ts';
import { createScreening, seatMapOf } from './helpers/screenings.ts';

const WEBHOOK_SECRET = 'crash-test-webhook-secret-0123456789';
const API_KEY = 'sk_test_crash';

let gateway: GatewayServer;
let dir: string;
let db: Awaited<ReturnType<typeof freshDatabase>> | undefined;
let api: Server | undefined;
let env: Record<string, string>;
let port: number;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cinema-crash-'));
  port = await freePort();
  gateway = await startGatewayServer({
    port: 0,
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: `http://127.0.0.1:${port}/api/v1/payments/webhook`,
    simulator: { webhookRetry: { baseMs: 100, maxAttempts: 2 } },
  });
  db = onPostgres ? await freshDatabase() : undefined;
  env = {
    DATA_DIR: dir,
    GATEWAY: 'http',
    GATEWAY_URL: gateway.url,
    GATEWAY_API_KEY: API_KEY,
    GATEWAY_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GATEWAY_TIMEOUT_MS: '3000',
    RECONCILE_INTERVAL_MS: '200',
    RECONCILE_AFTER_SECONDS: '1',
    SWEEP_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
    ...(db ? { DATABASE_URL: db.url, JWT_SECRET: TEST_SECRET } : {}),
  };
});

after(async () => {
  if (api && api.proc.exitCode === null && api.proc.signalCode === null) {
    api.proc.kill('SIGKILL');
    await api.exited;
  }
  await gateway?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

async function json(method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) {
  const r = await fetch(`http://127.0.0.1:${port}/api/v1${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as any };
}

async function start() {
  api = startServer(env, port);
  await waitFor(`http://127.0.0.1:${port}/readyz`, 30_000);
}

test('killed between the capture and the ticket commit: after a restart the reconciler sells the seats, once', async () => {
  await start();
  // the simulator's control routes exist only where the simulator is the gateway
  assert.equal((await fetch(`http://127.0.0.1:${port}/_gateway/faults`)).status, 404);
  const admin = (await json('POST', '/login', { email: 'admin@cinema.com', password: 'password' })).body.data.token;
  const alice = (await json('POST', '/login', { email: 'customer@cinema.com', password: 'password' })).body.data.token;
  const show = new Date(Date.now() + 200 * 86_400_000);
  show.setUTCHours(3, 0, 0, 0);
  const s = await createScreening({ json }, admin, { show_time: show.toISOString() });
  const map = await seatMapOf({ json }, s.id);
  const seatIds = [map.id('D6'), map.id('D7')];
  const hold = await json('POST', `/screenings/${s.id}/holds`, { seat_ids: seatIds }, alice);
  assert.equal(hold.status, 201, JSON.stringify(hold.body));
  const co = await json('POST', `/holds/${hold.body.data.id}/checkout`, { payment_method: 'card' }, alice, { 'idempotency-key': 'crash-1' });
  assert.equal(co.status, 201, JSON.stringify(co.body));
  const ticketId = co.body.data.ticket.id as string;

  // the gateway captures; its webhook never arrives; the API dies
  gateway.simulator.setFaults({ webhooks: 'drop' });
  gateway.simulator.approve(co.body.data.payment.id);
  api!.proc.kill('SIGKILL');
  await api!.exited;
  assert.equal(gateway.simulator.inspect(co.body.data.payment.id)?.status, 'captured');

  await start();
  const deadline = Date.now() + 20_000;
  let ticket: any;
  do {
    await new Promise((r) => setTimeout(r, 200));
    ticket = (await json('GET', `/tickets/${ticketId}`, undefined, alice)).body.data;
  } while (ticket?.status !== 'paid' && Date.now() < deadline);
  assert.equal(ticket.status, 'paid', `ticket ${JSON.stringify(ticket)}`);
  assert.equal(ticket.payment.status, 'captured');
  const mine = (await json('GET', '/me/tickets', undefined, alice)).body.data.filter((x: any) => x.screening.id === s.id);
  assert.deepEqual(
    mine.map((x: any) => x.status),
    ['paid'],
    'exactly one ticket for the screening, paid',
  );
  const after = await json('GET', `/screenings/${s.id}/seats`);
  for (const id of seatIds) assert.equal(after.body.data.seats.find((x: any) => x.id === id).status, 'sold');
  const entry = gateway.simulator.ledger().find((e) => e.payment_id === co.body.data.payment.id);
  assert.equal(entry?.status, 'captured', 'kept, not refunded');
  assert.equal(gateway.simulator.ledger().filter((e) => e.reference === entry?.reference).length, 1, 'one payment at the gateway');
});
