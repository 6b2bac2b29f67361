// The payment-gateway port: what the service needs from a payment provider, nothing more.
// Implementations: the built-in simulator (in process, src/gateway-simulator/) and an HTTP client
// for a gateway in another process (src/gateway/http-gateway.ts; `npm run gateway` serves the
// simulator that way). Amounts cross this port as decimal strings in major units ('85000.00'),
// never floats.

export type PaymentMethod = 'card' | 'ewallet' | 'bank_transfer' | 'qris';
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['card', 'ewallet', 'bank_transfer', 'qris'];

/** What the customer does next to pay, by method. */
export type NextAction =
  | { type: 'redirect'; url: string } // card (3-D Secure page), e-wallet (deep link / web page)
  | { type: 'virtual_account'; bank: string; account_number: string; expires_at: string }
  | { type: 'qr'; qr_string: string; expires_at: string }; // QRIS

export type GatewayPaymentStatus = 'pending' | 'captured' | 'failed' | 'cancelled' | 'partially_refunded' | 'refunded';

export interface GatewayPayment {
  id: string; // the gateway's id, e.g. 'pay_...'
  status: GatewayPaymentStatus;
  amount: string;
  refunded_amount: string;
  currency: string;
  method: PaymentMethod;
  reference: string; // our reference: our payments.id, so a webhook that beats the checkout response still finds its row
  next_action: NextAction | null;
  failure_code: string | null;
  created_at: string;
  updated_at: string;
  captured_at: string | null;
  /** the returnUrl it was created with */
  return_url?: string | null;
}

export type GatewayRefundStatus = 'pending' | 'succeeded' | 'failed';

export interface GatewayRefund {
  id: string; // 're_...'
  payment_id: string;
  amount: string;
  currency: string;
  status: GatewayRefundStatus;
  reference: string; // our reference (the refund id)
  failure_code: string | null;
  created_at: string;
}

export interface CreatePaymentInput {
  /** Same key -> the same payment, however often it is retried (crash recovery relies on it). */
  idempotencyKey: string;
  amount: string;
  currency: string;
  method: PaymentMethod;
  reference: string;
  description?: string;
  /** seconds the payment may stay pending before the gateway expires it */
  expiresInSeconds?: number;
  /** where the gateway's own page (3-D Secure, e-wallet) sends the customer back, as real gateways do */
  returnUrl?: string;
}

export interface CreateRefundInput {
  idempotencyKey: string;
  paymentId: string;
  amount: string;
  reference: string;
  reason?: string;
}

/** Why a gateway call did not give an answer we can act on. */
export type GatewayFailure =
  | 'declined' // the gateway answered no: nothing happened there
  | 'invalid' // the gateway refused the request as malformed (4xx): nothing happened there
  | 'not_found'
  | 'unavailable' // 5xx or connection refused/reset before the request was processed
  | 'timeout'; // no answer in time: the operation MAY have happened at the gateway

export class GatewayError extends Error {
  constructor(
    readonly failure: GatewayFailure,
    readonly code: string, // the gateway's own code, e.g. 'card_declined', 'http_503'
    message?: string,
  ) {
    super(message ?? `${failure}: ${code}`);
    this.name = 'GatewayError';
  }
}

export interface PaymentGateway {
  readonly name: string; // stored in payments.gateway
  createPayment(input: CreatePaymentInput): Promise<GatewayPayment>;
  getPayment(id: string): Promise<GatewayPayment>;
  /** Cancels a pending payment (the customer gave up, the hold ended). Captured ones are refunded instead. */
  cancelPayment(id: string): Promise<GatewayPayment>;
  refund(input: CreateRefundInput): Promise<GatewayRefund>;
  getRefund(id: string): Promise<GatewayRefund>;
}

/**
 * Webhook events the gateway sends to POST /api/v1/payments/webhook, signed (see
 * webhook-signature.ts). `id` is unique per event (deliveries of one event repeat it).
 */
export type GatewayEventType = 'payment.captured' | 'payment.failed' | 'payment.cancelled' | 'payment.expired' | 'refund.succeeded' | 'refund.failed';

export interface GatewayEvent {
  id: string; // 'evt_...'
  type: GatewayEventType;
  created_at: string;
  data: GatewayPayment | GatewayRefund;
}
