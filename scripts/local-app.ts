// The service in this process on a free loopback port, embedded and in memory with the demo data:
// what the screenshots and the web app's benchmark look at.
import type { FastifyInstance } from 'fastify';
import { freePort } from '../ops/lib/free-port.ts';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openRuntime } from '../src/runtime.ts';
import type { Db } from '../src/db/client.ts';

export { freePort };

export interface LocalApp {
  base: string;
  app: FastifyInstance;
  /** the runtime's database, for a script that must set a scene (a show that has begun) */
  db: Db;
  close(): Promise<void>;
}

export async function startLocalApp(env: Record<string, string> = {}): Promise<LocalApp> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const rt = await openRuntime(
    loadConfig({ DATA_DIR: ':memory:', LOG_LEVEL: 'warn', PORT: String(port), PUBLIC_BASE_URL: base, SWEEP_INTERVAL_MS: '0', ...env }),
  );
  const app = await buildApp(rt);
  await app.listen({ host: '127.0.0.1', port });
  return {
    base,
    app,
    db: rt.db,
    async close() {
      await app.close();
      await rt.close();
    },
  };
}
