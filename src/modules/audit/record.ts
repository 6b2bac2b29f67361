// Audit log: who changed what, before and after. Written in the same transaction as the change,
// so a change and its audit row commit or vanish together.
import type { FastifyRequest } from 'fastify';
import type { Sql } from '../../db/client.ts';

export interface Actor {
  id: number;
  ip: string;
  requestId: string;
}

export const actorOf = (req: FastifyRequest): Actor => ({ id: req.user.id, ip: req.ip, requestId: String(req.id) });

export async function recordAudit(
  sql: Sql,
  actor: Actor,
  entry: { action: string; entity: string; entityId: string | number; before?: unknown; after?: unknown },
): Promise<void> {
  await sql.query(
    `INSERT INTO audit_log (actor_id, action, entity, entity_id, before, after, ip, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      actor.id,
      entry.action,
      entry.entity,
      String(entry.entityId),
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      actor.ip,
      actor.requestId,
    ],
  );
}
