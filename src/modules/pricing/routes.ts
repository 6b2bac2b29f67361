import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ifMatch, setEtag } from '../../http/etag.ts';
import { ok } from '../../http/schemas.ts';
import { actorOf } from '../audit/index.ts';
import { getPricing, setPricing } from './price-card.ts';
import { getPricingSchema, putPricingSchema } from './schemas.ts';

/** Anyone: the price card a theater charges. */
async function pricingPublicRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/theaters/:id/pricing', { schema: getPricingSchema }, async (req, reply) => {
    const { version, pricing } = await getPricing(deps, req.params.id);
    setEtag(reply, version);
    return ok('Price card fetched', pricing);
  });
}

/** Admins: replacing it. */
async function pricingAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.put('/theaters/:id/pricing', { schema: putPricingSchema }, async (req, reply) => {
    const { version, pricing } = await setPricing(deps, actorOf(req), req.params.id, req.body, ifMatch(req));
    setEtag(reply, version);
    return ok('Price card replaced', pricing);
  });
}

export const pricingRoutes: RouteGroups = { public: pricingPublicRoutes, admin: pricingAdminRoutes };
