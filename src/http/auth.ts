// Who is calling, and may they. Access tokens are HS256 JWTs (algorithm pinned: `alg: none` and
// key-confusion tricks fail verification) that must carry exp, our issuer and our audience; every
// admin route checks the role, unlike the seed.
import jwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from './errors.ts';

export const ROLES = ['customer', 'staff', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthUser {
  id: number;
  role: Role;
  email: string;
}

interface AccessClaims {
  sub: string;
  role: Role;
  email: string;
  typ: 'access';
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: AccessClaims;
    user: AuthUser;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    signAccessToken(user: AuthUser): string;
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
  let claims: AccessClaims;
  try {
    claims = app.jwt.verify<AccessClaims>(token);
  } catch (err) {
    const expired = (err as { code?: string }).code === 'FAST_JWT_EXPIRED';
    throw new AppError('invalid_token', expired ? 'The access token has expired' : undefined);
  }
  const id = Number(claims.sub);
  if (claims.typ !== 'access' || !Number.isSafeInteger(id) || !ROLES.includes(claims.role)) {
    throw new AppError('invalid_token');
  }
  return { id, role: claims.role, email: claims.email };
}

/** onRequest hook: a valid access token is required; sets request.user. */
export function authenticate(allowQueryToken = false) {
  return async function authenticateRequest(this: FastifyInstance, request: FastifyRequest) {
    const token = tokenFrom(request, allowQueryToken);
    if (!token) throw new AppError('unauthorized');
    request.user = verifyAccessToken(this, token);
  };
}

/** onRequest hook, after authenticate: the caller's role must be one of these. */
export function requireRole(...roles: Role[]) {
  return async function requireRoleHook(request: FastifyRequest) {
    if (!roles.includes(request.user.role)) throw new AppError('forbidden', `Requires role ${roles.join(' or ')}`);
  };
}

export interface AuthOptions {
  secret: string;
  accessTtlSeconds: number;
  issuer: string;
  audience: string;
}

export const authPlugin = fp(async (app: FastifyInstance, opts: AuthOptions) => {
  await app.register(jwt, {
    secret: opts.secret,
    sign: { algorithm: 'HS256', expiresIn: opts.accessTtlSeconds, iss: opts.issuer, aud: opts.audience },
    // verified tokens cached (fast-jwt's LRU, keyed by a hash of the whole token) until their own
    // expiry: a customer's requests skip the decode and the checks after the first. Access tokens
    // carry no server state to revoke, so a cached verdict is the verdict the token would get again.
    // A token without exp would never expire: exp is required, like iss and aud, which must be ours.
    verify: {
      algorithms: ['HS256'],
      cache: 10_000,
      requiredClaims: ['exp', 'iss', 'aud'],
      allowedIss: opts.issuer,
      allowedAud: opts.audience,
    },
  });
  app.decorate('signAccessToken', (user: AuthUser) =>
    app.jwt.sign({ sub: String(user.id), role: user.role, email: user.email, typ: 'access' }),
  );
});
