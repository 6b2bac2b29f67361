// The API keys module's SQL: it owns api_keys.
import type { Sql } from '../../db/client.ts';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  secret_sha256: string;
  scopes: string[];
  theater_ids: number[] | null;
  account_id: number;
  account_email: string;
  rate_limit_per_minute: number;
  created_by: number | null;
  created_at: Date;
  expires_at: Date | null;
  rotated_to: string | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

const COLUMNS = `k.id, k.name, k.prefix, k.secret_sha256, k.scopes, k.theater_ids, k.account_id, u.email AS account_email,
  k.rate_limit_per_minute, k.created_by, k.created_at, k.expires_at, k.rotated_to, k.revoked_at, k.last_used_at`;
const FROM = 'api_keys k JOIN users u ON u.id = k.account_id';

export async function findKeyByPrefix(sql: Sql, prefix: string): Promise<ApiKeyRow | undefined> {
  const { rows } = await sql.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE k.prefix = $1`, [prefix]);
  return rows[0];
}

export async function findKey(sql: Sql, id: string, lock = false): Promise<ApiKeyRow | undefined> {
  const { rows } = await sql.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM ${FROM} WHERE k.id = $1${lock ? ' FOR UPDATE OF k' : ''}`, [id]);
  return rows[0];
}

export async function listKeys(sql: Sql): Promise<ApiKeyRow[]> {
  const { rows } = await sql.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM ${FROM} ORDER BY k.created_at DESC, k.id DESC LIMIT 500`);
  return rows;
}

export interface NewKey {
  id: string;
  name: string;
  prefix: string;
  secretSha256: string;
  scopes: string[];
  theaterIds: number[] | null;
  accountId: number;
  rateLimitPerMinute: number;
  createdBy: number;
}

export async function insertKey(sql: Sql, k: NewKey): Promise<void> {
  await sql.query(
    `INSERT INTO api_keys (id, name, prefix, secret_sha256, scopes, theater_ids, account_id, rate_limit_per_minute, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [k.id, k.name, k.prefix, k.secretSha256, k.scopes, k.theaterIds, k.accountId, k.rateLimitPerMinute, k.createdBy],
  );
}

/** The old key of a rotation works until `graceSeconds` from now, then never. */
export async function markRotated(sql: Sql, id: string, to: string, graceSeconds: number): Promise<void> {
  await sql.query(
    `UPDATE api_keys SET rotated_to = $2, expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(secs => $3)) WHERE id = $1`,
    [id, to, graceSeconds],
  );
}

export async function markRevoked(sql: Sql, id: string): Promise<void> {
  await sql.query('UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1', [id]);
}

export async function touchKey(sql: Sql, id: string): Promise<void> {
  await sql.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [id]);
}

/** The theater of a hold's or a ticket's screening (undefined when there is no such row). */
export async function theaterOf(sql: Sql, kind: 'hold' | 'ticket', id: string): Promise<number | undefined> {
  const table = kind === 'hold' ? 'holds' : 'tickets';
  const { rows } = await sql.query<{ theater_id: number }>(
    `SELECT s.theater_id FROM ${table} x JOIN screenings s ON s.id = x.screening_id WHERE x.id = $1`,
    [id],
  );
  return rows[0]?.theater_id;
}

export async function theaterOfScreening(sql: Sql, screeningId: number): Promise<number | undefined> {
  const { rows } = await sql.query<{ theater_id: number }>('SELECT theater_id FROM screenings WHERE id = $1', [screeningId]);
  return rows[0]?.theater_id;
}
