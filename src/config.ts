// Validated environment -> frozen config. Boot fails fast with a message that names the variable.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { ConfigError } from './config-error.ts';
import { allowedOrigins } from './http/cors.ts';
import { trustProxyOf } from './http/trust-proxy.ts';
import { PAYMENT_METHODS, type PaymentMethod } from './gateway/gateway.ts';
import { loadTicketKeys, TicketKeyError } from './eticket/signing-key.ts';

const Int = (def: number, min: number, max: number) => Type.Integer({ default: def, minimum: min, maximum: max });

const EnvSchema = Type.Object({
  NODE_ENV: Type.String({ default: 'development' }),
  // loopback unless told otherwise: a laptop on a café's network must not serve /dev/mail to it
  HOST: Type.String({ default: '127.0.0.1' }),
  PORT: Int(4000, 0, 65535),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DB_POOL_MAX: Int(10, 1, 200),
  // a streaming replica for reads that tolerate lag (db/replica.ts): its URL, its pool, the most lag
  // a read may see (past it, reads go to the primary), and how often its lag is measured
  DATABASE_REPLICA_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DB_REPLICA_POOL_MAX: Int(10, 1, 200),
  REPLICA_MAX_LAG_MS: Int(2_000, 100, 600_000),
  REPLICA_CHECK_MS: Int(250, 50, 60_000),
  DATA_DIR: Type.String({ default: './data' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_PREFIX: Type.String({ default: 'cinema:' }),
  JWT_SECRET: Type.Optional(Type.String()),
  ACCESS_TOKEN_TTL_SECONDS: Int(3600, 30, 86400),
  REFRESH_TOKEN_TTL_SECONDS: Int(30 * 86400, 300, 365 * 86400),
  // access tokens name who issued them and for whom; a token of another issuer or audience (another
  // deployment sharing a secret by mistake) is refused
  JWT_ISSUER: Type.String({ default: 'cinema-ticket-api', minLength: 1 }),
  JWT_AUDIENCE: Type.String({ default: 'cinema-ticket-api', minLength: 1 }),
  // how long an instance trusts what it knows about a user's sessions: a logout, a revoked refresh
  // family, a role or password change refuses the old access tokens on every instance within this
  SESSION_CHECK_MS: Int(2_000, 0, 60_000),
  AUTH_RATE_LIMIT: Int(10, 1, 1_000_000),
  // bcrypt's cost for new password hashes (modules/auth/passwords.ts); +1 doubles a login's and a guess's time
  BCRYPT_COST: Int(10, 10, 15),
  // the perimeter (http/request-limit.ts, modules/auth/login-throttle.ts, http/cors.ts, http/trust-proxy.ts):
  // requests per client address per window over the whole API; registrations per address and per email
  // an hour; failed logins per account and address before the progressive backoff, and its longest
  // wait; the proxies whose X-Forwarded-For is believed; the browser origins allowed to call the API
  RATE_LIMIT_MAX: Int(600, 1, 1_000_000_000),
  RATE_LIMIT_WINDOW_MS: Int(60_000, 1_000, 3_600_000),
  REGISTRATIONS_PER_HOUR: Int(20, 1, 1_000_000_000),
  LOGIN_FREE_FAILURES: Int(5, 1, 1_000),
  LOGIN_BACKOFF_MAX_SECONDS: Int(900, 1, 86_400),
  TRUST_PROXY: Type.String({ default: '' }),
  CORS_ORIGINS: Type.String({ default: '' }),
  BODY_LIMIT_BYTES: Int(512 * 1024, 1024, 16 * 1024 * 1024),
  // the payment webhook's own limit: anyone can post to it (its signature is checked on the bytes)
  WEBHOOK_BODY_LIMIT_BYTES: Int(64 * 1024, 1024, 16 * 1024 * 1024),
  SEED_DEMO: Type.Boolean({ default: true }),
  // the first admin, made on a start that finds no admin (see modules/auth/create-admin.ts)
  ADMIN_EMAIL: Type.Optional(Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$' })),
  ADMIN_PASSWORD: Type.Optional(Type.String()),
  // operational surfaces: Swagger UI + OpenAPI document (default: on, off in production) and the
  // bearer token /metrics asks for (unset: open in development, not served in production)
  API_DOCS: Type.Optional(Type.Boolean()),
  METRICS_TOKEN: Type.Optional(Type.String()),
  READ_CACHE: Type.Boolean({ default: true }),
  CURRENCY: Type.String({ default: 'IDR', pattern: '^[A-Z]{3}$' }),
  CLEANING_GAP_MINUTES: Int(15, 0, 240),
  SHUTDOWN_GRACE_MS: Int(10_000, 0, 120_000),
  // behind a balancer: how long SIGTERM keeps serving while /readyz says 'draining', so the
  // balancer's health checks take the instance out before it stops accepting connections
  DRAIN_MS: Int(0, 0, 60_000),
  // 10 s for tests of a hold running out; production refuses under 60 (productionProblems)
  HOLD_TTL_SECONDS: Int(600, 10, 900),
  HOLD_MAX_SEATS: Int(8, 1, 20),
  // limits against seat hoarding (modules/holds/hold-limits.ts, hold-attempts.ts): seats one account
  // holds at once across screenings; seats one customer holds + has bought for one screening; how long
  // a customer's chain of holds on one screening may last, and the pause after it; hold attempts per
  // minute per account and per client address
  HOLD_MAX_SEATS_PER_ACCOUNT: Int(12, 1, 1_000_000),
  MAX_SEATS_PER_CUSTOMER_PER_SCREENING: Int(10, 1, 1_000_000),
  HOLD_MAX_LIFE_SECONDS: Int(1_200, 60, 86_400),
  HOLD_RENEWAL_COOLDOWN_SECONDS: Int(300, 0, 86_400),
  HOLD_RATE_PER_ACCOUNT: Int(30, 1, 100_000_000),
  HOLD_RATE_PER_ADDRESS: Int(300, 1, 100_000_000),
  // hold batches each instance has in flight to PostgreSQL (modules/inventory/take-batcher.ts); capped at DB_POOL_MAX / 2
  HOLD_BATCHES_IN_FLIGHT: Int(2, 1, 100),
  FASTPATH_TTL_MS: Int(30_000, 1_000, 900_000),
  // the waiting room of a screening on a rush (kv/waiting-room.ts); 0 attempts/s: never engages
  WAITING_ROOM_ENGAGE_PER_S: Int(0, 0, 1_000_000),
  WAITING_ROOM_ADMIT_PER_S: Int(50, 1, 100_000),
  WAITING_ROOM_LINGER_SECONDS: Int(60, 1, 3_600),
  WAITING_ROOM_PASS_SECONDS: Int(300, 10, 3_600),
  SWEEP_INTERVAL_MS: Int(1_000, 0, 60_000),
  LIVE_BATCH_MS: Int(100, 10, 2_000),
  // live seat-map sockets open at once on one instance, per account and per client address (behind
  // TRUST_PROXY, the forwarded one); one more is closed with 4429 (realtime/socket-quota.ts)
  LIVE_SOCKETS_PER_ACCOUNT: Int(10, 1, 10_000),
  LIVE_SOCKETS_PER_ADDRESS: Int(200, 1, 1_000_000),
  // a socket that has not authenticated within this is closed; one whose client leaves this much
  // unread is cut off (1013) rather than buffered without limit
  LIVE_AUTH_WINDOW_MS: Int(5_000, 500, 60_000),
  LIVE_MAX_BUFFERED_BYTES: Int(1 << 20, 64 * 1024, 64 << 20),
  // payment gateway: the built-in simulator in process, or a gateway over HTTP (`npm run gateway`)
  GATEWAY: Type.Enum(['simulator', 'http'], { default: 'simulator' }),
  GATEWAY_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  GATEWAY_API_KEY: Type.Optional(Type.String()),
  GATEWAY_WEBHOOK_SECRET: Type.Optional(Type.String()),
  GATEWAY_TIMEOUT_MS: Int(10_000, 100, 120_000),
  GATEWAY_LATENCY_MS: Int(0, 0, 60_000),
  GATEWAY_AUTO_CAPTURE_MS: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })),
  PAYMENT_METHODS: Type.String({ default: PAYMENT_METHODS.join(','), pattern: '^[a-z_]+(,[a-z_]+)*$' }),
  CHECKOUT_EXTENSION_SECONDS: Int(300, 0, 1_800),
  RECONCILE_INTERVAL_MS: Int(5_000, 0, 600_000),
  RECONCILE_AFTER_SECONDS: Int(30, 0, 86_400),
  // screening cancellation: how long POST /screenings/{id}/cancel waits for its refunds before it
  // answers 202 with progress (they go on in the background), and how many gateway refunds it has in flight
  CANCEL_WAIT_MS: Int(5_000, 0, 60_000),
  CANCEL_CONCURRENCY: Int(4, 1, 32),
  PUBLIC_BASE_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  TICKET_SIGNING_KEY: Type.Optional(Type.String()),
  CHECKIN_OPENS_MINUTES: Int(180, 0, 1_440),
  // delivery (wired by the outbox worker)
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  // 'off': run without e-mail on purpose (messages are filed in DATA_DIR/mailbox, not sent); production
  // needs SMTP_URL or this
  MAIL_DELIVERY: Type.Optional(Type.Enum(['smtp', 'off'])),
  MAIL_FROM: Type.String({ default: 'Cinema Tickets <tickets@cinema.local>' }),
  SMS_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SMS_API_KEY: Type.Optional(Type.String()),
  SMS_TIMEOUT_MS: Int(5_000, 100, 60_000),
  // the outbox worker: every OUTBOX_INTERVAL_MS (0 = off), retries with exponential backoff between
  // OUTBOX_BACKOFF_BASE_MS and OUTBOX_BACKOFF_MAX_MS, dead letter after OUTBOX_MAX_ATTEMPTS; a claimed
  // message is another worker's again after OUTBOX_LEASE_MS (longer than the slowest send)
  OUTBOX_INTERVAL_MS: Int(1_000, 0, 600_000),
  OUTBOX_MAX_ATTEMPTS: Int(8, 1, 100),
  OUTBOX_BACKOFF_BASE_MS: Int(10_000, 10, 3_600_000),
  OUTBOX_BACKOFF_MAX_MS: Int(1_800_000, 10, 86_400_000),
  OUTBOX_LEASE_MS: Int(60_000, 1_000, 3_600_000),
  // the audit trail: entries older than AUDIT_RETENTION_DAYS are deleted every AUDIT_PURGE_INTERVAL_MS
  // (0 = never); younger ones cannot be deleted at all (a trigger refuses it)
  AUDIT_RETENTION_DAYS: Int(730, 1, 36_500),
  AUDIT_PURGE_INTERVAL_MS: Int(3_600_000, 0, 86_400_000),
  // the reports' rollups: deltas folded in every REPORT_ROLLUP_INTERVAL_MS (0 = never; reports stay
  // exact either way, and slow down as unfolded deltas pile up)
  REPORT_ROLLUP_INTERVAL_MS: Int(30_000, 0, 3_600_000),
  // sell-out alerts (modules/alerts): e-mailed to ALERT_EMAILS (comma separated; default: every admin
  // account), posted to ALERT_WEBHOOK_URL signed with ALERT_WEBHOOK_SECRET (32+ characters) when set;
  // the admins' live feed looks for new alerts every ALERT_FEED_POLL_MS
  ALERT_EMAILS: Type.String({ default: '' }),
  ALERT_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  ALERT_WEBHOOK_SECRET: Type.Optional(Type.String()),
  ALERT_WEBHOOK_TIMEOUT_MS: Int(5_000, 100, 60_000),
  ALERT_FEED_POLL_MS: Int(1_000, 50, 60_000),
  // a sell-out decision that failed (database unavailable) is made again every ALERT_RETRY_INTERVAL_MS
  ALERT_RETRY_INTERVAL_MS: Int(5_000, 100, 600_000),
  // partner API keys (modules/apikeys): requests a minute per key unless the key says otherwise, and
  // how long a rotated key keeps working beside its successor unless the rotation says otherwise
  API_KEY_RATE_LIMIT: Int(600, 1, 1_000_000),
  API_KEY_ROTATION_GRACE_SECONDS: Int(86_400, 0, 30 * 86_400),
});
type Env = Static<typeof EnvSchema>;

export type Config = Readonly<
  Omit<
    Env,
    'JWT_SECRET' | 'DATA_DIR' | 'GATEWAY_WEBHOOK_SECRET' | 'PAYMENT_METHODS' | 'PUBLIC_BASE_URL' | 'API_DOCS' | 'MAIL_DELIVERY' | 'ALERT_EMAILS'
  > & {
    /** who is e-mailed sell-out alerts (ALERT_EMAILS); empty: every admin account */
    alertEmails: readonly string[];
    /** NODE_ENV=production: no demo data, no development secrets, no /dev or simulator routes */
    production: boolean;
    /** serve Swagger UI and the OpenAPI document (API_DOCS) */
    apiDocs: boolean;
    /** 'smtp': SMTP_URL; 'local': the local mailbox (development); 'off': production without e-mail, on purpose */
    mailDelivery: 'smtp' | 'local' | 'off';
    embedded: boolean;
    /** ':memory:' or an absolute folder for PGlite, the JWT secret and the local mailbox */
    dataDir: string;
    jwtSecret: string;
    /** HMAC key of gateway webhooks (shared with the gateway) */
    gatewayWebhookSecret: string;
    /** the payment methods customers may choose, from PAYMENT_METHODS */
    paymentMethods: readonly PaymentMethod[];
    /** where customers reach this service (links in mails, the simulator's approve page); no trailing slash */
    publicBaseUrl: string;
  }
>;

/**
 * The webhook secret of the embedded default, which `npm run gateway` uses too unless told otherwise.
 * Public by design: it only protects a demo on one machine.
 */
export const DEV_WEBHOOK_SECRET = 'whsec_simulator_dev_secret_change_me';
/** The API key `npm run gateway` accepts by default (embedded default only). */
export const DEV_GATEWAY_API_KEY = 'sk_test_simulator';
export const DEV_GATEWAY_URL = 'http://127.0.0.1:4100';
/** Values published in this repository (docker-compose.yml, and tests' fixed values of old): never secrets in production. */
const PUBLIC_VALUES = new Set([
  DEV_WEBHOOK_SECRET,
  DEV_GATEWAY_API_KEY,
  'whsec_simulator_compose_change_me',
  'prod-test-jwt-secret-7d1e0b9a54c38f2e6a1b0c9d',
  'sk_live_tests_5b2c9e1f',
  'whsec_tests_0a8f3d6b2e91c4',
  'metrics-token-for-tests-4f9a1c',
]);
// A secret that says what it is for was typed by a person, not drawn at random: a test fixture, an
// example from a document or a provider's sandbox key (sk_test_...). 43 random base64 characters
// spell 'test' or 'demo' about once in 13,000 draws (hex never does): the refusal says draw again.
const PLACEHOLDER_WORDS = /test|demo|example|sample|dummy|placeholder|change_?me/i;
const looksPublic = (v: string) => PUBLIC_VALUES.has(v) || PLACEHOLDER_WORDS.test(v);
// The payment provider's key and webhook secret are the provider's to draw, not ours: a live key
// whose random part spells 'test' cannot be drawn again. They are refused when published here, when
// they carry a sandbox prefix, or when they still say they are a placeholder.
const SANDBOX_KEY = /^(sk_test_|pk_test_|rk_test_|SB-Mid-|xnd_development_)/;
const looksLikeSandbox = (v: string) => PUBLIC_VALUES.has(v) || SANDBOX_KEY.test(v) || /example|placeholder|change_?me/i.test(v);

export { ConfigError };

const BOOL = new Set(['SEED_DEMO', 'READ_CACHE', 'API_DOCS']);
const INTS = new Set(
  Object.entries(EnvSchema.properties)
    .filter(([, s]) => (s as { type?: string }).type === 'integer')
    .map(([k]) => k),
);

function coerce(raw: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(EnvSchema.properties)) {
    const v = raw[key];
    if (v === undefined || v === '') continue;
    if (INTS.has(key)) out[key] = /^-?\d+$/.test(v) ? Number(v) : v;
    else if (BOOL.has(key)) out[key] = v === 'true' || v === '1' ? true : v === 'false' || v === '0' ? false : v;
    else out[key] = v;
  }
  return out;
}

/** Reads and checks the environment; throws ConfigError listing every bad variable. */
export function loadConfig(raw: NodeJS.ProcessEnv = process.env): Config {
  const input = Value.Default(EnvSchema, coerce(raw)) as Record<string, unknown>;
  // Every problem is collected and reported in one message (one restart per variable wears an
  // operator out); the first problem found for a variable is the one said.
  const problems = new Map<string, string>();
  const fail: Fail = (name, message) => {
    if (!problems.has(name)) problems.set(name, message);
  };
  for (const e of Value.Errors(EnvSchema, input)) fail(e.instancePath.slice(1) || '(env)', `${e.instancePath.slice(1) || '(env)'}: ${e.message}`);
  const typed = problems.size === 0;
  const production = input.NODE_ENV === 'production';
  if (production) productionProblems(input, fail);
  // the checks below read typed values: with a value of the wrong type, say what we have
  if (!typed) throw configError(problems);

  const env = input as Env;
  const embedded = !env.DATABASE_URL;
  if (embedded && env.DATABASE_REPLICA_URL)
    fail('DATABASE_REPLICA_URL', 'DATABASE_REPLICA_URL needs DATABASE_URL: the embedded database has no replica');
  const dataDir = env.DATA_DIR === ':memory:' ? ':memory:' : resolve(env.DATA_DIR);
  const jwtSecret = resolveJwtSecret(env.JWT_SECRET, embedded, production, dataDir, fail);
  const gatewayWebhookSecret = resolveWebhookSecret(env, embedded, jwtSecret, fail);
  const gateway = resolveGatewayTarget(env, embedded, fail);
  const paymentMethods = [...new Set(env.PAYMENT_METHODS.split(','))] as PaymentMethod[];
  const unknown = paymentMethods.filter((m) => !PAYMENT_METHODS.includes(m));
  if (unknown.length > 0) fail('PAYMENT_METHODS', `PAYMENT_METHODS: unknown ${unknown.join(', ')} (known: ${PAYMENT_METHODS.join(', ')})`);
  checkTicketKey(env.TICKET_SIGNING_KEY, fail);
  checkAdmin(env, fail);
  // the perimeter's lists, parsed again where they are used
  for (const [name, check] of [
    ['TRUST_PROXY', () => trustProxyOf(env.TRUST_PROXY)],
    ['CORS_ORIGINS', () => allowedOrigins(env)],
  ] as const) {
    try {
      check();
    } catch (err) {
      fail(name, (err as Error).message);
    }
  }
  if (env.METRICS_TOKEN !== undefined && env.METRICS_TOKEN.length < 16) fail('METRICS_TOKEN', 'METRICS_TOKEN must be at least 16 characters');
  const mailDelivery = resolveMailDelivery(env, production, fail);
  const alertEmails = env.ALERT_EMAILS.split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const notEmail = alertEmails.filter((e) => !/^[^\s@,]+@[^\s@,]+$/.test(e));
  if (notEmail.length > 0) fail('ALERT_EMAILS', `ALERT_EMAILS: not an e-mail address: ${notEmail.join(', ')}`);
  if (env.ALERT_WEBHOOK_URL !== undefined && (env.ALERT_WEBHOOK_SECRET ?? '').length < 32) {
    fail('ALERT_WEBHOOK_SECRET', 'ALERT_WEBHOOK_SECRET (32+ characters) is required with ALERT_WEBHOOK_URL: it signs every alert webhook');
  } else if (production && env.ALERT_WEBHOOK_SECRET !== undefined && looksPublic(env.ALERT_WEBHOOK_SECRET)) {
    fail('ALERT_WEBHOOK_SECRET', 'ALERT_WEBHOOK_SECRET looks like a published, test or placeholder value; set your own');
  }
  if (problems.size > 0) throw configError(problems);

  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const {
    JWT_SECRET: _s,
    DATA_DIR: _d,
    GATEWAY_WEBHOOK_SECRET: _w,
    PAYMENT_METHODS: _m,
    PUBLIC_BASE_URL: _u,
    API_DOCS: _a,
    MAIL_DELIVERY: _l,
    ALERT_EMAILS: _e,
    ...rest
  } = env;
  return Object.freeze({
    ...rest,
    ...gateway,
    // production never loads the demo data, whatever SEED_DEMO says: its admin's password is public
    SEED_DEMO: env.SEED_DEMO && !production,
    production,
    apiDocs: env.API_DOCS ?? !production,
    mailDelivery,
    alertEmails,
    embedded,
    dataDir,
    jwtSecret,
    gatewayWebhookSecret,
    paymentMethods,
    publicBaseUrl,
  });
}

type Fail = (name: string, message: string) => void;

function configError(problems: Map<string, string>): ConfigError {
  return new ConfigError(`invalid configuration:\n${[...problems.values()].map((m) => `  ${m}`).join('\n')}`);
}

// Production is never the demo: every secret is given (none generated, derived or published here),
// payments go to a real gateway, e-tickets are really sent (or knowingly not), links point at the
// public address. Reads the raw input, so it speaks even when other values failed their schema.
function productionProblems(input: Record<string, unknown>, fail: Fail) {
  const given = (name: string) => (typeof input[name] === 'string' ? (input[name] as string) : undefined);
  const secret = (name: string, what: string, provider = false) => {
    const v = given(name);
    if (v === undefined) fail(name, `${name} is required when NODE_ENV=production (${what})`);
    else if (provider ? looksLikeSandbox(v) : looksPublic(v)) {
      fail(
        name,
        provider
          ? `${name} looks like a published, sandbox or placeholder value; set the provider's live one (${what})`
          : `${name} looks like a published, test or placeholder value; set your own, drawn at random (${what})`,
      );
    }
  };
  secret('JWT_SECRET', '32+ random characters; it signs every access token');
  if (input.GATEWAY !== 'http') {
    fail('GATEWAY', 'GATEWAY=simulator is refused when NODE_ENV=production: set GATEWAY=http with GATEWAY_URL (the payment provider)');
  }
  if (given('GATEWAY_URL') === undefined) fail('GATEWAY_URL', 'GATEWAY_URL is required when NODE_ENV=production (the payment provider)');
  secret('GATEWAY_API_KEY', "the payment provider's API key", true);
  secret('GATEWAY_WEBHOOK_SECRET', "16+ characters; the provider's webhook signing secret", true);
  if (given('TICKET_SIGNING_KEY') === undefined) {
    fail(
      'TICKET_SIGNING_KEY',
      'TICKET_SIGNING_KEY is required when NODE_ENV=production (Ed25519 PKCS#8 PEM or base64 DER: `openssl genpkey -algorithm ed25519`)',
    );
  }
  if (given('SMTP_URL') === undefined && input.MAIL_DELIVERY !== 'off') {
    fail('SMTP_URL', 'SMTP_URL is required when NODE_ENV=production (e-tickets are e-mailed); MAIL_DELIVERY=off runs without e-mail on purpose');
  }
  const ttl = Number(input.HOLD_TTL_SECONDS ?? 600);
  if (ttl < 60) fail('HOLD_TTL_SECONDS', 'HOLD_TTL_SECONDS under 60 is for tests; a customer needs minutes to pay (60-900 in production)');
  if (given('PUBLIC_BASE_URL') === undefined) {
    fail('PUBLIC_BASE_URL', 'PUBLIC_BASE_URL is required when NODE_ENV=production (where customers reach the service: links in e-mails)');
  }
  const token = given('METRICS_TOKEN');
  if (token !== undefined && looksPublic(token))
    fail('METRICS_TOKEN', 'METRICS_TOKEN looks like a published, test or placeholder value; set your own');
}

function checkTicketKey(value: string | undefined, fail: Fail) {
  if (!value?.trim()) return;
  try {
    loadTicketKeys({ envValue: value, dataDir: ':memory:' });
  } catch (err) {
    if (!(err instanceof TicketKeyError)) throw err;
    fail('TICKET_SIGNING_KEY', err.message);
  }
}

// Both or neither. The password's strength is judged where the admin is made (create-admin.ts), by
// the rule every account follows; a weak one stops that start with exit code 78 too.
function checkAdmin(env: Env, fail: Fail) {
  if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
    fail(
      env.ADMIN_EMAIL === undefined ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD',
      'ADMIN_EMAIL and ADMIN_PASSWORD go together (the first admin), or neither',
    );
  }
}

function resolveMailDelivery(env: Env, production: boolean, fail: Fail): Config['mailDelivery'] {
  if (env.MAIL_DELIVERY === 'off' && env.SMTP_URL) fail('MAIL_DELIVERY', 'MAIL_DELIVERY=off and SMTP_URL contradict each other: choose one');
  if (env.MAIL_DELIVERY === 'smtp' && !env.SMTP_URL) fail('SMTP_URL', 'SMTP_URL is required with MAIL_DELIVERY=smtp');
  if (env.SMTP_URL) return 'smtp';
  return env.MAIL_DELIVERY === 'off' || production ? 'off' : 'local';
}

// GATEWAY=http on one machine works against `npm run gateway` with its defaults; with DATABASE_URL
// the gateway's address and key must be given.
function resolveGatewayTarget(env: Env, embedded: boolean, fail: Fail): Pick<Env, 'GATEWAY_URL' | 'GATEWAY_API_KEY'> {
  if (env.GATEWAY !== 'http') return { GATEWAY_URL: env.GATEWAY_URL, GATEWAY_API_KEY: env.GATEWAY_API_KEY };
  if (!embedded && !env.GATEWAY_URL) fail('GATEWAY_URL', 'GATEWAY_URL is required when DATABASE_URL is set and GATEWAY=http');
  if (!embedded && !env.GATEWAY_API_KEY) fail('GATEWAY_API_KEY', 'GATEWAY_API_KEY is required when DATABASE_URL is set and GATEWAY=http');
  return { GATEWAY_URL: env.GATEWAY_URL ?? DEV_GATEWAY_URL, GATEWAY_API_KEY: env.GATEWAY_API_KEY ?? DEV_GATEWAY_API_KEY };
}

// A gateway in another process must share the secret, so outside the embedded default GATEWAY=http
// needs it spelled out. The in-process simulator signs and we verify in one process: there the secret
// is derived from JWT_SECRET (same on every instance, nothing more to configure).
function resolveWebhookSecret(env: Env, embedded: boolean, jwtSecret: string, fail: Fail): string {
  const given = env.GATEWAY_WEBHOOK_SECRET;
  if (given !== undefined) {
    if (given.length < 16) fail('GATEWAY_WEBHOOK_SECRET', 'GATEWAY_WEBHOOK_SECRET must be at least 16 characters');
    return given;
  }
  if (embedded) return DEV_WEBHOOK_SECRET;
  if (env.GATEWAY === 'http')
    fail('GATEWAY_WEBHOOK_SECRET', 'GATEWAY_WEBHOOK_SECRET is required when DATABASE_URL is set and GATEWAY=http (16+ characters)');
  return createHmac('sha256', jwtSecret).update('gateway-webhook-secret').digest('hex');
}

// Outside the embedded default a weak or missing secret refuses to boot (the seed signed tokens with
// an empty key). The embedded default makes one and keeps it beside its data, so tokens survive
// restarts; production never does (productionProblems has said so already).
function resolveJwtSecret(given: string | undefined, embedded: boolean, production: boolean, dataDir: string, fail: Fail): string {
  if (given !== undefined) {
    if (given.length < 32) fail('JWT_SECRET', 'JWT_SECRET must be at least 32 characters');
    return given;
  }
  if (!embedded) fail('JWT_SECRET', 'JWT_SECRET is required when DATABASE_URL is set (32+ characters)');
  if (!embedded || production) return '';
  if (dataDir === ':memory:') return randomBytes(32).toString('hex');
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
