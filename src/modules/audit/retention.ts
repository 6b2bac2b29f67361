// Keeping the audit trail for AUDIT_RETENTION_DAYS and no longer. At boot the setting is written to
// the database (the trigger reads it there, so a DELETE of a younger row fails whoever sends it); a
// change of it is itself audited. The purge deletes what is older, in batches.
import type { Db } from '../../db/client.ts';
import { recordAudit } from './record.ts';
import { purgeExpired, setRetentionDays } from './queries.ts';

export async function applyRetention(db: Db, days: number): Promise<void> {
  await db.tx(async (trx) => {
    const old = await setRetentionDays(trx, days);
    if (old === undefined) return;
    await recordAudit(
      trx,
      { id: null, role: 'system', label: 'AUDIT_RETENTION_DAYS', ip: null, requestId: null },
      { action: 'audit.retention_change', entity: 'audit_retention', entityId: null, before: { days: old }, after: { days } },
    );
  });
}

/** Deletes every row past retention, 1,000 at a time; returns how many went. */
export async function purgeAuditLog(db: Db): Promise<number> {
  let total = 0;
  for (let n = -1; n !== 0; total += n) n = await purgeExpired(db, 1_000);
  return total;
}
