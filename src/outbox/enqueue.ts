// Writing a message into the outbox, inside the business transaction that causes it: the message
// exists if and only if the change committed. The dedupe key makes enqueueing idempotent, so a
// retried checkout or webhook never queues a second copy.
import type { Sql } from '../db/client.ts';
import { currentRequestId } from '../lib/request-context.ts';
import type { Channel } from './message.ts';

export interface NewMessage {
  /** one message per key, ever: e.g. `ticket-paid:<ticket id>:email` */
  dedupeKey: string;
  /** which renderer builds it, e.g. 'ticket_confirmation' */
  kind: string;
  channel: Channel;
  /** e-mail address or phone number */
  recipient: string;
  /** the facts the renderer needs; JSON */
  payload: object;
}

/** Returns true when the message is new, false when its dedupe key was already queued. */
export async function enqueueMessage(trx: Sql, msg: NewMessage): Promise<boolean> {
  const { rows } = await trx.query(
    `INSERT INTO outbox (dedupe_key, kind, channel, recipient, payload, request_id)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id`,
    [msg.dedupeKey, msg.kind, msg.channel, msg.recipient, JSON.stringify(msg.payload), currentRequestId()],
  );
  return rows.length === 1;
}
