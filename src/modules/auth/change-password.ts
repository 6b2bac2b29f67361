// POST /me/password: a signed-in user changes their password.
// Steps:
//   1. check the current password (403 wrong_password: a stolen access token alone cannot take
//      the account over), throttled as logins are (its failures count with the account's failed
//      logins from that address, and each is audited), then the new one's strength (400
//      weak_password); nothing written yet
//   2. hash the new one (off the event loop)
//   3. in one transaction: store the hash and bump token_version (every older access token is
//      refused), revoke every refresh family (every other device logs in again), start a new session
//      for the caller; a failure undoes all of it
//   4. after the commit, tell the session check (other instances follow within SESSION_CHECK_MS)
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import type { LoginThrottle } from './login-throttle.ts';
import { assertStrongPassword } from './password-strength.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { findUserById, revokeUserFamilies, setPasswordHash } from './queries.ts';
import { startSession } from './session.ts';

export interface PasswordCheck {
  throttle: LoginThrottle;
  address: string;
  actor: Actor;
}

export async function changePassword(app: FastifyInstance, deps: Deps, userId: number, current: string, next: string, check: PasswordCheck) {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new AppError('invalid_token', 'The account no longer exists');
  await check.throttle(user.email, check.address, async () => {
    if (await verifyPassword(current, user.password_hash)) return;
    await recordAudit(deps.db, check.actor, { action: 'auth.password_check_failed', entity: 'user', entityId: userId });
    throw new AppError('wrong_password');
  });
  await assertStrongPassword(next, [user.email, user.full_name]);
  const passwordHash = await hashPassword(next, deps.config.BCRYPT_COST);
  const session = await deps.db.tx(async (trx) => {
    const updated = await setPasswordHash(trx, userId, passwordHash);
    if (!updated) throw new AppError('invalid_token', 'The account no longer exists');
    await revokeUserFamilies(trx, userId);
    return startSession(app, deps, trx, updated);
  });
  await app.sessions.changed(userId);
  return session;
}
