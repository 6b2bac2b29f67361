// Opens what the config points at: PostgreSQL or PGlite, Redis or the in-process stand-in; applies
// migrations and (first start only) the demo data, or in production refuses a database that has the
// demo accounts; makes the first admin from ADMIN_EMAIL + ADMIN_PASSWORD. Used by the server, the
// seed CLI and the tests.
import type { Redis } from 'ioredis';
import { noRoom, type WaitingRoom } from './kv/waiting-room.ts';
import { memoryRoom } from './kv/waiting-room-memory.ts';
import { redisRoom } from './kv/waiting-room-redis.ts';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { noCache, type ReadCache, readCache } from './cache/read-cache.ts';
import { ConfigError, type Config } from './config.ts';
import { connectPglite, connectPostgres, type Db } from './db/client.ts';
import { primaryReads, type Reads, replicaReads } from './db/replica.ts';
import { migrate } from './db/migrate.ts';
import { selloutWatch } from './modules/alerts/index.ts';
import { applyRetention } from './modules/audit/index.ts';
import { demoAccountsIn, seedDemo } from './db/seed/demo.ts';
import type { Deps } from './deps.ts';
import type { Kv } from './kv/kv.ts';
import { memoryKv } from './kv/memory.ts';
import { redisClient, redisKv, redisSubscriber } from './kv/redis.ts';
import { noFastPath, redisFastPath } from './kv/seat-fast-path.ts';
import { localSeatVersions, redisSeatVersions } from './kv/seat-versions.ts';
import { memoryEvents, redisEvents } from './realtime/events.ts';
import { createHub } from './realtime/hub.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { ensureFirstAdmin } from './modules/auth/index.ts';
import { ticketKeysFor } from './modules/tickets/index.ts';
import type { PaymentGateway } from './gateway/gateway.ts';
import { createHttpGateway } from './gateway/http-gateway.ts';
import { createSimulator, type Simulator } from './gateway-simulator/simulator.ts';

/** `pgliteImage`: an in-memory PGlite starts from this dumped data directory (tests). */
export async function openDb(config: Pick<Config, 'DATABASE_URL' | 'DB_POOL_MAX' | 'dataDir'>, pgliteImage?: Blob): Promise<Db> {
  if (config.DATABASE_URL) return connectPostgres({ url: config.DATABASE_URL, poolMax: config.DB_POOL_MAX });
  if (config.dataDir === ':memory:') return connectPglite(':memory:', pgliteImage);
  mkdirSync(config.dataDir, { recursive: true });
  return connectPglite(join(config.dataDir, 'pglite'));
}

/** The replica for reads that tolerate lag, when DATABASE_REPLICA_URL names one. */
function openReads(config: Config, db: Db, kv: Kv): Reads {
  if (!config.DATABASE_REPLICA_URL) return primaryReads(db);
  const replica = connectPostgres({
    url: config.DATABASE_REPLICA_URL,
    poolMax: config.DB_REPLICA_POOL_MAX,
    applicationName: 'cinema-api-reads',
    connectTimeoutMs: 2_000,
  });
  return replicaReads(db, replica, kv, { maxLagMs: config.REPLICA_MAX_LAG_MS, checkMs: config.REPLICA_CHECK_MS, prefix: 'replica:' });
}

/**
 * A catalog change is a write its readers must see at once (the admin who made it, the next page
 * on any instance): it is marked for the replica before the cache is told, so a value rebuilt after
 * the invalidation is read from the primary.
 */
function marksCatalogWrites(cache: ReadCache, reads: Reads): ReadCache {
  return {
    ...cache,
    async invalidate(scope) {
      if (scope === 'catalog') await reads.wrote('catalog');
      await cache.invalidate(scope);
    },
  };
}

export function openKv(config: Config): Kv {
  return config.REDIS_URL ? redisKv(config.REDIS_URL, config.REDIS_PREFIX) : memoryKv();
}

/**
 * GATEWAY=simulator: the simulator in this process (state in DATA_DIR/gateway-state.json unless
 * ':memory:'); its webhook URL is set once the API listens (setWebhookUrl). GATEWAY=http: a gateway
 * in another process.
 */
export function openGateway(config: Config): { gateway: PaymentGateway; simulator?: Simulator } {
  if (config.GATEWAY === 'http') {
    return {
      gateway: createHttpGateway({
        baseUrl: config.GATEWAY_URL as string,
        apiKey: config.GATEWAY_API_KEY as string,
        timeoutMs: config.GATEWAY_TIMEOUT_MS,
      }),
    };
  }
  const simulator = createSimulator({
    webhookSecret: config.gatewayWebhookSecret,
    publicBaseUrl: config.publicBaseUrl,
    latencyMs: config.GATEWAY_LATENCY_MS,
    autoCaptureMs: config.GATEWAY_AUTO_CAPTURE_MS,
    // in process, a call under the 'timeout' fault hangs as long as we would wait for a real gateway
    timeoutMs: config.GATEWAY_TIMEOUT_MS,
    persistPath: config.dataDir === ':memory:' ? undefined : join(config.dataDir, 'gateway-state.json'),
  });
  return { gateway: simulator, simulator };
}

// A database seeded before production refused the demo (or by `npm run seed`) still lets anyone in
// as admin@cinema.com / password, as the README says: production does not serve it.
async function refuseDemoAccounts(db: Db) {
  const found = await demoAccountsIn(db);
  if (found.length === 0) return;
  throw new ConfigError(
    `this database holds the demo accounts with their published password (${found.join(', ')}): ` +
      'NODE_ENV=production refuses to serve it. Delete them (or give them new passwords) first; `npm run create-admin` makes an admin.',
  );
}

function waitingRoomOf(config: Config, redis: Redis | undefined, clock: Clock): WaitingRoom {
  if (config.WAITING_ROOM_ENGAGE_PER_S === 0) return noRoom;
  const settings = {
    engagePerS: config.WAITING_ROOM_ENGAGE_PER_S,
    admitPerS: config.WAITING_ROOM_ADMIT_PER_S,
    lingerMs: config.WAITING_ROOM_LINGER_SECONDS * 1000,
    passMs: config.WAITING_ROOM_PASS_SECONDS * 1000,
  };
  return redis ? redisRoom(redis, config.REDIS_PREFIX, settings) : memoryRoom(settings, () => clock.now().getTime());
}

export interface Runtime extends Deps {
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** an embedded in-memory database starts from this dumped data directory (the tests' migrated, seeded one) */
  pgliteImage?: Blob;
}

export async function openRuntime(config: Config, clock: Clock = systemClock, opts: RuntimeOptions = {}): Promise<Runtime> {
  const db = await openDb(config, opts.pgliteImage);
  const kv = openKv(config);
  try {
    await migrate(db);
    await applyRetention(db, config.AUDIT_RETENTION_DAYS);
    if (config.SEED_DEMO) await seedDemo(db);
    if (config.production) await refuseDemoAccounts(db);
    await ensureFirstAdmin(db, config);
  } catch (err) {
    await Promise.allSettled([db.close(), kv.close()]);
    throw err;
  }
  // Redis connections of their own: pub/sub needs a dedicated one, and the fast path's Lua calls
  // should not queue behind cache traffic.
  const redis = config.REDIS_URL
    ? { pub: redisClient(config.REDIS_URL), sub: redisSubscriber(config.REDIS_URL), locks: redisClient(config.REDIS_URL) }
    : undefined;
  const events = redis ? redisEvents(redis.pub, redis.sub, `${config.REDIS_PREFIX}seat-events`) : memoryEvents();
  const hub = createHub(events, { batchMs: config.LIVE_BATCH_MS });
  const { gateway, simulator } = openGateway(config);
  const reads = openReads(config, db, kv);
  const cache = config.READ_CACHE ? readCache(kv) : noCache;
  const runtime: Runtime = {
    config,
    db,
    reads,
    kv,
    clock,
    cache: marksCatalogWrites(cache, reads),
    events,
    hub,
    seatVersions: redis ? redisSeatVersions(redis.locks, config.REDIS_PREFIX) : localSeatVersions,
    waitingRoom: waitingRoomOf(config, redis?.locks, clock),
    fastPath: redis ? redisFastPath(redis.locks, config.REDIS_PREFIX, Math.min(config.FASTPATH_TTL_MS, config.HOLD_TTL_SECONDS * 1000)) : noFastPath,
    gateway,
    simulator,
    ticketKeys: ticketKeysFor(config),
    lifecycle: { draining: false },
    sellout: { changed: async () => {}, retry: async () => 0 },
    async close() {
      try {
        await simulator?.close();
        hub.close();
        await events.close();
      } finally {
        // the connections go whatever failed above
        redis?.pub.disconnect();
        redis?.locks.disconnect();
        await Promise.allSettled([reads.close(), db.close(), kv.close()]);
      }
    },
  };
  // the watch needs the runtime it belongs to
  runtime.sellout = selloutWatch(runtime);
  return runtime;
}
