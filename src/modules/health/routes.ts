// /healthz: the process answers. /readyz: it can serve: database reachable and migrations applied
// (else 503, and a load balancer stops routing here). Redis is checked and reported too, but an
// unreachable Redis only makes the instance 'degraded' (still 200): Redis is an accelerator, and
// holds, caches and limits keep working without it (see docs/decisions.md). So is the read replica
// (DATABASE_REPLICA_URL): down or lagging past REPLICA_MAX_LAG_MS, its reads go to the primary and
// the instance says 'degraded'. While the instance
// drains (SIGTERM, DRAIN_MS) it answers 503 'draining', whatever the checks say: a balancer takes it
// out while it still serves the requests already on their way.
import type { FastifyInstance } from 'fastify';
import { migrationsApplied } from '../../db/migrate.ts';
import type { Deps } from '../../deps.ts';
import { livenessSchema, readinessSchema } from './schemas.ts';

export async function healthRoutes(app: FastifyInstance, deps: Deps) {
  app.get('/healthz', { schema: livenessSchema }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', { schema: readinessSchema }, async (_req, reply) => {
    const database = await deps.db.query('SELECT 1').then(
      () => ({ ok: true }),
      (err: Error) => ({ ok: false, detail: err.message }),
    );
    const migrations = database.ok ? { ok: await migrationsApplied(deps.db) } : { ok: false, detail: 'database down' };
    const redis =
      deps.kv.kind === 'memory'
        ? { ok: true, detail: 'in-process (no REDIS_URL)' }
        : (await deps.kv.ping())
          ? { ok: true }
          : { ok: false, detail: 'no answer to PING' };
    const health = deps.reads.health();
    const replica = health.configured ? { ok: health.ok, detail: health.detail, lag_ms: health.lagMs } : { ok: true, detail: health.detail };
    const ready = database.ok && migrations.ok && !deps.lifecycle.draining;
    const status = deps.lifecycle.draining ? 'draining' : !ready ? 'not_ready' : redis.ok && replica.ok ? 'ready' : 'degraded';
    return reply.code(ready ? 200 : 503).send({ status, checks: { database, migrations, redis, replica } });
  });
}
