// What every catalog write shares: one transaction, then the browse cache made stale; the If-Match
// precondition read from the request; and the result with the version that becomes the ETag.
import { pgCode, PG, type Sql } from '../../db/client.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import type { Actor } from '../audit/index.ts';

export interface WriteContext {
  actor: Actor;
  /** versions If-Match accepts; undefined = no precondition */
  ifMatch: number[] | undefined;
}

export interface Versioned<T> {
  data: T;
  version: number;
}

/** Runs fn in one transaction; once it has committed, every cached browse list is stale. */
export async function catalogWrite<T>(deps: Deps, fn: (trx: Sql) => Promise<T>): Promise<T> {
  const out = await deps.db.tx(fn);
  await deps.cache.invalidate('catalog');
  return out;
}

/** A patch whose fields were all unknown (and dropped) would only bump the version. */
export function requireChanges(patch: object) {
  if (Object.keys(patch).length === 0) throw new AppError('validation_failed', 'Send at least one field to change');
}

/**
 * Runs a statement that a concurrent writer can break through a foreign key (a referenced row deleted,
 * a referencing row added after our check) and turns that into the given error instead of a 500.
 */
export async function onForeignKey<T>(run: () => Promise<T>, error: () => AppError): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (pgCode(err) === PG.foreignKeyViolation) throw error();
    throw err;
  }
}
