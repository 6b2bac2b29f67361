// A webhook's body is a claim, not the truth: a correct signature proves only that the sender holds
// the webhook secret. So the webhook asks the gateway's API for the payment (or refund) it names and
// settles from that answer (as Stripe advises: retrieve the object, do not trust the event's copy).
// What the body claimed is compared with the answer only to notice a forger: a claim the gateway
// does not back (money moved, another amount, currency or reference) is an anomaly.
import { AppError } from '../../http/errors.ts';
import { toMinor } from '../../lib/money.ts';
import { GatewayError, type GatewayPayment, type GatewayRefund } from '../../gateway/gateway.ts';

/**
 * The gateway's own answer; undefined when it does not know the id. Any other failure (unreachable,
 * no answer in time, a refused request) settles nothing: 503, and the gateway delivers the event
 * again (the reconciler asks about the payment meanwhile too).
 */
export async function fromGateway<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    if (err.failure === 'not_found') return undefined;
    throw new AppError('gateway_unavailable', 'The payment gateway could not confirm the event; deliver it again', {
      gateway_failure: err.failure,
      gateway_code: err.code,
    });
  }
}

export interface Disagreement {
  expected: Record<string, unknown>;
  got: Record<string, unknown>;
}

const MONEY_MOVED = new Set(['captured', 'partially_refunded', 'refunded']);

/** What a payment event claims that the gateway's payment does not say. Later states are not claims. */
export function paymentClaimDiffers(type: string, claim: GatewayPayment, truth: GatewayPayment): Disagreement | undefined {
  const claimsMoney = type === 'payment.captured' || MONEY_MOVED.has(claim.status);
  return differences(claim, truth, {
    status: claimsMoney && !MONEY_MOVED.has(truth.status),
    amount: !sameAmount(claim.amount, truth.amount),
    currency: claim.currency !== truth.currency,
    reference: claim.reference !== truth.reference,
  });
}

/** The same for a refund event; a refund the gateway has not made is the claim that matters. */
export function refundClaimDiffers(type: string, claim: GatewayRefund, truth: GatewayRefund): Disagreement | undefined {
  const claimsSuccess = type === 'refund.succeeded' || claim.status === 'succeeded';
  return differences(claim, truth, {
    status: claimsSuccess && truth.status !== 'succeeded',
    amount: !sameAmount(claim.amount, truth.amount),
    currency: claim.currency !== truth.currency,
    reference: claim.reference !== truth.reference,
    payment_id: claim.payment_id !== truth.payment_id,
  });
}

function differences<T extends object>(claim: T, truth: T, differs: Record<string, boolean>): Disagreement | undefined {
  const fields = Object.keys(differs).filter((f) => differs[f]);
  if (fields.length === 0) return undefined;
  const pick = (o: T) => Object.fromEntries(fields.map((f) => [f, (o as Record<string, unknown>)[f]]));
  return { expected: pick(truth), got: pick(claim) };
}

function sameAmount(claimed: unknown, real: string): boolean {
  if (claimed === real) return true;
  try {
    return (typeof claimed === 'string' || typeof claimed === 'number') && toMinor(claimed) === toMinor(real);
  } catch {
    return false; // not an amount at all
  }
}
