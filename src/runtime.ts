// Opens what the config points at: PostgreSQL or PGlite, Redis or the in-process stand-in; applies
// migrations and (first start only) the demo data. Used by the server, the seed CLI and the tests.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readCache } from './cache/read-cache.ts';
import type { Config } from './config.ts';
import { connectPglite, connectPostgres, type Db } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { seedDemo } from './db/seed/demo.ts';
import type { Deps } from './deps.ts';
import type { Kv } from './kv/kv.ts';
import { memoryKv } from './kv/memory.ts';
import { redisKv } from './kv/redis.ts';
import { systemClock, type Clock } from './lib/clock.ts';

export async function openDb(config: Config): Promise<Db> {
  if (config.DATABASE_URL) return connectPostgres({ url: config.DATABASE_URL, poolMax: config.DB_POOL_MAX });
  if (config.dataDir === ':memory:') return connectPglite(':memory:');
  mkdirSync(config.dataDir, { recursive: true });
  return connectPglite(join(config.dataDir, 'pglite'));
}

export function openKv(config: Config): Kv {
  return config.REDIS_URL ? redisKv(config.REDIS_URL, config.REDIS_PREFIX) : memoryKv();
}

export interface Runtime extends Deps {
  close(): Promise<void>;
}

export async function openRuntime(config: Config, clock: Clock = systemClock): Promise<Runtime> {
  const db = await openDb(config);
  const kv = openKv(config);
  try {
    await migrate(db);
    if (config.SEED_DEMO) await seedDemo(db);
  } catch (err) {
    await Promise.allSettled([db.close(), kv.close()]);
    throw err;
  }
  return {
    config,
    db,
    kv,
    clock,
    cache: readCache(kv),
    async close() {
      await Promise.allSettled([db.close(), kv.close()]);
    },
  };
}
