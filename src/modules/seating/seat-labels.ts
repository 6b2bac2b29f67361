// Seat labels ("E7": row label + number) by seat id, for answers that name seats to people (holds,
// refusals). A seat's label never changes: halls match seats by row label and number, so an edited
// layout keeps the ids of the seats it keeps and gives new seats new ids (halls/queries.ts). So each
// instance keeps the labels it has read, per database, with nothing to invalidate: after its first
// look-up a seat costs no round trip, and the hold path stays one statement. A look-up reads whole
// halls (a few hundred rows at most).
import type { Db, Sql } from '../../db/client.ts';

// Bounded: cleared whole past this many seats (a large chain has a few hundred thousand).
const MAX_SEATS = 500_000;
const byDb = new WeakMap<Db, Map<number, string>>();

/**
 * The labels of these seats, in their order; a seat id that is no seat gets `#id`. Inside a
 * transaction, pass it as `via` (the embedded engine has one connection: a query beside it would wait).
 */
export async function seatLabels(db: Db, seatIds: readonly number[], via: Sql = db): Promise<string[]> {
  let known = byDb.get(db);
  if (!known) {
    known = new Map();
    byDb.set(db, known);
  }
  const missing = seatIds.filter((id) => !known.has(id));
  if (missing.length > 0) {
    // the whole hall of each missing seat: a flash sale asks for hundreds of seats of one hall, each
    // for the first time, and this makes that one round trip instead of one per hold
    const { rows } = await via.query<{ id: number; label: string }>(
      'SELECT id, row_label || number AS label FROM seats WHERE hall_id IN (SELECT hall_id FROM seats WHERE id = ANY ($1::int[]))',
      [missing],
    );
    if (known.size + rows.length > MAX_SEATS) known.clear();
    for (const r of rows) known.set(r.id, r.label);
  }
  return seatIds.map((id) => known.get(id) ?? `#${id}`);
}
