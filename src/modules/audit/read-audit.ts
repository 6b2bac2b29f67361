// Reading the audit trail: filters, newest first, keyset pages on the entry id.
import type { Static } from 'typebox';
import type { Db } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { type AuditFilter, type AuditRow, listAudit } from './queries.ts';
import type { AuditEntrySchema } from './schemas.ts';

export async function auditPage(db: Db, q: Omit<AuditFilter, 'beforeId'> & { cursor?: string }) {
  const beforeId = q.cursor === undefined ? undefined : cursorId(q.cursor);
  const rows = await listAudit(db, { ...q, beforeId, limit: q.limit + 1 });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(presentAudit), next: rows.length > q.limit && last ? encodeCursor([last.id]) : null };
}

function cursorId(cursor: string): number {
  const k = decodeCursor(cursor);
  if (!k || !Number.isSafeInteger(k[0]) || (k[0] as number) < 1) throw new AppError('validation_failed', 'cursor is not valid');
  return k[0] as number;
}

export function presentAudit(r: AuditRow): Static<typeof AuditEntrySchema> {
  return {
    id: r.id,
    at: r.at,
    actor: { id: r.actor_id, role: r.actor_role, label: r.actor_label },
    action: r.action,
    entity: r.entity,
    entity_id: r.entity_id,
    before: r.before,
    after: r.after,
    ip: r.ip,
    request_id: r.request_id,
  };
}
