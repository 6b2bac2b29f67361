// Login: the same answer for a wrong email and a wrong password (never say which part was wrong).
// Each attempt that reaches the password check is in the audit trail: a login under its account and
// role, a failure under the e-mail it tried (and the account, when one has that e-mail).
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { verifyPassword } from './passwords.ts';
import { findUserByEmail } from './queries.ts';
import { startSession } from './session.ts';

export interface Origin {
  ip: string;
  requestId: string;
}

export async function login(app: FastifyInstance, deps: Deps, email: string, password: string, origin: Origin) {
  const user = await findUserByEmail(deps.db, email);
  if (!(await verifyPassword(password, user?.password_hash, deps.config.BCRYPT_COST)) || !user) {
    await recordAudit(
      deps.db,
      { id: null, role: null, label: email, ...origin },
      { action: 'auth.login_failed', entity: 'user', entityId: user?.id ?? null },
    );
    throw new AppError('invalid_credentials');
  }
  const session = await startSession(app, deps, deps.db, user);
  await recordAudit(deps.db, { id: user.id, role: user.role, ...origin }, { action: 'auth.login', entity: 'user', entityId: user.id });
  return session;
}
