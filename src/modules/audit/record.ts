// Audit log: who changed what, in which role, from where, before and after. Written in the same
// transaction as the change, so a change and its audit row commit or vanish together. The table is
// append-only (migration 018: a trigger refuses UPDATE, TRUNCATE and any DELETE but the retention
// purge's).
import type { FastifyRequest } from 'fastify';
import type { Sql } from '../../db/client.ts';

/** Who acted: a signed-in account, as its request tells. */
export interface Actor {
  id: number;
  role: string;
  /** the client address as trusted (TRUST_PROXY) */
  ip: string;
  requestId: string;
  /** a partner's key: its prefix and name (the account alone cannot tell keys apart) */
  label?: string;
}

/** Who acted, when it may be no account at all (a failed login) or not a person (a job). */
export interface AuditActor {
  id: number | null;
  role: string | null;
  /** who, in words, where there is no account to point at: the e-mail a failed login tried */
  label?: string;
  ip: string | null;
  requestId: string | null;
}

export const actorOf = (req: FastifyRequest): Actor =>
  req.apiKey
    ? { id: req.user.id, role: 'api_key', label: `${req.apiKey.prefix} ${req.apiKey.name}`, ip: req.ip, requestId: String(req.id) }
    : { id: req.user.id, role: req.user.role, ip: req.ip, requestId: String(req.id) };

/** The request's origin, before anyone is known to be behind it (login). */
export const originOf = (req: FastifyRequest) => ({ ip: req.ip, requestId: String(req.id) });

export interface AuditEntry {
  action: string;
  entity: string;
  entityId: string | number | null;
  before?: unknown;
  after?: unknown;
}

export async function recordAudit(sql: Sql, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await sql.query(
    `INSERT INTO audit_log (actor_id, actor_role, actor_label, action, entity, entity_id, before, after, ip, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      actor.id,
      actor.role,
      actor.label ?? null,
      entry.action,
      entry.entity,
      entry.entityId === null ? null : String(entry.entityId),
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      actor.ip,
      actor.requestId,
    ],
  );
}
