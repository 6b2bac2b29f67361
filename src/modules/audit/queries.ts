// The audit trail's SQL: the module owns audit_log and audit_retention.
import type { Sql } from '../../db/client.ts';

export interface AuditRow {
  id: number;
  at: string;
  actor_id: number | null;
  actor_role: string | null;
  actor_label: string | null;
  action: string;
  entity: string;
  entity_id: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  request_id: string | null;
}

export interface AuditFilter {
  actorId?: number;
  action?: string;
  entity?: string;
  entityId?: string;
  from?: string;
  to?: string;
  /** rows with a smaller id than this (the keyset of the previous page) */
  beforeId?: number;
  limit: number;
}

/** Newest first. `action` ending in `.` is a prefix ("refund." is every refund action). */
export async function listAudit(sql: Sql, f: AuditFilter): Promise<AuditRow[]> {
  const { rows } = await sql.query<AuditRow>(
    `SELECT id::int AS id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor_id, actor_role, actor_label,
            action, entity, entity_id, before, after, ip, request_id
       FROM audit_log
      WHERE ($1::int IS NULL OR actor_id = $1)
        AND ($2::text IS NULL OR action = $2 OR (right($2, 1) = '.' AND starts_with(action, $2)))
        AND ($3::text IS NULL OR entity = $3)
        AND ($4::text IS NULL OR entity_id = $4)
        AND ($5::timestamptz IS NULL OR at >= $5)
        AND ($6::timestamptz IS NULL OR at < $6)
        AND ($7::bigint IS NULL OR id < $7)
      ORDER BY id DESC LIMIT $8`,
    [f.actorId ?? null, f.action ?? null, f.entity ?? null, f.entityId ?? null, f.from ?? null, f.to ?? null, f.beforeId ?? null, f.limit],
  );
  return rows;
}

/** Sets the retention (a change is recorded in the trail by a trigger, migration 022). */
export async function setRetentionDays(sql: Sql, days: number): Promise<void> {
  await sql.query('UPDATE audit_retention SET days = $1 WHERE days <> $1', [days]);
}

/** Deletes up to `limit` rows older than the retention (the trigger lets only those go); returns how many. */
export async function purgeExpired(sql: Sql, limit: number): Promise<number> {
  const { rowCount } = await sql.query(
    `DELETE FROM audit_log WHERE id IN (
       SELECT id FROM audit_log WHERE at < now() - make_interval(days => (SELECT days FROM audit_retention))
        ORDER BY at LIMIT $1)`,
    [limit],
  );
  return rowCount;
}
