// Data access for accounts and refresh tokens. Functions take the db or a transaction first.
import type { Sql } from '../../db/client.ts';
import type { Role } from '../../http/auth.ts';
import type { Locale } from '../../lib/locale.ts';

export interface UserRow {
  id: number;
  email: string;
  password_hash: string;
  full_name: string;
  phone_number: string | null;
  date_of_birth: string | null;
  role: Role;
  locale: Locale;
  /** bumped by a role or password change: older access tokens are refused */
  token_version: number;
  created_at: Date;
  updated_at: Date;
}

const USER_COLUMNS = `id, email, password_hash, full_name, phone_number,
  to_char(date_of_birth, 'YYYY-MM-DD') AS date_of_birth, role, locale, token_version, created_at, updated_at`;

export async function findUserByEmail(sql: Sql, email: string): Promise<UserRow | undefined> {
  const { rows } = await sql.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [email]);
  return rows[0];
}

export async function findUserById(sql: Sql, id: number): Promise<UserRow | undefined> {
  const { rows } = await sql.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0];
}

export interface NewUser {
  email: string;
  passwordHash: string;
  fullName: string;
  phoneNumber: string | null;
  dateOfBirth: string | null;
  locale: Locale;
}

/** Inserts a customer; returns undefined when the email is taken. */
export async function insertCustomer(sql: Sql, u: NewUser): Promise<UserRow | undefined> {
  const { rows } = await sql.query<UserRow>(
    `INSERT INTO users (email, password_hash, full_name, phone_number, date_of_birth, locale, role)
     VALUES ($1, $2, $3, $4, $5, $6, 'customer')
     ON CONFLICT (email) DO NOTHING
     RETURNING ${USER_COLUMNS}`,
    [u.email, u.passwordHash, u.fullName, u.phoneNumber, u.dateOfBirth, u.locale],
  );
  return rows[0];
}

export interface RefreshRow {
  id: string;
  user_id: number;
  family_id: string;
  expired: boolean;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

export async function insertRefreshToken(sql: Sql, t: { userId: number; familyId: string; tokenHash: string; ttlSeconds: number }): Promise<void> {
  await sql.query(
    `INSERT INTO refresh_tokens (user_id, family_id, token_hash, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [t.userId, t.familyId, t.tokenHash, t.ttlSeconds],
  );
}

/** Revokes every live family of the user (a password change). */
export async function revokeUserFamilies(sql: Sql, userId: number): Promise<void> {
  await sql.query('UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
}

/**
 * "<token_version>|<families revoked within the access-token lifetime>" (session-state.ts), or
 * "gone" for a deleted account.
 */
export async function sessionStateOf(sql: Sql, userId: number, accessTtlSeconds: number): Promise<string> {
  const { rows } = await sql.query<{ state: string }>(
    `SELECT u.token_version || '|' || coalesce((
              SELECT string_agg(DISTINCT r.family_id::text, ',') FROM refresh_tokens r
               WHERE r.user_id = u.id AND r.revoked_at > now() - make_interval(secs => $2)), '') AS state
       FROM users u WHERE u.id = $1`,
    [userId, accessTtlSeconds],
  );
  return rows[0]?.state ?? 'gone';
}

/** Sets the role and bumps token_version (tokens carry the role); undefined when no such user. */
/** The account's role, its row locked until the transaction ends; undefined when there is no such account. */
export async function lockRole(sql: Sql, userId: number): Promise<Role | undefined> {
  const { rows } = await sql.query<{ role: Role }>('SELECT role FROM users WHERE id = $1 FOR UPDATE', [userId]);
  return rows[0]?.role;
}

/** Locks the accounts in id order (two admins changing each other's roles cannot deadlock); id -> role. */
export async function lockRoles(sql: Sql, userIds: number[]): Promise<Map<number, Role>> {
  const { rows } = await sql.query<{ id: number; role: Role }>('SELECT id, role FROM users WHERE id = ANY($1::int[]) ORDER BY id FOR UPDATE', [
    userIds,
  ]);
  return new Map(rows.map((r) => [r.id, r.role]));
}

export async function setLocale(sql: Sql, userId: number, locale: Locale): Promise<UserRow | undefined> {
  const { rows } = await sql.query<UserRow>(`UPDATE users SET locale = $2, updated_at = now() WHERE id = $1 RETURNING ${USER_COLUMNS}`, [
    userId,
    locale,
  ]);
  return rows[0];
}

export async function setRole(sql: Sql, userId: number, role: Role): Promise<UserRow | undefined> {
  const { rows } = await sql.query<UserRow>(
    `UPDATE users SET role = $2, token_version = token_version + CASE WHEN role = $2 THEN 0 ELSE 1 END, updated_at = now()
      WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [userId, role],
  );
  return rows[0];
}

/** Sets a new password hash and bumps token_version; returns the updated row. */
export async function setPasswordHash(sql: Sql, userId: number, passwordHash: string): Promise<UserRow | undefined> {
  const { rows } = await sql.query<UserRow>(
    `UPDATE users SET password_hash = $2, token_version = token_version + 1, updated_at = now()
      WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [userId, passwordHash],
  );
  return rows[0];
}

/** Locks the token row: two refreshes racing with one token cannot both rotate it. */
export async function lockRefreshToken(sql: Sql, tokenHash: string): Promise<RefreshRow | undefined> {
  const { rows } = await sql.query<RefreshRow>(
    `SELECT id, user_id, family_id, expires_at <= now() AS expired, rotated_at, revoked_at
       FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
    [tokenHash],
  );
  return rows[0];
}

export async function markRotated(sql: Sql, id: string): Promise<void> {
  await sql.query('UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1', [id]);
}

export async function revokeFamily(sql: Sql, familyId: string): Promise<void> {
  await sql.query('UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL', [familyId]);
}

/** The e-mail addresses of every admin account (who is told of sell-out alerts). */
export async function adminEmails(sql: Sql): Promise<string[]> {
  const { rows } = await sql.query<{ email: string }>("SELECT email FROM users WHERE role = 'admin' ORDER BY id");
  return rows.map((r) => r.email);
}

/**
 * An account for a partner's API key to act as: a customer that cannot log in (its password hash is
 * no hash), whose holds and tickets are the partner's. The e-mail is under .invalid (RFC 2606).
 */
export async function insertPartnerAccount(sql: Sql, name: string, tag: string): Promise<number> {
  const { rows } = await sql.query<{ id: number }>(
    `INSERT INTO users (email, password_hash, full_name, role) VALUES ($1, '!', $2, 'customer') RETURNING id`,
    [`partner-${tag}@partners.invalid`, name],
  );
  return rows[0].id;
}
