// Refund routes: quotes and requests by ticket owners, the review queue and policies for admins.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { ifMatch, setEtag } from '../../http/etag.ts';
import { idempotent } from '../../http/idempotency.ts';
import { ok } from '../../http/schemas.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { actorOf } from '../audit/index.ts';
import { readPolicy, removeOverride, writePolicy } from './policy.ts';
import { getRefund, quoteRefund, refundsPage } from './read-refunds.ts';
import { replayRefundRequest } from './replay-refund.ts';
import { requestRefund } from './request-refund.ts';
import { approveRefund, rejectRefund } from './review-refund.ts';
import {
  approveSchema,
  deleteTheaterPolicySchema,
  getDefaultPolicySchema,
  getSchema,
  getTheaterPolicySchema,
  listSchema,
  myRefundsSchema,
  putDefaultPolicySchema,
  putTheaterPolicySchema,
  quoteSchema,
  rejectSchema,
  requestSchema,
} from './schemas.ts';

/** Any signed-in account. */
async function refundCustomerRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/tickets/:id/refund-quote', { schema: quoteSchema }, async (req) => {
    const seatIds = req.query.seat_ids === undefined ? undefined : req.query.seat_ids.split(',').map(Number);
    return ok('Refund quoted', await quoteRefund(deps, req.user, req.params.id, seatIds));
  });

  // The refund's id is chosen before the Idempotency-Key is claimed: the key names it, and a retry
  // that finds no recorded answer rebuilds the first one from it (http/idempotency.ts).
  app.post('/tickets/:id/refunds', { schema: requestSchema }, async (req, reply) => {
    const refundId = uuidv7();
    const userId = req.user.id;
    return idempotent(
      deps.db,
      req,
      reply,
      'refund',
      async () => {
        const answer = await requestRefund(deps, {
          ticketId: req.params.id,
          user: req.user,
          seatIds: req.body.seat_ids,
          reason: req.body.reason,
          refundId,
        });
        return { status: answer.status, body: ok(answer.message, answer.refund) };
      },
      { required: true, effect: { id: refundId, replay: (id) => replayRefundRequest(deps, userId, id) } },
    );
  });

  app.get('/me/refunds', { schema: myRefundsSchema }, async (req) => {
    const q = req.query;
    const limit = q.limit ?? 20;
    const page = await refundsPage(deps, { status: q.status, ticketId: q.ticket_id, userId: req.user.id, cursor: q.cursor, limit });
    return { ...ok('Refunds fetched', page.items), meta: { next_cursor: page.next, limit } };
  });

  app.get('/refunds/:id', { schema: getSchema }, async (req, reply) => {
    const { version, refund } = await getRefund(deps, req.user, req.params.id);
    setEtag(reply, version);
    return ok('Refund fetched', refund);
  });
}

/** Admins. */
async function refundAdminRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/refunds', { schema: listSchema }, async (req) => {
    const q = req.query;
    const limit = q.limit ?? 20;
    const page = await refundsPage(deps, {
      status: q.status,
      ticketId: q.ticket_id,
      screeningId: q.screening_id,
      initiatedBy: q.initiated_by,
      from: q.from,
      to: q.to,
      cursor: q.cursor,
      limit,
    });
    return { ...ok('Refunds fetched', page.items), meta: { next_cursor: page.next, limit } };
  });

  // the body is optional ({note}): no body at all reads as an empty one
  const emptyBody = async (req: { body: unknown }) => {
    if (req.body === undefined || req.body === null) req.body = {};
  };
  app.post('/refunds/:id/approve', { schema: approveSchema, preValidation: emptyBody }, async (req, reply) => {
    const answer = await approveRefund(deps, actorOf(req), req.params.id, req.body?.note, ifMatch(req));
    return reply.code(answer.status).send(ok(answer.message, answer.refund));
  });

  app.post('/refunds/:id/reject', { schema: rejectSchema }, async (req, reply) => {
    const { version, refund } = await rejectRefund(deps, actorOf(req), req.params.id, req.body.reason, ifMatch(req));
    setEtag(reply, version);
    return ok('Refund rejected', refund);
  });

  app.get('/refund-policies/default', { schema: getDefaultPolicySchema }, async (_req, reply) => {
    const policy = await readPolicy(deps, null);
    setEtag(reply, policy.version);
    return ok('Refund policy fetched', policy);
  });

  app.put('/refund-policies/default', { schema: putDefaultPolicySchema }, async (req, reply) => {
    const policy = await writePolicy(deps, actorOf(req), null, req.body, ifMatch(req));
    setEtag(reply, policy.version);
    return ok('Refund policy updated', policy);
  });

  app.get('/theaters/:id/refund-policy', { schema: getTheaterPolicySchema }, async (req, reply) => {
    const policy = await readPolicy(deps, req.params.id);
    setEtag(reply, policy.version);
    return ok('Refund policy fetched', policy);
  });

  app.put('/theaters/:id/refund-policy', { schema: putTheaterPolicySchema }, async (req, reply) => {
    const policy = await writePolicy(deps, actorOf(req), req.params.id, req.body, ifMatch(req));
    setEtag(reply, policy.version);
    return ok('Refund policy updated', policy);
  });

  app.delete('/theaters/:id/refund-policy', { schema: deleteTheaterPolicySchema }, async (req, reply) => {
    const policy = await removeOverride(deps, actorOf(req), req.params.id, ifMatch(req));
    setEtag(reply, policy.version);
    return ok('Theater refund policy removed: the default applies', policy);
  });
}

export const refundRoutes: RouteGroups = { customer: refundCustomerRoutes, admin: refundAdminRoutes };
