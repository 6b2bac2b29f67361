// Configuration of checkout and payments: the gateway, its webhook secret, the methods on offer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEV_WEBHOOK_SECRET, loadConfig } from '../src/config.ts';

const url = 'postgres://postgres@127.0.0.1:5432/x';
const jwt = 'k'.repeat(32);

test('defaults: the simulator in process, every method, a 5-minute extension, the dev webhook secret', () => {
  const c = loadConfig({ DATA_DIR: ':memory:' });
  assert.equal(c.GATEWAY, 'simulator');
  assert.deepEqual(c.paymentMethods, ['card', 'ewallet', 'bank_transfer', 'qris']);
  assert.equal(c.CHECKOUT_EXTENSION_SECONDS, 300);
  assert.equal(c.RECONCILE_AFTER_SECONDS, 30);
  assert.equal(c.gatewayWebhookSecret, DEV_WEBHOOK_SECRET);
  assert.equal(c.publicBaseUrl, 'http://localhost:4000');
});

test('PAYMENT_METHODS picks the methods on offer; unknown names refuse to boot', () => {
  assert.deepEqual(loadConfig({ DATA_DIR: ':memory:', PAYMENT_METHODS: 'qris,card' }).paymentMethods, ['qris', 'card']);
  assert.throws(() => loadConfig({ DATA_DIR: ':memory:', PAYMENT_METHODS: 'card,bitcoin' }), /PAYMENT_METHODS: unknown bitcoin/);
});

test('a webhook secret shorter than 16 characters refuses to boot', () => {
  assert.throws(() => loadConfig({ DATA_DIR: ':memory:', GATEWAY_WEBHOOK_SECRET: 'short' }), /at least 16/);
});

test('with DATABASE_URL, a gateway in another process needs its URL, key and a shared webhook secret', () => {
  const base = { DATABASE_URL: url, JWT_SECRET: jwt, GATEWAY: 'http' };
  assert.throws(
    () => loadConfig(base),
    (e: Error) => e instanceof ConfigError && /GATEWAY_WEBHOOK_SECRET is required/.test(e.message),
  );
  assert.throws(() => loadConfig({ ...base, GATEWAY_WEBHOOK_SECRET: 's'.repeat(16) }), /GATEWAY_URL is required/);
  assert.throws(() => loadConfig({ ...base, GATEWAY_WEBHOOK_SECRET: 's'.repeat(16), GATEWAY_URL: 'http://gw:4100' }), /GATEWAY_API_KEY is required/);
  const ok = loadConfig({ ...base, GATEWAY_WEBHOOK_SECRET: 's'.repeat(16), GATEWAY_URL: 'http://gw:4100', GATEWAY_API_KEY: 'sk_live_x' });
  assert.equal(ok.gatewayWebhookSecret, 's'.repeat(16));
});

test('with DATABASE_URL and the simulator in process, the webhook secret derives from JWT_SECRET (same on every instance)', () => {
  const a = loadConfig({ DATABASE_URL: url, JWT_SECRET: jwt });
  const b = loadConfig({ DATABASE_URL: url, JWT_SECRET: jwt });
  assert.equal(a.gatewayWebhookSecret, b.gatewayWebhookSecret);
  assert.notEqual(a.gatewayWebhookSecret, DEV_WEBHOOK_SECRET);
  assert.notEqual(a.gatewayWebhookSecret, jwt);
});
