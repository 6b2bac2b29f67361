// Admin writes of cities. A city with theaters cannot be deleted (409 in_use).
import type { Deps } from '../../deps.ts';
import { pgCode, PG } from '../../db/client.ts';
import { AppError } from '../../http/errors.ts';
import { checkIfMatch } from '../../http/etag.ts';
import { type Actor, recordAudit } from '../audit/index.ts';
import { presentCity } from './presenter.ts';
import { deleteCityRow, findCity, insertCity, theatersOfCity, updateCityRow, type CityWrite } from './queries.ts';
import type { CreateCityBody, UpdateCityBody } from './schemas.ts';
import { catalogWrite, onForeignKey, requireChanges, type Versioned, type WriteContext } from './write.ts';

type City = ReturnType<typeof presentCity>;

export async function createCity(deps: Deps, actor: Actor, body: CreateCityBody): Promise<Versioned<City>> {
  return catalogWrite(deps, async (trx) => {
    const row = await uniqueName(() => insertCity(trx, { name: body.name, province: body.province ?? null }));
    const data = presentCity(row);
    await recordAudit(trx, actor, { action: 'city.create', entity: 'city', entityId: row.id, after: data });
    return { data, version: row.version };
  });
}

/** Changes only the fields sent (PUT and PATCH alike). */
export async function updateCity(deps: Deps, ctx: WriteContext, id: number, patch: UpdateCityBody): Promise<Versioned<City>> {
  requireChanges(patch);
  return catalogWrite(deps, async (trx) => {
    const current = await findCity(trx, id, true);
    if (!current) throw new AppError('city_not_found');
    checkIfMatch(ctx.ifMatch, current.version);
    const next: CityWrite = {
      name: patch.name ?? current.name,
      province: patch.province === undefined ? current.province : patch.province,
    };
    const row = await uniqueName(() => updateCityRow(trx, id, next));
    const data = presentCity(row);
    await recordAudit(trx, ctx.actor, { action: 'city.update', entity: 'city', entityId: id, before: presentCity(current), after: data });
    return { data, version: row.version };
  });
}

export async function deleteCity(deps: Deps, ctx: WriteContext, id: number): Promise<City> {
  return catalogWrite(deps, async (trx) => {
    const current = await findCity(trx, id, true);
    if (!current) throw new AppError('city_not_found');
    checkIfMatch(ctx.ifMatch, current.version);
    const theaters = await theatersOfCity(trx, id);
    if (theaters > 0) throw inUse(theaters);
    await onForeignKey(
      () => deleteCityRow(trx, id),
      () => inUse(1),
    );
    const before = presentCity(current);
    await recordAudit(trx, ctx.actor, { action: 'city.delete', entity: 'city', entityId: id, before });
    return before;
  });
}

const inUse = (theaters: number) => new AppError('in_use', `The city has ${theaters} theater(s); move or delete them first`, { theaters });

// (name, province) is unique: two cities of one name are told apart by their province.
async function uniqueName<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (pgCode(err) === PG.uniqueViolation) throw new AppError('city_exists');
    throw err;
  }
}
