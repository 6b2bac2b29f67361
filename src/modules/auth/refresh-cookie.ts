// The web app's refresh token lives in a cookie its scripts cannot read: HttpOnly, SameSite=Strict,
// Path=/api/v1/auth (sent to the auth routes only, never with the API's other calls), Secure when
// the service is reached over https. The access token stays in the page's memory. A client asks for
// this with `refresh_cookie: true` at login or registration; /auth/refresh and /auth/logout then read
// the cookie when the body names no token. Clients that keep tokens themselves (apps, partners,
// the seed's Postman collection) see no change.
//
// Cross-site request forgery: a forged request from another site carries no cookie (SameSite=Strict),
// and could not send JSON without a CORS preflight that CORS_ORIGINS refuses; a text/plain or form
// body is refused (415) before the route runs. What refresh answers, an access token, a foreign page
// cannot read.
import { parse, serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const REFRESH_COOKIE = 'cinema_refresh';
const PATH = '/api/v1/auth';

export interface CookieSettings {
  secure: boolean;
  maxAgeSeconds: number;
}

export function refreshTokenFromCookie(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const value = parse(header)[REFRESH_COOKIE];
  return value && value.length >= 10 && value.length <= 200 ? value : undefined;
}

export function setRefreshCookie(reply: FastifyReply, token: string, s: CookieSettings) {
  reply.header(
    'set-cookie',
    serialize(REFRESH_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: s.secure, path: PATH, maxAge: s.maxAgeSeconds }),
  );
}

export function clearRefreshCookie(reply: FastifyReply, s: CookieSettings) {
  reply.header('set-cookie', serialize(REFRESH_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure: s.secure, path: PATH, maxAge: 0 }));
}

/** The session as answered: with the cookie, the refresh token leaves the body. */
export function withoutRefreshToken<T extends { refresh_token?: string }>(session: T): Omit<T, 'refresh_token'> {
  const { refresh_token: _t, ...rest } = session;
  return rest;
}
