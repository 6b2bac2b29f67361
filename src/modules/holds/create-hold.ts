// Hold seats of a screening for HOLD_TTL_SECONDS: all or nothing.
// 1. Redis fast path (if configured): seats another customer holds, has bought, or is taking at this
//    moment are marked there and turn the request away without PostgreSQL (409, cause "fast_path").
//    Never the arbiter: failures skip it (kv/seat-fast-path.ts says what bounds a wrong refusal).
// 2. PostgreSQL decides in one statement, take_seats() (several holds share a round trip and a
//    commit when they queue up: inventory/take-batcher.ts): the seat rules, the replacement of the
//    customer's previous hold for this screening, and the conditional write of the seats
//    (409 cause "taken" when a seat is not free; cause "contended" when another call is taking it
//    at this very moment: seat rows busy in another transaction are skipped, never waited for).
//    It also decides the limits a cinema sets (hold-limits.ts): seats held per account, seats per
//    customer and screening, how long a customer's holds on a screening may go on (409).
// 3. After commit: afterSeatChange() (inventory): marks of seats a replaced hold let go dropped, the
//    new hold's marks kept until it ends, the seat event for live viewers and cached maps.
// Seats are named to people by label (E7) beside their ids, in refusals and in the hold: labels come
// from the instance's label cache (seat-labels.ts), not from another statement on the hold path.
import type { Static } from 'typebox';
import type { Deps } from '../../deps.ts';
import { pgCode, PG } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { isSqlErrorState, SQL_ERRORS } from '../../http/sql-errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { decimalToNumber } from '../../lib/money.ts';
import { seatLabels } from '../seating/index.ts';
import { holdLimits, limitRefusal } from './hold-limits.ts';
import { afterSeatChange, type TakeResult, takeBatcherFor, takeSeats } from '../inventory/index.ts';
import type { HoldSchema } from './schemas.ts';
import { holdsCreated } from '../../metrics/business.ts';

/**
 * Why seats were refused: `fast_path` = another customer's mark in Redis (they are held, sold, or
 * being taken at this moment); `contended` = PostgreSQL found the seat
 * rows busy in another transaction at that moment; `taken` = PostgreSQL found them not free.
 */
export type RefusalCause = 'fast_path' | 'contended' | 'taken';

// holds_one_active: another request of this customer for this screening came first (PostgreSQL's
// own unique violation, its DETAIL prose); our own SQLSTATEs are in http/sql-errors.ts
const ONE_ACTIVE = {
  code: 'hold_in_progress',
  message: 'Another hold request of yours for this screening was just made; fetch your holds or try again',
} as const;

/**
 * A refusal naming the seats by label (in place of `{seats}`, else after the message: `...: E7, E8`),
 * with `seat_ids` and `seat_labels` in the same order.
 */
async function refusal(
  deps: Deps,
  code: ConstructorParameters<typeof AppError>[0],
  message: string,
  seatIds: number[],
  cause?: RefusalCause,
): Promise<AppError> {
  // unknown seats are not this screening's: a label from another hall would mislead
  const labels = seatIds.length > 0 && code !== 'unknown_seats' ? await seatLabels(deps.db, seatIds) : undefined;
  const named = labels ? labels.join(', ') : 'a seat';
  const text = message.includes('{seats}') ? message.replace('{seats}', named) : labels ? `${message}: ${named}` : message;
  return new AppError(code, text, {
    seat_ids: seatIds,
    ...(labels ? { seat_labels: labels } : {}),
    ...(cause ? { cause } : {}),
  });
}

/** The refusal of seats another customer has marked in Redis (the same whoever finds them). */
export const markedRefusal = (deps: Deps, seatIds: number[]) =>
  refusal(deps, 'seat_unavailable', 'Some seats are taken or being taken by someone else', seatIds, 'fast_path');

export interface HoldInput {
  screeningId: number;
  userId: number;
  seatIds: number[];
  /** the new hold's id when the caller names it first (its Idempotency-Key records it: replay-hold.ts) */
  holdId?: string;
  /** how the seats were chosen (metrics): by the customer, or by best available */
  via?: 'seats' | 'best_available';
}

export async function createHold(deps: Deps, input: HoldInput) {
  const seatIds = [...new Set(input.seatIds)].sort((a, b) => a - b);
  if (seatIds.length !== input.seatIds.length) throw new AppError('validation_failed', 'seat_ids has duplicates');
  if (seatIds.length > deps.config.HOLD_MAX_SEATS) {
    throw new AppError('too_many_seats', `At most ${deps.config.HOLD_MAX_SEATS} seats per hold`, { max: deps.config.HOLD_MAX_SEATS });
  }
  const owner = `u${input.userId}`;
  const contended = await deps.fastPath.mark(input.screeningId, seatIds, owner);
  if (contended !== 'skipped' && contended.length > 0) throw await markedRefusal(deps, contended);

  const holdId = input.holdId ?? uuidv7();
  const limits = holdLimits(deps.config);
  let taken: TakeResult;
  try {
    const req = { holdId, screeningId: input.screeningId, userId: input.userId, seatIds };
    const batcher = takeBatcherFor(deps.db, {
      limits,
      poolMax: deps.config.DB_POOL_MAX,
      inFlight: deps.config.HOLD_BATCHES_IN_FLIGHT,
    });
    taken = await batcher.take(req).catch((err) => {
      // a deadlock aborted only this item's subtransaction: repeat it on its own
      if (pgCode(err) !== PG.deadlock) throw err;
      return withDeadlockRetry(() => takeSeats(deps.db, { ...req, limits }));
    });
  } catch (err) {
    await deps.fastPath.unmark(input.screeningId, seatIds, owner);
    const code = pgCode(err);
    const overLimit = limitRefusal(code, String((err as { detail?: string }).detail ?? ''), limits);
    if (overLimit) throw overLimit;
    const rule = isSqlErrorState(code) ? SQL_ERRORS[code] : code === PG.uniqueViolation ? ONE_ACTIVE : undefined;
    if (!rule) throw err;
    const detail = String((err as { detail?: string }).detail ?? '');
    const seats = detail && 'detail' in rule && rule.detail === 'seat_ids' ? detail.split(',').map(Number) : [];
    if (code === 'CN001') {
      const { rows } = await deps.db.query('SELECT 1 FROM screenings WHERE id = $1', [input.screeningId]);
      if (rows.length === 0) throw new AppError('screening_not_found');
    }
    throw await refusal(deps, rule.code, rule.message, seats, code === 'CN409' ? 'taken' : code === 'CN410' ? 'contended' : undefined);
  }

  // Seats of a replaced hold that the new hold does not keep are free again.
  const released = (taken.released_seats ?? []).filter((id) => !seatIds.includes(id));
  await afterSeatChange(deps, {
    event: {
      screening_id: input.screeningId,
      version: taken.map_version,
      seats: [...released.map((id) => ({ id, status: 'available' as const })), ...seatIds.map((id) => ({ id, status: 'held' as const }))],
    },
    freed: [{ seatIds: released, owner }],
    // the marks live as long as the hold (by this clock; never past HOLD_TTL_SECONDS), so the next
    // customers asking for these seats are refused from Redis
    kept: [{ seatIds, owner, ms: Math.min(taken.reserved_until.getTime() - Date.now(), deps.config.HOLD_TTL_SECONDS * 1000) }],
  });
  holdsCreated.inc({ via: input.via ?? 'seats' });
  return presentNewHold(deps, holdId, input, seatIds, taken, await seatLabels(deps.db, seatIds));
}

export function presentNewHold(
  deps: Deps,
  id: string,
  input: HoldInput,
  seatIds: number[],
  t: TakeResult,
  labels: string[],
): Static<typeof HoldSchema> {
  const prices = t.prices.map((p) => decimalToNumber(p) as number);
  return {
    id,
    screening_id: input.screeningId,
    seat_ids: seatIds,
    prices,
    seats: seatIds.map((seatId, i) => ({ id: seatId, label: labels[i], price: prices[i] })),
    total_amount: decimalToNumber(t.total_amount) as number,
    currency: deps.config.CURRENCY,
    status: 'active' as const,
    reserved_until: t.reserved_until.toISOString(),
    replaced_hold_ids: t.released_holds ?? [],
  };
}

// A customer replacing a hold while others race for overlapping seats can deadlock with them;
// PostgreSQL aborts one side, and the whole call is safe to repeat.
async function withDeadlockRetry<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (pgCode(err) !== PG.deadlock || attempt >= 3) throw err;
    }
  }
}
