// The refund policy as data (refund_policies, migration 011): a default and optional per-theater
// overrides. Admins read and replace them (PUT updates the fields sent; a new override starts from
// the default); every change is audited with its before and after. Tiers are checked here: hours
// strictly decreasing, percent 0-100 and never rising as the show nears (a later request never gets
// more back than an earlier one). The purchase grace period (grace_minutes, 0 = off; migration 017)
// sits beside the tiers: quote.ts applies it first.
import type { Static } from 'typebox';
import { MAX_TIERS, type PolicySchema } from './schemas.ts';
import type { Deps } from '../../deps.ts';
import type { Sql } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { checkIfMatch } from '../../http/etag.ts';
import { decimalToNumber, minorToDecimal, MoneyError, toMinor } from '../../lib/money.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import type { PolicyRules, Rounding, Tier } from './quote.ts';

export interface PolicyRow {
  id: number;
  theater_id: number | null;
  tiers: Tier[];
  fees_refundable: boolean;
  review_threshold: string | null;
  rounding: Rounding;
  grace_minutes: number;
  grace_min_hours_before: number;
  version: number;
  updated_at: Date;
}

const COLUMNS =
  'id, theater_id, tiers, fees_refundable, review_threshold::text AS review_threshold, rounding, grace_minutes, grace_min_hours_before, version, updated_at';

/** The policy that applies in a theater: its own, else the default. */
export async function effectivePolicy(sql: Sql, theaterId: number): Promise<PolicyRow> {
  const { rows } = await sql.query<PolicyRow>(
    `SELECT ${COLUMNS} FROM refund_policies WHERE theater_id = $1 OR theater_id IS NULL ORDER BY theater_id NULLS LAST LIMIT 1`,
    [theaterId],
  );
  return rows[0];
}

async function policyRow(sql: Sql, theaterId: number | null, lock = false): Promise<PolicyRow | undefined> {
  const { rows } = await sql.query<PolicyRow>(
    `SELECT ${COLUMNS} FROM refund_policies WHERE theater_id IS NOT DISTINCT FROM $1::int${lock ? ' FOR UPDATE' : ''}`,
    [theaterId],
  );
  return rows[0];
}

export function rulesOf(p: PolicyRow): PolicyRules {
  return {
    tiers: sortTiers(p.tiers),
    fees_refundable: p.fees_refundable,
    rounding: p.rounding,
    grace: { minutes: p.grace_minutes, min_hours_before: p.grace_min_hours_before },
  };
}

export const reviewThresholdMinor = (p: PolicyRow): number | null => (p.review_threshold === null ? null : toMinor(p.review_threshold));

const sortTiers = (tiers: Tier[]) => [...tiers].sort((a, b) => b.min_hours_before - a.min_hours_before);

export function presentPolicy(p: PolicyRow, theaterId: number | null = p.theater_id): Static<typeof PolicySchema> {
  return {
    theater_id: theaterId,
    source: p.theater_id === null ? ('default' as const) : ('theater' as const),
    tiers: sortTiers(p.tiers),
    fees_refundable: p.fees_refundable,
    review_threshold: decimalToNumber(p.review_threshold),
    rounding: p.rounding,
    grace_minutes: p.grace_minutes,
    grace_min_hours_before: p.grace_min_hours_before,
    version: p.version,
    updated_at: p.updated_at.toISOString(),
  };
}

export interface PolicyPatch {
  tiers?: Tier[];
  fees_refundable?: boolean;
  review_threshold?: number | null;
  rounding?: Rounding;
  grace_minutes?: number;
  grace_min_hours_before?: number;
}

/** Sorted tiers, or 400 invalid_refund_policy naming what is wrong. */
export function checkTiers(tiers: Tier[]): Tier[] {
  const sorted = sortTiers(tiers);
  const bad = (detail: string): never => {
    throw new AppError('invalid_refund_policy', detail, { field: 'tiers' });
  };
  if (sorted.length > MAX_TIERS) bad(`at most ${MAX_TIERS} tiers`);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].min_hours_before === sorted[i - 1].min_hours_before) bad(`two tiers start ${sorted[i].min_hours_before} h before the show`);
    if (sorted[i].percent > sorted[i - 1].percent) {
      bad(
        `${sorted[i].percent} % at ${sorted[i].min_hours_before} h is more than ${sorted[i - 1].percent} % at ${sorted[i - 1].min_hours_before} h: a later refund never returns more`,
      );
    }
  }
  return sorted;
}

function thresholdOf(v: number | null): string | null {
  if (v === null) return null;
  try {
    return minorToDecimal(toMinor(v));
  } catch (err) {
    if (err instanceof MoneyError) throw new AppError('invalid_refund_policy', 'review_threshold is not an amount', { field: 'review_threshold' });
    throw err;
  }
}

export async function theaterExists(sql: Sql, theaterId: number): Promise<void> {
  const { rows } = await sql.query('SELECT 1 FROM theaters WHERE id = $1', [theaterId]);
  if (rows.length === 0) throw new AppError('theater_not_found');
}

/** GET: the default (theaterId null) or what applies in a theater. */
export async function readPolicy(deps: Deps, theaterId: number | null) {
  if (theaterId === null) return presentPolicy((await policyRow(deps.db, null)) as PolicyRow);
  await theaterExists(deps.db, theaterId);
  return presentPolicy(await effectivePolicy(deps.db, theaterId), theaterId);
}

/** PUT: updates the fields sent; a theater's first override starts from the default's values. */
export async function writePolicy(deps: Deps, actor: Actor, theaterId: number | null, patch: PolicyPatch, expected?: number[]) {
  const tiers = patch.tiers === undefined ? undefined : checkTiers(patch.tiers);
  const threshold = patch.review_threshold === undefined ? undefined : thresholdOf(patch.review_threshold);
  return deps.db.tx(async (trx) => {
    if (theaterId !== null) {
      const { rows } = await trx.query('SELECT 1 FROM theaters WHERE id = $1 FOR SHARE', [theaterId]);
      if (rows.length === 0) throw new AppError('theater_not_found');
    }
    const own = await policyRow(trx, theaterId, true);
    const base = own ?? (await effectivePolicy(trx, theaterId as number));
    // If-Match names the version of what the client read: the override, or the default it saw
    checkIfMatch(expected, own ? own.version : base.version);
    const next = {
      tiers: tiers ?? sortTiers(base.tiers),
      fees_refundable: patch.fees_refundable ?? base.fees_refundable,
      review_threshold: threshold === undefined ? base.review_threshold : threshold,
      rounding: patch.rounding ?? base.rounding,
      grace_minutes: patch.grace_minutes ?? base.grace_minutes,
      grace_min_hours_before: patch.grace_min_hours_before ?? base.grace_min_hours_before,
    };
    const { rows } = own
      ? await trx.query<PolicyRow>(
          `UPDATE refund_policies SET tiers = $2::jsonb, fees_refundable = $3, review_threshold = $4, rounding = $5,
                  grace_minutes = $7, grace_min_hours_before = $8, version = version + 1, updated_by = $6, updated_at = now()
            WHERE id = $1 RETURNING ${COLUMNS}`,
          [
            own.id,
            JSON.stringify(next.tiers),
            next.fees_refundable,
            next.review_threshold,
            next.rounding,
            actor.id,
            next.grace_minutes,
            next.grace_min_hours_before,
          ],
        )
      : await trx.query<PolicyRow>(
          `INSERT INTO refund_policies (theater_id, tiers, fees_refundable, review_threshold, rounding, updated_by,
                                        grace_minutes, grace_min_hours_before)
           VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
          [
            theaterId,
            JSON.stringify(next.tiers),
            next.fees_refundable,
            next.review_threshold,
            next.rounding,
            actor.id,
            next.grace_minutes,
            next.grace_min_hours_before,
          ],
        );
    const after = presentPolicy(rows[0]);
    await recordAudit(trx, actor, {
      action: own ? 'refund_policy.update' : 'refund_policy.create',
      entity: 'refund_policy',
      entityId: theaterId ?? 'default',
      before: own ? presentPolicy(own) : undefined,
      after,
    });
    return after;
  });
}

/** DELETE: the theater falls back to the default. Answers the policy that applies now. */
export async function removeOverride(deps: Deps, actor: Actor, theaterId: number, expected?: number[]) {
  return deps.db.tx(async (trx) => {
    await theaterExists(trx, theaterId);
    const own = await policyRow(trx, theaterId, true);
    if (own) {
      checkIfMatch(expected, own.version);
      await trx.query('DELETE FROM refund_policies WHERE id = $1', [own.id]);
      await recordAudit(trx, actor, { action: 'refund_policy.delete', entity: 'refund_policy', entityId: theaterId, before: presentPolicy(own) });
    }
    return presentPolicy(await effectivePolicy(trx, theaterId), theaterId);
  });
}
