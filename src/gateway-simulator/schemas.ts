// Wire shapes of the simulator's HTTP faces (/v1 API and /_gateway control). The port's types in
// gateway.ts are the source; the compile-time checks at the bottom keep these schemas equal to them.
import { Type, type Static } from 'typebox';
import type { GatewayPayment, GatewayRefund } from '../gateway/gateway.ts';
import { CALL_FAULTS, MAX_LATENCY_MS, WEBHOOK_FAULTS, type Faults } from './faults.ts';

const Amount = Type.String({ pattern: '^\\d{1,10}(\\.\\d{1,2})?$', description: 'Major units, decimal', examples: ['85000.00'] });
const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const NextActionSchema = Type.Union([
  Type.Object({ type: Type.Literal('redirect'), url: Type.String() }),
  Type.Object({ type: Type.Literal('virtual_account'), bank: Type.String(), account_number: Type.String(), expires_at: Type.String() }),
  Type.Object({ type: Type.Literal('qr'), qr_string: Type.String(), expires_at: Type.String() }),
]);

const Method = Type.Union([Type.Literal('card'), Type.Literal('ewallet'), Type.Literal('bank_transfer'), Type.Literal('qris')]);

export const PaymentSchema = Type.Object({
  id: Type.String({ examples: ['pay_3f2a...'] }),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('captured'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
    Type.Literal('partially_refunded'),
    Type.Literal('refunded'),
  ]),
  amount: Type.String(),
  refunded_amount: Type.String(),
  currency: Type.String(),
  method: Method,
  reference: Type.String(),
  next_action: Nullable(NextActionSchema),
  failure_code: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
  captured_at: Nullable(Type.String()),
});

export const RefundSchema = Type.Object({
  id: Type.String({ examples: ['re_9c1d...'] }),
  payment_id: Type.String(),
  amount: Type.String(),
  currency: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  reference: Type.String(),
  failure_code: Nullable(Type.String()),
  created_at: Type.String(),
});

/** `{error: {type, code}}`: type is the port's GatewayFailure, code the gateway's own reason. */
export const ErrorSchema = Type.Object({
  error: Type.Object({ type: Type.String(), code: Type.String(), message: Type.Optional(Type.String()) }),
});

export const CreatePaymentBody = Type.Object({
  amount: Amount,
  currency: Type.String({ pattern: '^[A-Z]{3}$', examples: ['IDR'] }),
  method: Method,
  reference: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 500 })),
  expires_in_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
  return_url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000, description: 'Where the payment page sends the customer back' })),
});
export type CreatePaymentBody = Static<typeof CreatePaymentBody>;

export const CreateRefundBody = Type.Object({
  payment_id: Type.String({ minLength: 1, maxLength: 100 }),
  amount: Amount,
  reference: Type.String({ minLength: 1, maxLength: 200 }),
  reason: Type.Optional(Type.String({ maxLength: 500 })),
});
export type CreateRefundBody = Static<typeof CreateRefundBody>;

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Required: retries with it are safe' })),
});

export const FaultsSchema = Type.Object({
  payments: Type.Enum([...CALL_FAULTS]),
  refunds: Type.Enum([...CALL_FAULTS]),
  webhooks: Type.Enum([...WEBHOOK_FAULTS]),
  latency_ms: Type.Integer({ minimum: 0, maximum: MAX_LATENCY_MS }),
});

export const FaultsBody = Type.Partial(FaultsSchema, { additionalProperties: false });

export const DeliverySchema = Type.Object({
  event_id: Type.String(),
  type: Type.String(),
  attempts: Type.Integer(),
  delivered: Type.Boolean(),
  gave_up: Type.Boolean(),
  last_status: Nullable(Type.Integer()),
  last_error: Nullable(Type.String()),
  created_at: Time,
  delivered_at: Nullable(Time),
});

const LedgerEntrySchema = Type.Object({
  payment_id: Type.String(),
  reference: Type.String(),
  status: Type.String(),
  currency: Type.String(),
  amount: Type.String(),
  captured: Type.String(),
  refunded: Type.String(),
  net: Type.String(),
});

export const LedgerSchema = Type.Object({
  payments: Type.Array(LedgerEntrySchema),
  totals: Type.Array(
    Type.Object({ currency: Type.String(), payments: Type.Integer(), captured: Type.String(), refunded: Type.String(), net: Type.String() }),
  ),
});

// The schemas must describe exactly the port's types; a drift fails typechecking here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const paymentMatches: Same<Static<typeof PaymentSchema>, GatewayPayment> = true;
const refundMatches: Same<Static<typeof RefundSchema>, GatewayRefund> = true;
const faultsMatch: Same<Static<typeof FaultsSchema>, Faults> = true;
void [paymentMatches, refundMatches, faultsMatch];
