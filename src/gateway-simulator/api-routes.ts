// The simulator's gateway API, the HTTP face a real provider has (/v1, bearer secret key,
// Idempotency-Key on every creation). The faults show up as a real network would show them: 'drop'
// resets the connection without a word, 'timeout' keeps the caller waiting until it gives up.
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../gateway/gateway.ts';
import { errorBody, useGatewayErrors } from './http-errors.ts';
import { CreatePaymentBody, CreateRefundBody, ErrorSchema, IdempotencyHeaders, IdParams, PaymentSchema, RefundSchema } from './schemas.ts';
import type { Simulator } from './simulator.ts';

export interface SimulatorApiOptions {
  simulator: Simulator;
  apiKey: string;
  /** how long a timed-out call keeps the connection before answering 504 (default 60 s) */
  hangMs?: number;
}

const tags = ['gateway api'];
const errors = { 400: ErrorSchema, 401: ErrorSchema, 402: ErrorSchema, 404: ErrorSchema, 409: ErrorSchema, 503: ErrorSchema, 504: ErrorSchema };

// Hashing first makes both sides the same length, which timingSafeEqual needs.
const digest = (s: string) => createHash('sha256').update(s).digest();

export async function simulatorApiRoutes(fastify: FastifyInstance, opts: SimulatorApiOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const sim = opts.simulator;
  const hangMs = opts.hangMs ?? 60_000;
  const expected = digest(`Bearer ${opts.apiKey}`);
  const hanging = new Set<() => void>();
  useGatewayErrors(app);

  app.addHook('onRequest', async (req, reply) => {
    if (timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) return;
    return reply.code(401).header('www-authenticate', 'Bearer').send(errorBody('invalid', 'invalid_api_key'));
  });
  // Shutting down must not wait for the deliberately slow answers.
  app.addHook('preClose', async () => {
    for (const release of hanging) release();
  });

  /** Runs a port call and turns the network-shaped failures into network-shaped answers. */
  async function answer<T>(req: FastifyRequest, reply: FastifyReply, run: () => Promise<T>): Promise<T | FastifyReply> {
    try {
      return await run();
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      if (err.code === 'connection_reset') return resetConnection(req, reply);
      if (err.failure === 'timeout') {
        await hangUntilCallerLeaves(reply);
        if (reply.raw.destroyed || reply.raw.writableEnded) return resetConnection(req, reply);
      }
      throw err;
    }
  }

  function hangUntilCallerLeaves(reply: FastifyReply): Promise<void> {
    // the caller may have given up while the operation ran: then 'close' has fired already
    if (reply.raw.destroyed || reply.raw.closed || reply.request.raw.socket?.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        hanging.delete(release);
        reply.raw.off('close', release);
        resolve();
      };
      const timer = setTimeout(release, hangMs);
      hanging.add(release);
      reply.raw.once('close', release);
    });
  }

  app.post(
    '/v1/payments',
    {
      schema: {
        tags,
        summary: 'Create a payment',
        headers: IdempotencyHeaders,
        body: CreatePaymentBody,
        response: { 200: PaymentSchema, ...errors },
      },
    },
    async (req, reply) =>
      answer(req, reply, () =>
        sim.createPayment({
          idempotencyKey: req.headers['idempotency-key'] ?? '',
          amount: req.body.amount,
          currency: req.body.currency,
          method: req.body.method,
          reference: req.body.reference,
          description: req.body.description,
          expiresInSeconds: req.body.expires_in_seconds,
          returnUrl: req.body.return_url,
        }),
      ),
  );

  app.get(
    '/v1/payments/:id',
    { schema: { tags, summary: 'Read a payment', params: IdParams, response: { 200: PaymentSchema, ...errors } } },
    async (req, reply) => answer(req, reply, () => sim.getPayment(req.params.id)),
  );

  app.post(
    '/v1/payments/:id/cancel',
    { schema: { tags, summary: 'Cancel a pending payment', params: IdParams, response: { 200: PaymentSchema, ...errors } } },
    async (req, reply) => answer(req, reply, () => sim.cancelPayment(req.params.id)),
  );

  app.post(
    '/v1/refunds',
    {
      schema: {
        tags,
        summary: 'Refund a captured payment, in full or in part',
        headers: IdempotencyHeaders,
        body: CreateRefundBody,
        response: { 200: RefundSchema, ...errors },
      },
    },
    async (req, reply) =>
      answer(req, reply, () =>
        sim.refund({
          idempotencyKey: req.headers['idempotency-key'] ?? '',
          paymentId: req.body.payment_id,
          amount: req.body.amount,
          reference: req.body.reference,
          reason: req.body.reason,
        }),
      ),
  );

  app.get(
    '/v1/refunds/:id',
    { schema: { tags, summary: 'Read a refund', params: IdParams, response: { 200: RefundSchema, ...errors } } },
    async (req, reply) => answer(req, reply, () => sim.getRefund(req.params.id)),
  );
}

/** No status, no body: the caller sees the socket close, as when a load balancer drops it. */
function resetConnection(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  req.raw.socket?.destroy();
  return reply;
}
