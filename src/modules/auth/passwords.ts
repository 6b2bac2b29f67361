// bcrypt, at BCRYPT_COST (10 by default), with @node-rs/bcrypt: native code run on libuv's thread pool, so a login rush
// spends the pool's threads (both cores) instead of the one JavaScript thread that answers seat maps
// and holds (bcryptjs hashed on the event loop: ~10 logins/s and every other request waiting behind
// them). New hashes are $2b$; the seed's $2a$10$ hashes verify as they are.
//
// The pool has UV_THREADPOOL_SIZE threads (default 4) shared with file reads and DNS lookups;
// passwords take at most BCRYPT_THREADS of them at once, so those never queue behind a rush.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/bcrypt';

/** bcrypt's cost when BCRYPT_COST does not say (each step up doubles the time of a login and of a guess). */
export const DEFAULT_BCRYPT_COST = 10;
export const BCRYPT_COST_RANGE = { min: 10, max: 15 } as const;
// Compared against when the email is unknown, so a wrong email costs the same time as a wrong
// password and timing does not reveal which accounts exist: a hash of a random string at the cost
// new accounts get (a cost-10 dummy beside cost-12 accounts would answer an unknown email 4x faster).
const DUMMY_HASH_10 = '$2b$10$.bl8GqQ.iyxxiRKjpVvv7.YSiDrk5aqGco4mG1Fd/G7YD1EHOAZlO';
const dummies = new Map<number, Promise<string>>([[10, Promise.resolve(DUMMY_HASH_10)]]);
/** The costs whose dummy hash this process has made or started (for tests). */
export const dummyCosts = () => [...dummies.keys()];

/** The dummy hash at `cost`, made once per process (the first unknown email at a new cost waits for it). */
export function dummyHash(cost: number): Promise<string> {
  let d = dummies.get(cost);
  if (!d) {
    d = onPool(() => hash(randomBytes(16).toString('hex'), cost));
    dummies.set(cost, d);
  }
  return d;
}

const POOL = Number(process.env.UV_THREADPOOL_SIZE) || 4;
/** Hashes computed at once: one per core, leaving at least one pool thread for everything else. */
export const BCRYPT_THREADS = Math.max(1, Math.min(availableParallelism(), POOL - 1));

let running = 0;
const waiting: (() => void)[] = [];

async function onPool<T>(work: () => Promise<T>): Promise<T> {
  if (running >= BCRYPT_THREADS) await new Promise<void>((resolve) => waiting.push(resolve));
  else running += 1;
  try {
    return await work();
  } finally {
    // hand the slot straight to the next waiter (running stays the same) or free it
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

/** Hashes at `cost` (BCRYPT_COST); hashes made at an older cost still verify, and stay as they are. */
export const hashPassword = (plain: string, cost = DEFAULT_BCRYPT_COST) => onPool(() => hash(plain, cost));

/** Checks `plain` against `stored`; with no stored hash (unknown email), against the dummy at `cost`. */
export async function verifyPassword(plain: string, stored: string | undefined, cost = DEFAULT_BCRYPT_COST): Promise<boolean> {
  const against = stored ?? (await dummyHash(cost));
  // A malformed stored hash (the benchmark's 'x' accounts) is a wrong password, not a 500.
  const ok = await onPool(() => verify(plain, against)).catch(() => false);
  return ok && stored !== undefined;
}
