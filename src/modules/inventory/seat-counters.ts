// The screening's seat counters: available_seats (the lists' "N seats left") and seat_map_version
// (the per-screening counter every seat change increments, in commit order: the screening row lock
// serialises writers). Bumped last in a seat-changing transaction, so that lock is held only for
// the commit. Moved by deltas, never set, so a sale committed meanwhile is not overwritten.
import type { Sql } from '../../db/client.ts';

/**
 * Moves available_seats by the delta and bumps the seat-map version; returns the new version. The
 * screening's updated_at moves with its counter only (a hold coming or going leaves it).
 */
export async function bumpSeatMap(sql: Sql, screeningId: number, availableDelta = 0): Promise<number> {
  const { rows } = await sql.query<{ seat_map_version: number }>(
    `UPDATE screenings SET available_seats = greatest(0, available_seats + $2), seat_map_version = seat_map_version + 1,
            updated_at = CASE WHEN $2 = 0 THEN updated_at ELSE now() END
      WHERE id = $1 RETURNING seat_map_version`,
    [screeningId, availableDelta],
  );
  return rows[0].seat_map_version;
}

/** Bumps the seat-map version of each screening (in id order); returns each new version. */
export async function bumpSeatMaps(sql: Sql, screeningIds: number[]): Promise<Map<number, number>> {
  if (screeningIds.length === 0) return new Map();
  const ids = [...new Set(screeningIds)].sort((a, b) => a - b);
  const { rows } = await sql.query<{ id: number; seat_map_version: number }>(
    'UPDATE screenings SET seat_map_version = seat_map_version + 1 WHERE id = ANY($1::int[]) RETURNING id, seat_map_version',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.seat_map_version]));
}

/** Seats sold, and seats that can be sold (all but blocked ones), of a screening: its sold share. */
export async function soldTally(sql: Sql, screeningId: number): Promise<{ sold: number; sellable: number }> {
  const { rows } = await sql.query<{ sold: number; sellable: number }>(
    `SELECT count(*) FILTER (WHERE status = 'sold')::int AS sold, count(*) FILTER (WHERE status <> 'blocked')::int AS sellable
       FROM screening_seats WHERE screening_id = $1`,
    [screeningId],
  );
  return rows[0] ?? { sold: 0, sellable: 0 };
}
