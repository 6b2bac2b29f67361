// Driving cancellations: the route waits CANCEL_WAIT_MS for the work and then answers with progress
// while the rest goes on in the background; the reconciler resumes cancellations left unfinished (a
// process that died, a gateway that was down, a customer refund that was in flight).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Deps } from '../../deps.ts';
import type { Actor } from '../audit/index.ts';
import { type CancellationRow, recordCancellation, runCancellation } from './cancel-screening.ts';
import { type Progress, progressOfScreening } from './progress.ts';

export interface Background {
  /** runs still going in this process (the app waits for them when it closes) */
  running: Set<Promise<void>>;
  onError(err: unknown): void;
}

/** Records the cancellation (once) and works on it: the answer is its progress after at most CANCEL_WAIT_MS. */
export async function cancelScreening(deps: Deps, actor: Actor, screeningId: number, reason: string, bg: Background): Promise<Progress> {
  const c = await recordCancellation(deps, actor, screeningId, reason);
  const run = runCancellation(deps, c, { retryFailed: true }).catch(bg.onError);
  bg.running.add(run);
  void run.finally(() => bg.running.delete(run));
  const waitMs = deps.config.CANCEL_WAIT_MS;
  if (waitMs > 0) {
    const ac = new AbortController();
    await Promise.race([run, sleep(waitMs, undefined, { signal: ac.signal }).catch(() => undefined)]);
    ac.abort();
  }
  return (await progressOfScreening(deps.db, screeningId)) as Progress;
}

/**
 * The reconciler's part: every unfinished cancellation, oldest first, a page at a time, without
 * retrying refused refunds. All of them, not the oldest few: one that cannot finish yet (refunds the
 * gateway will not answer, a customer's refund in flight, a run that fails) stays unfinished, and a
 * pass that took only the oldest `page` would let such ones keep newer ones from ever being resumed.
 * A stuck one costs a pass a few statements; its refunds are sent again only when their leases end.
 */
export async function resumeCancellations(deps: Deps, onError: (err: unknown) => void = () => {}, page = 5): Promise<number[]> {
  const resumed: number[] = [];
  for (let after = 0; ; ) {
    const { rows } = await deps.db.query<CancellationRow>(
      `SELECT id, screening_id, reason, cancelled_by, created_at, completed_at FROM screening_cancellations
        WHERE completed_at IS NULL AND id > $2 ORDER BY id LIMIT $1`,
      [page, after],
    );
    for (const c of rows) {
      try {
        await runCancellation(deps, c, { retryFailed: false });
      } catch (err) {
        onError(err);
      }
      resumed.push(c.screening_id);
    }
    if (rows.length < page) return resumed;
    after = rows[rows.length - 1].id;
  }
}
