// Opaque refresh tokens: 32 random bytes, stored as a SHA-256 hash. A refresh rotates the token; a
// rotated (or revoked) token presented again means it leaked, so the whole family is revoked. A
// family is a session: its access tokens carry the family id as `sid` and die with it
// (session-state.ts), so revoking one tells the session check after the commit.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Db, Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { insertRefreshToken, lockRefreshToken, markRotated, revokeFamily } from './queries.ts';
import type { Sessions } from './session-state.ts';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function issueRefreshToken(sql: Sql, userId: number, ttlSeconds: number, familyId: string = randomUUID()): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await insertRefreshToken(sql, { userId, familyId, tokenHash: hashToken(token), ttlSeconds });
  return token;
}

type Rotation =
  | { ok: true; userId: number; token: string; familyId: string }
  | { ok: false; reason: 'unknown' | 'expired' }
  | { ok: false; reason: 'reused'; userId: number };

/** Exchanges a refresh token for a new one in the same family. */
export async function rotateRefreshToken(
  db: Db,
  sessions: Sessions,
  token: string,
  ttlSeconds: number,
): Promise<{ userId: number; token: string; familyId: string }> {
  // The family revocation on reuse must commit, so the transaction returns a verdict instead of throwing.
  const result = await db.tx<Rotation>(async (trx) => {
    const row = await lockRefreshToken(trx, hashToken(token));
    if (!row) return { ok: false, reason: 'unknown' };
    if (row.rotated_at || row.revoked_at) {
      await revokeFamily(trx, row.family_id);
      return { ok: false, reason: 'reused', userId: row.user_id };
    }
    if (row.expired) return { ok: false, reason: 'expired' };
    await markRotated(trx, row.id);
    const next = await issueRefreshToken(trx, row.user_id, ttlSeconds, row.family_id);
    return { ok: true, userId: row.user_id, token: next, familyId: row.family_id };
  });
  if (!result.ok) {
    if (result.reason === 'reused') await sessions.changed(result.userId);
    const detail =
      result.reason === 'reused'
        ? 'The refresh token was already used; all sessions of this login are revoked'
        : result.reason === 'expired'
          ? 'The refresh token has expired'
          : undefined;
    throw new AppError('invalid_refresh_token', detail, { reason: result.reason });
  }
  return { userId: result.userId, token: result.token, familyId: result.familyId };
}

/**
 * Logout: revokes the token's family, so the access tokens of this session (this device) are refused
 * too; the user's other sessions go on. Unknown tokens are ignored (logout is idempotent).
 */
export async function revokeRefreshToken(db: Db, sessions: Sessions, token: string): Promise<void> {
  const userId = await db.tx(async (trx) => {
    const row = await lockRefreshToken(trx, hashToken(token));
    if (row) await revokeFamily(trx, row.family_id);
    return row?.user_id;
  });
  if (userId !== undefined) await sessions.changed(userId);
}
