// Idempotency-Key for state-changing money and seat calls (holds now; checkout and refunds later).
// Same key + same body -> the first response again (with Idempotent-Replayed: true); same key +
// another body -> 422; same key while the first is still running -> 409. Keys are per user and per
// operation. A first attempt that failed on our side (5xx) frees its key so the client can retry; one
// that died with the process frees it after IN_FLIGHT_TIMEOUT_S.
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import { AppError } from './errors.ts';
import { problemOf } from './problem.ts';

const IN_FLIGHT_TIMEOUT_S = 60;

export interface Outcome {
  status: number;
  body: unknown;
}

export function idempotencyKey(req: FastifyRequest): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = String(raw).trim();
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new AppError('validation_failed', 'Idempotency-Key must be 1-255 visible ASCII characters');
  return key;
}

export async function idempotent(
  db: Db,
  req: FastifyRequest,
  reply: FastifyReply,
  scope: string,
  run: () => Promise<Outcome>,
  opts: { required?: boolean } = {},
) {
  const key = idempotencyKey(req);
  if (key === undefined) {
    if (opts.required) throw new AppError('validation_failed', 'This call needs an Idempotency-Key header');
    const out = await run();
    return reply.code(out.status).send(out.body);
  }
  const userId = req.user.id;
  const hash = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');

  const claimed = await db.query(
    `INSERT INTO idempotency_keys (user_id, scope, key, request_hash) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, scope, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, created_at = now(), status = 'in_flight',
           response_status = NULL, response_body = NULL, expires_at = now() + interval '24 hours'
       WHERE idempotency_keys.expires_at <= now()
          OR (idempotency_keys.status = 'in_flight' AND idempotency_keys.request_hash = EXCLUDED.request_hash
              AND idempotency_keys.created_at < now() - make_interval(secs => $5))
     RETURNING 1`,
    [userId, scope, key, hash, IN_FLIGHT_TIMEOUT_S],
  );
  if (claimed.rowCount === 0) {
    const { rows } = await db.query<{ request_hash: string; status: string; response_status: number | null; response_body: unknown }>(
      'SELECT request_hash, status, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3',
      [userId, scope, key],
    );
    const prior = rows[0];
    if (!prior) throw new AppError('idempotency_in_flight');
    if (prior.request_hash !== hash) throw new AppError('idempotency_key_reused');
    if (prior.status !== 'completed') throw new AppError('idempotency_in_flight');
    reply.header('Idempotent-Replayed', 'true');
    const status = prior.response_status ?? 200;
    if (status >= 400) reply.type('application/problem+json');
    return reply.code(status).send(prior.response_body);
  }

  let out: Outcome;
  try {
    out = await run();
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      // A refusal is an answer too: the retry gets the same one.
      const problem = problemOf(err.code, err.message, err.details ?? {}, req.url);
      await complete(db, userId, scope, key, { status: err.status, body: problem });
    } else {
      await db.query('DELETE FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3', [userId, scope, key]).catch(() => {});
    }
    throw err;
  }
  await complete(db, userId, scope, key, out);
  return reply.code(out.status).send(out.body);
}

async function complete(db: Db, userId: number, scope: string, key: string, out: Outcome) {
  await db.query(
    `UPDATE idempotency_keys SET status = 'completed', response_status = $4, response_body = $5
      WHERE user_id = $1 AND scope = $2 AND key = $3`,
    [userId, scope, key, out.status, JSON.stringify(out.body)],
  );
}
