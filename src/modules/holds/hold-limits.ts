// The limits a cinema sets on holds, so that a few accounts cannot keep a screening's seats from
// everyone else (issue 12, item 4). take_seats_core() (src/db/functions/take_seats_core.sql) decides them with the hold, under
// a lock of the customer's own, so simultaneous holds of one account cannot pass a cap together:
// - seats one account holds at once, across all screenings (HOLD_MAX_SEATS_PER_ACCOUNT);
// - seats one customer holds and has bought for one screening (MAX_SEATS_PER_CUSTOMER_PER_SCREENING;
//   checked again at checkout, since seats may have been bought meanwhile);
// - how long a customer's holds on one screening may go on: re-posting, replacing, or releasing and
//   holding again within HOLD_RENEWAL_COOLDOWN_SECONDS continue one chain, and no hold of a chain
//   runs past its first hold + HOLD_MAX_LIFE_SECONDS; then the customer waits out the cooldown while
//   the seats are free for others.
// How often an account or an address may try is limited in front of all this (hold-attempts.ts).
import type { Config } from '../../config.ts';
import { AppError } from '../../http/errors.ts';
import { SQL_ERRORS } from '../../http/sql-errors.ts';
import type { HoldLimits } from '../inventory/index.ts';

export function holdLimits(config: Config): HoldLimits {
  return {
    ttlSeconds: config.HOLD_TTL_SECONDS,
    maxLifeSeconds: config.HOLD_MAX_LIFE_SECONDS,
    cooldownSeconds: config.HOLD_RENEWAL_COOLDOWN_SECONDS,
    accountSeats: config.HOLD_MAX_SEATS_PER_ACCOUNT,
    screeningSeats: config.MAX_SEATS_PER_CUSTOMER_PER_SCREENING,
  };
}

/** The refusal for a limit take_seats_core() raised (CN425-CN427, DETAIL a number), else undefined. */
export function limitRefusal(code: string | undefined, detail: string, l: HoldLimits): AppError | undefined {
  const n = Number(detail);
  switch (code) {
    case 'CN425':
      return new AppError(
        SQL_ERRORS.CN425.code,
        `You hold ${n} seats already and may hold at most ${l.accountSeats} at once; pay for or release a hold first`,
        { max: l.accountSeats, held: n },
      );
    case 'CN426':
      return seatLimitPerScreening(l.screeningSeats, n);
    case 'CN427':
      return new AppError(
        SQL_ERRORS.CN427.code,
        `Your holds for this screening ran for the longest time allowed; you may hold seats of it again in ${n} s`,
        { retry_after: n },
        { 'Retry-After': String(n) },
      );
    default:
      return undefined;
  }
}

export function seatLimitPerScreening(max: number, bought: number): AppError {
  return new AppError(SQL_ERRORS.CN426.code, `At most ${max} seats per customer for a screening; you have bought ${bought} of it already`, {
    max,
    bought,
  });
}
