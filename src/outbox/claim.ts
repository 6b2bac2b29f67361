// Taking due messages for delivery. One short transaction: rows are locked with FOR UPDATE SKIP
// LOCKED (so concurrent workers, in any number of processes, take disjoint sets), turned into
// 'sending' with a lease (next_attempt_at = now() + leaseMs), and committed before anything is
// sent. A worker that dies mid-send leaves its rows in 'sending'; once the lease has passed they
// are due again, and what happens next depends on whether their channel's sender is idempotent:
//   - idempotent (receiver dedupes by message id): claimed again and re-sent, which is safe;
//   - not idempotent (SMTP): the message may or may not have left, and sending it again could
//     deliver it twice, so it goes to the dead letters for an operator to check and requeue.
// Due and lease times use the database clock, so every worker agrees on them.
import type { Db } from '../db/client.ts';
import type { Channel, OutboxRow } from './message.ts';

export const INTERRUPTED = 'outcome unknown: delivery was interrupted';

export interface ClaimOptions {
  batchSize: number;
  leaseMs: number;
  /** the channels this worker delivers */
  channels: readonly Channel[];
  /** of those, the ones whose sender dedupes by message id */
  idempotent: readonly Channel[];
}

export interface ClaimedRow extends OutboxRow {
  /** 'sending' when a previous worker's lease ran out: this is a re-send */
  previous_status: 'pending' | 'sending';
}

export interface Claim {
  claimed: ClaimedRow[];
  /** rows of non-idempotent channels found interrupted and moved to 'dead' */
  interrupted: Pick<OutboxRow, 'id' | 'dedupe_key' | 'kind' | 'channel' | 'attempts' | 'request_id'>[];
}

const COLUMNS = 'o.id, o.dedupe_key, o.kind, o.channel, o.recipient, o.payload, o.attempts, o.created_at, o.request_id';

export async function claimDue(db: Db, opts: ClaimOptions): Promise<Claim> {
  const unsafe = opts.channels.filter((c) => !opts.idempotent.includes(c));
  return db.tx(async (trx) => {
    const interrupted = unsafe.length
      ? (
          await trx.query<Claim['interrupted'][number]>(
            `WITH lost AS (
               SELECT id FROM outbox
                WHERE status = 'sending' AND next_attempt_at <= now() AND channel = ANY($1::text[])
                ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
             UPDATE outbox o SET status = 'dead', last_error = $3
               FROM lost WHERE o.id = lost.id
             RETURNING o.id, o.dedupe_key, o.kind, o.channel, o.attempts, o.request_id`,
            [unsafe, opts.batchSize, INTERRUPTED],
          )
        ).rows
      : [];
    // An expired 'sending' row of a non-idempotent channel is never claimed here, even if the
    // statement above left it for the next pass (its LIMIT).
    const { rows } = await trx.query<ClaimedRow>(
      `WITH due AS (
         SELECT id, status FROM outbox
          WHERE status IN ('pending', 'sending') AND next_attempt_at <= now() AND channel = ANY($1::text[])
            AND (status = 'pending' OR channel = ANY($2::text[]))
          ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE outbox o
          SET status = 'sending', attempts = o.attempts + 1, next_attempt_at = now() + $4::float8 * interval '1 millisecond'
         FROM due WHERE o.id = due.id
       RETURNING ${COLUMNS}, due.status AS previous_status`,
      [opts.channels, opts.idempotent, opts.batchSize, opts.leaseMs],
    );
    return { claimed: rows, interrupted };
  });
}
