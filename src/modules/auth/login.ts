// Login: the same answer for a wrong email and a wrong password (never say which part was wrong).
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { verifyPassword } from './passwords.ts';
import { findUserByEmail } from './queries.ts';
import { startSession } from './session.ts';

export async function login(app: FastifyInstance, deps: Deps, email: string, password: string) {
  const user = await findUserByEmail(deps.db, email);
  if (!(await verifyPassword(password, user?.password_hash)) || !user) throw new AppError('invalid_credentials');
  return startSession(app, deps, deps.db, user);
}
