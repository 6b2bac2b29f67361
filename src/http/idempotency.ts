// Idempotency-Key for state-changing money and seat calls (holds, checkout, refunds, cancellations).
// Same key + same body -> the first response again (with Idempotent-Replayed: true); same key +
// another body -> 422; same key while the first is still running -> 409. Keys are per user and per
// operation. A first attempt that failed on our side (5xx) frees its key so the client can retry; one
// that died with the process frees it after IN_FLIGHT_TIMEOUT_S.
//
// The answer is recorded in a statement after the effect's own transaction, so the two can part: the
// effect commits, then recording the answer fails (PostgreSQL gone for a moment). Writing the answer
// in the effect's transaction would need the answer before the commit (a hold's answer comes out of
// its batch: prices, deadline, replaced holds) or a statement more per hold in the batch. So the
// answer is made recoverable instead, at no cost on the way through:
// - a use case that can name its effect before running (`Effect`: the id its hold, payment or
//   refund will get) has that id written into the key's claim (response_body = {"effect": id} while
//   in flight; the claim is a statement the call makes anyway);
// - a retry that finds the key in flight asks the use case to rebuild the first answer from that
//   effect (`replay`): the row exists only once the effect committed, so "found" means "done", and
//   the retry gets the first answer (201, the same hold) and completes the key; "not found" means
//   the first attempt is still running (409) or died before committing (reclaimed once stale);
// - and the first attempt itself, when only the recording failed, still answers what it did.
// The database keeps the invariants either way (one active hold per customer and screening, one
// payment in flight per ticket, one refund in flight per ticket): a rerun is refused, never doubled.
//
// Each claim carries a token of its own (response_body.claim while in flight), and only the attempt
// whose token the key still holds records its answer or frees the key. An attempt slow enough that
// its claim went stale and a retry took the key over has lost it: recording its answer then would
// overwrite the one the retry recorded (later retries would replay another answer than the one
// given), and freeing the key after its own 5xx would let a third copy run beside the retry.
//
// A refusal that a use case can decide from Redis before doing anything (`refuseEarly`: seats
// another customer holds) is answered without PostgreSQL: no claim, no read. What it must not do is
// refuse a key that already has an answer (a hold granted under it, its seats since released and
// taken by others): that key goes the usual way and replays its answer. So a claim of such a call
// leaves a mark under the key in Redis (`claimed`), and the refusal path reads that mark, in the same
// round trip as the seats, instead of asking PostgreSQL. The refusal is remembered under the key in
// Redis (24 hours, like a key), so a retry gets it again, replayed, whatever the seats' state by then;
// a remembered refusal is replayed only if PostgreSQL does not know the key (two copies of one click:
// one refused and remembered, the other granted: the grant wins). If Redis has lost the refusal, the
// retry is decided afresh, which can never do anything twice (a refusal did nothing); if it has lost
// the claim mark, a retry of a granted key whose seats someone else now holds is refused instead of
// replayed: it learns the seats are taken, nothing is done twice, and every grant is still decided by
// PostgreSQL.
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Kv } from '../kv/kv.ts';
import { AppError } from './errors.ts';
import { claimsFor } from './idempotency-claims.ts';
import { completionsFor } from './idempotency-completions.ts';
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

/** What a call will create, named before it runs, and how its answer is rebuilt from it. */
export interface Effect {
  /** the id the effect gets when it commits (chosen by the route, passed to the use case) */
  id: string;
  /** the first attempt's answer, read back from its committed effect; undefined when there is none (yet) */
  replay(id: string): Promise<Outcome | undefined>;
}

interface Prior {
  request_hash: string;
  status: string;
  response_status: number | null;
  response_body: unknown;
  stale: boolean;
  created_at: string;
}

export async function idempotent(
  db: Db,
  req: FastifyRequest,
  reply: FastifyReply,
  scope: string,
  run: () => Promise<Outcome>,
  opts: { required?: boolean; effect?: Effect; refuseEarly?: EarlyRefusal } = {},
) {
  const key = idempotencyKey(req);
  if (key === undefined) {
    if (opts.required) throw new AppError('validation_failed', 'This call needs an Idempotency-Key header');
    const out = await run();
    return reply.code(out.status).send(out.body);
  }
  const userId = req.user.id;
  const hash = createHash('sha256')
    .update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
  const token = randomUUID();
  const pending = JSON.stringify(opts.effect ? { effect: opts.effect.id, claim: token } : { claim: token });
  if (opts.refuseEarly) {
    const early = await refusedEarly(db, req, { userId, scope, key, hash }, opts.refuseEarly);
    if (early) return replayed(reply, early);
  }

  // Claimed: a new key or an expired one. A key stuck in flight past IN_FLIGHT_TIMEOUT_S is looked at
  // below first (its effect may have committed) and then taken over, fenced by the claim's time.
  // (A claim without a token, from before tokens, is taken over here, as it always was.) Claims go
  // out in batches when they queue up (idempotency-claims.ts).
  const claimed = await claimsFor(db, IN_FLIGHT_TIMEOUT_S).claim({ userId, scope, key, requestHash: hash, pending });
  // the refusal path reads this instead of asking PostgreSQL whether the key has an answer
  if (opts.refuseEarly && claimed) void opts.refuseEarly.memo.set(memoKeyOf(userId, scope, key), CLAIMED, MEMO_TTL_MS).catch(() => {});
  if (!claimed) {
    const { rows } = await db.query<Prior>(
      `SELECT request_hash, status, response_status, response_body, created_at::text AS created_at,
              created_at < now() - make_interval(secs => $4) AS stale
         FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3`,
      [userId, scope, key, IN_FLIGHT_TIMEOUT_S],
    );
    const prior = rows[0];
    if (!prior) throw new AppError('idempotency_in_flight');
    if (prior.request_hash !== hash) throw new AppError('idempotency_key_reused');
    if (prior.status === 'completed') return replayed(reply, { status: prior.response_status ?? 200, body: prior.response_body });

    const inFlight = prior.response_body as { effect?: unknown; claim?: unknown } | null;
    const effectId = inFlight?.effect;
    const recovered = typeof effectId === 'string' && opts.effect ? await opts.effect.replay(effectId) : undefined;
    if (recovered) {
      // the first attempt's effect committed, its answer was not recorded: record it now, under the
      // claim it was made under (a failure here only means the next retry rebuilds it again)
      const fence = typeof inFlight?.claim === 'string' ? inFlight.claim : undefined;
      await complete(db, userId, scope, key, recovered, fence).catch((err) =>
        req.log.warn({ err }, 'idempotency: recording a recovered answer failed'),
      );
      return replayed(reply, recovered);
    }
    // nothing committed under this key: still running, or died before its commit (then the key is
    // taken over once stale; only one retry wins it)
    if (!prior.stale) throw new AppError('idempotency_in_flight');
    const retaken = await db.query(
      `UPDATE idempotency_keys SET created_at = now(), response_body = $5
        WHERE user_id = $1 AND scope = $2 AND key = $3 AND status = 'in_flight' AND created_at = $4::timestamptz
        RETURNING 1`,
      [userId, scope, key, prior.created_at, pending],
    );
    if (retaken.rowCount === 0) throw new AppError('idempotency_in_flight');
  }

  let out: Outcome;
  try {
    out = await run();
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      // A refusal is an answer too: the retry gets the same one.
      const problem = problemOf(err.code, err.message, err.details ?? {}, req.url);
      await complete(db, userId, scope, key, { status: err.status, body: problem }, token).catch((e) =>
        req.log.warn({ err: e }, 'idempotency: recording a refusal failed; a retry after the in-flight timeout runs again'),
      );
    } else {
      // freed only while this attempt still holds it
      await db
        .query(
          `DELETE FROM idempotency_keys
            WHERE user_id = $1 AND scope = $2 AND key = $3 AND status = 'in_flight' AND response_body->>'claim' = $4`,
          [userId, scope, key, token],
        )
        .catch(() => {});
    }
    throw err;
  }
  // The effect is done: say so even when recording the answer fails (a retry rebuilds it from the
  // effect; see the top of this file).
  await complete(db, userId, scope, key, out, token).catch((err) => req.log.warn({ err }, 'idempotency: recording the answer failed'));
  return reply.code(out.status).send(out.body);
}

/** A refusal decided from Redis before the key is claimed, and where it is remembered. */
export interface EarlyRefusal {
  /** throws the refusal (an AppError under 500), or returns when the call must go on */
  check(): Promise<void>;
  memo: Kv;
}

interface Remembered extends Outcome {
  request_hash: string;
}

/**
 * An early refusal remembered under this key (replayed: returned), or a new one (remembered, thrown);
 * undefined when the call goes the usual way (no refusal, or the key already known to PostgreSQL).
 */
async function refusedEarly(
  db: Db,
  req: FastifyRequest,
  k: { userId: number; scope: string; key: string; hash: string },
  early: EarlyRefusal,
): Promise<Outcome | undefined> {
  const memoKey = memoKeyOf(k.userId, k.scope, k.key);
  // The memo (a refusal remembered, or the claim mark) and the seats are asked at once: one write to
  // Redis (ioredis pipelines the commands of one tick), one wait. A replay pays for a seat check it
  // did not need.
  const [memo, outcome] = await Promise.all([
    early.memo.get(memoKey).catch(() => undefined),
    early.check().then(
      () => undefined,
      (err: unknown) => err,
    ),
  ]);
  if (memo === CLAIMED) return undefined;
  if (memo) {
    const prior = JSON.parse(memo) as Remembered;
    if (prior.request_hash !== k.hash) throw new AppError('idempotency_key_reused');
    // a copy of the same request may have claimed the key and been granted after this was remembered
    const { rows } = await db.query('SELECT 1 FROM idempotency_keys WHERE user_id = $1 AND scope = $2 AND key = $3', [k.userId, k.scope, k.key]);
    return rows.length > 0 ? undefined : { status: prior.status, body: prior.body };
  }
  if (outcome === undefined) return undefined;
  if (!(outcome instanceof AppError && outcome.status < 500)) throw outcome;
  // Remembered without waiting for Redis: a retry that comes before it is stored (or after Redis lost
  // it) is decided afresh, which cannot do anything twice (a refusal did nothing).
  const remembered: Remembered = {
    request_hash: k.hash,
    status: outcome.status,
    body: problemOf(outcome.code, outcome.message, outcome.details ?? {}, req.url),
  };
  void early.memo.set(memoKey, JSON.stringify(remembered), MEMO_TTL_MS).catch(() => {});
  throw outcome;
}

const memoKeyOf = (userId: number, scope: string, key: string) => `idem:${userId}:${scope}:${key}`;
/** The memo of a key claimed in PostgreSQL (not JSON: never taken for a remembered refusal). */
const CLAIMED = 'claimed';
const MEMO_TTL_MS = 24 * 60 * 60 * 1000;

function replayed(reply: FastifyReply, out: Outcome) {
  reply.header('Idempotent-Replayed', 'true');
  if (out.status >= 400) reply.type('application/problem+json');
  return reply.code(out.status).send(out.body);
}

/** Answers are recorded in batches when they queue up (idempotency-completions.ts), under the claim's token. */
function complete(db: Db, userId: number, scope: string, key: string, out: Outcome, claim: string | undefined): Promise<void> {
  return completionsFor(db).complete(userId, scope, key, out, claim);
}
