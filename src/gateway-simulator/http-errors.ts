// How the simulator's HTTP faces answer failures: `{error: {type, code, message}}` with the status a
// real gateway would use, so the HTTP adapter can map them back onto the port's GatewayError. Set
// inside each simulator plugin, so the host API's problem+json handler is untouched.
import type { FastifyError, FastifyInstance } from 'fastify';
import { GatewayError, type GatewayFailure } from '../gateway/gateway.ts';

// Refusals about the state of things, not the shape of the request: 409, the rest of 'invalid' 400.
const CONFLICTS = new Set(['idempotency_mismatch', 'payment_not_pending', 'payment_captured', 'payment_not_captured', 'amount_exceeds_remaining']);

export function statusOf(err: GatewayError): number {
  switch (err.failure) {
    case 'declined':
      return 402;
    case 'not_found':
      return 404;
    case 'unavailable':
      return 503;
    case 'timeout':
      return 504;
    case 'invalid':
      return CONFLICTS.has(err.code) ? 409 : 400;
  }
}

export function errorBody(type: GatewayFailure, code: string, message?: string) {
  return { error: { type, code, ...(message ? { message } : {}) } };
}

export function useGatewayErrors(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof GatewayError) {
      if (err.failure === 'unavailable') reply.header('retry-after', '1');
      return reply.code(statusOf(err)).send(errorBody(err.failure, err.code, err.message));
    }
    if (err.validation) return reply.code(400).send(errorBody('invalid', 'validation_failed', err.message));
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) return reply.code(status).send(errorBody('invalid', `http_${status}`, err.message));
    req.log.error({ err }, 'gateway simulator failed');
    return reply.code(500).send(errorBody('unavailable', 'internal'));
  });
}
