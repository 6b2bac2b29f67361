// Admin writes of theaters. The city must exist (400 unknown_city), the time zone must be an IANA
// name (400 invalid_time_zone); a theater with halls cannot be deleted (409 in_use).
import type { Sql } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { checkIfMatch } from '../../http/etag.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { everCaptured } from '../payments/index.ts';
import { freezeSalesKeys } from '../reports/index.ts';
import { presentTheater } from './presenter.ts';
import { cityExists, deleteTheaterRow, findTheater, insertTheater, updateTheaterRow, type TheaterWrite } from './queries.ts';
import type { CreateTheaterBody, UpdateTheaterBody } from './schemas.ts';
import { checkTimeZone } from './time-zones.ts';
import { catalogWrite, onForeignKey, requireChanges, type Versioned, type WriteContext } from './write.ts';

type Theater = ReturnType<typeof presentTheater>;

export async function createTheater(deps: Deps, actor: Actor, body: CreateTheaterBody): Promise<Versioned<Theater>> {
  return catalogWrite(deps, async (trx) => {
    const w: TheaterWrite = {
      city_id: body.city_id,
      name: body.name,
      address: body.address,
      contact_phone: body.contact_phone ?? null,
      contact_email: body.contact_email ?? null,
      time_zone: await checkTimeZone(trx, body.time_zone ?? 'Asia/Jakarta'),
      is_active: body.is_active ?? true,
      orphan_seat_rule: body.orphan_seat_rule ?? true,
      companion_needs_wheelchair: body.companion_needs_wheelchair ?? true,
      sellout_alert_percents: ascending(body.sellout_alert_percents ?? [80, 95, 100]),
    };
    await checkCity(trx, w.city_id);
    const row = await onForeignKey(
      () => insertTheater(trx, w),
      () => unknownCity(w.city_id),
    );
    const data = presentTheater(row);
    await recordAudit(trx, actor, { action: 'theater.create', entity: 'theater', entityId: row.id, after: data });
    return { data, version: row.version };
  });
}

/** Changes only the fields sent (PUT and PATCH alike). */
export async function updateTheater(deps: Deps, ctx: WriteContext, id: number, patch: UpdateTheaterBody): Promise<Versioned<Theater>> {
  requireChanges(patch);
  return catalogWrite(deps, async (trx) => {
    const current = await findTheater(trx, id, true);
    if (!current) throw new AppError('theater_not_found');
    checkIfMatch(ctx.ifMatch, current.version);
    const w: TheaterWrite = {
      city_id: patch.city_id ?? current.city_id,
      name: patch.name ?? current.name,
      address: patch.address ?? current.address,
      contact_phone: patch.contact_phone === undefined ? current.contact_phone : patch.contact_phone,
      contact_email: patch.contact_email === undefined ? current.contact_email : patch.contact_email,
      time_zone: patch.time_zone === undefined ? current.time_zone : await checkTimeZone(trx, patch.time_zone),
      is_active: patch.is_active ?? current.is_active,
      orphan_seat_rule: patch.orphan_seat_rule ?? current.orphan_seat_rule,
      companion_needs_wheelchair: patch.companion_needs_wheelchair ?? current.companion_needs_wheelchair,
      sellout_alert_percents: patch.sellout_alert_percents === undefined ? current.sellout_alert_percents : ascending(patch.sellout_alert_percents),
    };
    if (w.city_id !== current.city_id) await checkCity(trx, w.city_id);
    if (w.time_zone !== current.time_zone) {
      // the local days its sales are reported under: fixed once it has sold
      await freezeSalesKeys(trx);
      if (await everCaptured(trx, { theaterId: id })) throw new AppError('theater_has_sales');
    }
    const row = await onForeignKey(
      () => updateTheaterRow(trx, id, w),
      () => unknownCity(w.city_id),
    );
    const data = presentTheater(row);
    await recordAudit(trx, ctx.actor, {
      action: 'theater.update',
      entity: 'theater',
      entityId: id,
      before: presentTheater(current),
      after: data,
    });
    return { data, version: row.version };
  });
}

// Its halls hold the seats and screenings that tickets point to: those must go first. Pricing rows
// (surcharges, price rules) belong to the theater alone and go with it (ON DELETE CASCADE).
export async function deleteTheater(deps: Deps, ctx: WriteContext, id: number): Promise<Theater> {
  return catalogWrite(deps, async (trx) => {
    const current = await findTheater(trx, id, true);
    if (!current) throw new AppError('theater_not_found');
    checkIfMatch(ctx.ifMatch, current.version);
    if (current.total_halls > 0) throw inUse(current.total_halls);
    await onForeignKey(
      () => deleteTheaterRow(trx, id),
      () => inUse(1),
    );
    const before = presentTheater(current);
    await recordAudit(trx, ctx.actor, { action: 'theater.delete', entity: 'theater', entityId: id, before });
    return before;
  });
}

async function checkCity(trx: Sql, cityId: number) {
  if (!(await cityExists(trx, cityId))) throw unknownCity(cityId);
}

const unknownCity = (cityId: number) => new AppError('unknown_city', `No city with id ${cityId}`, { city_id: cityId });

const inUse = (halls: number) => new AppError('in_use', `The theater has ${halls} hall(s); delete them first`, { halls });

/** Sell-out thresholds in ascending order, or 400 (the schema checked range, count and uniqueness). */
function ascending(percents: number[]): number[] {
  if (percents.some((p, i) => i > 0 && p <= percents[i - 1])) {
    throw new AppError('validation_failed', 'sellout_alert_percents must be in ascending order', {
      errors: [{ path: 'body/sellout_alert_percents', message: 'must be ascending, e.g. [80, 95, 100]' }],
    });
  }
  return percents;
}
