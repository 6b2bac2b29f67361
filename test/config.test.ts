import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config.ts';
import { productionEnv } from './helpers/production.ts';

test('defaults: embedded, port 4000, IDR', () => {
  const c = loadConfig({ DATA_DIR: ':memory:' });
  assert.equal(c.embedded, true);
  assert.equal(c.PORT, 4000);
  assert.equal(c.CURRENCY, 'IDR');
  assert.equal(c.AUTH_RATE_LIMIT, 10);
  assert.ok(c.jwtSecret.length >= 32);
  assert.ok(Object.isFrozen(c));
});

test('outside the embedded default a missing or weak JWT_SECRET refuses to boot', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/x';
  assert.throws(
    () => loadConfig({ DATABASE_URL: url }),
    (e: Error) => e instanceof ConfigError && /JWT_SECRET is required/.test(e.message),
  );
  assert.throws(() => loadConfig({ DATABASE_URL: url, JWT_SECRET: 'short' }), /at least 32/);
  assert.equal(loadConfig({ DATABASE_URL: url, JWT_SECRET: 'k'.repeat(32) }).embedded, false);
});

test('every bad variable is named in one message', () => {
  try {
    loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', AUTH_RATE_LIMIT: '0' });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'AUTH_RATE_LIMIT']) assert.match(e.message, new RegExp(name));
  }
});

test('the embedded default keeps its generated secret in the data folder across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cinema-cfg-'));
  try {
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    assert.equal(a.jwtSecret, b.jwtSecret);
    assert.equal(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim(), a.jwtSecret);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('production refuses the in-process payment simulator (it approves payments for anyone)', () => {
  const base = productionEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' });
  assert.throws(
    () => loadConfig({ ...base, GATEWAY: 'simulator' }),
    (e: Error) => e instanceof ConfigError && /GATEWAY=simulator is refused/.test(e.message),
  );
  const real = loadConfig({
    ...base,
    GATEWAY: 'http',
    GATEWAY_URL: 'http://gateway:4100',
    GATEWAY_API_KEY: 'sk_live_x',
    GATEWAY_WEBHOOK_SECRET: 'w'.repeat(16),
  });
  assert.equal(real.GATEWAY, 'http');
  assert.equal(real.GATEWAY_URL, 'http://gateway:4100');
  // outside production the simulator stays the default (the demo, tests)
  const { GATEWAY: _g, ...dev } = base;
  assert.equal(loadConfig({ ...dev, NODE_ENV: 'development' }).GATEWAY, 'simulator');
});

test('HOLD_TTL_SECONDS: down to 10 s outside production (tests of a hold running out), at least 60 in production', () => {
  const base = productionEnv({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' });
  assert.throws(
    () => loadConfig({ ...base, HOLD_TTL_SECONDS: '30' }),
    (e: Error) => e instanceof ConfigError && /HOLD_TTL_SECONDS under 60/.test(e.message),
  );
  assert.equal(loadConfig({ ...base, HOLD_TTL_SECONDS: '60' }).HOLD_TTL_SECONDS, 60);
  assert.equal(loadConfig({ DATA_DIR: ':memory:', HOLD_TTL_SECONDS: '10' }).HOLD_TTL_SECONDS, 10);
  assert.throws(() => loadConfig({ DATA_DIR: ':memory:', HOLD_TTL_SECONDS: '9' }), ConfigError);
});
