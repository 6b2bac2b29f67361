// Who is calling, and may they. Access tokens are HS256 JWTs (algorithm pinned: `alg: none` and
// key-confusion tricks fail verification) that must carry exp, our issuer and our audience; every
// admin route checks the role, unlike the seed.
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiKeyScope } from './api-key-scopes.ts';
import { type VerifiedTokens, verifiedTokens } from './verified-tokens.ts';
import { AppError } from './errors.ts';

export const ROLES = ['customer', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthUser {
  id: number;
  role: Role;
  email: string;
  /** the session: the refresh-token family the token came with */
  sid: string;
  /** the user's token_version when the token was signed */
  ver: number;
}

interface AccessClaims {
  sub: string;
  role: Role;
  email: string;
  typ: 'access';
  sid: string;
  ver: number;
}

/** Whether a token's session still stands (modules/auth/session-state.ts implements it). */
export interface Sessions {
  isLive(user: AuthUser): Promise<boolean>;
  /** After a commit that revoked a family of the user's or bumped their token_version. */
  changed(userId: number): Promise<void>;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims;
    user: AuthUser;
  }
}

/** Who calls with a key: the key, and the partner account it acts as. */
export interface ApiKeyCaller {
  keyId: string;
  /** the key's visible prefix (ck_xxxxxxxx) */
  prefix: string;
  name: string;
  scopes: readonly ApiKeyScope[];
  /** null: every theater */
  theaterIds: readonly number[] | null;
  user: AuthUser;
}

/** Checks a presented key (modules/apikeys implements it): unknown, revoked, expired -> 401; over its limit -> 429. */
export interface ApiKeys {
  verify(secret: string): Promise<ApiKeyCaller>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** set when the caller presented an API key (X-Api-Key) */
    apiKey?: ApiKeyCaller;
  }
  interface FastifyInstance {
    signAccessToken(user: AuthUser): string;
    sessions: Sessions;
    apiKeys: ApiKeys;
    verifiedTokens: VerifiedTokens<AuthUser>;
  }
}

// The seed's Postman collection sends the token as an API key in Authorization, with or without
// the Bearer scheme; accept both. Browsers' WebSockets cannot set headers: they may pass
// ?access_token= (only where a route opts in).
export function tokenFrom(request: FastifyRequest, allowQuery = false): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m) return m[1];
    if (/^[\w-]+\.[\w-]*\.[\w-]*$/.test(header.trim())) return header.trim();
    return undefined;
  }
  if (allowQuery) {
    const q = (request.query as Record<string, unknown> | undefined)?.access_token;
    if (typeof q === 'string' && q.length > 0) return q;
  }
  return undefined;
}

export function verifyAccessToken(app: FastifyInstance, token: string): AuthUser {
  const known = app.verifiedTokens.get(token);
  if (known) return known;
  let claims: AccessClaims & { exp: number }; // exp: required by verify
  try {
    claims = app.jwt.verify<AccessClaims & { exp: number }>(token);
  } catch (err) {
    const expired = (err as { code?: string }).code === 'FAST_JWT_EXPIRED';
    throw new AppError('invalid_token', expired ? 'The access token has expired' : undefined);
  }
  const id = Number(claims.sub);
  if (
    claims.typ !== 'access' ||
    !Number.isSafeInteger(id) ||
    !ROLES.includes(claims.role) ||
    typeof claims.sid !== 'string' ||
    !UUID.test(claims.sid) ||
    !Number.isSafeInteger(claims.ver)
  ) {
    throw new AppError('invalid_token');
  }
  const user: AuthUser = Object.freeze({ id, role: claims.role, email: claims.email, sid: claims.sid, ver: claims.ver });
  app.verifiedTokens.set(token, user, claims.exp * 1000);
  return user;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The signature and claims (cached: verified-tokens.ts), then whether the session still stands: logged out,
 * its refresh family revoked, or the user's role or password changed since -> 401.
 */
export async function authenticateToken(app: FastifyInstance, token: string): Promise<AuthUser> {
  const user = verifyAccessToken(app, token);
  if (!(await app.sessions.isLive(user))) throw new AppError('invalid_token', 'The session has ended; log in again');
  return user;
}

/** The X-Api-Key header, when one was sent. */
export const apiKeyFrom = (request: FastifyRequest): string | undefined => {
  const v = request.headers['x-api-key'];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
};

/** Sets request.apiKey and request.user from a presented key; one credential per request. */
export async function authenticateKey(app: FastifyInstance, request: FastifyRequest, secret: string): Promise<void> {
  if (request.headers.authorization) throw new AppError('unauthorized', 'Send either Authorization or X-Api-Key, not both');
  const caller = await app.apiKeys.verify(secret);
  request.apiKey = caller;
  request.user = caller.user;
}

/**
 * onRequest hook: a valid access token of a live session, or a partner's API key, is required;
 * sets request.user (and request.apiKey for a key).
 */
export function authenticate(allowQueryToken = false) {
  return async function authenticateRequest(this: FastifyInstance, request: FastifyRequest) {
    const key = apiKeyFrom(request);
    if (key !== undefined) return authenticateKey(this, request, key);
    const token = tokenFrom(request, allowQueryToken);
    if (!token) throw new AppError('unauthorized');
    request.user = await authenticateToken(this, token);
  };
}

/**
 * onRequest hook, after authenticate: the caller's role must be one of these. A key acts as a
 * customer; where it may do staff work (check-in), its scope was checked instead (access.ts).
 */
export function requireRole(...roles: Role[]) {
  return async function requireRoleHook(request: FastifyRequest) {
    if (request.apiKey) return;
    if (!roles.includes(request.user.role)) throw new AppError('forbidden', `Requires role ${roles.join(' or ')}`);
  };
}

export interface AuthOptions {
  secret: string;
  accessTtlSeconds: number;
  issuer: string;
  audience: string;
  sessions: Sessions;
  apiKeys: ApiKeys;
}

export const authPlugin = fp(async (app: FastifyInstance, opts: AuthOptions) => {
  await app.register(jwt, {
    secret: opts.secret,
    sign: { algorithm: 'HS256', expiresIn: opts.accessTtlSeconds, iss: opts.issuer, aud: opts.audience },
    // Verified tokens are cached by app.verifiedTokens (verified-tokens.ts), not here.
    // A token without exp would never expire: exp is required, like iss and aud, which must be ours.
    verify: {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iss', 'aud'],
      allowedIss: opts.issuer,
      allowedAud: opts.audience,
    },
  });
  app.decorate('signAccessToken', (user: AuthUser) =>
    app.jwt.sign({ sub: String(user.id), role: user.role, email: user.email, typ: 'access', sid: user.sid, ver: user.ver }),
  );
  app.decorate('sessions', opts.sessions);
  app.decorate('apiKeys', opts.apiKeys);
  app.decorate('verifiedTokens', verifiedTokens<AuthUser>());
});
