// Payment anomalies: the gateway's word, or a webhook's, disagrees with what we asked for. Each one
// changed nothing (no seat sold, no refund settled) and needs a person to look: a webhook that the
// gateway's API does not confirm means someone holds the webhook secret; a confirmed amount or
// currency other than ours means a request was tampered with, or a bug. Logged as a warning with
// both sides and counted in /metrics as cinema_payment_anomalies_total{kind}.
import type { FastifyBaseLogger } from 'fastify';
import { Counter } from 'prom-client';

export type AnomalyKind =
  | 'webhook_unconfirmed' // the webhook claims what the gateway's API does not say (status, amount, currency, reference)
  | 'unknown_payment' // the webhook names a payment or refund the gateway does not know
  | 'amount_mismatch' // the gateway confirms another amount than our payment's
  | 'currency_mismatch' // ... or another currency
  | 'payment_mismatch'; // the gateway's payment for our reference is not the one we recorded

export interface Anomaly {
  kind: AnomalyKind;
  /** who brought the claim: a webhook, the reconciler, checkout's own answer */
  source: string;
  /** the gateway's payment or refund id */
  gateway_id: string;
  /** our payment or refund id, when we know it */
  payment_id?: string;
  expected: unknown;
  got: unknown;
}

export type AnomalyLog = Pick<FastifyBaseLogger, 'warn'>;

/**
 * One counter for the process, registered in each app's registry by http/metrics.ts (tests build
 * several apps in one process; they share it, as they share the process).
 */
export const paymentAnomalies = new Counter({
  name: 'cinema_payment_anomalies_total',
  help: 'Payment webhooks or gateway answers that disagreed with our records and changed nothing, by kind',
  labelNames: ['kind'] as const,
  registers: [],
});

export function reportAnomaly(log: AnomalyLog | undefined, a: Anomaly): void {
  paymentAnomalies.inc({ kind: a.kind });
  log?.warn({ anomaly: a }, `payment anomaly (${a.kind}): nothing changed`);
}
