// Failures the simulator can be told to produce, switchable at runtime, so the service's handling of
// a gateway that says no, breaks, hangs or loses messages can be exercised on purpose.
import { GatewayError } from '../gateway/gateway.ts';

export const CALL_FAULTS = ['ok', 'decline', 'timeout', 'error', 'drop'] as const;
export const WEBHOOK_FAULTS = ['ok', 'timeout', 'error', 'drop', 'duplicate', 'reorder'] as const;
export const MAX_LATENCY_MS = 120_000;

export type CallFault = (typeof CALL_FAULTS)[number];
export type WebhookFault = (typeof WEBHOOK_FAULTS)[number];

export interface Faults {
  payments: CallFault;
  refunds: CallFault;
  webhooks: WebhookFault;
  /** added before every port call answers (the "slow gateway") */
  latency_ms: number;
}

export type FaultsPatch = Partial<Faults>;

export const NO_FAULTS: Faults = Object.freeze({ payments: 'ok', refunds: 'ok', webhooks: 'ok', latency_ms: 0 });

/** Checks a patch from outside (HTTP body, test code); throws GatewayError invalid naming the field. */
export function checkFaultsPatch(patch: Record<string, unknown>): FaultsPatch {
  const out: FaultsPatch = {};
  for (const field of ['payments', 'refunds'] as const) {
    const v = patch[field];
    if (v === undefined) continue;
    if (!(CALL_FAULTS as readonly unknown[]).includes(v)) throw new GatewayError('invalid', 'invalid_fault', `${field}: ${String(v)}`);
    out[field] = v as CallFault;
  }
  const w = patch.webhooks;
  if (w !== undefined) {
    if (!(WEBHOOK_FAULTS as readonly unknown[]).includes(w)) throw new GatewayError('invalid', 'invalid_fault', `webhooks: ${String(w)}`);
    out.webhooks = w as WebhookFault;
  }
  const l = patch.latency_ms;
  if (l !== undefined) {
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l > MAX_LATENCY_MS) {
      throw new GatewayError('invalid', 'invalid_fault', `latency_ms: ${String(l)}`);
    }
    out.latency_ms = l;
  }
  return out;
}

/**
 * What a call fault does before the operation runs: 'error' and 'drop' fail before the gateway
 * processed anything; 'decline' refuses creations only (reads and cancels are not declinable).
 * 'timeout' is handled after the operation (it happened, the answer is lost).
 */
export function failBeforeCall(fault: CallFault, op: 'create' | 'read' | 'cancel', declineCode: string): void {
  if (fault === 'error') throw new GatewayError('unavailable', 'http_503');
  if (fault === 'drop') throw new GatewayError('unavailable', 'connection_reset');
  if (fault === 'decline' && op === 'create') throw new GatewayError('declined', declineCode);
}
