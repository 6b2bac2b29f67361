// Turns expired holds into 'expired' and frees their seats, in batches of due holds taken with
// FOR UPDATE SKIP LOCKED, so any number of instances can sweep at once and each hold is released
// once. The sweeper is housekeeping, not correctness: an expired hold already counts as free in
// every read and write. What it adds is the live release event, the seat-map version bump, and
// tidy rows.
import type { Deps } from '../deps.ts';
import { seatsChanged } from '../modules/seating/seat-map.ts';

export interface SweepResult {
  holds: string[];
  seats: number;
}

export async function sweepExpiredHolds(deps: Deps, batch = 200): Promise<SweepResult> {
  const { freed, versions, holds } = await deps.db.tx(async (trx) => {
    const { rows } = await trx.query<{ hold_id: string; user_id: number; screening_id: number; seat_id: number | null }>(
      `WITH due AS (
         SELECT id FROM holds WHERE status = 'active' AND reserved_until <= now()
          ORDER BY reserved_until LIMIT $1 FOR UPDATE SKIP LOCKED),
       marked AS (
         UPDATE holds h SET status = 'expired', released_at = now(), released_reason = 'expired'
           FROM due WHERE h.id = due.id
         RETURNING h.id, h.user_id, h.screening_id, h.seat_ids),
       freed AS (
         UPDATE screening_seats ss
            SET status = 'available', hold_id = NULL, held_until = NULL, version = ss.version + 1, updated_at = now()
           FROM marked
          WHERE ss.screening_id = marked.screening_id AND ss.seat_id = ANY (marked.seat_ids)
            AND ss.hold_id = marked.id AND ss.status = 'held'
         RETURNING marked.id AS hold_id, ss.seat_id)
       SELECT m.id AS hold_id, m.user_id, m.screening_id, f.seat_id
         FROM marked m LEFT JOIN freed f ON f.hold_id = m.id`,
      [batch],
    );
    const screenings = [...new Set(rows.filter((r) => r.seat_id !== null).map((r) => r.screening_id))].sort((a, b) => a - b);
    const bumped = screenings.length
      ? (
          await trx.query<{ id: number; seat_map_version: number }>(
            `UPDATE screenings SET seat_map_version = seat_map_version + 1 WHERE id = ANY($1::int[])
             RETURNING id, seat_map_version`,
            [screenings],
          )
        ).rows
      : [];
    return { freed: rows, versions: new Map(bumped.map((b) => [b.id, b.seat_map_version])), holds: [...new Set(rows.map((r) => r.hold_id))] };
  });

  for (const [screeningId, version] of versions) {
    const mine = freed.filter((r) => r.screening_id === screeningId && r.seat_id !== null);
    seatsChanged(deps, {
      screening_id: screeningId,
      version,
      seats: mine.map((r) => ({ id: r.seat_id as number, status: 'available' as const })),
    });
    for (const userId of new Set(mine.map((r) => r.user_id))) {
      const seats = mine.filter((r) => r.user_id === userId).map((r) => r.seat_id as number);
      await deps.fastPath.unmark(screeningId, seats, `u${userId}`);
    }
  }
  return { holds, seats: freed.filter((r) => r.seat_id !== null).length };
}

/** Runs the sweep every intervalMs (never two at once in this process) until stopped. */
export function startHoldSweeper(deps: Deps, onError: (err: unknown) => void): () => Promise<void> {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running) return;
    running = (async () => {
      try {
        // keep going while full batches come back: a backlog drains in one tick
        while ((await sweepExpiredHolds(deps)).holds.length === 200);
      } catch (err) {
        onError(err);
      } finally {
        running = null;
      }
    })();
  };
  const timer = setInterval(tick, deps.config.SWEEP_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
