import { Type } from 'typebox';
import { Envelope, problems, Timestamp } from '../../http/schemas.ts';
import { PAYMENT_METHODS } from '../../gateway/gateway.ts';
import { MethodSchema, NextActionSchema } from '../payments/index.ts';

export const PaymentSchema = Type.Object({
  id: Type.Union([Type.String(), Type.Null()], { description: "The gateway's payment id" }),
  reference: Type.String({ format: 'uuid', description: 'Our payment id (the reference the gateway knows)' }),
  status: Type.Enum(['pending', 'captured', 'failed', 'cancelled', 'partially_refunded', 'refunded']),
  method: Type.Enum([...PAYMENT_METHODS]),
  amount: Type.Number({ description: 'Charged: tickets + fee', examples: [154_350] }),
  fee: Type.Number({ examples: [4_350] }),
  currency: Type.String({ examples: ['IDR'] }),
  next_action: NextActionSchema,
  failure_code: Type.Union([Type.String(), Type.Null()]),
});

export const CheckoutSchema = Type.Object({
  ticket: Type.Object({
    id: Type.String({ format: 'uuid' }),
    status: Type.Enum(['pending_payment', 'paid', 'expired', 'cancelled', 'partially_refunded', 'refunded']),
    booking_code: Type.Optional(Type.String({ description: 'Once paid' })),
    total_amount: Type.Number({ description: 'The seats, prices frozen from the hold', examples: [150_000] }),
    fee_amount: Type.Number({ examples: [4_350] }),
    currency: Type.String({ examples: ['IDR'] }),
    seats: Type.Array(Type.Object({ id: Type.Integer(), label: Type.String(), type: Type.String(), price: Type.Number() })),
    hold_id: Type.Union([Type.String(), Type.Null()]),
    reserved_until: Type.Union([Timestamp('Pay before this; checkout extends it once'), Type.Null()]),
  }),
  payment: PaymentSchema,
});

export const checkoutSchema = {
  tags: ['checkout'],
  summary: 'Check out a hold: ticket + payment at the gateway',
  description:
    "Creates the hold's ticket (pending_payment) and a payment at the gateway; `payment.next_action` says what the customer " +
    'does next. The first checkout of a hold extends it once by CHECKOUT_EXTENSION_SECONDS. Idempotency-Key is required. ' +
    '402 payment_declined keeps the hold (try another method); 409 payment_in_progress while a payment is pending; ' +
    '410 hold_expired; 503 gateway_unavailable / 504 gateway_timeout: retry with the same key.',
  params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
  headers: Type.Object({
    'idempotency-key': Type.String({ minLength: 1, maxLength: 255, description: 'Required: retries return the first answer' }),
  }),
  body: Type.Object({ payment_method: Type.Enum([...PAYMENT_METHODS]) }),
  response: { 201: Envelope(CheckoutSchema), ...problems(400, 401, 402, 404, 409, 410, 422, 502, 503, 504) },
};

export const methodsSchema = {
  tags: ['checkout'],
  summary: 'Payment methods on offer, with their fees',
  response: { 200: Envelope(Type.Array(MethodSchema)) },
};
