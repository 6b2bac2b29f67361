// Validated environment -> frozen config. Boot fails fast with a message that names the variable.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

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
  FASTPATH_TTL_MS: Int(30_000, 1_000, 900_000),
  SWEEP_INTERVAL_MS: Int(1_000, 0, 60_000),
  LIVE_BATCH_MS: Int(100, 10, 2_000),
});
type Env = Static<typeof EnvSchema>;

export type Config = Readonly<
  Omit<Env, 'JWT_SECRET' | 'DATA_DIR'> & {
    embedded: boolean;
    /** ':memory:' or an absolute folder for PGlite, the JWT secret and the local mailbox */
    dataDir: string;
    jwtSecret: string;
  }
>;

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
  const { JWT_SECRET: _s, DATA_DIR: _d, ...rest } = env;
  return Object.freeze({ ...rest, embedded, dataDir, jwtSecret });
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
