// Deletes audit entries past AUDIT_RETENTION_DAYS on a timer (modules/audit/retention.ts). Safe in
// several instances at once: each DELETE takes what is left.
import type { Deps } from '../deps.ts';
import { purgeAuditLog } from '../modules/audit/index.ts';
import { every } from './every.ts';

export function startAuditPurge(deps: Deps, onError: (err: unknown) => void): () => Promise<void> {
  return every('audit-purge', deps.config.AUDIT_PURGE_INTERVAL_MS, () => purgeAuditLog(deps.db), onError);
}
