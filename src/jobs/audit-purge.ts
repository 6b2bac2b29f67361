// Deletes audit entries past AUDIT_RETENTION_DAYS on a timer (modules/audit/retention.ts). Safe in
// several instances at once: each DELETE takes what is left.
import type { Deps } from '../deps.ts';
import { purgeAuditLog } from '../modules/audit/index.ts';

export function startAuditPurge(deps: Deps, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = () => {
    running ??= purgeAuditLog(deps.db)
      .then(() => undefined, onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, deps.config.AUDIT_PURGE_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
