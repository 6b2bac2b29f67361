// The operator's side of the dead letters: see them, and put one back in the queue once its cause
// is fixed (a typo in an address) or checked (an interrupted SMTP send that never arrived).
import type { Sql } from '../db/client.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DeadLetter {
  id: string;
  dedupe_key: string;
  kind: string;
  channel: string;
  recipient: string;
  attempts: number;
  last_error: string | null;
  created_at: Date;
}

export async function listDead(db: Sql, limit = 100): Promise<DeadLetter[]> {
  const { rows } = await db.query<DeadLetter>(
    `SELECT id, dedupe_key, kind, channel, recipient, attempts, last_error, created_at
       FROM outbox WHERE status = 'dead' ORDER BY created_at DESC LIMIT $1`,
    [limit],
  );
  return rows;
}

/**
 * Puts a dead message back in the queue with a fresh set of attempts, due now. Returns false when
 * there is no dead message with that id (unknown, or not dead: sent messages are never requeued).
 * The message keeps its id, so an idempotent receiver still dedupes it.
 */
export async function requeueDead(db: Sql, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const { rows } = await db.query(
    `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now()
      WHERE id = $1 AND status = 'dead' RETURNING id`,
    [id],
  );
  return rows.length === 1;
}
