// Login throttling after OWASP's authentication cheat sheet: a throttle nobody can turn against an
// account's owner.
//   1. Only failures count (a success clears the account's failures from that address).
//   2. Failures are counted per account AND client address: guesses from one address slow down that
//      address only, and the owner elsewhere (an address with no failures) logs in as usual.
//   3. Past LOGIN_FREE_FAILURES, each attempt from that address waits longer: 1 s, 2 s, 4 s, ... up to
//      LOGIN_BACKOFF_MAX_SECONDS; 429 rate_limited with Retry-After meanwhile, right password or not.
//   4. An address that fails AUTH_RATE_LIMIT times in a minute, on any accounts (password spraying),
//      waits out that minute.
// An attempt counts as a failure from the moment it starts (a success removes it), so a burst of
// concurrent guesses gets no more checks than the same guesses one by one. Counters live in Redis
// when configured (all instances share them); if Redis fails, this instance counts on its own.
import { createHash } from 'node:crypto';
import type { Kv, WindowHit } from '../../kv/kv.ts';
import { memoryKv } from '../../kv/memory.ts';
import { AppError } from '../../http/errors.ts';
import type { Deps } from '../../deps.ts';

export interface LoginThrottleOptions {
  freeFailures: number;
  backoffMaxMs: number;
  addressFailuresPerMinute: number;
}

/** How long an account+address's failures are remembered without a success in between. */
const FAILURE_MEMORY_MS = 24 * 3_600_000;
const MINUTE_MS = 60_000;

export type LoginThrottle = <T>(email: string, address: string, attempt: () => Promise<T>) => Promise<T>;

export function loginThrottle(kv: Kv, opts: LoginThrottleOptions, now: () => number = Date.now): LoginThrottle {
  const local = memoryKv();
  const hit = (key: string, ms: number): Promise<WindowHit> => kv.hit(key, ms).catch(() => local.hit(key, ms));
  const get = (key: string) => kv.get(key).catch(() => local.get(key));
  const set = (key: string, value: string, ms: number) => kv.set(key, value, ms).catch(() => local.set(key, value, ms));
  const del = (key: string) => Promise.all([kv.del(key).catch(() => {}), local.del(key)]);

  return async function throttled<T>(email: string, address: string, attempt: () => Promise<T>): Promise<T> {
    const addressWait = `login:address-wait:${address}`;
    const until = Number(await get(addressWait));
    if (until > now()) refuse(until - now());

    // hashed: a fixed-length key that keeps no email in Redis
    const pair = createHash('sha256').update(`${address}|${email}`).digest('base64url');
    const failures = `login:failures:${pair}`;
    const gate = `login:gate:${pair}`;
    const n = (await hit(failures, FAILURE_MEMORY_MS)).count;
    if (n > opts.freeFailures) {
      // one attempt per backoff interval gets through; the first to open the gate is it
      const wait = Math.min(opts.backoffMaxMs, 1000 * 2 ** Math.min(n - opts.freeFailures - 1, 30));
      const g = await hit(gate, wait);
      if (g.count > 1) refuse(g.resetMs);
    }

    let result: T;
    try {
      result = await attempt();
    } catch (err) {
      if (err instanceof AppError && err.code === 'invalid_credentials') {
        const spray = await hit(`login:address-failures:${address}`, MINUTE_MS);
        if (spray.count >= opts.addressFailuresPerMinute) await set(addressWait, String(now() + spray.resetMs), spray.resetMs);
      }
      throw err;
    }
    await del(failures);
    await del(gate);
    return result;
  };
}

/** The throttle of password checks as the config sets it (logins, and the current password of a change). */
export function passwordThrottle(deps: Deps): LoginThrottle {
  const { config } = deps;
  return loginThrottle(deps.kv, {
    freeFailures: config.LOGIN_FREE_FAILURES,
    backoffMaxMs: config.LOGIN_BACKOFF_MAX_SECONDS * 1000,
    addressFailuresPerMinute: config.AUTH_RATE_LIMIT,
  });
}

function refuse(ms: number): never {
  const retryAfter = Math.max(1, Math.ceil(ms / 1000));
  throw new AppError(
    'rate_limited',
    `Too many failed logins; try again in ${retryAfter} s`,
    { retry_after: retryAfter },
    {
      'Retry-After': String(retryAfter),
    },
  );
}
