// The payment-gateway simulator: in process (the port), and as the standalone server reached over
// real HTTP through the HTTP adapter, with a small webhook receiver standing in for the API.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { gatewayOptionsFromEnv, startGatewayServer, type GatewayServer } from '../src/gateway-server.ts';
import { GatewayError, type CreatePaymentInput, type GatewayEvent, type PaymentGateway } from '../src/gateway/gateway.ts';
import { createHttpGateway } from '../src/gateway/http-gateway.ts';
import { createSimulator, type SimulatorOptions } from '../src/gateway-simulator/simulator.ts';
import { GATEWAY_SIGNATURE_HEADER, signWebhook, verifyWebhook } from '../src/gateway/webhook-signature.ts';

const SECRET = 'whsec_test_secret';
const API_KEY = 'sk_test_gateway_tests';
let seq = 0;

const paymentInput = (over: Partial<CreatePaymentInput> = {}): CreatePaymentInput => ({
  idempotencyKey: `key-${++seq}-${Math.random()}`,
  amount: '85000.00',
  currency: 'IDR',
  method: 'card',
  reference: `ticket-${seq}`,
  ...over,
});

async function rejectsWith(promise: Promise<unknown>, failure: string, code?: string) {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof GatewayError, `expected GatewayError, got ${String(err)}`);
    assert.equal(err.failure, failure, `failure (${err.code})`);
    if (code) assert.equal(err.code, code);
    return true;
  });
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 3000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

interface Received {
  raw: string;
  event: GatewayEvent;
  signature: string | undefined;
}

/** A webhook endpoint that records what it gets and answers `status`. */
async function startReceiver() {
  const got: Received[] = [];
  const state = { status: 200 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      got.push({ raw, event: JSON.parse(raw), signature: req.headers[GATEWAY_SIGNATURE_HEADER] as string | undefined });
      res.writeHead(state.status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return {
    url,
    got,
    state,
    of: (paymentOrRefundId: string) => got.filter((g) => g.event.data.id === paymentOrRefundId),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: 'evt_1', type: 'payment.captured' });
  const now = 1_750_000_000;

  test('a signature made now verifies; the header has t= and v1=', () => {
    const header = signWebhook(SECRET, body, now);
    assert.match(header, /^t=1750000000,v1=[0-9a-f]{64}$/);
    assert.deepEqual(verifyWebhook(SECRET, body, header, now + 10), { ok: true });
    assert.deepEqual(verifyWebhook(SECRET, Buffer.from(body), header, now), { ok: true });
  });

  test('tampered body, wrong secret, old timestamp, missing and malformed headers fail with their reason', () => {
    const header = signWebhook(SECRET, body, now);
    assert.deepEqual(verifyWebhook(SECRET, body.replace('captured', 'failed'), header, now), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyWebhook('other', body, header, now), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyWebhook(SECRET, body, header, now + 301), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyWebhook(SECRET, body, header, now + 30, 10), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyWebhook(SECRET, body, undefined, now), { ok: false, reason: 'missing' });
    assert.deepEqual(verifyWebhook(SECRET, body, 'v1=abc', now), { ok: false, reason: 'malformed' });
    assert.deepEqual(verifyWebhook(SECRET, body, `t=${now}`, now), { ok: false, reason: 'malformed' });
    // the timestamp is signed: moving it breaks the signature
    assert.deepEqual(verifyWebhook(SECRET, body, header.replace(`t=${now}`, `t=${now + 5}`), now), { ok: false, reason: 'bad_signature' });
  });
});

describe('simulator in process', () => {
  let now = Date.parse('2031-03-01T10:00:00Z');
  const opened: { close(): Promise<void> }[] = [];
  const sim = (over: Partial<SimulatorOptions> = {}) => {
    const s = createSimulator({ webhookSecret: SECRET, clock: () => now, sweepIntervalMs: 0, publicBaseUrl: 'http://gw.test', ...over });
    opened.push(s);
    return s;
  };
  after(async () => {
    for (const s of opened) await s.close();
  });

  test('the same idempotency key gives the same payment; other parameters under it are refused', async () => {
    const s = sim();
    const input = paymentInput();
    const a = await s.createPayment(input);
    const b = await s.createPayment({ ...input, amount: '85000', description: 'retry after a crash', expiresInSeconds: 30 });
    assert.equal(b.id, a.id);
    assert.match(a.id, /^pay_[0-9a-f]{24}$/);
    assert.equal(a.status, 'pending');
    assert.equal(a.amount, '85000.00');
    assert.equal(a.refunded_amount, '0.00');
    await rejectsWith(s.createPayment({ ...input, amount: '90000.00' }), 'invalid', 'idempotency_mismatch');
    await rejectsWith(s.createPayment({ ...input, method: 'qris' }), 'invalid', 'idempotency_mismatch');
    assert.equal(s.ledger().length, 1);
  });

  test('next_action by method: approve page, BCA virtual account, QRIS payload', async () => {
    const s = sim();
    const card = await s.createPayment(paymentInput({ method: 'card' }));
    assert.deepEqual(card.next_action, { type: 'redirect', url: `http://gw.test/_gateway/payments/${card.id}` });
    const wallet = await s.createPayment(paymentInput({ method: 'ewallet' }));
    assert.equal(wallet.next_action?.type, 'redirect');
    const va = await s.createPayment(paymentInput({ method: 'bank_transfer', expiresInSeconds: 600 }));
    assert.ok(va.next_action?.type === 'virtual_account');
    assert.equal(va.next_action.bank, 'BCA');
    assert.match(va.next_action.account_number, /^\d{16}$/);
    assert.equal(va.next_action.expires_at, new Date(now + 600_000).toISOString());
    assert.equal((await s.getPayment(va.id)).next_action?.type, 'virtual_account');
    const qr = await s.createPayment(paymentInput({ method: 'qris', amount: '123456.00' }));
    assert.ok(qr.next_action?.type === 'qr');
    assert.ok(qr.next_action.qr_string.includes(qr.id));
    assert.ok(qr.next_action.qr_string.includes('123456.00'));
    assert.match(qr.next_action.qr_string, /^000201.*6304[0-9A-F]{4}$/);
    await rejectsWith(s.createPayment(paymentInput({ method: 'cheque' as never })), 'invalid', 'invalid_method');
    await rejectsWith(s.createPayment(paymentInput({ amount: '10.001' })), 'invalid', 'invalid_amount');
    // rupiah are whole, as Indonesian gateways take them; a currency with cents keeps them
    await rejectsWith(s.createPayment(paymentInput({ amount: '123456.50' })), 'invalid', 'invalid_amount');
    assert.equal((await s.createPayment(paymentInput({ amount: '10.50', currency: 'USD' }))).amount, '10.50');
    await rejectsWith(s.createPayment(paymentInput({ amount: '0' })), 'invalid', 'invalid_amount');
  });

  test('approve captures, decline fails, cancel cancels pending only; each leaves an event', async () => {
    const s = sim();
    const a = await s.createPayment(paymentInput());
    const captured = s.approve(a.id);
    assert.equal(captured.status, 'captured');
    assert.equal(captured.captured_at, new Date(now).toISOString());
    assert.equal(captured.next_action, null);
    assert.throws(() => s.approve(a.id), { code: 'payment_not_pending' });
    await rejectsWith(s.cancelPayment(a.id), 'invalid', 'payment_captured');

    const card = await s.createPayment(paymentInput());
    assert.equal(s.decline(card.id).failure_code, 'card_declined');
    const va = await s.createPayment(paymentInput({ method: 'bank_transfer' }));
    assert.equal(s.decline(va.id).failure_code, 'declined');

    const c = await s.createPayment(paymentInput());
    assert.equal((await s.cancelPayment(c.id)).status, 'cancelled');
    assert.equal((await s.cancelPayment(c.id)).status, 'cancelled'); // again: nothing more to do
    await rejectsWith(s.getPayment('pay_nope'), 'not_found', 'payment_not_found');

    const types = s.deliveries().map((d) => d.type);
    assert.deepEqual(types, ['payment.captured', 'payment.failed', 'payment.failed', 'payment.cancelled']);
    assert.ok(s.deliveries().every((d) => d.event_id.startsWith('evt_') && !d.delivered)); // no URL yet
  });

  test('a pending payment past its time expires on read and by the sweep, with payment.expired', async () => {
    const s = sim();
    const a = await s.createPayment(paymentInput({ expiresInSeconds: 60 }));
    now += 59_000;
    assert.equal((await s.getPayment(a.id)).status, 'pending');
    now += 1_000;
    const expired = await s.getPayment(a.id);
    assert.equal(expired.status, 'cancelled');
    assert.equal(expired.failure_code, 'expired');
    assert.throws(() => s.approve(a.id), { code: 'payment_not_pending' });

    const swept = sim({ sweepIntervalMs: 20 });
    const b = await swept.createPayment(paymentInput({ expiresInSeconds: 5 }));
    now += 5_000;
    await waitFor(() => swept.deliveries().some((d) => d.type === 'payment.expired'), 'the sweep');
    assert.equal(swept.inspect(b.id)?.failure_code, 'expired');
    assert.equal(s.deliveries().filter((d) => d.type === 'payment.expired').length, 1);
  });

  test('refunds: partial, then full; never beyond what remains; exact sums in the ledger', async () => {
    const s = sim();
    const p = await s.createPayment(paymentInput({ amount: '100000.10', currency: 'USD' })); // cents: exact sums
    await rejectsWith(s.refund({ idempotencyKey: 'r0', paymentId: p.id, amount: '1.00', reference: 'rf0' }), 'invalid', 'payment_not_captured');
    s.approve(p.id);
    const r1 = await s.refund({ idempotencyKey: 'r1', paymentId: p.id, amount: '0.10', reference: 'rf1' });
    assert.match(r1.id, /^re_/);
    assert.equal(r1.status, 'succeeded');
    assert.equal((await s.refund({ idempotencyKey: 'r1', paymentId: p.id, amount: '0.1', reference: 'rf1' })).id, r1.id);
    await rejectsWith(s.refund({ idempotencyKey: 'r1', paymentId: p.id, amount: '0.20', reference: 'rf1' }), 'invalid', 'idempotency_mismatch');
    assert.equal((await s.getPayment(p.id)).status, 'partially_refunded');
    await rejectsWith(
      s.refund({ idempotencyKey: 'r2', paymentId: p.id, amount: '100000.01', reference: 'rf2' }),
      'invalid',
      'amount_exceeds_remaining',
    );
    await s.refund({ idempotencyKey: 'r3', paymentId: p.id, amount: '100000.00', reference: 'rf3' });
    const after = await s.getPayment(p.id);
    assert.equal(after.status, 'refunded');
    assert.equal(after.refunded_amount, '100000.10');
    await rejectsWith(s.refund({ idempotencyKey: 'r4', paymentId: p.id, amount: '0.01', reference: 'rf4' }), 'invalid', 'amount_exceeds_remaining');
    await rejectsWith(s.refund({ idempotencyKey: 'r5', paymentId: 'pay_x', amount: '1', reference: 'rf5' }), 'not_found');
    assert.equal((await s.getRefund(r1.id)).amount, '0.10');

    const q = await s.createPayment(paymentInput({ amount: '0.30', currency: 'USD' }));
    s.approve(q.id);
    await s.refund({ idempotencyKey: 'q1', paymentId: q.id, amount: '0.10', reference: 'rq1' });
    await s.createPayment(paymentInput({ amount: '5.00', currency: 'USD' })); // pending: nothing captured
    const ledger = s.ledger();
    assert.deepEqual(
      ledger.map((e) => [e.amount, e.captured, e.refunded, e.net]),
      [
        ['100000.10', '100000.10', '100000.10', '0.00'],
        ['0.30', '0.30', '0.10', '0.20'], // 0.3 - 0.1 in floats would not be 0.2
        ['5.00', '0.00', '0.00', '0.00'],
      ],
    );
    assert.equal(s.deliveries().filter((d) => d.type === 'refund.succeeded').length, 3);
  });

  test('payment faults: decline, error and drop store nothing; timeout stores it and loses the answer', async () => {
    const s = sim({ timeoutMs: 30 });
    s.setFaults({ payments: 'decline' });
    await rejectsWith(s.createPayment(paymentInput()), 'declined', 'card_declined');
    s.setFaults({ payments: 'error' });
    await rejectsWith(s.createPayment(paymentInput()), 'unavailable', 'http_503');
    s.setFaults({ payments: 'drop' });
    await rejectsWith(s.createPayment(paymentInput()), 'unavailable', 'connection_reset');
    assert.equal(s.ledger().length, 0);
    s.setFaults({ payments: 'timeout' });
    const input = paymentInput();
    await rejectsWith(s.createPayment(input), 'timeout', 'timeout');
    assert.equal(s.ledger().length, 1);
    s.setFaults({ payments: 'ok' });
    const again = await s.createPayment(input);
    assert.equal(again.id, s.ledger()[0].payment_id);
    assert.throws(() => s.setFaults({ payments: 'sometimes' as never }), { code: 'invalid_fault' });
    assert.throws(() => s.setFaults({ webhooks: 'decline' as never }), { code: 'invalid_fault' });
  });

  test('latency is added to every port call and can be changed at runtime', async () => {
    const s = sim({ latencyMs: 60 });
    let t = performance.now();
    const p = await s.createPayment(paymentInput());
    assert.ok(performance.now() - t >= 55);
    s.setFaults({ latency_ms: 0 });
    t = performance.now();
    await s.getPayment(p.id);
    assert.ok(performance.now() - t < 40);
  });

  test('autoCaptureMs approves pending payments by itself', async () => {
    const s = sim({ autoCaptureMs: 30, clock: Date.now });
    const p = await s.createPayment(paymentInput());
    await waitFor(() => s.inspect(p.id)?.status === 'captured', 'auto capture');
  });

  test('with persistPath the state survives a restart: payments, refunds, keys, undelivered events', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-state-'));
    const file = join(dir, 'nested', 'state.json');
    try {
      const first = sim({ persistPath: file });
      const input = paymentInput();
      const p = await first.createPayment(input);
      first.approve(p.id);
      const r = await first.refund({ idempotencyKey: 'persist-r', paymentId: p.id, amount: '1000', reference: 'x' });
      await first.close();
      assert.equal(JSON.parse(readFileSync(file, 'utf8')).version, 1);

      const second = sim({ persistPath: file });
      const back = await second.getPayment(p.id);
      assert.equal(back.status, 'partially_refunded');
      assert.equal(back.refunded_amount, '1000.00');
      assert.equal((await second.getRefund(r.id)).amount, '1000.00');
      assert.equal((await second.createPayment(input)).id, p.id);
      assert.deepEqual(
        second.deliveries().map((d) => d.type),
        ['payment.captured', 'refund.succeeded'],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a state file that is not JSON refuses to start rather than forget', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-state-'));
    try {
      const file = join(dir, 'state.json');
      writeFileSync(file, '{not json');
      assert.throws(() => createSimulator({ webhookSecret: SECRET, persistPath: file }), /not valid JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('gateway-server reads GATEWAY_* with the documented defaults', () => {
  const d = gatewayOptionsFromEnv({});
  assert.equal(d.port, 4100);
  assert.equal(d.host, '127.0.0.1');
  assert.equal(d.apiKey, 'sk_test_simulator');
  assert.equal(d.webhookUrl, 'http://127.0.0.1:4000/api/v1/payments/webhook');
  assert.equal(d.webhookSecret, 'whsec_simulator_dev_secret_change_me');
  assert.match(d.persistPath ?? '', /data\/gateway-state\.json$/);
  assert.equal(d.autoCaptureMs, undefined);
  const e = gatewayOptionsFromEnv({ GATEWAY_PORT: '4200', GATEWAY_AUTO_CAPTURE_MS: '250', GATEWAY_LATENCY_MS: '40', GATEWAY_STATE_FILE: ':memory:' });
  assert.deepEqual([e.port, e.autoCaptureMs, e.latencyMs, e.persistPath], [4200, 250, 40, undefined]);
  assert.throws(() => gatewayOptionsFromEnv({ GATEWAY_PORT: 'abc' }), /GATEWAY_PORT/);
});

describe('standalone gateway over HTTP', () => {
  let server: GatewayServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let gw: PaymentGateway;
  const control = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
  const setFaults = async (faults: Record<string, unknown>) => {
    const r = await control('/_gateway/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
    assert.equal(r.status, 200);
    return r.json();
  };
  const approve = async (id: string) => {
    const r = await control(`/_gateway/payments/${id}/approve`, { method: 'POST' });
    assert.equal(r.status, 200);
    return r.json();
  };
  const stored = () => server.simulator.ledger().length;

  before(async () => {
    receiver = await startReceiver();
    server = await startGatewayServer({
      port: 0,
      apiKey: API_KEY,
      webhookSecret: SECRET,
      webhookUrl: receiver.url,
      hangMs: 5_000,
      simulator: { timeoutMs: 50, webhookRetry: { baseMs: 25, maxAttempts: 6 }, reorderWindowMs: 150 },
    });
    gw = createHttpGateway({ baseUrl: server.url, apiKey: API_KEY, timeoutMs: 400 });
  });
  afterEach(async () => {
    await setFaults({ payments: 'ok', refunds: 'ok', webhooks: 'ok', latency_ms: 0 });
    receiver.state.status = 200;
    await server.simulator.idle();
  });
  after(async () => {
    await server.close();
    await receiver.close();
  });

  test('the /v1 API wants the secret key and an Idempotency-Key, and validates bodies', async () => {
    const unauth = await fetch(`${server.url}/v1/payments/pay_x`);
    assert.equal(unauth.status, 401);
    assert.deepEqual(await unauth.json(), { error: { type: 'invalid', code: 'invalid_api_key' } });
    await rejectsWith(createHttpGateway({ baseUrl: server.url, apiKey: 'wrong', timeoutMs: 400 }).getPayment('pay_x'), 'invalid', 'invalid_api_key');
    await rejectsWith(gw.createPayment(paymentInput({ idempotencyKey: '' })), 'invalid');
    await rejectsWith(gw.createPayment(paymentInput({ amount: '1.234' })), 'invalid', 'validation_failed');
    await rejectsWith(gw.getPayment('pay_unknown'), 'not_found', 'payment_not_found');
  });

  test('idempotent create over HTTP; approve sends a signed payment.captured webhook', async () => {
    const input = paymentInput();
    const p = await gw.createPayment(input);
    assert.equal((await gw.createPayment(input)).id, p.id);
    await rejectsWith(gw.createPayment({ ...input, amount: '1.00' }), 'invalid', 'idempotency_mismatch');
    assert.ok(p.next_action?.type === 'redirect');
    assert.equal(p.next_action.url, `${server.url}/_gateway/payments/${p.id}`);

    await approve(p.id);
    await waitFor(() => receiver.of(p.id).length === 1, 'the webhook');
    const [hook] = receiver.of(p.id);
    assert.equal(hook.event.type, 'payment.captured');
    assert.match(hook.event.id, /^evt_/);
    assert.equal((hook.event.data as { status: string }).status, 'captured');
    const nowS = Math.floor(Date.now() / 1000);
    assert.deepEqual(verifyWebhook(SECRET, hook.raw, hook.signature, nowS), { ok: true });
    assert.deepEqual(verifyWebhook(SECRET, hook.raw.replace('captured', 'cancelled'), hook.signature, nowS), { ok: false, reason: 'bad_signature' });
    assert.deepEqual(verifyWebhook(SECRET, hook.raw, hook.signature, nowS + 3600), { ok: false, reason: 'stale' });
    assert.equal((await gw.getPayment(p.id)).status, 'captured');
    assert.equal(server.simulator.deliveries().find((d) => d.event_id === hook.event.id)?.attempts, 1);
  });

  test('decline sends payment.failed; cancel works on pending and is refused once captured', async () => {
    const p = await gw.createPayment(paymentInput());
    const r = await control(`/_gateway/payments/${p.id}/decline`, { method: 'POST' });
    assert.equal(r.status, 200);
    assert.equal((await r.json()).failure_code, 'card_declined');
    await waitFor(() => receiver.of(p.id).some((g) => g.event.type === 'payment.failed'), 'payment.failed');
    assert.equal((await control(`/_gateway/payments/${p.id}/approve`, { method: 'POST' })).status, 409);
    assert.equal((await control('/_gateway/payments/pay_nope/approve', { method: 'POST' })).status, 404);

    const c = await gw.createPayment(paymentInput());
    assert.equal((await gw.cancelPayment(c.id)).status, 'cancelled');
    const q = await gw.createPayment(paymentInput());
    await approve(q.id);
    await rejectsWith(gw.cancelPayment(q.id), 'invalid', 'payment_captured');
  });

  test('payment faults through the HTTP adapter', async () => {
    const before = stored();
    await setFaults({ payments: 'decline' });
    await rejectsWith(gw.createPayment(paymentInput()), 'declined', 'card_declined');
    await setFaults({ payments: 'error' });
    await rejectsWith(gw.createPayment(paymentInput()), 'unavailable', 'http_503');
    await setFaults({ payments: 'drop' });
    await rejectsWith(gw.createPayment(paymentInput()), 'unavailable', 'connection_reset');
    assert.equal(stored(), before, 'nothing stored');

    await setFaults({ payments: 'timeout' });
    const input = paymentInput();
    const t = performance.now();
    await rejectsWith(gw.createPayment(input), 'timeout', 'timeout');
    assert.ok(performance.now() - t >= 380, 'waited for the client timeout');
    assert.equal(stored(), before + 1, 'the payment exists at the gateway');
    await setFaults({ payments: 'ok' });
    const retried = await gw.createPayment(input);
    assert.equal(stored(), before + 1);
    assert.equal((await gw.getPayment(retried.id)).reference, input.reference);

    await setFaults({ payments: 'error' });
    await rejectsWith(gw.getPayment(retried.id), 'unavailable', 'http_503');
    await setFaults({ payments: 'timeout' });
    await rejectsWith(gw.cancelPayment(retried.id), 'timeout');
    await setFaults({ payments: 'ok' });
    assert.equal((await gw.getPayment(retried.id)).status, 'cancelled', 'the cancel happened; only its answer was lost');
  });

  test('refund faults through the HTTP adapter; refunds beyond what remains are refused', async () => {
    const p = await gw.createPayment(paymentInput({ amount: '50000.00' }));
    await approve(p.id);
    const refundOf = (key: string, amount: string) => gw.refund({ idempotencyKey: key, paymentId: p.id, amount, reference: `rf-${key}` });
    const refunded = async () => (await gw.getPayment(p.id)).refunded_amount;

    await setFaults({ refunds: 'decline' });
    await rejectsWith(refundOf('a', '1000'), 'declined', 'refund_declined');
    await setFaults({ refunds: 'error' });
    await rejectsWith(refundOf('a', '1000'), 'unavailable', 'http_503');
    await setFaults({ refunds: 'drop' });
    await rejectsWith(refundOf('a', '1000'), 'unavailable', 'connection_reset');
    assert.equal(await refunded(), '0.00');

    await setFaults({ refunds: 'timeout' });
    await rejectsWith(refundOf('a', '1000'), 'timeout', 'timeout');
    await setFaults({ refunds: 'ok' });
    assert.equal(await refunded(), '1000.00', 'the refund was performed');
    const again = await refundOf('a', '1000');
    assert.equal(await refunded(), '1000.00', 'the retry with the same key did not refund twice');
    assert.equal((await gw.getRefund(again.id)).status, 'succeeded');

    await rejectsWith(refundOf('b', '49001'), 'invalid', 'amount_exceeds_remaining');
    await rejectsWith(refundOf('b', '100.50'), 'invalid', 'invalid_amount'); // half a rupiah
    await refundOf('c', '49000');
    assert.equal((await gw.getPayment(p.id)).status, 'refunded');
    const ledger = await (await control('/_gateway/ledger')).json();
    const entry = ledger.payments.find((e: { payment_id: string }) => e.payment_id === p.id);
    assert.deepEqual([entry.captured, entry.refunded, entry.net], ['50000.00', '50000.00', '0.00']);
  });

  test('a gateway that is down is unavailable (connection refused)', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const down = createHttpGateway({ baseUrl: `http://127.0.0.1:${port}`, apiKey: API_KEY, timeoutMs: 400 });
    await rejectsWith(down.getPayment('pay_x'), 'unavailable', 'connection_refused');
  });

  test('a redirect is not followed: the API key and the payment go nowhere but the configured gateway', async () => {
    // a compromised or misconfigured proxy in front of the gateway answers 307 to a host of its own
    const seen: string[] = [];
    const elsewhere = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"pay_evil","status":"succeeded"}');
    });
    await new Promise<void>((r) => elsewhere.listen(0, '127.0.0.1', r));
    const to = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
    const proxy = http.createServer((req, res) => res.writeHead(307, { location: `${to}${req.url}` }).end());
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const redirected = createHttpGateway({ baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, apiKey: API_KEY, timeoutMs: 400 });
      // a write answered with a redirect may have been done (a 303 after the POST): an unknown outcome,
      // never a refusal; a read answered so is just no answer
      await rejectsWith(redirected.createPayment(paymentInput()), 'timeout', 'redirect_refused');
      await rejectsWith(
        redirected.refund({ paymentId: 'pay_x', amount: '1000.00', reference: 'r1', idempotencyKey: 'k1' }),
        'timeout',
        'redirect_refused',
      );
      await rejectsWith(redirected.getPayment('pay_x'), 'unavailable', 'redirect_refused');
      assert.deepEqual(seen, [], 'nothing reached the redirect target');
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
      await new Promise<void>((r) => elsewhere.close(() => r()));
    }
  });

  test('webhooks dropped while the fault lasts arrive later, after several attempts', async () => {
    await setFaults({ webhooks: 'drop' });
    const p = await gw.createPayment(paymentInput());
    await approve(p.id);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(receiver.of(p.id).length, 0);
    await setFaults({ webhooks: 'ok' });
    await waitFor(() => receiver.of(p.id).length === 1, 'the late delivery');
    await server.simulator.idle(); // the receiver has it; the gateway still waits for the answer
    const d = server.simulator.deliveries().find((x) => x.event_id === receiver.of(p.id)[0].event.id)!;
    assert.ok(d.delivered);
    assert.ok(d.attempts > 1, `attempts ${d.attempts}`);
  });

  test('a receiver answering 500 is retried until it recovers; attempts run out otherwise', async () => {
    receiver.state.status = 500;
    const p = await gw.createPayment(paymentInput());
    await approve(p.id);
    await waitFor(() => receiver.of(p.id).length >= 2, 'retries');
    receiver.state.status = 204;
    await server.simulator.idle();
    const d = server.simulator.deliveries().find((x) => x.event_id === receiver.of(p.id)[0].event.id)!;
    assert.equal(d.delivered, true);
    assert.equal(d.attempts, receiver.of(p.id).length);

    receiver.state.status = 503;
    const q = await gw.createPayment(paymentInput());
    await approve(q.id);
    await server.simulator.flushWebhooks();
    const gaveUp = server.simulator.deliveries().find((x) => x.event_id === receiver.of(q.id)[0].event.id)!;
    assert.deepEqual([gaveUp.delivered, gaveUp.gave_up, gaveUp.attempts, gaveUp.last_status], [false, true, 6, 503]);
  });

  test("'duplicate' delivers every event twice; 'error' delivers but retries anyway", async () => {
    await setFaults({ webhooks: 'duplicate' });
    const p = await gw.createPayment(paymentInput());
    await approve(p.id);
    await server.simulator.flushWebhooks();
    const got = receiver.of(p.id);
    assert.equal(got.length, 2);
    assert.equal(got[0].event.id, got[1].event.id);

    await setFaults({ webhooks: 'error' });
    const q = await gw.createPayment(paymentInput());
    await approve(q.id);
    await waitFor(() => receiver.of(q.id).length >= 2, 'a repeated delivery');
    await setFaults({ webhooks: 'ok' });
    await server.simulator.idle();
    assert.ok(new Set(receiver.of(q.id).map((g) => g.event.id)).size === 1);
  });

  test("'reorder' delivers events newest first; 'timeout' delivers late", async () => {
    await setFaults({ webhooks: 'reorder' });
    const p = await gw.createPayment(paymentInput());
    await approve(p.id);
    await gw.refund({ idempotencyKey: `ro-${p.id}`, paymentId: p.id, amount: '100', reference: 'ro' });
    await server.simulator.flushWebhooks();
    const types = receiver.got.filter((g) => g.event.data.id === p.id || (g.event.data as { payment_id?: string }).payment_id === p.id);
    assert.deepEqual(
      types.map((g) => g.event.type),
      ['refund.succeeded', 'payment.captured'],
    );

    await setFaults({ webhooks: 'timeout' });
    const q = await gw.createPayment(paymentInput());
    const t = performance.now();
    await approve(q.id);
    await waitFor(() => receiver.of(q.id).length === 1, 'the late delivery');
    assert.ok(performance.now() - t >= 50, 'later than timeoutMs');
  });

  test('latency_ms slows every /v1 call; bad fault values are a 400', async () => {
    assert.deepEqual(await setFaults({ latency_ms: 150 }), { payments: 'ok', refunds: 'ok', webhooks: 'ok', latency_ms: 150 });
    const t = performance.now();
    await gw.createPayment(paymentInput());
    assert.ok(performance.now() - t >= 140);
    const bad = await control('/_gateway/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"payments":"maybe"}' });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.type, 'invalid');
    assert.equal((await (await control('/_gateway/faults')).json()).payments, 'ok');
  });

  test('events made before the webhook URL is known are delivered once it is set', async () => {
    const s = createSimulator({ webhookSecret: SECRET, sweepIntervalMs: 0 });
    try {
      const p = await s.createPayment(paymentInput());
      s.approve(p.id);
      await s.idle(); // nothing to wait for: no URL yet
      assert.equal(s.deliveries()[0].attempts, 0);
      s.setWebhookUrl(receiver.url);
      await s.idle();
      assert.equal(receiver.of(p.id).length, 1);
      assert.deepEqual(verifyWebhook(SECRET, receiver.of(p.id)[0].raw, receiver.of(p.id)[0].signature, Date.now() / 1000), { ok: true });
    } finally {
      await s.close();
    }
  });

  test('the approve page renders escaped, and its form post approves and redirects back', async () => {
    const p = await gw.createPayment(paymentInput({ reference: '<script>alert(1)</script>', amount: '1234567.00' }));
    const page = await control(`/_gateway/payments/${p.id}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    const html = await page.text();
    assert.ok(html.includes('IDR 1,234,567.00<'), 'the amount, exactly');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!html.includes('<script>'));
    assert.ok(html.includes(`action="/_gateway/payments/${p.id}/approve"`));
    assert.ok(html.includes('>pending<'));

    const post = await control(`/_gateway/payments/${p.id}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html,application/xhtml+xml' },
      body: '',
      redirect: 'manual',
    });
    assert.equal(post.status, 303);
    assert.equal(post.headers.get('location'), `/_gateway/payments/${p.id}?notice=approved`);
    assert.equal((await gw.getPayment(p.id)).status, 'captured');
    const after = await (await control(post.headers.get('location')!)).text();
    assert.ok(after.includes('>captured<') && after.includes('Payment approved.') && !after.includes('<form'));

    const json = await control(`/_gateway/payments/${p.id}.json`);
    assert.equal((await json.json()).status, 'captured');
    assert.equal((await control(`/_gateway/api/payments/${p.id}`)).status, 200);
    assert.equal((await control('/_gateway/payments/pay_nope')).status, 404);
  });
});
