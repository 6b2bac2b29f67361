import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { RouteGroups } from '../../http/access.ts';
import { AppError } from '../../http/errors.ts';
import { type Effect, idempotent } from '../../http/idempotency.ts';
import { ok } from '../../http/schemas.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { holdRefusals } from '../../metrics/business.ts';
import { assertKeyTheater, keyTheaterOf } from '../apikeys/index.ts';
import { holdBestAvailable } from './best-available.ts';
import { createHold } from './create-hold.ts';
import { refuseMarkedSeats } from './fast-refusal.ts';
import { waitingRoomGate } from '../waiting-room/index.ts';
import { holdAttempts } from './hold-attempts.ts';
import { getHold } from './get-hold.ts';
import { replayNewHold } from './replay-hold.ts';
import { bestAvailableSchema, createHoldSchema, getHoldSchema } from './schemas.ts';

/** Any signed-in account (the scope authenticates before these hooks run). */
async function holdCustomerRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  // hold attempts are counted per account and per address, after sign-in (hold-attempts.ts)
  const attempt = holdAttempts(deps);
  // every refusal of a hold route, by its code (this plugin's routes only)
  app.addHook('onError', (_req, _reply, err, done) => {
    holdRefusals.inc({ cause: err instanceof AppError ? err.code : 'error' });
    done();
  });
  const max = deps.config.HOLD_MAX_SEATS;
  // The schemas carry HOLD_MAX_SEATS (the document says it); a body over it alone keeps its own code.
  // partner keys with holds:write may hold and read holds (http/access.ts)
  const holdsScope = { scope: 'holds:write' as const };
  // then a partner key's theaters, then the screening's waiting room when a rush engaged it: a malformed
  // request, or a key for another theater, takes no place in line
  const keyTheater = async (req: FastifyRequest) => assertKeyTheater(deps.db, req, (req.params as { id: number }).id);
  const seatLimit = {
    attachValidation: true,
    preHandler: [overSeatLimit(max, ['/seat_ids', '/count']), keyTheater, waitingRoomGate(deps)],
  };
  // The new hold's id is chosen before its Idempotency-Key is claimed: the key names it, and a retry
  // that finds no recorded answer rebuilds the first one from the hold (http/idempotency.ts).
  const newHold = (req: FastifyRequest, message: string): Effect => {
    const userId = req.user.id;
    return { id: uuidv7(), replay: (holdId) => replayNewHold(deps, userId, holdId, message) };
  };

  app.post('/screenings/:id/holds', { schema: createHoldSchema(max), ...seatLimit, onRequest: attempt, config: holdsScope }, async (req, reply) => {
    const effect = newHold(req, 'Seats held');
    return idempotent(
      deps.db,
      req,
      reply,
      'hold',
      async () => ({
        status: 201,
        body: ok(
          'Seats held',
          await createHold(deps, { screeningId: req.params.id, userId: req.user.id, seatIds: req.body.seat_ids, holdId: effect.id }),
        ),
      }),
      { effect, refuseEarly: refuseMarkedSeats(deps, req.params.id, req.user.id, req.body.seat_ids) },
    );
  });

  app.post(
    '/screenings/:id/holds/best-available',
    { schema: bestAvailableSchema(max), ...seatLimit, onRequest: attempt, config: holdsScope },
    async (req, reply) => {
      const effect = newHold(req, 'Best seats held');
      return idempotent(
        deps.db,
        req,
        reply,
        'hold',
        async () => ({
          status: 201,
          body: ok(
            'Best seats held',
            await holdBestAvailable(deps, {
              screeningId: req.params.id,
              userId: req.user.id,
              count: req.body.count,
              seatType: req.body.seat_type,
              holdId: effect.id,
            }),
          ),
        }),
        { effect },
      );
    },
  );

  app.get('/holds/:id', { schema: getHoldSchema, preHandler: keyTheaterOf(deps.db, 'hold'), config: holdsScope }, async (req) =>
    ok('Hold fetched', await getHold(deps, req.user, req.params.id)),
  );
  // DELETE /holds/:id ends the checkout too: checkout/routes.ts
}

export const holdRoutes: RouteGroups = { customer: holdCustomerRoutes };

/**
 * With attachValidation: a body whose only fault is asking for more seats than HOLD_MAX_SEATS is 400
 * too_many_seats (as the use cases say it), any other fault the usual validation_failed.
 */
function overSeatLimit(max: number, paths: string[]) {
  return async (req: FastifyRequest) => {
    const err = req.validationError as (Error & { validation?: { keyword: string; instancePath: string }[] }) | undefined;
    if (!err) return;
    const overLimit = (v: { keyword: string; instancePath: string }) =>
      (v.keyword === 'maxItems' || v.keyword === 'maximum') && paths.includes(v.instancePath);
    if (err.validation?.length && err.validation.every(overLimit)) {
      throw new AppError('too_many_seats', `At most ${max} seats per hold`, { max });
    }
    throw err;
  };
}
