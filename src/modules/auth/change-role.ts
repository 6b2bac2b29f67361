// PATCH /users/{id} {role}: an admin makes an account customer, staff or admin.
// Steps: 1. refuse the caller's own account (409 own_role: the last admin cannot demote themselves
// and lock everyone out) 2. lock both accounts' rows and check the caller is still an admin (403
// forbidden otherwise: two admins demoting each other at once both pass the token check, made
// before either commits, and would leave no admin) 3. set the role and bump token_version in one
// statement (tokens carry the role, so the old ones are refused; the refresh token still works and
// mints a token with the new role), with its audit entry (the role before and after), in one
// transaction 4. after the commit, tell the session check. Nothing to undo: one transaction.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { Role } from '../../http/auth.ts';
import { AppError } from '../../http/errors.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { lockRoles, setRole } from './queries.ts';

export async function changeRole(app: FastifyInstance, deps: Deps, by: Actor, userId: number, role: Role) {
  if (userId === by.id) throw new AppError('own_role');
  const user = await deps.db.tx(async (trx) => {
    const roles = await lockRoles(trx, [by.id, userId]);
    if (roles.get(by.id) !== 'admin') throw new AppError('forbidden', 'Your account is no longer an admin');
    const before = roles.get(userId);
    if (!before) throw new AppError('not_found', 'No account with that id');
    const changed = await setRole(trx, userId, role);
    await recordAudit(trx, by, { action: 'user.role_change', entity: 'user', entityId: userId, before: { role: before }, after: { role } });
    return changed;
  });
  if (!user) throw new AppError('not_found', 'No account with that id');
  await app.sessions.changed(userId);
  return user;
}
