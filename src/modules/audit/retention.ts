// Keeping the audit trail for AUDIT_RETENTION_DAYS and no longer. At boot the setting is written to
// the database (the trigger on audit_log reads it there, so a DELETE of a younger row fails whoever
// sends it); a change of it is itself an audit entry, written by a trigger (migration 022) so that a
// change made with SQL is recorded too. The purge deletes what is older, in batches.
import type { Db } from '../../db/client.ts';
import { purgeExpired, setRetentionDays } from './queries.ts';

export async function applyRetention(db: Db, days: number): Promise<void> {
  await setRetentionDays(db, days);
}

/** Deletes every row past retention, 1,000 at a time; returns how many went. */
export async function purgeAuditLog(db: Db): Promise<number> {
  let total = 0;
  for (let n = -1; n !== 0; total += n) n = await purgeExpired(db, 1_000);
  return total;
}
