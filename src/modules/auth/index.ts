// What other parts of the service may use of auth.
export { ensureFirstAdmin } from './create-admin.ts';
export { verifyPassword } from './passwords.ts';
export { sessionState } from './session-state.ts';
export { adminEmails, insertPartnerAccount, lockRole } from './queries.ts';
