// What other parts of the service may use of cancellations.
export { resumeCancellations } from './run.ts';
