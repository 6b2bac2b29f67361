import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { authenticate } from '../../http/auth.ts';
import { idempotent } from '../../http/idempotency.ts';
import { ok } from '../../http/schemas.ts';
import { enabledMethods, presentMethod } from '../payments/methods.ts';
import { checkoutSchema, methodsSchema } from './schemas.ts';
import { startCheckout } from './start-checkout.ts';

export async function checkoutRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // Public: the shop shows the methods and their fees before anyone signs in.
  app.get('/payment-methods', { schema: methodsSchema }, async () =>
    ok('Payment methods fetched', (await enabledMethods(deps)).map(presentMethod)),
  );

  app.post('/holds/:id/checkout', { schema: checkoutSchema, onRequest: authenticate() }, async (req, reply) =>
    idempotent(
      deps.db,
      req,
      reply,
      'checkout',
      async () => ({
        status: 201,
        body: ok('Checkout started', await startCheckout(deps, { holdId: req.params.id, userId: req.user.id, method: req.body.payment_method })),
      }),
      { required: true },
    ),
  );
}
