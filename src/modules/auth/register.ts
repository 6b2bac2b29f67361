// Self-service registration makes customers only; staff and admins are made by an admin.
// Steps: 1. judge the password (weak_password, nothing written) 2. hash it off the event loop
// 3. insert the customer and start a session in one transaction (a taken email undoes both).
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { assertStrongPassword } from './password-strength.ts';
import { hashPassword } from './passwords.ts';
import { insertCustomer } from './queries.ts';
import type { RegisterBody } from './schemas.ts';
import { startSession } from './session.ts';

export async function register(app: FastifyInstance, deps: Deps, body: RegisterBody & { email: string }) {
  await assertStrongPassword(body.password, [body.email, body.full_name]);
  const passwordHash = await hashPassword(body.password, deps.config.BCRYPT_COST);
  return deps.db.tx(async (trx) => {
    const user = await insertCustomer(trx, {
      email: body.email,
      passwordHash,
      fullName: body.full_name.trim(),
      phoneNumber: body.phone_number ?? null,
      dateOfBirth: body.date_of_birth ?? null,
      locale: body.locale ?? 'en',
    });
    if (!user) throw new AppError('email_taken');
    return startSession(app, deps, trx, user);
  });
}
