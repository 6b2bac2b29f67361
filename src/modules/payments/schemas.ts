// What a payment method looks like to customers (GET /payment-methods, served by checkout).
import { Type } from 'typebox';
import { PAYMENT_METHODS } from '../../gateway/gateway.ts';

export const MethodSchema = Type.Object({
  code: Type.Enum([...PAYMENT_METHODS]),
  name: Type.String(),
  fee: Type.Object({
    fixed: Type.Number({ description: 'Fixed part, in the currency', examples: [2000] }),
    rate_bp: Type.Integer({ description: 'Percentage part in basis points (290 = 2.9 %), rounded half up to the minor unit', examples: [290] }),
    description: Type.String({ examples: ['2.9 % + 2000'] }),
  }),
});
