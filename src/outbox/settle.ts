// Recording how a delivery went, after the send and outside the claim's transaction. Failures are
// fenced by (status 'sending', attempts): a worker whose lease ran out while it was sending must
// not overwrite what a later worker did with the row. Success is recorded whatever the row says
// by now: the message was delivered, and that is the truest state it can have.
import type { Sql } from '../db/client.ts';

const MAX_ERROR = 1000;

export async function markSent(db: Sql, id: string): Promise<void> {
  await db.query(`UPDATE outbox SET status = 'sent', sent_at = now(), last_error = NULL WHERE id = $1 AND status <> 'sent'`, [id]);
}

/** Back to 'pending', due again after delayMs (database clock). */
export async function markRetry(db: Sql, id: string, attempts: number, delayMs: number, error: string): Promise<void> {
  await db.query(
    `UPDATE outbox SET status = 'pending', next_attempt_at = now() + $3::float8 * interval '1 millisecond', last_error = $4
      WHERE id = $1 AND status = 'sending' AND attempts = $2`,
    [id, attempts, delayMs, error.slice(0, MAX_ERROR)],
  );
}

export async function markDead(db: Sql, id: string, attempts: number, error: string): Promise<void> {
  await db.query(`UPDATE outbox SET status = 'dead', last_error = $3 WHERE id = $1 AND status = 'sending' AND attempts = $2`, [
    id,
    attempts,
    error.slice(0, MAX_ERROR),
  ]);
}
