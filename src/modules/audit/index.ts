// What other parts of the service may use of audit.
export { type Actor, type AuditActor, actorOf, originOf, recordAudit } from './record.ts';
export { applyRetention, purgeAuditLog } from './retention.ts';
