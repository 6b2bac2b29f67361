// A theater's price card: read it, or replace it whole (admin). Prices themselves are computed by
// the database function seat_prices() (src/db/functions/seat_prices.sql), the one place the seat map and holds share.
import type { Static } from 'typebox';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { decimalToNumber } from '../../lib/money.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { exactAmount } from '../../http/amounts.ts';
import { loadPricing, type PricingRows, replacePricing } from './queries.ts';
import type { Pricing, PricingBody } from './schemas.ts';

export function presentPricing(p: PricingRows, currency: string): Static<typeof Pricing> {
  return {
    theater_id: p.theater.id,
    currency,
    surcharges: Object.fromEntries(p.surcharges.map((s) => [s.seat_type, decimalToNumber(s.amount) as number])),
    rules: p.rules.map((r) => ({
      id: r.id,
      name: r.name,
      days: r.days as 'all' | 'weekday' | 'weekend',
      ...(r.starts_at ? { starts_at: r.starts_at } : {}),
      ...(r.ends_at ? { ends_at: r.ends_at } : {}),
      adjustment: decimalToNumber(r.adjustment) as number,
    })),
  };
}

export async function getPricing(deps: Deps, theaterId: number) {
  const p = await loadPricing(deps.db, theaterId);
  if (!p) throw new AppError('theater_not_found', `No theater with id ${theaterId}`);
  return { version: p.theater.pricing_version, pricing: presentPricing(p, deps.config.CURRENCY) };
}

export async function setPricing(deps: Deps, actor: Actor, theaterId: number, body: PricingBody, expected?: number[]) {
  const surcharges = Object.entries(body.surcharges).map(([type, amount]) => {
    if ((amount as number) < 0) throw new AppError('invalid_amount', `surcharges.${type}: must not be negative`);
    return [type, exactAmount(amount as number, `surcharges.${type}`, deps.config.CURRENCY)] as [string, string];
  });
  const rules = body.rules.map((r, i) => {
    if (r.adjustment === 0) throw new AppError('invalid_amount', `rules[${i}].adjustment: must not be 0`);
    if (r.starts_at && r.ends_at && r.starts_at >= r.ends_at) {
      throw new AppError('validation_failed', `rules[${i}]: starts_at must be before ends_at`);
    }
    const adjustment =
      r.adjustment < 0
        ? `-${exactAmount(-r.adjustment, `rules[${i}].adjustment`, deps.config.CURRENCY)}`
        : exactAmount(r.adjustment, `rules[${i}].adjustment`, deps.config.CURRENCY);
    return { name: r.name, days: r.days ?? 'all', startsAt: r.starts_at ?? null, endsAt: r.ends_at ?? null, adjustment };
  });
  const result = await deps.db.tx(async (trx) => {
    const before = await loadPricing(trx, theaterId, true);
    if (!before) throw new AppError('theater_not_found', `No theater with id ${theaterId}`);
    if (expected !== undefined && !expected.includes(before.theater.pricing_version)) {
      throw new AppError('precondition_failed', undefined, { current_etag: `"${before.theater.pricing_version}"` });
    }
    await replacePricing(trx, theaterId, surcharges, rules);
    const after = (await loadPricing(trx, theaterId)) as PricingRows;
    const out = presentPricing(after, deps.config.CURRENCY);
    await recordAudit(trx, actor, {
      action: 'pricing.replace',
      entity: 'theater',
      entityId: theaterId,
      before: presentPricing(before, deps.config.CURRENCY),
      after: out,
    });
    return { version: after.theater.pricing_version, pricing: out };
  });
  await deps.cache.invalidate('catalog');
  return result;
}
