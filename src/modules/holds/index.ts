// What other modules may use of holds: locking a hold in their own transaction, and giving its
// seats back; the per-screening seat limit checkout re-checks.
export { seatLimitPerScreening } from './hold-limits.ts';
export { type HoldRow, lockHold, releaseHoldSeats } from './queries.ts';
