// Makes an admin account: `npm run create-admin` at any time, and ADMIN_EMAIL + ADMIN_PASSWORD on a
// start that finds no admin (a production database has no demo data, so no admin, until one of the two).
// Steps:
//   1. first-start only: an admin exists -> nothing to do (the variables are then ignored)
//   2. judge the password by the rule every account follows (length, zxcvbn, the email as a hint)
//   3. hash it (bcrypt) and insert the account as admin. A taken email is refused, never promoted:
//      whoever registered that address first chose its password, so promoting it would hand them
//      the service. Two instances starting at once insert one row (the email is unique).
// Nothing to undo: one INSERT.
import type { Sql } from '../../db/client.ts';
import { ConfigError } from '../../config-error.ts';
import type { Config } from '../../config.ts';
import { checkPasswordStrength } from './password-strength.ts';
import { hashPassword } from './passwords.ts';

export interface NewAdmin {
  email: string;
  password: string;
  fullName?: string;
  /** make it only when the database has no admin yet (first start) */
  onlyIfNoAdmin?: boolean;
  /** BCRYPT_COST (default DEFAULT_BCRYPT_COST) */
  bcryptCost?: number;
}

export type CreateAdminOutcome =
  | { kind: 'created'; id: number; email: string }
  | { kind: 'weak_password'; feedback: string }
  | { kind: 'email_taken'; email: string }
  | { kind: 'admin_exists' };

const anyAdmin = async (sql: Sql) =>
  (await sql.query<{ any: boolean }>("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin') AS any")).rows[0].any;

export async function createAdmin(sql: Sql, input: NewAdmin): Promise<CreateAdminOutcome> {
  const email = input.email.trim().toLowerCase();
  if (input.onlyIfNoAdmin && (await anyAdmin(sql))) return { kind: 'admin_exists' };
  const verdict = await checkPasswordStrength(input.password, [email]);
  if (!verdict.ok) {
    const feedback = [verdict.warning, ...verdict.suggestions].filter(Boolean).join(' ') || 'It is too easy to guess.';
    return { kind: 'weak_password', feedback };
  }
  const passwordHash = await hashPassword(input.password, input.bcryptCost);
  const { rows } = await sql.query<{ id: number }>(
    `INSERT INTO users (email, password_hash, full_name, role, email_verified)
     SELECT $1, $2, $3, 'admin', true
     WHERE NOT $4 OR NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin')
     ON CONFLICT (email) DO NOTHING
     RETURNING id`,
    [email, passwordHash, input.fullName?.trim() || 'Administrator', input.onlyIfNoAdmin === true],
  );
  if (rows[0]) return { kind: 'created', id: rows[0].id, email };
  if (input.onlyIfNoAdmin && (await anyAdmin(sql))) return { kind: 'admin_exists' };
  return { kind: 'email_taken', email };
}

/**
 * ADMIN_EMAIL + ADMIN_PASSWORD at start: the first admin when there is none. A weak password or a
 * taken email stops the start (ConfigError, exit 78): the operator asked for an admin and got none.
 */
export async function ensureFirstAdmin(
  sql: Sql,
  config: Pick<Config, 'ADMIN_EMAIL' | 'ADMIN_PASSWORD' | 'BCRYPT_COST'>,
): Promise<CreateAdminOutcome | undefined> {
  if (!config.ADMIN_EMAIL || !config.ADMIN_PASSWORD) return undefined;
  const r = await createAdmin(sql, {
    email: config.ADMIN_EMAIL,
    password: config.ADMIN_PASSWORD,
    onlyIfNoAdmin: true,
    bcryptCost: config.BCRYPT_COST,
  });
  if (r.kind === 'weak_password') throw new ConfigError(`invalid configuration:\n  ADMIN_PASSWORD is too easy to guess: ${r.feedback}`);
  if (r.kind === 'email_taken') {
    throw new ConfigError(
      `invalid configuration:\n  ADMIN_EMAIL ${r.email} belongs to an existing account, which is not made admin: choose another address`,
    );
  }
  return r;
}
