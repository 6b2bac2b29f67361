// Liveness and readiness, as the OpenAPI document shows them (not under /api/v1: balancers call them).
import { Type } from 'typebox';

const Check = Type.Object({ ok: Type.Boolean(), detail: Type.Optional(Type.String()) });
const ReadyBody = Type.Object({
  status: Type.Enum(['ready', 'degraded', 'not_ready', 'draining'], {
    description: 'draining: the instance is shutting down (SIGTERM) and still serves what it has, but takes no new work',
  }),
  checks: Type.Object({
    database: Check,
    migrations: Check,
    redis: Check,
    replica: Type.Object({
      ok: Type.Boolean({ description: 'true also when no replica is configured (every read on the primary)' }),
      detail: Type.String(),
      lag_ms: Type.Optional(Type.Integer({ description: 'how far the replica was behind at its last check' })),
    }),
  }),
});

export const livenessSchema = { tags: ['ops'], summary: 'Liveness', response: { 200: Type.Object({ status: Type.Literal('ok') }) } };

export const readinessSchema = {
  tags: ['ops'],
  summary: 'Readiness: database and migrations (503 when not); Redis reported, degraded when down',
  response: { 200: ReadyBody, 503: ReadyBody },
};
