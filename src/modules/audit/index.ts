// What other parts of the service may use of audit.
export { type Actor, actorOf, recordAudit } from './record.ts';
