// What the database says after a hold load: seats in two live active holds (oversold, must be 0),
// and whether every 201 a client kept is a live active hold holding exactly its seats.
import { query } from './database.ts';
import type { Grant } from './flash-sale.ts';

export interface HoldCheck {
  /** seats of these screenings that appear in two or more live active holds */
  oversold: number;
  /** 201s checked, and those that are not a live active hold with exactly their seats held by it */
  grants_checked: number;
  grants_wrong: number;
  /** live active holds of these screenings that no client kept a 201 for */
  unacknowledged_holds: number;
  /** seats held in screening_seats, and seats in the 201s the clients kept */
  seats_held_db: number;
  seats_held_clients: number;
  /** the first few discrepancies */
  problems: string[];
}

const sorted = (a: number[]) => [...a].sort((x, y) => x - y).join(',');

export async function checkHolds(dbUrl: string, screeningIds: number[], grants: Grant[]): Promise<HoldCheck> {
  const over = await query<{ n: string }>(
    `SELECT count(*) AS n FROM (
       SELECT screening_id, seat_id FROM holds, unnest(seat_ids) seat_id
        WHERE screening_id = ANY ($1::int[]) AND status = 'active' AND reserved_until > now()
        GROUP BY screening_id, seat_id HAVING count(*) > 1) x`,
    [screeningIds],
    dbUrl,
  );
  const holds = await query<{ id: string; seat_ids: number[]; live: boolean }>(
    `SELECT id, seat_ids, (status = 'active' AND reserved_until > now()) AS live FROM holds WHERE screening_id = ANY ($1::int[])`,
    [screeningIds],
    dbUrl,
  );
  const seats = await query<{ hold_id: string; seat_id: number }>(
    `SELECT hold_id, seat_id FROM screening_seats
      WHERE screening_id = ANY ($1::int[]) AND status = 'held' AND held_until > now()`,
    [screeningIds],
    dbUrl,
  );
  const byId = new Map(holds.rows.map((h) => [h.id, h]));
  const heldBy = new Map<string, number[]>();
  for (const s of seats.rows) heldBy.set(s.hold_id, [...(heldBy.get(s.hold_id) ?? []), s.seat_id]);
  const problems: string[] = [];
  let wrong = 0;
  for (const g of grants) {
    const h = byId.get(g.holdId);
    const why = !h
      ? 'not in the database'
      : !h.live
        ? 'not a live active hold'
        : sorted(h.seat_ids) !== sorted(g.seatIds)
          ? `seat_ids ${sorted(h.seat_ids)} in the database, ${sorted(g.seatIds)} in the 201`
          : sorted(heldBy.get(g.holdId) ?? []) !== sorted(g.seatIds)
            ? `screening_seats held by it: ${sorted(heldBy.get(g.holdId) ?? [])}, 201 says ${sorted(g.seatIds)}`
            : undefined;
    if (why === undefined) continue;
    wrong++;
    if (problems.length < 10) problems.push(`hold ${g.holdId} (screening ${g.screeningId}): ${why}`);
  }
  const kept = new Set(grants.map((g) => g.holdId));
  const unacknowledged = holds.rows.filter((h) => h.live && !kept.has(h.id));
  for (const h of unacknowledged.slice(0, Math.max(0, 10 - problems.length)))
    problems.push(`live hold ${h.id} (${h.seat_ids}) that no client kept a 201 for`);
  return {
    oversold: Number(over.rows[0]?.n ?? -1),
    grants_checked: grants.length,
    grants_wrong: wrong,
    unacknowledged_holds: unacknowledged.length,
    seats_held_db: seats.rows.length,
    seats_held_clients: grants.reduce((n, g) => n + g.seatIds.length, 0),
    problems,
  };
}
