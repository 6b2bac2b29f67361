// A session is what login, registration and refresh hand back: access token + refresh token + user.
// The access token names the session (its refresh-token family) and the user's token version, so
// a logout, a revoked family or a role or password change can end it early (session-state.ts).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Sql } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import { presentUser } from './presenter.ts';
import type { UserRow } from './queries.ts';
import { issueRefreshToken } from './refresh-tokens.ts';

export function session(app: FastifyInstance, deps: Deps, user: UserRow, refresh: { token: string; familyId: string }) {
  return {
    token: app.signAccessToken({ id: user.id, role: user.role, email: user.email, sid: refresh.familyId, ver: user.token_version }),
    token_type: 'Bearer' as const,
    expires_in: deps.config.ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: refresh.token,
    user: presentUser(user),
  };
}

export async function startSession(app: FastifyInstance, deps: Deps, sql: Sql, user: UserRow) {
  const familyId = randomUUID();
  const token = await issueRefreshToken(sql, user.id, deps.config.REFRESH_TOKEN_TTL_SECONDS, familyId);
  return session(app, deps, user, { token, familyId });
}
