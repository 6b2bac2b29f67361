// What other modules may use of holds: locking a hold in their own transaction, ending it (its seats
// given back) or converting it into a sale, giving a slow payer more time once, the per-screening
// seat limit checkout re-checks, and the sweep of expired holds.
export { getHold, presentHold, visibleHold } from './get-hold.ts';
export { sweepExpiredHolds, type SweepResult } from './expire-holds.ts';
export { seatLimitPerScreening } from './hold-limits.ts';
export { releaseHoldSchema } from './schemas.ts';
export {
  extendHoldOnce,
  findHold,
  type HoldRow,
  lockCustomerHolds,
  lockHold,
  markHoldConverted,
  releaseHoldSeats,
  secondsLeft,
  seatsHeldElsewhere,
} from './queries.ts';
