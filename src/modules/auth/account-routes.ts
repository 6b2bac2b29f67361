// Changes to an account that end its sessions' access tokens: a password change (the user) and a
// role change (an admin).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { authenticate, requireRole } from '../../http/auth.ts';
import { ok } from '../../http/schemas.ts';
import { changePassword } from './change-password.ts';
import { changeRole } from './change-role.ts';
import { presentUser } from './presenter.ts';
import { changePasswordSchema, changeRoleSchema } from './schemas.ts';

export async function accountRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/me/password', { schema: changePasswordSchema, onRequest: authenticate() }, async (req) => {
    const session = await changePassword(app, deps, req.user.id, req.body.current_password, req.body.new_password);
    return ok('Password changed; other sessions are logged out', session);
  });

  app.patch('/users/:id', { schema: changeRoleSchema, onRequest: [authenticate(), requireRole('admin')] }, async (req) => {
    const user = await changeRole(app, deps, req.user, req.params.id, req.body.role);
    return ok('Role changed', presentUser(user));
  });
}
