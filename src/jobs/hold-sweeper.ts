// Runs the hold sweep (holds/expire-holds.ts) on a timer.
import type { Deps } from '../deps.ts';
import { sweepExpiredHolds } from '../modules/holds/index.ts';
import { every } from './every.ts';

/** Runs the sweep every SWEEP_INTERVAL_MS (never two at once in this process) until stopped. */
export function startHoldSweeper(deps: Deps, onError: (err: unknown) => void): () => Promise<void> {
  // keep going while full batches come back: a backlog drains in one tick
  return every(
    'hold-sweep',
    deps.config.SWEEP_INTERVAL_MS,
    async () => {
      while ((await sweepExpiredHolds(deps)).holds.length === 200);
    },
    onError,
  );
}
