// /healthz: the process answers. /readyz: it can serve (database reachable, migrations applied,
// Redis reachable when configured); a load balancer routes traffic only while this is 200.
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { migrationsApplied } from '../../db/migrate.ts';
import type { Deps } from '../../deps.ts';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const ReadyBody = Type.Object({
  status: Type.Enum(['ready', 'not_ready']),
  checks: Type.Object({ database: Check, migrations: Check, redis: Check }),
});

export async function healthRoutes(app: FastifyInstance, deps: Deps) {
  app.get(
    '/healthz',
    { schema: { tags: ['ops'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    { schema: { tags: ['ops'], summary: 'Readiness: database, migrations, Redis', response: { 200: ReadyBody, 503: ReadyBody } } },
    async (_req, reply) => {
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
      const ready = database.ok && migrations.ok && redis.ok;
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: { database, migrations, redis } });
    },
  );
}
