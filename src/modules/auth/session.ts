// A session is what login, registration and refresh hand back: access token + refresh token + user.
import type { FastifyInstance } from 'fastify';
import type { Sql } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import { presentUser } from './presenter.ts';
import type { UserRow } from './queries.ts';
import { issueRefreshToken } from './refresh-tokens.ts';

export function session(app: FastifyInstance, deps: Deps, user: UserRow, refreshToken: string) {
  return {
    token: app.signAccessToken({ id: user.id, role: user.role, email: user.email }),
    token_type: 'Bearer' as const,
    expires_in: deps.config.ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: refreshToken,
    user: presentUser(user),
  };
}

export async function startSession(app: FastifyInstance, deps: Deps, sql: Sql, user: UserRow) {
  const refresh = await issueRefreshToken(sql, user.id, deps.config.REFRESH_TOKEN_TTL_SECONDS);
  return session(app, deps, user, refresh);
}
