// Idempotency-Keys claimed in batches when they queue up. Every granted hold claims its key with an
// INSERT of its own before it is taken: after refusals left PostgreSQL (they are answered from Redis)
// and answers were recorded in batches (idempotency-completions.ts), the claims were the one
// statement per grant left, and each costs the API a socket write and a wake-up of a backend.
//
// Natural batching (lib/batch-queue.ts), as holds are taken: while fewer than CONCURRENCY statements
// are in flight a claim leaves at once (a batch of one when it is quiet); when they are all busy,
// claims wait and the next free slot makes all of them in one INSERT ... SELECT FROM unnest. Each
// caller learns whether its key was claimed, as from its own INSERT:
// - two copies of one key in a batch (a double click queued together): the first is sent, the others
//   are "not claimed" (one statement cannot insert a row and then update it: PostgreSQL refuses), as
//   they would be had they come a moment later; if the first then fails, the others still say "not
//   claimed" and their callers answer 409 idempotency_in_flight (try again), never run twice;
// - rows are sent in one order (`inKeyOrder`, which the answers' batches use too), so batches that
//   share keys (retries of keys in flight, whose rows ON CONFLICT locks) take their row locks in the
//   same order and do not wait on each other in a cycle; should PostgreSQL still find a deadlock, the
//   batch it picks is made again as below;
// - a batch that PostgreSQL refuses for one of its rows or for its luck (a key whose user was deleted
//   meanwhile: a foreign key; a deadlock; a lock it could not get) is made again one claim at a time,
//   CONCURRENCY at once, so one caller's error stays its own; a batch that fails for want of the
//   database (connection lost, timeout) rejects all its callers at once, as each of their own
//   statements would have failed.
import type { Db } from '../db/client.ts';
import { pgCode } from '../db/client.ts';
import { batchQueue, inTurns } from '../lib/batch-queue.ts';

const CONCURRENCY = 2;
const MAX_BATCH = 500;

export interface Claim {
  userId: number;
  scope: string;
  key: string;
  requestHash: string;
  /** what the key's response_body says while in flight (the effect it names), or null */
  pending: string | null;
}

interface Waiting extends Claim {
  resolve: (claimed: boolean) => void;
  reject: (e: unknown) => void;
}

// Claimed: a new key, an expired one, or one stuck in flight past its timeout that names no effect
// (one that names an effect is looked at by the caller first: its effect may have committed).
const CLAIM = (rows: string) => `
  INSERT INTO idempotency_keys (user_id, scope, key, request_hash, response_body) ${rows}
  ON CONFLICT (user_id, scope, key) DO UPDATE
    SET request_hash = EXCLUDED.request_hash, created_at = now(), status = 'in_flight',
        response_status = NULL, response_body = EXCLUDED.response_body, expires_at = now() + interval '24 hours'
    WHERE idempotency_keys.expires_at <= now()
       OR (idempotency_keys.status = 'in_flight' AND idempotency_keys.request_hash = EXCLUDED.request_hash
           AND idempotency_keys.created_at < now() - make_interval(secs => EXCLUDED_TIMEOUT)
           AND idempotency_keys.response_body IS NULL)
  RETURNING user_id, scope, key`;

const ONE = CLAIM('VALUES ($1, $2, $3, $4, $5::jsonb)').replace('EXCLUDED_TIMEOUT', '$6');
const MANY = CLAIM('SELECT u, s, k, h, b::jsonb FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[]) AS v(u, s, k, h, b)').replace(
  'EXCLUDED_TIMEOUT',
  '$6',
);

export interface Claims {
  /** Claims the key (true), or finds it taken: answered, in flight, or another request's (false). */
  claim(c: Claim): Promise<boolean>;
}

/**
 * An error of one row or of the statement's luck (class 23: a constraint; 40: a deadlock; 55P03: a
 * lock not available), not of the database: the batch is worth making again one item at a time.
 */
export const itemError = (err: unknown) => /^(23|40|55P03)/.test(pgCode(err) ?? '');

/** A key by user, scope and key, as one string. */
export type KeyRef = { userId: number; scope: string; key: string };
const identity = (c: KeyRef) => `${c.userId}\u0000${c.scope}\u0000${c.key}`;

/** The order every batch touching idempotency_keys sends its rows in (claims and answers alike). */
export function inKeyOrder<T extends KeyRef>(items: T[]): T[] {
  return items
    .map((item) => [identity(item), item] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, item]) => item);
}

/** inFlightTimeoutS: after how long a claim in flight that names no effect may be taken over */
export function createClaims(db: Db, inFlightTimeoutS: number): Claims {
  const enqueue = batchQueue<Waiting>({ concurrency: CONCURRENCY, maxBatch: MAX_BATCH }, send);

  async function one(w: Waiting): Promise<void> {
    try {
      const r = await db.query(ONE, [w.userId, w.scope, w.key, w.requestHash, w.pending, inFlightTimeoutS]);
      w.resolve(r.rowCount !== 0);
    } catch (err) {
      w.reject(err);
    }
  }

  async function send(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return one(batch[0]);
    // the first copy of each key; later copies are not claimed
    const first = new Map<string, Waiting>();
    const copies: Waiting[] = [];
    for (const w of batch) {
      const id = identity(w);
      if (first.has(id)) copies.push(w);
      else first.set(id, w);
    }
    const sent = inKeyOrder([...first.values()]);
    try {
      const r = await db.query<{ user_id: number; scope: string; key: string }>(MANY, [
        sent.map((w) => w.userId),
        sent.map((w) => w.scope),
        sent.map((w) => w.key),
        sent.map((w) => w.requestHash),
        sent.map((w) => w.pending),
        inFlightTimeoutS,
      ]);
      const claimed = new Set(r.rows.map((row) => identity({ userId: Number(row.user_id), scope: row.scope, key: row.key })));
      for (const w of sent) w.resolve(claimed.has(identity(w)));
    } catch (err) {
      // PostgreSQL refused the statement for one of its rows: each claim again on its own
      if (itemError(err)) await inTurns(sent, CONCURRENCY, one);
      else for (const w of sent) w.reject(err);
    }
    for (const w of copies) w.resolve(false);
  }

  return {
    claim(c) {
      return new Promise<boolean>((resolve, reject) => enqueue({ ...c, resolve, reject }));
    },
  };
}

const byDb = new WeakMap<Db, Claims>();

/** The claims of this database handle (one queue per pool). */
export function claimsFor(db: Db, inFlightTimeoutS: number): Claims {
  let c = byDb.get(db);
  if (!c) {
    c = createClaims(db, inFlightTimeoutS);
    byDb.set(db, c);
  }
  return c;
}
