// What the business does, counted for /metrics: one counter per question an operator asks on a
// release night (are holds turning into sales? why are they refused? do payments go through?). Each
// is process-wide, registered in each app's registry by app.ts (tests build several apps in one
// process; they share the counters, as they share the process). Counted after the commit that made
// the fact true, never inside a transaction that might be retried.
import { Counter } from 'prom-client';

const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
  new Counter<L>({ name, help, labelNames, registers: [] });

export const holdsCreated = counter('cinema_holds_created_total', 'Holds granted, by how the seats were chosen', ['via'] as const);
export const holdsEnded = counter(
  'cinema_holds_ended_total',
  'Holds that ended: converted (paid, seats sold), released (by the customer or a replaced checkout), expired (the sweeper)',
  ['outcome'] as const,
);
export const holdRefusals = counter(
  'cinema_hold_refusals_total',
  'Hold requests refused, by error code (seat_unavailable, orphan_seat, hold_limit_reached, rate_limited, ...)',
  ['cause'] as const,
);
export const checkouts = counter(
  'cinema_checkouts_total',
  "Checkouts started, by payment method and the gateway's first answer (pending, captured, declined, unavailable, timeout, error)",
  ['method', 'outcome'] as const,
);
export const paymentsSettled = counter(
  'cinema_payments_settled_total',
  'Payments settled by a webhook or the reconciler, by method and result (sold, refunding: paid but refunded, failed, expired, ...)',
  ['method', 'result'] as const,
);
export const seatsSold = counter('cinema_seats_sold_total', 'Seats sold');
export const refundsSettled = counter(
  'cinema_refunds_total',
  'Refunds sent to the gateway, by outcome (succeeded, failed, processing: owed or in doubt)',
  ['outcome'] as const,
);

export const BUSINESS_COUNTERS = [holdsCreated, holdsEnded, holdRefusals, checkouts, paymentsSettled, seatsSold, refundsSettled];
