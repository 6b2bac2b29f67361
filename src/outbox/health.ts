// How the outbox is doing, for /metrics: messages waiting, how late the oldest due one is, dead letters.
import type { Sql } from '../db/client.ts';

export interface OutboxHealth {
  waiting: number;
  /** seconds since the oldest waiting message became due (0 when none is due) */
  lagSeconds: number;
  dead: number;
}

export async function outboxHealth(sql: Sql): Promise<OutboxHealth> {
  const { rows } = await sql.query<{ waiting: number; lag: number; dead: number }>(
    `SELECT count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS waiting,
            coalesce(extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE status IN ('pending', 'sending') AND next_attempt_at <= now())), 0)::float8 AS lag,
            count(*) FILTER (WHERE status = 'dead')::int AS dead
       FROM outbox WHERE status IN ('pending', 'sending', 'dead')`,
  );
  return { waiting: rows[0].waiting, lagSeconds: rows[0].lag, dead: rows[0].dead };
}
