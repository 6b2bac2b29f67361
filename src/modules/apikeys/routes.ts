// /api-keys: issue, list, rotate, revoke (admins).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ok } from '../../http/schemas.ts';
import { actorOf } from '../audit/index.ts';
import { issueKey, revokeKey, rotateKey } from './manage-keys.ts';
import { presentKey } from './presenter.ts';
import { listKeys } from './queries.ts';
import { issueKeySchema, listKeysSchema, revokeKeySchema, rotateKeySchema } from './schemas.ts';

async function apiKeyAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/api-keys', { schema: issueKeySchema }, async (req, reply) =>
    reply.code(201).send(ok('API key issued; keep the secret now, it is not shown again', await issueKey(deps, actorOf(req), req.body))),
  );
  app.get('/api-keys', { schema: listKeysSchema }, async () =>
    ok(
      'API keys fetched',
      (await listKeys(deps.db)).map((k) => presentKey(k)),
    ),
  );
  app.post('/api-keys/:id/rotate', { schema: rotateKeySchema }, async (req, reply) => {
    const grace = req.body?.grace_seconds ?? deps.config.API_KEY_ROTATION_GRACE_SECONDS;
    return reply.code(201).send(ok('API key rotated; keep the new secret now', await rotateKey(deps, actorOf(req), req.params.id, grace)));
  });
  app.post('/api-keys/:id/revoke', { schema: revokeKeySchema }, async (req) =>
    ok('API key revoked', await revokeKey(deps, actorOf(req), req.params.id)),
  );
}

export const apiKeyRoutes: RouteGroups = { admin: apiKeyAdminRoutes };
