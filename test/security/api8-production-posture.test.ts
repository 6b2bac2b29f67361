// OWASP API8 (security misconfiguration): production is never the demo. NODE_ENV=production refuses
// development secrets and names every missing or bad setting in one message, never loads the demo
// data (its admin's password is published), never serves /dev/mail or the simulator, keeps /metrics
// behind a token and the docs off unless asked; the first admin comes from an explicit step.
// Everything listens on loopback unless told otherwise.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ConfigError, DEV_GATEWAY_API_KEY, DEV_WEBHOOK_SECRET, loadConfig } from '../../src/config.ts';
import { hashPassword, verifyPassword } from '../../src/modules/auth/passwords.ts';
import { openRuntime } from '../../src/runtime.ts';
import { call } from '../helpers/http.ts';
import { freePort, ROOT, startServer, waitFor } from '../helpers/process.ts';
import { METRICS_TEST_TOKEN, productionEnv } from '../helpers/production.ts';
import { freshDatabase, onPostgres, startTestApp } from '../helpers/runtime.ts';

const dirs: string[] = [];
const drops: (() => Promise<void>)[] = [];
after(async () => {
  for (const drop of drops) await drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cinema-prod-'));
  dirs.push(d);
  return d;
};
/** A database of its own that outlives one runtime: a PostgreSQL database, or PGlite in a folder. */
async function durableStorage(): Promise<Record<string, string>> {
  if (!onPostgres) return { DATA_DIR: tempDir() };
  const db = await freshDatabase();
  drops.push(db.drop);
  return { DATABASE_URL: db.url, DATA_DIR: ':memory:' };
}

const STRONG = 'velvet-projector-harbour-1987';
const REQUIRED = [
  'JWT_SECRET',
  'GATEWAY',
  'GATEWAY_URL',
  'GATEWAY_API_KEY',
  'GATEWAY_WEBHOOK_SECRET',
  'TICKET_SIGNING_KEY',
  'SMTP_URL',
  'MAIL_DELIVERY',
  'PUBLIC_BASE_URL',
];

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail('the configuration was accepted');
}

test('production with no settings names every missing one in one message, embedded or on PostgreSQL', () => {
  for (const storage of [{ DATA_DIR: ':memory:' }, { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x' }] as Record<string, string>[]) {
    const e = configError({ NODE_ENV: 'production', ...storage });
    for (const name of REQUIRED) assert.match(e.message, new RegExp(`\\b${name}\\b`), `${name} missing from:\n${e.message}`);
  }
});

test('production refuses development values, all of them in one message', () => {
  const e = configError(
    productionEnv({
      DATA_DIR: ':memory:',
      JWT_SECRET: 'too-short',
      GATEWAY_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
      GATEWAY_API_KEY: DEV_GATEWAY_API_KEY,
      TICKET_SIGNING_KEY: 'not-a-key',
      METRICS_TOKEN: 'short',
      ADMIN_EMAIL: 'boss@example.com',
    }),
  );
  for (const name of ['JWT_SECRET', 'GATEWAY_WEBHOOK_SECRET', 'GATEWAY_API_KEY', 'TICKET_SIGNING_KEY', 'METRICS_TOKEN', 'ADMIN_PASSWORD']) {
    assert.match(e.message, new RegExp(`\\b${name}\\b`), `${name} missing from:\n${e.message}`);
  }
  // the docker-compose defaults are public too
  assert.match(configError(productionEnv({ GATEWAY_WEBHOOK_SECRET: 'whsec_simulator_compose_change_me' })).message, /GATEWAY_WEBHOOK_SECRET/);
});

test('production refuses secrets that were typed rather than drawn: test fixtures, examples, sandbox keys', () => {
  // each of these was once accepted: the first three were this repository's own test values
  const typed: Record<string, string>[] = [
    { JWT_SECRET: 'prod-test-jwt-secret-7d1e0b9a54c38f2e6a1b0c9d' },
    { GATEWAY_API_KEY: 'sk_live_tests_5b2c9e1f' },
    { GATEWAY_WEBHOOK_SECRET: 'whsec_tests_0a8f3d6b2e91c4' },
    { GATEWAY_API_KEY: 'sk_test_51Hx9aQ2vZ8kL0mN3pR7sT' },
    { JWT_SECRET: 'example-jwt-secret-from-the-docs-0123456789abcdef' },
    { METRICS_TOKEN: 'demo-metrics-token-4f9a1c2b' },
  ];
  for (const over of typed) {
    const [name] = Object.keys(over);
    assert.match(configError(productionEnv(over)).message, new RegExp(`${name} looks like a published, (test|sandbox) or placeholder value`), name);
  }
  // the provider draws its live keys: one whose random part spells a word is still its key
  loadConfig(productionEnv({ GATEWAY_API_KEY: 'sk_live_51Q9TeStk2Ldemo8xZ', GATEWAY_WEBHOOK_SECRET: 'whsec_7hTESTq0Demo2kLx9' }));
  // drawn at random, hex or base64, they start
  for (const v of [randomBytes(32).toString('hex'), 'q8V2mZr5xK0bN7wYc3LfJ9hT1sDgP4uA6eR8iO2nB0k']) loadConfig(productionEnv({ JWT_SECRET: v }));
});

test('a complete production configuration starts without demo data, docs or open metrics; development keeps its defaults', () => {
  const prod = loadConfig(productionEnv({ DATA_DIR: ':memory:', SEED_DEMO: 'true' }));
  assert.equal(prod.SEED_DEMO, false, 'SEED_DEMO=true is ignored in production');
  assert.equal(prod.apiDocs, false);
  assert.equal(prod.HOST, '127.0.0.1');
  assert.equal(loadConfig(productionEnv({ API_DOCS: 'true' })).apiDocs, true);
  // MAIL_DELIVERY=off is the explicit way to run without e-mail
  assert.equal(loadConfig(productionEnv({ SMTP_URL: '', MAIL_DELIVERY: 'off' })).mailDelivery, 'off');

  const dev = loadConfig({ DATA_DIR: ':memory:' });
  assert.equal(dev.SEED_DEMO, true);
  assert.equal(dev.apiDocs, true);
  assert.equal(dev.HOST, '127.0.0.1', 'listens on loopback unless HOST says otherwise');
  assert.equal(dev.PORT, 4000);
  assert.equal(dev.mailDelivery, 'local');
});

test('containers say HOST=0.0.0.0 themselves (the default is loopback)', () => {
  assert.match(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'), /HOST=0\.0\.0\.0/);
  assert.match(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), /HOST: 0\.0\.0\.0/);
});

test('production on a fresh database: no demo admin, no /dev/mail, no simulator, /metrics needs its token, docs off', async () => {
  const t = await startTestApp(productionEnv({ SEED_DEMO: 'true' }));
  try {
    const login = await call(t.app, { method: 'POST', url: '/api/v1/login', payload: { email: 'admin@cinema.com', password: 'password' } });
    assert.equal(login.status, 401, JSON.stringify(login.body));
    assert.deepEqual((await t.rt.db.query('SELECT count(*)::int AS n FROM users')).rows, [{ n: 0 }]);
    assert.deepEqual((await t.rt.db.query('SELECT count(*)::int AS n FROM screenings')).rows, [{ n: 0 }]);

    for (const url of ['/dev/mail', '/_gateway/ledger', '/_gateway/faults', '/swagger/json', '/swagger/index.html', '/swagger/']) {
      assert.equal((await call(t.app, { method: 'GET', url })).status, 404, url);
    }
    assert.equal((await call(t.app, { method: 'GET', url: '/metrics' })).status, 401);
    assert.equal((await call(t.app, { method: 'GET', url: '/metrics', token: 'wrong-token-wrong-token' })).status, 401);
    const metrics = await call(t.app, { method: 'GET', url: '/metrics', token: METRICS_TEST_TOKEN });
    assert.equal(metrics.status, 200);
    assert.match(String(metrics.body), /http_request_duration_seconds/);
  } finally {
    await t.close();
  }
});

test('docs are switchable; /metrics without a token is not served in production, open in development', async () => {
  const docs = await startTestApp(productionEnv({ API_DOCS: 'true', METRICS_TOKEN: '' }));
  try {
    const json = await call(docs.app, { method: 'GET', url: '/swagger/json' });
    assert.equal(json.status, 200);
    assert.equal(json.body.info.title, 'Cinema Ticket Booking API');
    assert.equal((await call(docs.app, { method: 'GET', url: '/metrics' })).status, 404);
  } finally {
    await docs.close();
  }
  const dev = await startTestApp({ SEED_DEMO: 'false' });
  try {
    assert.equal((await call(dev.app, { method: 'GET', url: '/metrics' })).status, 200);
    assert.equal((await call(dev.app, { method: 'GET', url: '/swagger/index.html' })).status, 302);
    const off = await startTestApp({ SEED_DEMO: 'false', API_DOCS: 'false', METRICS_TOKEN: METRICS_TEST_TOKEN });
    try {
      assert.equal((await call(off.app, { method: 'GET', url: '/swagger/json' })).status, 404);
      assert.equal((await call(off.app, { method: 'GET', url: '/metrics' })).status, 401);
    } finally {
      await off.close();
    }
  } finally {
    await dev.close();
  }
});

test('ADMIN_EMAIL + ADMIN_PASSWORD make the first admin on first start, and only then', async () => {
  const storage = await durableStorage();
  const first = await startTestApp(productionEnv({ ...storage, ADMIN_EMAIL: 'Boss@Example.com', ADMIN_PASSWORD: STRONG }));
  try {
    const login = await call(first.app, { method: 'POST', url: '/api/v1/login', payload: { email: 'boss@example.com', password: STRONG } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const me = await call(first.app, { method: 'GET', url: '/api/v1/me', token: login.body.data.token });
    assert.equal(me.body.data.role, 'admin');
  } finally {
    await first.close();
  }
  // a second start with other values: an admin exists, nothing is created or changed
  const second = await startTestApp(productionEnv({ ...storage, ADMIN_EMAIL: 'other@example.com', ADMIN_PASSWORD: `${STRONG}-2` }));
  try {
    const rows = (await second.rt.db.query<{ email: string }>("SELECT email FROM users WHERE role = 'admin'")).rows;
    assert.deepEqual(
      rows.map((r) => r.email),
      ['boss@example.com'],
    );
  } finally {
    await second.close();
  }
});

test('a guessable ADMIN_PASSWORD stops the first start (exit 78) and makes no account', async () => {
  const storage = await durableStorage();
  for (const weak of ['password', 'password123', 'boss@example.com']) {
    await assert.rejects(
      () => openRuntime(loadConfig(productionEnv({ ...storage, ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: weak }))),
      (e: Error) => e instanceof ConfigError && /ADMIN_PASSWORD/.test(e.message),
    );
  }
  const rt = await openRuntime(loadConfig(productionEnv(storage)));
  try {
    assert.deepEqual((await rt.db.query('SELECT count(*)::int AS n FROM users')).rows, [{ n: 0 }]);
  } finally {
    await rt.close();
  }
});

test('production refuses a database that holds the demo accounts (seeded before this rule)', async () => {
  const storage = await durableStorage();
  const dev = await openRuntime(loadConfig({ ...storage, JWT_SECRET: productionEnv().JWT_SECRET }));
  await dev.close();
  await assert.rejects(
    () => openRuntime(loadConfig(productionEnv(storage))),
    (e: Error) => e instanceof ConfigError && /admin@cinema\.com/.test(e.message),
  );
});

test('production refuses a demo account whose published password was hashed again (another salt), and names only that one', async () => {
  const storage = await durableStorage();
  const dev = await openRuntime(loadConfig({ ...storage, JWT_SECRET: productionEnv().JWT_SECRET }));
  try {
    // the same password under another salt: not the seed's hash, just as public
    await dev.db.query('UPDATE users SET password_hash = $1 WHERE email = $2', [await hashPassword('password'), 'admin@cinema.com']);
    await dev.db.query('UPDATE users SET password_hash = $1 WHERE email <> $2', [
      await hashPassword(randomBytes(16).toString('hex')),
      'admin@cinema.com',
    ]);
  } finally {
    await dev.close();
  }
  await assert.rejects(
    () => openRuntime(loadConfig(productionEnv(storage))),
    (e: Error) => e instanceof ConfigError && /admin@cinema\.com/.test(e.message) && !/customer@cinema\.com/.test(e.message),
  );
});

function runCli(env: Record<string, string>, stdin = ''): Promise<{ code: number | null; out: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/modules/auth/create-admin-cli.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += d));
  proc.stderr.on('data', (d) => (out += d));
  proc.stdin.end(stdin);
  return new Promise((resolve) => proc.on('exit', (code) => resolve({ code, out })));
}

test('npm run create-admin: a strong password makes an admin; a weak one or a taken email makes nothing', async () => {
  const storage = await durableStorage();
  const weak = await runCli({ ...storage, ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'cinema123' });
  assert.equal(weak.code, 1, weak.out);
  assert.match(weak.out, /ADMIN_PASSWORD|password/i);

  const made = await runCli({ ...storage, ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: STRONG });
  assert.equal(made.code, 0, made.out);
  assert.match(made.out, /root@example\.com/);
  assert.doesNotMatch(made.out, new RegExp(STRONG), 'the password is never echoed');

  // no environment: email and password are read from standard input (a terminal would be prompted)
  const piped = await runCli(storage, `second@example.com\n${STRONG}-x\n`);
  assert.equal(piped.code, 0, piped.out);

  const taken = await runCli({ ...storage, ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: `${STRONG}-y` });
  assert.equal(taken.code, 1, taken.out);
  assert.match(taken.out, /already/);

  const rt = await openRuntime(loadConfig({ ...storage, JWT_SECRET: productionEnv().JWT_SECRET, SEED_DEMO: 'false' }));
  try {
    const rows = (
      await rt.db.query<{ email: string; role: string; password_hash: string }>('SELECT email, role, password_hash FROM users ORDER BY id')
    ).rows;
    assert.deepEqual(
      rows.map((r) => [r.email, r.role]),
      [
        ['root@example.com', 'admin'],
        ['second@example.com', 'admin'],
      ],
    );
    assert.ok(await verifyPassword(STRONG, rows[0].password_hash), 'the first password (not the refused later one) is kept');
  } finally {
    await rt.close();
  }
});

test('the real process: production without settings exits 78 with one message naming all of them', async () => {
  const server = startServer({ NODE_ENV: 'production', DATA_DIR: tempDir() }, await freePort());
  assert.equal(await server.exited, 78);
  const out = server.output();
  assert.equal(out.match(/invalid configuration/g)?.length, 1, out);
  for (const name of REQUIRED) assert.match(out, new RegExp(`\\b${name}\\b`), `${name} missing from:\n${out}`);
});

test('the real process: production with MAIL_DELIVERY=off starts, says so loudly, and is not the demo', async () => {
  const server = startServer(
    productionEnv({ DATA_DIR: tempDir(), SMTP_URL: '', MAIL_DELIVERY: 'off', RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'info' }),
    await freePort(),
  );
  try {
    // a cold PGlite start migrates from scratch: slow on a shared, loaded machine
    await waitFor(`${server.base}/readyz`, 120_000).catch((err: Error) => assert.fail(`${err.message}\n${server.output()}`));
    assert.match(server.output(), /"level":40[^\n]*mail delivery is off/i);
    const login = await fetch(`${server.base}/api/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@cinema.com', password: 'password' }),
    });
    assert.equal(login.status, 401);
    assert.equal((await fetch(`${server.base}/dev/mail`)).status, 404);
    server.proc.kill('SIGTERM');
    assert.equal(await server.exited, 0);
  } finally {
    if (server.proc.exitCode === null && server.proc.signalCode === null) {
      server.proc.kill('SIGKILL');
      await server.exited;
    }
  }
});
