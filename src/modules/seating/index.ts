// What other parts of the service may use of seating.
export { seatMapJson } from './queries.ts';
export { SeatMapSchema, SeatStatus } from './schemas.ts';
export { seatLabels } from './seat-labels.ts';
export { seatMap } from './seat-map.ts';
