// Hand-made JWTs for attacking the token check: expired, tampered, alg:none, wrong key.
import { createHmac, randomUUID } from 'node:crypto';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function signHs256(payload: Record<string, unknown>, secret: string, header: Record<string, unknown> = {}) {
  const head = b64({ alg: 'HS256', typ: 'JWT', ...header });
  const body = b64(payload);
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export function unsigned(payload: Record<string, unknown>) {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

// The claims the API signs (src/http/auth.ts), with the default issuer and audience; `sid` names a
// session (refresh-token family) that was never revoked, `ver` the user's token version (0 = never bumped).
export const claims = (over: Record<string, unknown> = {}) => {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: '1',
    role: 'admin',
    email: 'admin@cinema.com',
    typ: 'access',
    sid: randomUUID(),
    ver: 0,
    iss: 'cinema-ticket-api',
    aud: 'cinema-ticket-api',
    iat: now,
    exp: now + 600,
    ...over,
  };
};
