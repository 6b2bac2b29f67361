// What other parts of the service may use of screenings.
export { type JsonPage, markCancelled, searchScreeningsJson } from './queries.ts';
export { ScreeningSchema } from './schemas.ts';
