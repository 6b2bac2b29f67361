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

/** The reconciler's part: unfinished cancellations, oldest first, without retrying refused refunds. */
export async function resumeCancellations(deps: Deps, onError: (err: unknown) => void = () => {}, limit = 5): Promise<number[]> {
  const { rows } = await deps.db.query<CancellationRow>(
    `SELECT id, screening_id, reason, cancelled_by, created_at, completed_at FROM screening_cancellations
      WHERE completed_at IS NULL ORDER BY created_at LIMIT $1`,
    [limit],
  );
  for (const c of rows) {
    try {
      await runCancellation(deps, c, { retryFailed: false });
    } catch (err) {
      onError(err);
    }
  }
  return rows.map((c) => c.screening_id);
}
