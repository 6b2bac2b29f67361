// Hold attempts per account and per client address, per minute (HOLD_RATE_PER_ACCOUNT,
// HOLD_RATE_PER_ADDRESS): a bot trying seat after seat is turned away with 429 and Retry-After
// before it costs a write. The counters are the Kv's (Redis when configured, so every instance
// shares them). It runs as an onRequest hook after authentication, ahead of Idempotency-Key
// handling, so a 429 is never stored as the answer to a key. The address is req.ip (the proxy
// setting decides whether X-Forwarded-For is believed), IPv6 by its /64 like the request budget's.
import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import { attemptLimiter } from '../../http/rate-limit.ts';
import { clientKey } from '../../http/request-limit.ts';

export function holdAttempts(deps: Deps) {
  const perAccount = attemptLimiter(deps.kv, deps.config.HOLD_RATE_PER_ACCOUNT);
  const perAddress = attemptLimiter(deps.kv, deps.config.HOLD_RATE_PER_ADDRESS);
  return async (req: FastifyRequest) => {
    // both counters move on every attempt (one round trip): an account does not spare its address
    await Promise.all([perAccount([`hold:u:${req.user.id}`]), perAddress([`hold:ip:${clientKey(req.ip)}`])]);
  };
}
