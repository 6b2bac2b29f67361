import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { AppError } from '../../http/errors.ts';
import { attemptLimiter } from '../../http/rate-limit.ts';
import { clientAddress } from '../../http/trust-proxy.ts';
import { ok } from '../../http/schemas.ts';
import { originOf } from '../audit/index.ts';
import { accountRoutes, userAdminRoutes } from './account-routes.ts';
import { login } from './login.ts';
import { passwordThrottle } from './login-throttle.ts';
import { findUserById } from './queries.ts';
import { clearRefreshCookie, refreshTokenFromCookie, setRefreshCookie, withoutRefreshToken } from './refresh-cookie.ts';
import { revokeRefreshToken, rotateRefreshToken } from './refresh-tokens.ts';
import { register } from './register.ts';
import { loginSchema, logoutSchema, refreshSchema, registerSchema } from './schemas.ts';
import { session } from './session.ts';

const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Anyone: logging in, registering, renewing and ending a session. */
async function sessionRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = deps;
  const throttle = passwordThrottle(deps);
  // registrations per client address and per email: a burst a minute, and a ceiling an hour
  const perMinute = attemptLimiter(deps.kv, config.AUTH_RATE_LIMIT);
  const perHour = attemptLimiter(deps.kv, config.REGISTRATIONS_PER_HOUR, 3_600_000);
  const cookie = { secure: config.publicBaseUrl.startsWith('https:'), maxAgeSeconds: config.REFRESH_TOKEN_TTL_SECONDS };
  /** The session as the client asked for it: the refresh token in the body, or in the cookie. */
  const answer = <T extends { refresh_token?: string }>(reply: FastifyReply, s: T, inCookie: boolean | undefined) => {
    if (!inCookie || !s.refresh_token) return s;
    setRefreshCookie(reply, s.refresh_token, cookie);
    return withoutRefreshToken(s);
  };

  // `/login` is the seed's path, kept as it was; `/auth/login` sits beside the other auth routes.
  for (const path of ['/login', '/auth/login']) {
    app.post(path, { schema: loginSchema }, async (req, reply) => {
      const email = normaliseEmail(req.body.email);
      const session = await throttle(email, clientAddress(req), () => login(app, deps, email, req.body.password, originOf(req)));
      return ok('Login successful', answer(reply, session, req.body.refresh_cookie));
    });
  }

  app.post('/auth/register', { schema: registerSchema }, async (req, reply) => {
    const email = normaliseEmail(req.body.email);
    const address = clientAddress(req);
    await perMinute([`register:ip:${address}`, `register:acct:${email}`]);
    await perHour([`register-hour:ip:${address}`, `register-hour:acct:${email}`]);
    const { refresh_cookie, ...body } = req.body;
    const data = await register(app, deps, { ...body, email });
    return reply.code(201).send(ok('Account created', answer(reply, data, refresh_cookie)));
  });

  app.post('/auth/refresh', { schema: refreshSchema }, async (req, reply) => {
    const fromCookie = req.body.refresh_token === undefined;
    const token = req.body.refresh_token ?? refreshTokenFromCookie(req);
    if (!token) throw new AppError('invalid_refresh_token', 'No refresh token (neither in the body nor in the cookie)');
    const ttl = deps.config.REFRESH_TOKEN_TTL_SECONDS;
    const rotated = await rotateRefreshToken(deps.db, app.sessions, token, ttl).catch((err) => {
      // a dead cookie is not tried again; one that met a fault (503) is kept for the retry
      if (fromCookie && err instanceof AppError && err.code === 'invalid_refresh_token') clearRefreshCookie(reply, cookie);
      throw err;
    });
    const user = await findUserById(deps.db, rotated.userId);
    if (!user) throw new AppError('invalid_refresh_token');
    return ok('Token refreshed', answer(reply, session(app, deps, user, rotated), fromCookie));
  });

  app.post('/auth/logout', { schema: logoutSchema }, async (req, reply) => {
    const token = req.body.refresh_token ?? refreshTokenFromCookie(req);
    if (req.body.refresh_token === undefined) clearRefreshCookie(reply, cookie);
    if (token) await revokeRefreshToken(deps.db, app.sessions, token);
    return ok('Logged out', null);
  });
}

export const authRoutes: RouteGroups = { public: sessionRoutes, customer: accountRoutes, admin: userAdminRoutes };
