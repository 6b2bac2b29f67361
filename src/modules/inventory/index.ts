// Seat inventory: the state of every seat in every screening (screening_seats), the screening's seat
// counters (available_seats, seat_map_version), and what follows a change of them. The only writer
// of those rows and columns; holds, checkout, refunds, cancellations, seating, screenings, halls and
// the hold sweeper come here.
export { afterSeatChange, type SeatsChanged, seatEvent } from './after-seat-change.ts';
export { addSeatStates, adjustHallScreenings, deleteSeatStates, lockSeatStatesOf, retireSeatStates, type SeatStateRow } from './hall-seats.ts';
export { bumpSeatMap, bumpSeatMaps, soldTally } from './seat-counters.ts';
export {
  blockSeats,
  createSeatStates,
  dropSeatStates,
  extendHeldSeats,
  freeHeldSeats,
  freeSeatsOfHolds,
  lockSeatStates,
  resetSeatStates,
  restockSeats,
  type SeatState,
  sellSeats,
  unblockSeats,
} from './seat-states.ts';
export { createTakeBatcher, type TakeBatcher, takeBatcherFor, TakeError, type TakeRequest } from './take-batcher.ts';
export { type HoldLimits, limitArgs, type TakeResult, takeSeats } from './take-seats.ts';
