// What a payment method looks like to customers (GET /payment-methods, served by checkout), and what
// a customer does next to pay a pending payment (checkout's answer, and a ticket's while it waits).
import { Type } from 'typebox';
import { PAYMENT_METHODS } from '../../gateway/gateway.ts';

export const MethodSchema = Type.Object({
  code: Type.Enum([...PAYMENT_METHODS]),
  name: Type.String(),
  fee: Type.Object({
    fixed: Type.Number({ description: 'Fixed part, in the currency', examples: [2000] }),
    rate_bp: Type.Integer({
      description: 'Percentage part in basis points (290 = 2.9 %), rounded half up to the smallest unit paid (a whole rupiah for IDR)',
      examples: [290],
    }),
    description: Type.String({ examples: ['2.9 % + 2000'] }),
  }),
});

export const NextActionSchema = Type.Union(
  [
    Type.Object({ type: Type.Literal('redirect'), url: Type.String({ description: 'Open this page to pay (card 3-D Secure, e-wallet)' }) }),
    Type.Object({
      type: Type.Literal('virtual_account'),
      bank: Type.String(),
      account_number: Type.String({ description: 'Transfer the exact amount to this virtual account' }),
      expires_at: Type.String(),
    }),
    Type.Object({
      type: Type.Literal('qr'),
      qr_string: Type.String({ description: 'QRIS payload to show as a QR code' }),
      expires_at: Type.String(),
    }),
    Type.Null(),
  ],
  { description: 'What the customer does next to pay, by method' },
);
