// Holds travel to PostgreSQL in batches when they queue up. Each hold is still take_seats(), all or
// nothing, in a subtransaction of its own (take_seats_batch, src/db/functions/take_seats_batch.sql); what a batch shares is
// the round trip and the commit. A profile of the holds benchmark showed the API spending ~40 % of
// its time writing one query per hold to its PostgreSQL sockets, and PostgreSQL waiting on one WAL
// flush per hold.
//
// Natural batching (lib/batch-queue.ts): alone, a request leaves at once; behind `concurrency`
// batches in flight, requests wait and the next free slot takes all of them. Items are sorted by screening so every
// batch takes screening row locks in the same order (no lock cycles between batches).
import { type Db, pgCode } from '../../db/client.ts';
import { batchQueue } from '../../lib/batch-queue.ts';
import { type HoldLimits, limitArgs, type TakeResult } from './take-seats.ts';

export interface TakeRequest {
  holdId: string;
  screeningId: number;
  userId: number;
  seatIds: number[];
}

/** A refusal or failure of one item, shaped like the driver's error so callers map it alike. */
export class TakeError extends Error {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(`take_seats failed: ${code}`);
  }
}

export interface TakeBatcher {
  /** Resolves once the batch holding this request has committed; rejects with TakeError or the batch's error. */
  take(req: TakeRequest): Promise<TakeResult>;
}

interface Waiting {
  req: TakeRequest;
  resolve: (r: TakeResult) => void;
  reject: (e: unknown) => void;
}

interface BatchRow extends TakeResult {
  idx: number;
  err_code: string | null;
  err_detail: string | null;
}

export function createTakeBatcher(db: Db, opts: { limits: HoldLimits; concurrency: number; maxBatch: number }): TakeBatcher {
  const enqueue = batchQueue<Waiting>(opts, run);

  async function run(batch: Waiting[]) {
    batch.sort((a, b) => a.req.screeningId - b.req.screeningId);
    const reqs = batch.map((w) => w.req);
    let rows: BatchRow[];
    try {
      ({ rows } = await db.query<BatchRow>(
        'SELECT * FROM take_seats_batch($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[], $6, $7, $8, $9, $10)',
        [
          reqs.map((r) => r.holdId),
          reqs.map((r) => r.screeningId),
          reqs.map((r) => r.userId),
          reqs.flatMap((r) => r.seatIds),
          reqs.map((r) => r.seatIds.length),
          opts.limits.ttlSeconds,
          ...limitArgs(opts.limits),
        ],
      ));
    } catch (err) {
      // One item's bad data (class 22: a seat id past int4, say) fails the whole statement: each
      // item again on its own, so only its sender gets the error and the others their holds.
      if (batch.length > 1 && pgCode(err)?.startsWith('22')) {
        for (const w of batch) await run([w]);
        return;
      }
      for (const w of batch) w.reject(err);
      return;
    }
    for (const row of rows) {
      const w = batch[row.idx - 1];
      if (row.err_code) w.reject(new TakeError(row.err_code, row.err_detail ?? ''));
      else w.resolve(row);
    }
    // every item yields exactly one row; anything else is a bug that must not leave a client hanging
    if (rows.length !== batch.length) {
      const err = new Error(`take_seats_batch returned ${rows.length} rows for ${batch.length} holds`);
      for (const w of batch) w.reject(err);
    }
  }

  return {
    take(req) {
      return new Promise<TakeResult>((resolve, reject) => enqueue({ req, resolve, reject }));
    },
  };
}

const batchers = new WeakMap<Db, TakeBatcher>();

/** The batcher of this database handle (one per pool: its concurrency is a share of the pool). */
export function takeBatcherFor(db: Db, opts: { limits: HoldLimits; poolMax: number; inFlight: number }): TakeBatcher {
  let b = batchers.get(db);
  if (!b) {
    // PGlite runs one statement at a time: one batch in flight. On PostgreSQL, HOLD_BATCHES_IN_FLIGHT
    // (default 2), never more than half the pool, so reads and other writes always find a connection
    // while holds queue. Why 2 and not more: each batch costs a round trip, a commit and a wake-up on
    // both sides whatever its size, so fewer, larger batches do more holds per CPU second; the holds
    // bench (2 cores) measured 1,500 holds/s with 5 in flight, 1,500-2,000 with 2 and ~2,000 with 1,
    // and one in flight would leave every hold of the instance waiting behind a batch that waits on
    // a lock.
    const concurrency = db.kind === 'pglite' ? 1 : Math.max(1, Math.min(opts.inFlight, Math.floor(opts.poolMax / 2)));
    // 64 at most: each item runs in a subtransaction that takes a subtransaction id when it writes,
    // and a backend keeps 64 of them in shared memory; past that ("suboverflowed") every snapshot
    // in the cluster must look subtransactions up on disk.
    b = createTakeBatcher(db, { limits: opts.limits, concurrency, maxBatch: 64 });
    batchers.set(db, b);
  }
  return b;
}
