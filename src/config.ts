// Validated environment -> frozen config. Boot fails fast with a message that names the variable.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHmac, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { PAYMENT_METHODS, type PaymentMethod } from './payments/gateway.ts';

const Int = (def: number, min: number, max: number) =>
  Type.Integer({ default: def, minimum: min, maximum: max });

const EnvSchema = Type.Object({
  NODE_ENV: Type.String({ default: 'development' }),
  HOST: Type.String({ default: '0.0.0.0' }),
  PORT: Int(4000, 0, 65535),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  DB_POOL_MAX: Int(10, 1, 200),
  DATA_DIR: Type.String({ default: './data' }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  REDIS_PREFIX: Type.String({ default: 'cinema:' }),
  JWT_SECRET: Type.Optional(Type.String()),
  ACCESS_TOKEN_TTL_SECONDS: Int(3600, 30, 86400),
  REFRESH_TOKEN_TTL_SECONDS: Int(30 * 86400, 300, 365 * 86400),
  AUTH_RATE_LIMIT: Int(10, 1, 1_000_000),
  BODY_LIMIT_BYTES: Int(512 * 1024, 1024, 16 * 1024 * 1024),
  SEED_DEMO: Type.Boolean({ default: true }),
  READ_CACHE: Type.Boolean({ default: true }),
  CURRENCY: Type.String({ default: 'IDR', pattern: '^[A-Z]{3}$' }),
  CLEANING_GAP_MINUTES: Int(15, 0, 240),
  SHUTDOWN_GRACE_MS: Int(10_000, 0, 120_000),
  HOLD_TTL_SECONDS: Int(600, 60, 900),
  HOLD_MAX_SEATS: Int(8, 1, 20),
  // hold batches each instance has in flight to PostgreSQL (take-batcher.ts); capped at DB_POOL_MAX / 2
  HOLD_BATCHES_IN_FLIGHT: Int(2, 1, 100),
  FASTPATH_TTL_MS: Int(30_000, 1_000, 900_000),
  SWEEP_INTERVAL_MS: Int(1_000, 0, 60_000),
  LIVE_BATCH_MS: Int(100, 10, 2_000),
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
});
type Env = Static<typeof EnvSchema>;

export type Config = Readonly<
  Omit<Env, 'JWT_SECRET' | 'DATA_DIR' | 'GATEWAY_WEBHOOK_SECRET' | 'PAYMENT_METHODS' | 'PUBLIC_BASE_URL'> & {
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

export class ConfigError extends Error {}

const BOOL = new Set(['SEED_DEMO', 'READ_CACHE']);
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
  const errors = [...Value.Errors(EnvSchema, input)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.instancePath.slice(1) || '(env)'}: ${e.message}`);
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  const env = input as Env;
  const embedded = !env.DATABASE_URL;
  const dataDir = env.DATA_DIR === ':memory:' ? ':memory:' : resolve(env.DATA_DIR);
  const jwtSecret = resolveJwtSecret(env.JWT_SECRET, embedded, dataDir);
  const gatewayWebhookSecret = resolveWebhookSecret(env, embedded, jwtSecret);
  // The simulator approves any payment for anyone who asks (its control routes): a production
  // deployment must talk to a real gateway (GATEWAY=http), or to a simulator it runs on purpose as
  // its own service (`npm run gateway`), never to one inside the API.
  if (env.NODE_ENV === 'production' && env.GATEWAY === 'simulator') {
    throw new ConfigError('GATEWAY=simulator is refused when NODE_ENV=production: set GATEWAY=http with GATEWAY_URL (the payment provider)');
  }
  const gateway = resolveGatewayTarget(env, embedded);
  const paymentMethods = [...new Set(env.PAYMENT_METHODS.split(','))] as PaymentMethod[];
  const unknown = paymentMethods.filter((m) => !PAYMENT_METHODS.includes(m));
  if (unknown.length > 0) throw new ConfigError(`PAYMENT_METHODS: unknown ${unknown.join(', ')} (known: ${PAYMENT_METHODS.join(', ')})`);
  const publicBaseUrl = (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const { JWT_SECRET: _s, DATA_DIR: _d, GATEWAY_WEBHOOK_SECRET: _w, PAYMENT_METHODS: _m, PUBLIC_BASE_URL: _u, ...rest } = env;
  return Object.freeze({ ...rest, ...gateway, embedded, dataDir, jwtSecret, gatewayWebhookSecret, paymentMethods, publicBaseUrl });
}

// GATEWAY=http on one machine works against `npm run gateway` with its defaults; with DATABASE_URL
// the gateway's address and key must be given.
function resolveGatewayTarget(env: Env, embedded: boolean): Pick<Env, 'GATEWAY_URL' | 'GATEWAY_API_KEY'> {
  if (env.GATEWAY !== 'http') return { GATEWAY_URL: env.GATEWAY_URL, GATEWAY_API_KEY: env.GATEWAY_API_KEY };
  if (!embedded && !env.GATEWAY_URL) throw new ConfigError('GATEWAY_URL is required when DATABASE_URL is set and GATEWAY=http');
  if (!embedded && !env.GATEWAY_API_KEY) throw new ConfigError('GATEWAY_API_KEY is required when DATABASE_URL is set and GATEWAY=http');
  return { GATEWAY_URL: env.GATEWAY_URL ?? DEV_GATEWAY_URL, GATEWAY_API_KEY: env.GATEWAY_API_KEY ?? DEV_GATEWAY_API_KEY };
}

// A gateway in another process must share the secret, so outside the embedded default GATEWAY=http
// needs it spelled out. The in-process simulator signs and we verify in one process: there the secret
// is derived from JWT_SECRET (same on every instance, nothing more to configure).
function resolveWebhookSecret(env: Env, embedded: boolean, jwtSecret: string): string {
  const given = env.GATEWAY_WEBHOOK_SECRET;
  if (given !== undefined) {
    if (given.length < 16) throw new ConfigError('GATEWAY_WEBHOOK_SECRET must be at least 16 characters');
    return given;
  }
  if (embedded) return DEV_WEBHOOK_SECRET;
  if (env.GATEWAY === 'http') throw new ConfigError('GATEWAY_WEBHOOK_SECRET is required when DATABASE_URL is set and GATEWAY=http (16+ characters)');
  return createHmac('sha256', jwtSecret).update('gateway-webhook-secret').digest('hex');
}

// Outside the embedded default a weak or missing secret refuses to boot (the seed signed tokens with
// an empty key). The embedded default makes one and keeps it beside its data, so tokens survive restarts.
function resolveJwtSecret(given: string | undefined, embedded: boolean, dataDir: string): string {
  if (given !== undefined) {
    if (given.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
    return given;
  }
  if (!embedded) throw new ConfigError('JWT_SECRET is required when DATABASE_URL is set (32+ characters)');
  if (dataDir === ':memory:') return randomBytes(32).toString('hex');
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
