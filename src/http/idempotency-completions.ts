// Answers recorded under their Idempotency-Keys in batches when they queue up. Grants leave the take
// batcher together (one take_seats_batch statement answers many holds at once), and each then recorded
// its answer with an UPDATE of its own: one statement per grant, which costs the API a socket write
// each (a CPU profile of the flash-sale bench had node-postgres's writes at 16-20 % of its time).
//
// Natural batching (lib/batch-queue.ts), as holds are taken: while fewer than CONCURRENCY statements
// are in flight an answer is recorded at once (a batch of one when it is quiet); when they are all
// busy, answers wait and the next free slot records all of them in one UPDATE. A caller is resolved when the
// statement holding its answer has run, and rejected with its error: nothing changes for it but the
// statement's shape. Rows go in the order claims use (idempotency-claims.ts `inKeyOrder`), and a
// batch PostgreSQL refuses for one of its rows or for a deadlock is recorded again one answer at a
// time: a retry's claim that locked one of these keys must not cost the whole batch its answers.
// An answer given with its claim's token is recorded only while the key is in flight under that
// claim (http/idempotency.ts: a claim taken over by a retry is not the slow attempt's to answer).
import type { Db } from '../db/client.ts';
import { batchQueue, inTurns } from '../lib/batch-queue.ts';
import { inKeyOrder, itemError } from './idempotency-claims.ts';

const CONCURRENCY = 2;
const MAX_BATCH = 500;

interface Waiting {
  userId: number;
  scope: string;
  key: string;
  out: { status: number; body: unknown };
  claim: string | null;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface Completions {
  /** Marks the key completed with this answer, in the next statement; with `claim`, only while that claim holds it. */
  complete(userId: number, scope: string, key: string, out: { status: number; body: unknown }, claim?: string): Promise<void>;
}

export function createCompletions(db: Db): Completions {
  const enqueue = batchQueue<Waiting>({ concurrency: CONCURRENCY, maxBatch: MAX_BATCH }, record);

  async function record(batch: Waiting[]) {
    const rows = inKeyOrder(batch);
    try {
      await db.query(
        `UPDATE idempotency_keys AS k SET status = 'completed', response_status = v.status, response_body = v.body::jsonb
           FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) AS v(user_id, scope, key, status, body, claim)
          WHERE k.user_id = v.user_id AND k.scope = v.scope AND k.key = v.key
            AND (v.claim IS NULL OR (k.status = 'in_flight' AND k.response_body->>'claim' = v.claim))`,
        [
          rows.map((w) => w.userId),
          rows.map((w) => w.scope),
          rows.map((w) => w.key),
          rows.map((w) => w.out.status),
          rows.map((w) => JSON.stringify(w.out.body)),
          rows.map((w) => w.claim),
        ],
      );
    } catch (err) {
      if (rows.length > 1 && itemError(err)) await inTurns(rows, CONCURRENCY, (w) => record([w]));
      else for (const w of rows) w.reject(err);
      return;
    }
    for (const w of rows) w.resolve();
  }

  return {
    complete(userId, scope, key, out, claim) {
      return new Promise<void>((resolve, reject) => enqueue({ userId, scope, key, out, claim: claim ?? null, resolve, reject }));
    },
  };
}

const byDb = new WeakMap<Db, Completions>();

/** The completions of this database handle (one queue per pool). */
export function completionsFor(db: Db): Completions {
  let c = byDb.get(db);
  if (!c) {
    c = createCompletions(db);
    byDb.set(db, c);
  }
  return c;
}
