import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { idempotent } from '../../http/idempotency.ts';
import { ok } from '../../http/schemas.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { enabledMethods, presentMethod } from '../payments/index.ts';
import { releaseHoldSchema } from '../holds/index.ts';
import { releaseHold } from './release-hold.ts';
import { actorOf } from '../audit/index.ts';
import { keyTheaterOf } from '../apikeys/index.ts';
import { replayCheckout } from './replay-checkout.ts';
import { checkoutSchema, methodsSchema } from './schemas.ts';
import { startCheckout } from './start-checkout.ts';

/** Anyone: the shop shows the methods and their fees before anyone signs in. */
async function checkoutPublicRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/payment-methods', { schema: methodsSchema }, async () => ok('Payment methods fetched', (await enabledMethods(deps)).map(presentMethod)));
}

/** Any signed-in account: paying for its own hold. */
async function checkoutCustomerRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  // The new payment's id is chosen before the Idempotency-Key is claimed: the key names it, and a
  // retry that finds no recorded answer rebuilds the first one from it (http/idempotency.ts).
  // a partner key restricted to some theaters pays for and releases holds only there
  const holdTheater = keyTheaterOf(deps.db, 'hold');
  app.post('/holds/:id/checkout', { schema: checkoutSchema, preHandler: holdTheater, config: { scope: 'checkout:write' } }, async (req, reply) => {
    const userId = req.user.id;
    const paymentId = uuidv7();
    return idempotent(
      deps.db,
      req,
      reply,
      'checkout',
      async () => ({
        status: 201,
        body: ok('Checkout started', await startCheckout(deps, { holdId: req.params.id, userId, method: req.body.payment_method, paymentId })),
      }),
      { required: true, effect: { id: paymentId, replay: (id) => replayCheckout(deps, userId, id, 'Checkout started') } },
    );
  });

  // Releasing a hold ends its checkout: here rather than among the holds' routes (release-hold.ts).
  app.delete('/holds/:id', { schema: releaseHoldSchema, preHandler: holdTheater, config: { scope: 'holds:write' } }, async (req) =>
    ok('Hold released', await releaseHold(deps, req.user, req.params.id, actorOf(req))),
  );
}

export const checkoutRoutes: RouteGroups = { public: checkoutPublicRoutes, customer: checkoutCustomerRoutes };
