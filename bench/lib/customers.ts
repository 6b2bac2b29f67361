// Customers without bcrypt cost: N users inserted with one SQL statement, and their access tokens
// signed here with the API's JWT secret (HS256, the claims of src/http/auth.ts), no login round trip.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { query } from './database.ts';

export interface Customer {
  id: number;
  email: string;
  token: string;
}

/** A JWT_SECRET for the API that the benchmark also knows (64 hex characters). */
export const newJwtSecret = () => randomBytes(32).toString('hex');

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * An access token as the API signs it: {sub, role, email, typ: 'access', sid, ver, iss, aud, iat, exp}
 * with the default JWT_ISSUER / JWT_AUDIENCE; sid names a session never revoked, ver 0 a user whose
 * role and password never changed.
 */
export function accessToken(secret: string, user: { id: number; email: string; role?: string }, ttlSeconds = 3600): string {
  const iat = Math.floor(Date.now() / 1000);
  const head = b64({ alg: 'HS256', typ: 'JWT' });
  const body = b64({
    sub: String(user.id),
    role: user.role ?? 'customer',
    email: user.email,
    typ: 'access',
    sid: randomUUID(),
    ver: 0,
    iss: 'cinema-ticket-api',
    aud: 'cinema-ticket-api',
    iat,
    exp: iat + ttlSeconds,
  });
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** Inserts n customers bench<g>@example.com (password_hash 'x': they cannot log in) and signs their tokens. */
export async function createCustomers(dbUrl: string, n: number, secret: string): Promise<Customer[]> {
  const { rows } = await query<{ id: number; email: string }>(
    `INSERT INTO users (email, password_hash, full_name)
     SELECT 'bench' || g || '@example.com', 'x', 'Bench ' || g FROM generate_series(1, $1::int) g
     RETURNING id, email`,
    [n],
    dbUrl,
  );
  return rows.map((u) => ({ ...u, token: accessToken(secret, u) }));
}
