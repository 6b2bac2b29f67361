// The signed-in account (who am I, a password change) and an admin's role change; both changes end
// the sessions' access tokens.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { ok } from '../../http/schemas.ts';
import { changePassword } from './change-password.ts';
import { changeRole } from './change-role.ts';
import { presentUser } from './presenter.ts';
import { findUserById, setLocale } from './queries.ts';
import { changePasswordSchema, changeRoleSchema, meSchema, updateMeSchema } from './schemas.ts';
import { actorOf } from '../audit/index.ts';
import { clientAddress } from '../../http/trust-proxy.ts';
import { passwordThrottle } from './login-throttle.ts';

/** Any signed-in account: its own. */
export async function accountRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/me', { schema: meSchema }, async (req) => {
    const user = await findUserById(deps.db, req.user.id);
    if (!user) throw new AppError('not_found', 'The account no longer exists');
    return ok('Account fetched', presentUser(user));
  });

  app.patch('/me', { schema: updateMeSchema }, async (req) => {
    const user = await setLocale(deps.db, req.user.id, req.body.locale);
    if (!user) throw new AppError('not_found', 'The account no longer exists');
    return ok('Account updated', presentUser(user));
  });

  // the current password is checked as a login is: throttled per account and address, audited
  const throttle = passwordThrottle(deps);
  app.post('/me/password', { schema: changePasswordSchema }, async (req) => {
    const check = { throttle, address: clientAddress(req), actor: actorOf(req) };
    const session = await changePassword(app, deps, req.user.id, req.body.current_password, req.body.new_password, check);
    return ok('Password changed; other sessions are logged out', session);
  });
}

/** Admins: another account's role. */
export async function userAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.patch('/users/:id', { schema: changeRoleSchema }, async (req) => {
    const user = await changeRole(app, deps, actorOf(req), req.params.id, req.body.role);
    return ok('Role changed', presentUser(user));
  });
}
